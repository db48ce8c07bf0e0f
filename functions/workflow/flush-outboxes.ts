import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { flushEveryOutbox } from '#services/outbox.ts';
import { observability } from '#shared/observability.ts';

/** What a run leaves of its time for the sends in flight when its budget runs out. */
const SENDS_IN_FLIGHT_MS = 60_000;

/**
 * Started every few minutes by a schedule (EventBridge in AWS, the project clock locally); its input carries nothing
 * it needs. It sends for as long as it may: a backlog drains as fast with a run every 15 minutes as with one every 5.
 */
export const handler = middy()
  .use(observability({ metrics: true }))
  .handler(async (_event: unknown, context: Context) =>
    flushEveryOutbox(context.getRemainingTimeInMillis() - SENDS_IN_FLIGHT_MS),
  );
