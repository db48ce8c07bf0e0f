import { cycleList, goalsNeedingAttention, recentRecognition } from '#services/overview.ts';
import { hrActor, json } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { attentionQuerySchema } from './schemas.ts';

/**
 * What HR sees at a glance: GET /cycles (every cycle with its phase, deadlines and completion),
 * GET /goals/attention[?period=2026-Q4][&list=at-risk|missed&limit=&cursor=] (goals at risk and missed across the
 * organisation, counted, a page of each or the next page of one) and
 * GET /recognition (the latest praise).
 */
export const handler = apiRoutes({
  'GET /cycles': async (event) => {
    hrActor(event);
    return json(200, { cycles: await cycleList() });
  },
  'GET /goals/attention': async (event) => {
    hrActor(event);
    const { period, list, limit, cursor } = attentionQuerySchema.parse(event.queryStringParameters ?? {});
    return json(200, await goalsNeedingAttention(period, { list, limit, cursor }));
  },
  'GET /recognition': async (event) => {
    hrActor(event);
    return json(200, { recognition: await recentRecognition() });
  },
});
