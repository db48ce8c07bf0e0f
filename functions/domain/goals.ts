import { DAY_MS, endOfDay, parseCalendarDate } from './time.ts';
import { RuleViolation } from './cycle.ts';

/**
 * Goal rules (issue 3): weights per period, the goal-watch ladder and outcomes. A goal that slips is
 * never silent: a reminder before its due date, "missed" to the owner and the manager when the due day
 * has ended, HR after a grace period, and an early flag to the manager after two at-risk check-ins in a
 * row. The rules only inform and recommend; people decide.
 */
export type GoalKind = 'performance' | 'development';
export type GoalState = 'OPEN' | 'DONE' | 'CANCELLED';
export const CHECK_IN_STATUSES = ['ON_TRACK', 'AT_RISK', 'OFF_TRACK'] as const;
export type CheckInStatus = (typeof CHECK_IN_STATUSES)[number];
export type GoalStep = 'REMINDER' | 'AT_RISK_FLAG' | 'MISSED' | 'HR_ESCALATION';
export type GoalOutcome = 'open' | 'met' | 'done-late' | 'missed' | 'cancelled';
export type RecommendedStep = 'one-to-one' | 'improvement-plan';

export interface GoalTimings {
  reminderLeadMs: number;
  hrGraceMs: number;
}

export const DEFAULT_GOAL_TIMINGS: GoalTimings = { reminderLeadMs: 7 * DAY_MS, hrGraceMs: 7 * DAY_MS };

export interface CheckIn {
  at: string;
  progress: number;
  status: CheckInStatus;
  note?: string;
  /** Who posted it: the owner through their link, or HR/the manager through the API. */
  by?: string;
}

export const CHECK_IN_STATUS_LABEL: Record<CheckInStatus, string> = {
  ON_TRACK: 'On track',
  AT_RISK: 'At risk',
  OFF_TRACK: 'Off track',
};

export interface GoalFacts {
  state: GoalState;
  /** End of the due day in the organisation's zone, epoch ms. */
  dueAt: number;
  doneAt?: number;
  /** Oldest first. */
  checkIns: CheckIn[];
  escalations: Partial<Record<GoalStep, string>>;
}

const MAX_WEIGHT_PER_PERIOD = 100;

