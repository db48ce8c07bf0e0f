import { releaseCycle } from '#services/steer.ts';
import { hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema, releaseRequestSchema } from './schemas.ts';

/**
 * POST /cycles/{cycleId}/release: `{ force? }`. HR releases a calibrated cycle's results; 409 outside
 * calibration, or (without force) while reviews HR reopened are still pending, naming them.
 */
export const handler = apiRoutes({
  'POST /cycles/{cycleId}/release': async (event) => {
    const actor = hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const { force } = event.body ? parseJsonBody(event, releaseRequestSchema) : { force: undefined };
    const { phase, pendingReopened } = await releaseCycle(cycleId, actor, force ?? false);
    return json(200, { cycleId, phase, pendingReopened });
  },
});
