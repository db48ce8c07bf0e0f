import { goalsOf } from '#services/goals.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { apiHandler, hrActor, json, pathParameter } from '#shared/http.ts';

/** GET /employees/{employeeId}/goals: every goal with its state, progress and outcome. */
export const handler = apiHandler(async (event) => {
  hrActor(event);
  return json(200, { goals: await goalsOf(pathParameter(event, 'employeeId', employeeIdSchema)) });
});
