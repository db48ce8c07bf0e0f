import { calibrationView } from '#services/calibration.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { calibrationQuerySchema, cycleIdSchema } from './schemas.ts';

/**
 * GET /cycles/{cycleId}/calibration[?limit=&cursor=]: ratings per manager and department (counts at each
 * scale point before and after calibration, means, deviation from the cycle's, outliers) and who is missing
 * a review, on the first page; every page a slice of the participants with their ratings.
 */
export const handler = apiRoutes({
  'GET /cycles/{cycleId}/calibration': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    return json(200, await calibrationView(cycleId, calibrationQuerySchema.parse(event.queryStringParameters ?? {})));
  },
});
