import { cancelOpenGoal, recordCheckIn } from '#services/goals.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { type HttpEvent, hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';
import { checkInRequestSchema, goalIdSchema } from './schemas.ts';

function goalOf(event: HttpEvent) {
  return {
    actor: hrActor(event),
    employeeId: pathParameter(event, 'employeeId', employeeIdSchema),
    goalId: pathParameter(event, 'goalId', goalIdSchema),
  };
}

/** A goal as the API answers it: its due instant as an ISO string. */
function goalAnswer<G extends { dueAt: number }>(goal: G) {
  return json(200, { ...goal, dueAt: new Date(goal.dueAt).toISOString() });
}

/**
 * POST /employees/{employeeId}/goals/{goalId}/check-ins `{ progress, status, note? }`: a check-in by HR or
 * the manager, kept in the goal's history like the owner's. POST .../cancel: the goal stops for good.
 */
export const handler = apiRoutes({
  'POST /employees/{employeeId}/goals/{goalId}/check-ins': async (event) => {
    const { actor, employeeId, goalId } = goalOf(event);
    return goalAnswer(await recordCheckIn(employeeId, goalId, parseJsonBody(event, checkInRequestSchema), actor));
  },
  'POST /employees/{employeeId}/goals/{goalId}/cancel': async (event) => {
    const { employeeId, goalId } = goalOf(event);
    return goalAnswer(await cancelOpenGoal(employeeId, goalId));
  },
});
