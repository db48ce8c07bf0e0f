import { cancelCycle } from '#services/steer.ts';
import { apiHandler, hrActor, json, pathParameter } from '#shared/http.ts';
import { cycleIdSchema } from './schemas.ts';

export const handler = apiHandler(
  async (event) => {
    const actor = hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { notified } = await cancelCycle(cycleId, actor);
    return json(200, { cycleId, phase: 'CANCELLED', notified });
  },
  { sendsMail: true },
);
