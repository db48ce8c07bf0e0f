import { cycleList, goalsNeedingAttention, recentRecognition } from '#services/overview.ts';
import { hrActor, json } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';

/**
 * What HR sees at a glance: GET /cycles (every cycle with its phase, deadlines and completion),
 * GET /goals/attention[?period=2026-Q4] (goals at risk and missed across the organisation) and
 * GET /recognition (the latest praise).
 */
export const handler = apiRoutes({
  'GET /cycles': async (event) => {
    hrActor(event);
    return json(200, { cycles: await cycleList() });
  },
  'GET /goals/attention': async (event) => {
    hrActor(event);
    return json(200, await goalsNeedingAttention(event.queryStringParameters?.period));
  },
  'GET /recognition': async (event) => {
    hrActor(event);
    return json(200, { recognition: await recentRecognition() });
  },
});
