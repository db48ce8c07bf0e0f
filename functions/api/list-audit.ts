import { cycleAudit } from '#services/status.ts';
import { apiHandler, hrActor, json, pathParameter } from '#shared/http.ts';
import { cycleIdSchema } from './schemas.ts';

export const handler = apiHandler(async (event) => {
  hrActor(event);
  return json(200, { events: await cycleAudit(pathParameter(event, 'cycleId', cycleIdSchema)) });
});
