import * as z from 'zod';
import { adjustRating, adjustRatingsFromFile } from '#services/adjustments.ts';
import { hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { adjustmentFileSchema, adjustmentRequestSchema, cycleIdSchema } from './schemas.ts';

/** A calibration file of a large cycle: 10,000 lines of about 100 characters, with room to spare. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * POST /cycles/{cycleId}/adjustments, in calibration: `{ employeeId, rating, reason }` sets one person's final
 * rating; `{ csv, dryRun? }` applies a calibration file (employeeId,rating,reason) whole or not at all, or with
 * `dryRun` only answers what each line would do.
 */
export const handler = apiRoutes(
  {
    'POST /cycles/{cycleId}/adjustments': async (event) => {
      const actor = hrActor(event);
      const cycleId = pathParameter(event, 'cycleId', cycleIdSchema);
      const body = parseJsonBody(event, z.unknown(), MAX_BODY_BYTES);
      if (typeof body === 'object' && body !== null && 'csv' in body) {
        const { csv, dryRun } = adjustmentFileSchema.parse(body);
        return json(200, await adjustRatingsFromFile(cycleId, csv, actor, dryRun ?? false));
      }
      return json(200, await adjustRating(cycleId, adjustmentRequestSchema.parse(body), actor));
    },
  },
  { sendsMail: true, idempotency: idempotencyKey() },
);
