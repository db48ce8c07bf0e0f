import { reviewDueOf, selfDueOf } from '#domain/cycle.ts';
import { outcomeOf, outcomesOfTally, reportedInCycle } from '#domain/goals.ts';
import {
  addProgress,
  countsEveryone,
  completionPercent,
  phaseStates,
  progressOfPerson,
  resultStates,
  statesAt,
  type ProgressCounts,
} from '#domain/progress.ts';
import { peerCompletion } from '#domain/peer-review.ts';
import { attentionText } from '#domain/workflow-health.ts';
import { nowMs } from '#shared/clock.ts';
import { listGoalCounts, type GoalRecord } from '#store/goals.ts';
import { getAssessment, HR_MANAGER_KEY, listAssessments, type AssessmentRecord } from '#store/assessments.ts';
import { getCycle, scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { listPeerCounts } from '#store/peers.ts';
import { listDepartmentProgress } from '#store/progress.ts';
import { NotFound } from './errors.ts';
import { workflowHealthOf } from './steer.ts';
import { upwardCompletion } from '#domain/anonymity.ts';
import { listUpwardCounters } from '#store/upward.ts';

/** The cycle, or NotFound (a 404) when there is none. */
export async function cycleOf(cycleId: string): Promise<CycleRecord> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  return cycle;
}

/**
 * HR's view of a cycle: phase, whether its workflow needs HR's attention (and how to fix it), deadlines, and
 * counts by state for each phase and results, overall and per department. It reads the cycle, one item per
 * department (store/progress.ts) and the few people whose deadline HR moved: the same few requests at any size.
 * Who is overdue or unacknowledged comes page by page from the lists (services/lists.ts).
 */
export async function cycleStatus(cycleId: string) {
  const cycle = await cycleOf(cycleId);
  const [counted, moved, workflow, peers, upward] = await Promise.all([
    listDepartmentProgress(cycleId),
    movedDeadlines(cycle),
    workflowHealthOf(cycle),
    listPeerCounts(cycleId),
    upwardStatus(cycle),
  ]);
  const summarised = countsEveryone(cycle.participantCount, counted);
  const departments = summarised ? counted : progressFromAssessments(await listAssessments(cycleId));
  const now = statesAt(cycle.closedAt, nowMs());
  const statesOf = (counts: ProgressCounts, department?: string) =>
    progressStatesOf(
      cycle,
      counts,
      department === undefined ? moved : moved.filter((person) => person.department === department),
      now,
    );
  const total = addProgress(departments);
  const overall = statesOf(total);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    cycleId,
    name: cycle.name,
    department: cycle.department ?? null,
    phase: cycle.phase,
    needsAttention: workflow.state === 'stalled' ? attentionText(cycleId, workflow.problem) : null,
    timeZone: cycle.timeZone,
    selfDue: iso(cycle.selfDue),
    managerDue: iso(cycle.managerDue),
    period: cycle.period,
    settingsVersion: cycle.settingsVersion,
    participants: total.participants,
    counts: { self: overall.self, manager: overall.manager },
    results: overall.results,
    /** Peer reviews asked for and answered, per department and manager, from each (manager, department)'s counter. */
    peerReviews: peerCompletion(peers, HR_MANAGER_KEY),
    departments: departments
      .map((counts) => {
        const states = statesOf(counts, counts.department);
        return {
          department: counts.department,
          participants: counts.participants,
          ...states,
          completion: {
            self: completionPercent(states.self, counts.participants),
            manager: completionPercent(states.manager, counts.participants),
          },
        };
      })
      .sort((a, b) => a.department.localeCompare(b.department)),
    extensions: Object.fromEntries(Object.entries(cycle.extensions).map(([id, until]) => [id, iso(until)])),
    /** Upward reviews: answered of asked per manager and department, a manager's mean only once released to them. */
    upward,
    source: summarised ? ('counters' as const) : ('assessments' as const),
    createdAt: cycle.createdAt,
    closedAt: cycle.closedAt ?? null,
  };
}

/** HR's upward counts of a cycle (none when it asks for no upward reviews): completion, and means once released. */
export async function upwardStatus(cycle: CycleRecord) {
  if (!cycle.upward) return null;
  return upwardCompletion(await listUpwardCounters(cycle.cycleId), cycle.upward.threshold);
}

