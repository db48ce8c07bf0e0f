import { employeeIdSchema } from '#domain/employee.ts';
import { listEmployees, setEmployeeActive } from '#services/employees.ts';
import { apiHandler, hrActor, json, pathParameter } from '#shared/http.ts';
import { directoryQuerySchema } from './schemas.ts';

/**
 * GET /employees[?department=&limit=&cursor=]: a page of the directory (`nextCursor` while there is more).
 * POST /employees/{employeeId}/deactivate and .../activate: a leaver out of new cycles and mail, and back.
 */
export const handler = apiHandler(async (event) => {
  const actor = hrActor(event);
  if (event.requestContext.http.method === 'GET')
    return json(200, await listEmployees(directoryQuerySchema.parse(event.queryStringParameters ?? {})));
  const employeeId = pathParameter(event, 'employeeId', employeeIdSchema);
  return json(200, await setEmployeeActive(employeeId, event.rawPath.endsWith('/activate'), actor));
});
