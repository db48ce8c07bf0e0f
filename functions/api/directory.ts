import { employeeIdSchema } from '#domain/employee.ts';
import { listEmployees, setEmployeeActive } from '#services/employees.ts';
import { type HttpEvent, hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { directoryQuerySchema } from './schemas.ts';

/** A leaver out of new cycles and mail (`active` false), or back. */
async function setActive(event: HttpEvent, active: boolean) {
  const actor = hrActor(event);
  const employeeId = pathParameter(event, 'employeeId', employeeIdSchema);
  return json(200, await setEmployeeActive(employeeId, active, actor));
}

/**
 * GET /employees[?department=&limit=&cursor=]: a page of the directory (`nextCursor` while there is more).
 * POST /employees/{employeeId}/deactivate and .../activate: a leaver out of new cycles and mail, and back.
 */
export const handler = apiRoutes({
  'GET /employees': async (event) => {
    hrActor(event);
    return json(200, await listEmployees(directoryQuerySchema.parse(event.queryStringParameters ?? {})));
  },
  'POST /employees/{employeeId}/deactivate': (event) => setActive(event, false),
  'POST /employees/{employeeId}/activate': (event) => setActive(event, true),
});
