import { cycleStatus } from '#services/status.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema } from './schemas.ts';

export const handler = apiRoutes({
  'GET /cycles/{cycleId}': async (event) => {
    hrActor(event);
    return json(200, await cycleStatus(pathParameter(event, 'cycleId', cycleIdSchema)));
  },
});
