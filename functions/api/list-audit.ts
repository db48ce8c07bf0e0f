import { cycleAudit } from '#services/status.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema } from './schemas.ts';

export const handler = apiRoutes({
  'GET /cycles/{cycleId}/audit': async (event) => {
    hrActor(event);
    return json(200, { events: await cycleAudit(pathParameter(event, 'cycleId', cycleIdSchema)) });
  },
});