/** The calendar quarter a due date falls in, e.g. `2027-Q1`: the period whose weights must add up to at most 100. */
export function periodOf(due: string): string {
  const date = parseCalendarDate(due);
  if (!date) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${due}`);
  return `${date.year}-Q${Math.ceil(date.month / 3)}`;
}

const PERIOD_RE = /^(\d{4})-Q([1-4])$/;

export function isPeriod(text: string): boolean {
  return PERIOD_RE.test(text);
}

/** The calendar quarter an instant falls in, in the organisation's zone: a cycle's default review period. */
export function periodAt(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(
    new Date(epochMs),
  );
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return `${part('year')}-Q${Math.ceil(part('month') / 3)}`;
}

/** The first and last instant of a quarter (`2027-Q1`) in the organisation's zone. */
export function periodBounds(period: string, timeZone: string): { start: number; end: number } {
  const match = PERIOD_RE.exec(period);
  if (!match) throw new RangeError(`not a quarter (YYYY-Qn): ${period}`);
  const year = Number(match[1]);
  const firstMonth = (Number(match[2]) - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  const dayBefore = new Date(Date.UTC(year, firstMonth - 1, 0)).toISOString().slice(0, 10);
  return {
    start: endOfDay(dayBefore, timeZone) + 1000,
    end: endOfDay(`${year}-${pad(firstMonth + 2)}-${pad(lastDay)}`, timeZone),
  };
}

/** Counts goals by outcome: what the cycle status and the released results report. */
export function countOutcomes(outcomes: GoalOutcome[]): Record<GoalOutcome, number> {
  const counts: Record<GoalOutcome, number> = { open: 0, met: 0, 'done-late': 0, missed: 0, cancelled: 0 };
  for (const outcome of outcomes) counts[outcome]++;
  return counts;
}

/** Counts by outcome added up (several departments'). */
export function addOutcomeCounts(all: Record<GoalOutcome, number>[]): Record<GoalOutcome, number> {
  const sum = countOutcomes([]);
  for (const counts of all) for (const outcome of Object.keys(sum) as GoalOutcome[]) sum[outcome] += counts[outcome];
  return sum;
}

/**
 * The goal counters of one (period, department) (issue 13): goals done on time (`met`), done late (`doneLate`) and
 * cancelled are counted; open goals are counted by their due instant (`open<dueAt ms>`), so whether one is missed
 * (open past its due instant) is derived when read, and time passing needs no write. A goal counts as it stands:
 * each change of its outcome moves it from one count to another (goalTallyMove).
 */
export type GoalTally = Partial<Record<string, number>>;

const OPEN_PREFIX = 'open';

/** What one goal counts for in its department's tally. */
export function goalTallyOf(goal: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'>): GoalTally {
  if (goal.state === 'CANCELLED') return { cancelled: 1 };
  if (goal.state === 'OPEN') return { [`${OPEN_PREFIX}${goal.dueAt}`]: 1 };
  return { [outcomeOf(goal, goal.dueAt) === 'done-late' ? 'doneLate' : 'met']: 1 };
}

/** The adds that move a goal's count from how it stood (`before`; none for a new goal) to how it stands (`after`). */
export function goalTallyMove(
  before: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'> | undefined,
  after: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'>,
): GoalTally {
  const adds: GoalTally = { ...goalTallyOf(after) };
  for (const [name, count] of Object.entries(before ? goalTallyOf(before) : {}))
    adds[name] = (adds[name] ?? 0) - (count ?? 0);
  return Object.fromEntries(Object.entries(adds).filter(([, count]) => count));
}

/** Counts by outcome at `now` from tallies (one department's, or several): as countOutcomes of each goal's outcomeOf. */
export function outcomesOfTally(tallies: GoalTally[], now: number): Record<GoalOutcome, number> {
  const counts = countOutcomes([]);
  for (const tally of tallies)
    for (const [name, count = 0] of Object.entries(tally)) {
      if (name === 'met') counts.met += count;
      else if (name === 'doneLate') counts['done-late'] += count;
      else if (name === 'cancelled') counts.cancelled += count;
      else if (name.startsWith(OPEN_PREFIX))
        counts[now >= Number(name.slice(OPEN_PREFIX.length)) ? 'missed' : 'open'] += count;
    }
  return counts;
}

/**
 * Which goals a review cycle reports in its summaries (the report's goal outcomes, the cycle's goal counts and
 * missed goals): the goals of its period whose owner was in one of the cycle's departments when the goal was set.
 * A goal counts under that department for its whole life, so its counters never move when its owner does; a goal
 * stored before goals carried their department counts nowhere.
 */
export function reportedInCycle(goal: { department?: string }, departments: ReadonlySet<string>): boolean {
  return goal.department !== undefined && departments.has(goal.department);
}

/** Checks a new goal against the rules; `openWeights` are the weights of the owner's open goals in the same period. */
export function checkNewGoal(
  goal: { due: string; weight: number },
  openWeights: number[],
  timeZone: string,
  now: number,
): number {
  const problems: string[] = [];
  const dueAt = endOfDay(goal.due, timeZone);
  if (dueAt <= now) problems.push('due must not be in the past');
  const total = openWeights.reduce((sum, weight) => sum + weight, 0) + goal.weight;
  if (total > MAX_WEIGHT_PER_PERIOD) {
    problems.push(
      `weights of open goals in ${periodOf(goal.due)} would add up to ${total}; at most ${MAX_WEIGHT_PER_PERIOD} (${MAX_WEIGHT_PER_PERIOD - (total - goal.weight)} left)`,
    );
  }
  if (problems.length) throw new RuleViolation('invalid goal', problems);
  return dueAt;
}

/**
 * Checks several new goals as one change (proposed goals accepted together): each against the owner's
 * open goals and the new ones before it, so either all of them fit or none is added.
 */
export function checkNewGoals(
  goals: { title: string; due: string; weight: number }[],
  open: { period: string; weight: number }[],
  timeZone: string,
  now: number,
): void {
  const weights = open.map((goal) => ({ ...goal }));
  const problems: string[] = [];
  for (const goal of goals) {
    const period = periodOf(goal.due);
    try {
      checkNewGoal(
        goal,
        weights.filter((other) => other.period === period).map((other) => other.weight),
        timeZone,
        now,
      );
      weights.push({ period, weight: goal.weight });
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      problems.push(...error.details.map((detail) => `"${goal.title}": ${detail}`));
    }
  }
  if (problems.length) throw new RuleViolation('the proposed goals cannot be added', problems);
}

/** A check-in that says the goal is at risk or off track. */
export function isAtRisk(checkIn: CheckIn | undefined): boolean {
  return checkIn?.status === 'AT_RISK' || checkIn?.status === 'OFF_TRACK';
}

/**
 * The steps a goal owes at `now`, in ladder order. A goal that is done or cancelled owes nothing; each
 * step is owed once (the caller records it with a conditional write).
 */
export function goalStepsDue(goal: GoalFacts, now: number, timings: GoalTimings): GoalStep[] {
  if (goal.state !== 'OPEN') return [];
  const steps: GoalStep[] = [];
  const taken = (step: GoalStep) => goal.escalations[step] !== undefined;
  if (!taken('REMINDER') && now >= goal.dueAt - timings.reminderLeadMs && now < goal.dueAt) steps.push('REMINDER');
  const [previous, latest] = goal.checkIns.slice(-2);
  if (!taken('AT_RISK_FLAG') && now < goal.dueAt && goal.checkIns.length >= 2 && isAtRisk(previous) && isAtRisk(latest))
    steps.push('AT_RISK_FLAG');
  if (!taken('MISSED') && now >= goal.dueAt) steps.push('MISSED');
  if (!taken('HR_ESCALATION') && now >= lastGoalStepAt(goal.dueAt, timings)) steps.push('HR_ESCALATION');
  return steps;
}

/** The goal watch's last step for a goal: HR hears about it, if still open, this long after its due day ended. */
export function lastGoalStepAt(dueAt: number, timings: GoalTimings): number {
  return dueAt + timings.hrGraceMs;
}

/** When the goal watch has nothing more to do for a goal: it then leaves the open-goals index. */
export function fullyEscalated(goal: GoalFacts): boolean {
  return goal.state !== 'OPEN' || goal.escalations.HR_ESCALATION !== undefined;
}

export function outcomeOf(goal: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'>, now: number): GoalOutcome {
  if (goal.state === 'CANCELLED') return 'cancelled';
  if (goal.state === 'DONE') return goal.doneAt !== undefined && goal.doneAt > goal.dueAt ? 'done-late' : 'met';
  return now >= goal.dueAt ? 'missed' : 'open';
}

/** What HR is advised to do about a missed goal: a one-to-one first, an improvement plan when misses repeat. */
export function recommendedStep(earlierMisses: number): RecommendedStep {
  return earlierMisses > 0 ? 'improvement-plan' : 'one-to-one';
}
