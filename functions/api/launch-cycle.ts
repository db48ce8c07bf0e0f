import { launchCycle } from '#services/launch.ts';
import { hrActor, json, parseJsonBody } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { launchRequestSchema } from './schemas.ts';

/**
 * POST /cycles: `{ name, selfDue, managerDue, department?, reminderLead?, hrGrace?, allowOverlap?, calibrationDue?, upward? }`; dates YYYY-MM-DD in the
 * organisation's zone, timings as durations (`3d`, `12h`).
 * Answers the cycle with `warnings` (possible mistakes that did not stop the launch).
 */
export const handler = apiRoutes(
  {
    'POST /cycles': async (event) => {
      const actor = hrActor(event);
      const request = parseJsonBody(event, launchRequestSchema);
      const cycle = await launchCycle(request, actor);
      return json(201, {
        cycleId: cycle.cycleId,
        name: cycle.name,
        phase: cycle.phase,
        selfDue: new Date(cycle.selfDue).toISOString(),
        managerDue: new Date(cycle.managerDue).toISOString(),
        calibrationDue: cycle.calibrationDue === undefined ? null : new Date(cycle.calibrationDue).toISOString(),
        timeZone: cycle.timeZone,
        reminderLeadMs: cycle.timings.reminderLeadMs,
        hrGraceMs: cycle.timings.hrGraceMs,
        upward: cycle.upward ? { questions: cycle.upward.questions.length, threshold: cycle.upward.threshold } : null,
        warnings: cycle.warnings,
      });
    },
  },
  { idempotency: idempotencyKey() },
);
