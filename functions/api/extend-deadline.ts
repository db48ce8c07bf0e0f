import { extendDeadline, reopenReview } from '#services/steer.ts';
import { hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema, extendRequestSchema } from './schemas.ts';

/** POST /cycles/{cycleId}/extensions: `{ employeeId, until, review? }`: a self-assessment's deadline, or (`review: "manager"`) a manager review reopened. */
export const handler = apiRoutes(
  {
    'POST /cycles/{cycleId}/extensions': async (event) => {
      const actor = hrActor(event);
      const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
      const { employeeId, until, review } = parseJsonBody(event, extendRequestSchema);
      const result =
        review === 'manager'
          ? await reopenReview(cycleId, employeeId, until, actor)
          : await extendDeadline(cycleId, employeeId, until, actor);
      return json(200, {
        cycleId,
        employeeId,
        until: new Date(result.until).toISOString(),
        ...(review ? { review } : {}),
      });
    },
  },
  { idempotency: idempotencyKey() },
);
