import { cycleStatus } from '#services/status.ts';
import { apiHandler, hrActor, json, pathParameter } from '#shared/http.ts';
import { cycleIdSchema } from './schemas.ts';

export const handler = apiHandler(async (event) => {
  hrActor(event);
  return json(200, await cycleStatus(pathParameter(event, 'cycleId', cycleIdSchema)));
});
