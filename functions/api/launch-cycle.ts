import { launchCycle } from '#cycle/launch.ts';
import { apiHandler, hrActor, json, parseJsonBody } from '#shared/http.ts';
import { launchRequestSchema } from './schemas.ts';

/** POST /cycles: `{ name, selfDue, managerDue, department? }` with dates as YYYY-MM-DD in the organisation's zone. */
export const handler = apiHandler(async (event) => {
  const actor = hrActor(event);
  const request = parseJsonBody(event, launchRequestSchema);
  const cycle = await launchCycle(request, actor);
  return json(201, {
    cycleId: cycle.cycleId,
    name: cycle.name,
    phase: cycle.phase,
    selfDue: new Date(cycle.selfDue).toISOString(),
    managerDue: new Date(cycle.managerDue).toISOString(),
    timeZone: cycle.timeZone,
  });
});
