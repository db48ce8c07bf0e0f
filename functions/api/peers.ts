import { assignPeers } from '#services/peers.ts';
import { hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema, peerAssignmentSchema } from './schemas.ts';

/** POST /cycles/{cycleId}/peers `{ employeeId, reviewers: [ids] }`: HR assigns peer reviewers; each new one is emailed. */
export const handler = apiRoutes(
  {
    'POST /cycles/{cycleId}/peers': async (event) => {
      const actor = hrActor(event);
      const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
      const { employeeId, reviewers } = parseJsonBody(event, peerAssignmentSchema);
      return json(200, await assignPeers(cycleId, employeeId, reviewers, actor));
    },
  },
  { sendsMail: true, idempotency: idempotencyKey() },
);
