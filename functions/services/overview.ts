import { isAtRisk, isPeriod, outcomeOf, periodAt } from '#domain/goals.ts';
import { addProgress } from '#domain/progress.ts';
import { nowMs } from '#shared/clock.ts';
import { listCycles } from '#store/cycles.ts';
import { listRecentPraise } from '#store/feedback.ts';
import { listDepartmentProgress } from '#store/progress.ts';
import { listGoalsOfPeriod, type GoalRecord } from '#store/goals.ts';
import { settingsInForce } from '#store/settings.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { employeeNames } from './employees.ts';

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

/**
 * Goals that need attention across the organisation in one quarter: open goals whose latest check-in
 * says at risk or off track, and goals missed (past due, not done).
 */
export async function goalsNeedingAttention(period?: string) {
  const { settings } = await settingsInForce();
  const quarter = period ?? periodAt(nowMs(), settings.timeZone);
  if (!isPeriod(quarter)) throw new RuleViolation('invalid period', ['period must be a quarter such as 2026-Q4']);
  const now = nowMs();
  const goals = await listGoalsOfPeriod(quarter);
  const atRisk = goals.filter((goal) => outcomeOf(goal, now) === 'open' && isAtRisk(goal.checkIns.at(-1)));
  const missed = goals.filter((goal) => outcomeOf(goal, now) === 'missed');
  const names = await employeeNames([...atRisk, ...missed].map((goal) => goal.employeeId));
  const line = (goal: GoalRecord) => ({
    employeeId: goal.employeeId,
    name: names.get(goal.employeeId)!,
    goalId: goal.goalId,
    title: goal.title,
    due: goal.due,
    progress: goal.progress,
    latestStatus: goal.checkIns.at(-1)?.status ?? null,
  });
  return { period: quarter, atRisk: atRisk.map(line), missed: missed.map(line) };
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
