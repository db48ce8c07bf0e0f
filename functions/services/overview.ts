import { isPeriod, outcomesOfTally, periodAt } from '#domain/goals.ts';
import { addProgress } from '#domain/progress.ts';
import { nowMs } from '#shared/clock.ts';
import { listCycles } from '#store/cycles.ts';
import { listRecentPraise } from '#store/feedback.ts';
import { listDepartmentProgress } from '#store/progress.ts';
import { atRiskGoalsPage, countAtRiskGoals, listGoalCounts, missedGoalsPage, type GoalRecord } from '#store/goals.ts';
import { settingsInForce } from '#store/settings.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { employeeNames } from './employees.ts';
import { paged, type PageRequest } from './lists.ts';

/** HR's list of cycles, newest first, with completion from each cycle's department counters (one query a cycle). */
export async function cycleList() {
  const percent = (part: number, whole: number | undefined) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);
  const cycles = await listCycles();
  const progress = await Promise.all(
    cycles.map(async (cycle) => addProgress(await listDepartmentProgress(cycle.cycleId))),
  );
  return cycles.map((cycle, i) => ({
    cycleId: cycle.cycleId,
    name: cycle.name,
    department: cycle.department ?? null,
    period: cycle.period,
    phase: cycle.phase,
    timeZone: cycle.timeZone,
    selfDue: new Date(cycle.selfDue).toISOString(),
    managerDue: new Date(cycle.managerDue).toISOString(),
    participants: cycle.participantCount ?? null,
    selfCompletion: percent(progress[i]!.selfSubmitted, cycle.participantCount),
    managerCompletion: percent(progress[i]!.reviewSubmitted, cycle.participantCount),
    createdAt: cycle.createdAt,
  }));
}

export type AttentionList = 'at-risk' | 'missed';

/**
 * Goals that need attention across the organisation in one quarter: open goals whose latest check-in says at risk or
 * off track (before their due), and goals missed (open past their due), a page at a time. The counts come from the
 * goal counters and the at-risk index, never a read of the quarter's goals. Without `list`, the first page of each;
 * with it, the page of that list its cursor names.
 */
export async function goalsNeedingAttention(
  period: string | undefined,
  request: PageRequest & { list?: AttentionList },
) {
  const { settings } = await settingsInForce();
  const quarter = period ?? periodAt(nowMs(), settings.timeZone);
  if (!isPeriod(quarter)) throw new RuleViolation('invalid period', ['period must be a quarter such as 2026-Q4']);
  const now = nowMs();
  const pageOf = (list: AttentionList) =>
    request.list !== undefined && request.list !== list
      ? undefined
      : paged({ cycleId: `goals of ${quarter}`, list }, request.list ? request : { limit: request.limit }, (at) =>
          list === 'at-risk'
            ? listed(atRiskGoalsPage(quarter, now, at))
            : listed(missedGoalsPage(quarter, now, undefined, undefined, at)),
        );
  const [atRiskCount, tallies, atRisk, missed] = await Promise.all([
    countAtRiskGoals(quarter, now),
    listGoalCounts(quarter),
    pageOf('at-risk'),
    pageOf('missed'),
  ]);
  const names = await employeeNames(
    [...(atRisk?.items ?? []), ...(missed?.items ?? [])].map((goal) => goal.employeeId),
  );
  const line = (goal: GoalRecord) => ({
    employeeId: goal.employeeId,
    name: names.get(goal.employeeId)!,
    goalId: goal.goalId,
    title: goal.title,
    due: goal.due,
    progress: goal.progress,
    latestStatus: goal.checkIns.at(-1)?.status ?? null,
  });
  const listOf = (page: { items: GoalRecord[]; nextCursor?: string } | undefined) =>
    page && { goals: page.items.map(line), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  return {
    period: quarter,
    counts: {
      atRisk: atRiskCount,
      missed: outcomesOfTally(
        tallies.map((of) => of.tally),
        now,
      ).missed,
    },
    ...(atRisk && { atRisk: listOf(atRisk) }),
    ...(missed && { missed: listOf(missed) }),
  };
}

async function listed(read: Promise<{ goals: GoalRecord[]; next?: Record<string, unknown> }>) {
  const { goals, next } = await read;
  return { items: goals, ...(next ? { next } : {}) };
}

/** The latest praise across the organisation (public by definition; constructive feedback is never listed). */
export async function recentRecognition(limit = 20) {
  const praise = await listRecentPraise(limit);
  const names = await employeeNames(praise.map((entry) => entry.toId));
  return praise.map((entry) => ({
    at: entry.at,
    fromName: entry.fromName,
    toId: entry.toId,
    toName: names.get(entry.toId)!,
    text: entry.text,
  }));
}
