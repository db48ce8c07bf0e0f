import { addGoal } from '#services/goals.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { hrActor, json, parseJsonBody, pathParameter } from '#shared/http.ts';
import { idempotencyKey } from '#shared/idempotency.ts';
import { apiRoutes } from './routes.ts';
import { newGoalSchema } from './schemas.ts';

/** POST /employees/{employeeId}/goals: `{ title, due, weight?, kind?, target? }`. */
export const handler = apiRoutes(
  {
    'POST /employees/{employeeId}/goals': async (event) => {
      const actor = hrActor(event);
      const employeeId = pathParameter(event, 'employeeId', employeeIdSchema);
      const goal = await addGoal(employeeId, parseJsonBody(event, newGoalSchema), actor);
      return json(201, { ...goal, dueAt: new Date(goal.dueAt).toISOString() });
    },
  },
  { idempotency: idempotencyKey() },
);
