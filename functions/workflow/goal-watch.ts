import middy from '@middy/core';
import { runGoalWatch } from '#services/goals.ts';
import { observability } from '#shared/observability.ts';

/** Task `RunGoalWatch`: started once a day by the schedule; its input (the schedule's) carries nothing it needs. */
export const handler = middy()
  .use(observability({ metrics: true }))
  .handler(async () => runGoalWatch());
