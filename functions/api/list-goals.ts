import { goalsOf } from '#services/goals.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { hrActor, json, pathParameter } from '#shared/http.ts';
import { apiRoutes } from './routes.ts';

/** GET /employees/{employeeId}/goals: every goal with its state, progress and outcome. */
export const handler = apiRoutes({
  'GET /employees/{employeeId}/goals': async (event) => {
    hrActor(event);
    return json(200, { goals: await goalsOf(pathParameter(event, 'employeeId', employeeIdSchema)) });
  },
});
