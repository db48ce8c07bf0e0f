import middy from '@middy/core';
import { flushEveryOutbox } from '#services/outbox.ts';
import { observability } from '#shared/observability.ts';

/** Leaves a minute of the function's five for the sends in flight when the budget runs out. */
const BUDGET_MS = 4 * 60_000;

/** Started every few minutes by a schedule (EventBridge in AWS, the project clock locally); its input carries nothing it needs. */
export const handler = middy()
  .use(observability({ metrics: true }))
  .handler(async () => flushEveryOutbox(BUDGET_MS));
