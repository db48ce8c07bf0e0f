import { cycleList, goalsNeedingAttention, recentRecognition } from '#services/overview.ts';
import { apiHandler, hrActor, json } from '#shared/http.ts';

/**
 * What HR sees at a glance: GET /cycles (every cycle with its phase, deadlines and completion),
 * GET /goals/attention[?period=2026-Q4] (goals at risk and missed across the organisation) and
 * GET /recognition (the latest praise).
 */
export const handler = apiHandler(async (event) => {
  hrActor(event);
  if (event.routeKey === 'GET /goals/attention')
    return json(200, await goalsNeedingAttention(event.queryStringParameters?.period));
  if (event.routeKey === 'GET /recognition') return json(200, { recognition: await recentRecognition() });
  return json(200, { cycles: await cycleList() });
});
