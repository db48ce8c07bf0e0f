import { cancelOpenGoal, recordCheckIn } from '#services/goals.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { apiHandler, hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { checkInRequestSchema, goalIdSchema } from './schemas.ts';

/**
 * POST /employees/{employeeId}/goals/{goalId}/check-ins `{ progress, status, note? }`: a check-in by HR or
 * the manager, kept in the goal's history like the owner's. POST .../cancel: the goal stops for good.
 */
export const handler = apiHandler(async (event) => {
  const actor = hrActor(event);
  const employeeId = pathParameter(event, 'employeeId', employeeIdSchema);
  const goalId = pathParameter(event, 'goalId', goalIdSchema);
  const goal = event.rawPath.endsWith('/cancel')
    ? await cancelOpenGoal(employeeId, goalId)
    : await recordCheckIn(employeeId, goalId, parseJsonBody(event, checkInRequestSchema), actor);
  return json(200, { ...goal, dueAt: new Date(goal.dueAt).toISOString() });
});