/** A group's states in each phase and its results, from its counters and its people with a deadline of their own. */
export function progressStatesOf(cycle: CycleRecord, counts: ProgressCounts, moved: MovedDeadline[], now: number) {
  return {
    self: phaseStates(
      counts.participants,
      counts.selfSubmitted,
      counts.selfLate,
      cycle.selfDue,
      moved.flatMap((person) => person.selfDue ?? []),
      now,
    ),
    manager: phaseStates(
      counts.participants,
      counts.reviewSubmitted,
      counts.reviewLate,
      cycle.managerDue,
      moved.flatMap((person) => person.reviewDue ?? []),
      now,
    ),
    results: resultStates(counts, cycle.phase),
  };
}

/** Each department's counters recounted from its assessments. */
export function progressFromAssessments(assessments: AssessmentRecord[]) {
  return [...Map.groupBy(assessments, (a) => a.department)].map(([department, people]) => ({
    department,
    ...addProgress(people.map(progressOfPerson)),
  }));
}

interface MovedDeadline {
  department: string;
  managerKey: string;
  selfDue?: number;
  reviewDue?: number;
}

/** The people whose own deadline HR moved and who have still to submit: their group and their deadline in each phase. */
export async function movedDeadlines(cycle: CycleRecord): Promise<MovedDeadline[]> {
  const schedule = scheduleOf(cycle);
  const ids = new Set([...Object.keys(cycle.extensions), ...Object.keys(cycle.reviewExtensions ?? {})]);
  const people = await Promise.all([...ids].map((employeeId) => getAssessment(cycle.cycleId, employeeId)));
  return people.flatMap((a) =>
    a
      ? [
          {
            department: a.department,
            managerKey: a.managerKey,
            ...(a.selfStatus === 'PENDING' && a.employeeId in cycle.extensions
              ? { selfDue: selfDueOf(schedule, a.employeeId) }
              : {}),
            ...(a.reviewStatus === 'PENDING' && a.employeeId in (cycle.reviewExtensions ?? {})
              ? { reviewDue: reviewDueOf(schedule, a.employeeId) }
              : {}),
          },
        ]
      : [],
  );
}

/**
 * The departments whose goals a cycle reports (domain/goals.ts reportedInCycle): those of its progress counters,
 * one small item each; a cycle launched before the counters has its assessments read instead.
 */
export async function cycleDepartments(cycle: CycleRecord): Promise<Set<string>> {
  const counted =
    cycle.participantCount === undefined
      ? await listAssessments(cycle.cycleId)
      : await listDepartmentProgress(cycle.cycleId);
  return new Set(counted.map((of) => of.department));
}

/**
 * Goal outcomes at `now` in each of `departments` that has any, from the goal counters of the period (store/goals.ts):
 * one request for any number of goals.
 */
export async function goalCountsIn(period: string, departments: ReadonlySet<string>, now: number) {
  return (await listGoalCounts(period))
    .filter((of) => departments.has(of.department))
    .map((of) => ({ department: of.department, counts: outcomesOfTally([of.tally], now) }))
    .sort((a, b) => a.department.localeCompare(b.department));
}

/** The goals a cycle reports among its period's, each with the department it counts in and its outcome at `now`: the full count. */
export function reportedGoalsOf(periodGoals: GoalRecord[], departments: ReadonlySet<string>, now: number) {
  return periodGoals.flatMap((goal) =>
    reportedInCycle(goal, departments)
      ? [{ ...goal, department: goal.department!, outcome: outcomeOf(goal, now) }]
      : [],
  );
}

/** The outcome of each goal of the cycle's period held by one of its participants: their entries in the report. */
export function goalOutcomesOf(
  periodGoals: GoalRecord[],
  assessments: Pick<AssessmentRecord, 'employeeId' | 'name' | 'managerName'>[],
  now: number,
) {
  const participants = new Map(assessments.map((a) => [a.employeeId, a]));
  return periodGoals.flatMap((goal) => {
    const owner = participants.get(goal.employeeId);
    if (!owner) return [];
    return [
      {
        employeeId: goal.employeeId,
        name: owner.name,
        manager: owner.managerName,
        goalId: goal.goalId,
        title: goal.title,
        due: goal.due,
        outcome: outcomeOf(goal, now),
      },
    ];
  });
}
