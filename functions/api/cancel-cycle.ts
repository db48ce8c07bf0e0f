import { cancelCycle } from '#services/steer.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema } from './schemas.ts';

export const handler = apiRoutes(
  {
    'POST /cycles/{cycleId}/cancel': async (event) => {
      const actor = hrActor(event);
      const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
      const { notified } = await cancelCycle(cycleId, actor);
      return json(200, { cycleId, phase: 'CANCELLED' as const, notified });
    },
  },
  { sendsMail: true },
);
