import { importRoster } from '#services/import-roster.ts';
import { hrActor, json, parseJsonBody, readBodyBytes } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { importQuerySchema, importRequestSchema } from './schemas.ts';

const MAX_ROSTER_BYTES = 5 * 1024 * 1024;

/**
 * POST /employees/import[?dryRun=true][&part=k&parts=n]: the file's bytes (application/octet-stream, as the
 * CLI and the console send them, so a Windows-1252 file arrives as saved), a CSV body (text/csv), or
 * `{ "csv": "..." }`; all rows or none. A dry run checks everything and answers the same way, but stores
 * nothing (the console's preview).
 */
export const handler = apiRoutes(
  {
    'POST /employees/import': async (event) => {
      const actor = hrActor(event);
      const contentType = String(event.headers?.['content-type'] ?? '').toLowerCase();
      const file = contentType.startsWith('application/json')
        ? Buffer.from(parseJsonBody(event, importRequestSchema, MAX_ROSTER_BYTES).csv, 'utf8')
        : readBodyBytes(event, MAX_ROSTER_BYTES);
      return json(200, await importRoster(file, importQuerySchema.parse(event.queryStringParameters ?? {}), actor));
    },
  },
  { idempotency: idempotencyKey() },
);
