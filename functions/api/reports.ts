import * as z from 'zod';
import { cycleReport, personHistory, reportPeople, reportPeoplePage } from '#services/report.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { REPORT_COLUMNS, reportRow, toCsv } from '#domain/report.ts';
import { HttpError, hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { cycleIdSchema, pageQuerySchema } from './schemas.ts';

const formatSchema = z.enum(['json', 'csv'], { error: 'format must be json or csv' }).default('json');

/**
 * GET /cycles/{cycleId}/report[?format=csv]: completion and lateness per phase and department, final
 * ratings, goal outcomes and results, calibration (JSON); or one row per person (CSV, every page assembled).
 * GET /cycles/{cycleId}/report/people?limit&cursor: the per-person entries a page at a time.
 * GET /employees/{employeeId}/history: one person's appraisals across cycles.
 */
export const handler = apiRoutes({
  'GET /cycles/{cycleId}/report': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    const format = formatSchema.safeParse(event.queryStringParameters?.format);
    if (!format.success)
      throw new HttpError(
        400,
        'invalid format',
        format.error.issues.map((issue) => issue.message),
      );
    if (format.data === 'json') return json(200, await cycleReport(cycleId));
    const people = await reportPeople(cycleId);
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${cycleId}-report.csv"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      body: toCsv([[...REPORT_COLUMNS], ...people.map(reportRow)]),
    };
  },
  'GET /cycles/{cycleId}/report/people': async (event) => {
    hrActor(event);
    const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
    return json(200, await reportPeoplePage(cycleId, pageQuerySchema.parse(event.queryStringParameters ?? {})));
  },
  'GET /employees/{employeeId}/history': async (event) => {
    hrActor(event);
    const employeeId = pathParameter(event, 'employeeId', employeeIdSchema);
    return json(200, { employeeId, cycles: await personHistory(employeeId) });
  },
});
