import { randomBytes } from 'node:crypto';
import { checkNewGoal, goalStepsDue, outcomeOf, periodOf, type GoalKind, type GoalStep, type GoalTimings } from '#domain/goals.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import type { Actor } from '#store/audit.ts';
import { employeeExists } from '#store/employees.ts';
import { createGoal, listGoals, listOpenGoalsDueBy, type GoalRecord } from '#store/goals.ts';
import { NotFound } from './errors.ts';

export interface NewGoal {
  title: string;
  due: string;
  weight: number;
  kind: GoalKind;
  target?: string;
}

async function requireEmployee(employeeId: string): Promise<void> {
  if (!(await employeeExists(employeeId))) throw new NotFound(`employee ${employeeId}`);
}

/** Sets a goal for an employee; the weights of their open goals in the goal's period stay at most 100. */
export async function addGoal(employeeId: string, request: NewGoal, actor: Actor): Promise<GoalRecord> {
  await requireEmployee(employeeId);
  const period = periodOf(request.due);
  const openWeights = (await listGoals(employeeId)).filter((goal) => goal.state === 'OPEN' && goal.period === period).map((goal) => goal.weight);
  const dueAt = checkNewGoal(request, openWeights, config().ORG_TIME_ZONE, nowMs());
  const goal: GoalRecord = {
    goalId: `goal_${randomBytes(6).toString('hex')}`,
    employeeId,
    title: request.title,
    kind: request.kind,
    weight: request.weight,
    ...(request.target ? { target: request.target } : {}),
    due: request.due,
    dueAt,
    period,
    state: 'OPEN',
    progress: 0,
    checkIns: [],
    escalations: {},
    createdAt: nowIso(),
    createdBy: actor,
  };
  await createGoal(goal);
  return goal;
}

/** An employee's goals, soonest due first, each with its outcome as of now. */
export async function goalsOf(employeeId: string) {
  await requireEmployee(employeeId);
  const now = nowMs();
  return (await listGoals(employeeId)).map((goal) => ({ ...goal, dueAt: new Date(goal.dueAt).toISOString(), outcome: outcomeOf(goal, now) }));
}

/**
 * The read side of the daily goal watch: every open goal that owes a step today, with the steps. It reads
 * only goals due within the reminder lead or already past due, so its cost follows what is due, not how
 * many goals exist.
 */
export async function goalsOwingSteps(now: number, timings: GoalTimings): Promise<{ goal: GoalRecord; steps: GoalStep[] }[]> {
  const candidates = await listOpenGoalsDueBy(now + timings.reminderLeadMs);
  return candidates.map((goal) => ({ goal, steps: goalStepsDue(goal, now, timings) })).filter((entry) => entry.steps.length > 0);
}
