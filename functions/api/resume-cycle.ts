import { resumeCycle } from '#services/steer.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema } from './schemas.ts';

/** POST /cycles/{cycleId}/resume: 409 while the cycle's workflow runs or once the cycle is finished. */
export const handler = apiRoutes({
  'POST /cycles/{cycleId}/resume': async (event) => {
    const actor = hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { phase, problem, executionArn } = await resumeCycle(cycleId, actor);
    return json(200, { cycleId, phase, problem, executionArn });
  },
});
