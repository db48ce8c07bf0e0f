import { parseRoster } from '#domain/employee.ts';
import { nowIso } from '#shared/clock.ts';
import { apiHandler, hrActor, json, parseJsonBody, readBody } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { logger } from '#shared/observability.ts';
import { loadDirectory, saveEmployees } from '#store/employees.ts';
import { importRequestSchema } from './schemas.ts';

const MAX_ROSTER_BYTES = 5 * 1024 * 1024;

/**
 * POST /employees/import[?dryRun=true]: a CSV body (text/csv) or `{ "csv": "..." }`; all rows or none. A dry
 * run checks everything and answers the same way, but stores nothing (the console's preview).
 */
export const handler = apiHandler(async (event) => {
  const actor = hrActor(event);
  const contentType = String(event.headers?.['content-type'] ?? '').toLowerCase();
  const csv = contentType.startsWith('application/json')
    ? parseJsonBody(event, importRequestSchema, MAX_ROSTER_BYTES).csv
    : readBody(event, MAX_ROSTER_BYTES);
  const existing = await loadDirectory();
  const employees = parseRoster(csv, existing);
  const created = employees.filter((employee) => !existing.has(employee.employeeId)).length;
  const dryRun = event.queryStringParameters?.dryRun === 'true';
  if (dryRun) return json(200, { dryRun: true, imported: 0, valid: employees.length, created, updated: employees.length - created });
  await saveEmployees(employees, nowIso());
  logger.info('roster imported', { actor, created, updated: employees.length - created });
  return json(200, { imported: employees.length, created, updated: employees.length - created });
}, { idempotency: idempotencyKey() });
