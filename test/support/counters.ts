import { expect } from 'vitest';
import { reviewDueOf, selfDueOf } from '../../functions/domain/cycle.ts';
import { countOutcomes, outcomeOf } from '../../functions/domain/goals.ts';
import { statesAt } from '../../functions/domain/progress.ts';
import { listAssessments, type AssessmentRecord } from '../../functions/store/assessments.ts';
import { getCycle, scheduleOf, type CycleRecord } from '../../functions/store/cycles.ts';
import { listGoalsOfPeriod } from '../../functions/store/goals.ts';
import { allPages, hr, type LocalStack } from './local.ts';

type State = 'pending' | 'submitted' | 'late' | 'overdue';

/** One person's state in a phase, from their stored assessment alone: the definition the counters must agree with. */
function stateOf(submitted: boolean, late: boolean | undefined, due: number, now: number): State {
  if (submitted) return late ? 'late' : 'submitted';
  return now >= due ? 'overdue' : 'pending';
}

function tally(people: AssessmentRecord[], cycle: CycleRecord, now: number) {
  const schedule = scheduleOf(cycle);
  const count = (states: State[]) => ({
    pending: states.filter((s) => s === 'pending').length,
    submitted: states.filter((s) => s === 'submitted').length,
    late: states.filter((s) => s === 'late').length,
    overdue: states.filter((s) => s === 'overdue').length,
  });
  const released = people.filter((a) => a.resultReleasedAt !== undefined && a.review !== undefined);
  return {
    participants: people.length,
    self: count(
      people.map((a) => stateOf(a.selfStatus === 'SUBMITTED', a.selfLate, selfDueOf(schedule, a.employeeId), now)),
    ),
    manager: count(
      people.map((a) =>
        stateOf(a.reviewStatus === 'SUBMITTED', a.reviewLate, reviewDueOf(schedule, a.employeeId), now),
      ),
    ),
    results: {
      released: released.length,
      acknowledged: released.filter((a) => a.acknowledgedAt).length,
      disagreed: released.filter((a) => a.acknowledgement?.disagree).length,
      unacknowledged: released.filter((a) => !a.acknowledgedAt).length,
    },
  };
}

/**
 * Checks what HR's views answer from counters against a full count of the cycle's assessments: the status
 * (overall and per department), every reviewer's progress, and the lists of overdue and unacknowledged people,
 * read in pages of two; and the goal counts (overall and per department) and missed goals against every stored goal
 * of the period counted in one of the cycle's departments.
 */
export async function expectCountersExact(stack: LocalStack, cycleId: string): Promise<void> {
  const cycle = (await getCycle(cycleId))!;
  const assessments = await listAssessments(cycleId);
  const now = statesAt(cycle.closedAt, stack.clock.now());
  expect(assessments.length).toBeGreaterThan(0);

  const status = await hr(stack, 'GET', `/cycles/${cycleId}`);
  expect(status.status).toBe(200);
  expect(status.body.source).toBe('counters');
  const overall = tally(assessments, cycle, now);
  expect({
    participants: status.body.participants,
    self: status.body.counts.self,
    manager: status.body.counts.manager,
    results: status.body.results,
  }).toEqual(overall);
  const byDepartment = Map.groupBy(assessments, (a) => a.department);
  expect(
    status.body.departments.map((d: any) => ({
      department: d.department,
      participants: d.participants,
      self: d.self,
      manager: d.manager,
      results: d.results,
    })),
  ).toEqual(
    [...byDepartment]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([department, people]) => ({ department, ...tally(people, cycle, now) })),
  );

  const teams = await allPages(stack, `/cycles/${cycleId}/teams`, 'teams', 2);
  const byTeam = Map.groupBy(assessments, (a) => JSON.stringify([a.managerKey, a.department]));
  expect(
    teams
      .map((t) => ({
        key: JSON.stringify([t.reviewerId, t.department]),
        participants: t.participants,
        self: t.self,
        manager: t.manager,
        results: t.results,
      }))
      .sort((a, b) => a.key.localeCompare(b.key)),
  ).toEqual(
    [...byTeam]
      .map(([key, people]) => ({ key, ...tally(people, cycle, now) }))
      .sort((a, b) => a.key.localeCompare(b.key)),
  );

  for (const phase of ['self', 'manager'] as const) {
    const overdue = await allPages(stack, `/cycles/${cycleId}/overdue?phase=${phase}`, 'overdue', 2);
    expect(overdue.map((o) => o.employeeId).sort()).toEqual(
      assessments
        .filter((a) => {
          const schedule = scheduleOf(cycle);
          return phase === 'self'
            ? a.selfStatus === 'PENDING' && now >= selfDueOf(schedule, a.employeeId)
            : a.reviewStatus === 'PENDING' && now >= reviewDueOf(schedule, a.employeeId);
        })
        .map((a) => a.employeeId)
        .sort(),
    );
  }
  await expectGoalCountsExact(stack, cycle, new Set(assessments.map((a) => a.department)));

  const unacknowledged = await allPages(stack, `/cycles/${cycleId}/unacknowledged`, 'unacknowledged', 2);
  expect(unacknowledged.map((u) => u.employeeId).sort()).toEqual(
    assessments
      .filter((a) => a.resultReleasedAt !== undefined && a.review !== undefined && !a.acknowledgedAt)
      .map((a) => a.employeeId)
      .sort(),
  );
}

/** `/goals` against every stored goal of the period counted in one of the cycle's departments (issue 13's definition). */
async function expectGoalCountsExact(stack: LocalStack, cycle: CycleRecord, departments: Set<string>) {
  const now = stack.clock.now();
  const goals = (await listGoalsOfPeriod(cycle.period)).filter(
    (goal) => goal.department !== undefined && departments.has(goal.department),
  );
  const answered = await hr(stack, 'GET', `/cycles/${cycle.cycleId}/goals`);
  expect(answered.status).toBe(200);
  expect(answered.body.counts).toEqual(countOutcomes(goals.map((goal) => outcomeOf(goal, now))));
  expect(answered.body.departments).toEqual(
    [...Map.groupBy(goals, (goal) => goal.department!)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([department, of]) => ({ department, counts: countOutcomes(of.map((goal) => outcomeOf(goal, now))) })),
  );
  const missed = await allPages(stack, `/cycles/${cycle.cycleId}/goals`, 'missed', 2);
  expect(missed.map((goal) => goal.goalId)).toEqual(
    goals.filter((goal) => outcomeOf(goal, now) === 'missed').map((goal) => goal.goalId),
  );
}
