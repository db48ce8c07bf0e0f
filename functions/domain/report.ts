import { addOutcomeCounts, countOutcomes, type GoalOutcome } from './goals.ts';
import { completionPercent, type PhaseState } from './progress.ts';
import { labelOf, type ScalePoint } from './review-form.ts';

/**
 * HR's report of a cycle (issue 4), from plain facts: completion and lateness per phase and department,
 * the distribution of final ratings, goal outcomes and unacknowledged results, and one row per person
 * for the CSV.
 */
export type AcknowledgementState = 'acknowledged' | 'disagreed' | 'unacknowledged' | 'no result';

export interface PersonFacts {
  employeeId: string;
  name: string;
  department: string;
  manager: string;
  /** The reviewer's key (names repeat): their employeeId, or HR. */
  managerId: string;
  self: PhaseState;
  review: PhaseState;
  /** Final score and its label; undefined without a manager's review. */
  score?: { value: number; label: string };
  /** The rating HR set in calibration, which replaces the score as the final rating. */
  adjustedRating?: { value: number; label: string };
  overallRating?: number;
  goals: GoalOutcome[];
  acknowledgement: AcknowledgementState;
}

interface PhaseSummary {
  participants: number;
  pending: number;
  submitted: number;
  late: number;
  overdue: number;
  /** Submitted on time or late, as a percentage of participants (one decimal). */
  completion: number;
}

/** How many people are in each state of a phase. */
export function countStates(states: PhaseState[]): Record<PhaseState, number> {
  const counts: Record<PhaseState, number> = { pending: 0, submitted: 0, late: 0, overdue: 0 };
  for (const state of states) counts[state]++;
  return counts;
}

/**
 * What one reviewer's people in one department count for in the report: the cycle's counters keep these per
 * (reviewer, department), and the same can be counted from the people themselves (groupsOfPeople).
 */
export interface GroupCounts {
  department: string;
  /** The reviewer's key (names repeat): their employeeId, or HR. */
  managerId: string;
  manager: string;
  participants: number;
  self: Record<PhaseState, number>;
  review: Record<PhaseState, number>;
  /** The reviewed by the label of their score (before calibration) and of their final rating (after). */
  before: Record<string, number>;
  after: Record<string, number>;
  /** The reviewed whose final rating HR set in calibration. */
  adjusted: number;
  unacknowledged: number;
  disagreed: number;
}

/** A goal the cycle reports (domain/goals.ts reportedInCycle), by the department it counts in. */
export interface DepartmentGoal {
  department: string;
  outcome: GoalOutcome;
}

/** A department's goals by outcome: from its goal counters, or counted goal by goal (goalCountsOf). */
export interface DepartmentGoalCounts {
  department: string;
  counts: Record<GoalOutcome, number>;
}

/** Goals counted by outcome in each department. */
export function goalCountsOf(goals: DepartmentGoal[]): DepartmentGoalCounts[] {
  return [...Map.groupBy(goals, (goal) => goal.department)].map(([department, of]) => ({
    department,
    counts: countOutcomes(of.map((goal) => goal.outcome)),
  }));
}

/** A person's final rating: HR's from calibration, else the score of the manager's review. */
const finalOf = (person: PersonFacts) => person.adjustedRating ?? person.score;

function tallyLabels(counts: Record<string, number>, label: string | undefined) {
  if (label !== undefined) counts[label] = (counts[label] ?? 0) + 1;
}

/** The people counted into their (reviewer, department) groups: the report's figures from every person's facts. */
function groupsOfPeople(people: PersonFacts[]): GroupCounts[] {
  const groups = Map.groupBy(people, (person) => JSON.stringify([person.managerId, person.department]));
  return [...groups.values()].map((members) => {
    const before: Record<string, number> = {};
    const after: Record<string, number> = {};
    for (const person of members) {
      tallyLabels(before, person.score?.label);
      tallyLabels(after, finalOf(person)?.label);
    }
    const acknowledgements = (state: AcknowledgementState) =>
      members.filter((person) => person.acknowledgement === state).length;
    return {
      department: members[0]!.department,
      managerId: members[0]!.managerId,
      manager: members.at(-1)!.manager,
      participants: members.length,
      self: countStates(members.map((person) => person.self)),
      review: countStates(members.map((person) => person.review)),
      before,
      after,
      adjusted: members.filter((person) => person.adjustedRating).length,
      unacknowledged: acknowledgements('unacknowledged'),
      disagreed: acknowledgements('disagreed'),
    };
  });
}

/** Counts of ratings by scale point (a tally's `b3`, `a3`), as counts by the point's label. */
export function countsByLabel(scale: ScalePoint[], byPoint: Record<number, number>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [point, count] of Object.entries(byPoint)) {
    const label = labelOf(scale, Number(point));
    if (count) counts[label] = (counts[label] ?? 0) + count;
  }
  return counts;
}

const sumOf = (groups: GroupCounts[], count: (group: GroupCounts) => number) =>
  groups.reduce((total, group) => total + count(group), 0);

function addCounts(all: Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const counts of all) for (const [name, count] of Object.entries(counts)) sum[name] = (sum[name] ?? 0) + count;
  return sum;
}

function phaseSummary(groups: GroupCounts[], phase: 'self' | 'review'): PhaseSummary {
  const participants = sumOf(groups, (group) => group.participants);
  const counts = { pending: 0, submitted: 0, late: 0, overdue: 0, ...addCounts(groups.map((group) => group[phase])) };
  return { participants, ...counts, completion: completionPercent(counts, participants) };
}

/** Ratings (by default the final ones) by label in scale order, plus those without one. */
function ratingDistribution(
  groups: GroupCounts[],
  labels: string[],
  side: 'before' | 'after' = 'after',
): Record<string, number> {
  const counts = addCounts(groups.map((group) => group[side]));
  const rated = Object.values(counts).reduce((total, count) => total + count, 0);
  return {
    ...Object.fromEntries(labels.map((label) => [label, 0])),
    ...counts,
    'no rating': sumOf(groups, (group) => group.participants) - rated,
  };
}

/** Ratings before calibration (the scores of the managers' reviews) and after (the final ones), and how many HR adjusted. */
function calibrationOf(groups: GroupCounts[], labels: string[]) {
  return {
    adjusted: sumOf(groups, (group) => group.adjusted),
    before: ratingDistribution(groups, labels, 'before'),
    after: ratingDistribution(groups, labels),
  };
}

function summaryOf(groups: GroupCounts[], goals: DepartmentGoalCounts[], labels: string[]) {
  return {
    participants: sumOf(groups, (group) => group.participants),
    self: phaseSummary(groups, 'self'),
    manager: phaseSummary(groups, 'review'),
    ratings: ratingDistribution(groups, labels),
    goals: addOutcomeCounts(goals.map((of) => of.counts)),
    unacknowledged: sumOf(groups, (group) => group.unacknowledged),
    disagreed: sumOf(groups, (group) => group.disagreed),
  };
}

/**
 * The report's figures, overall, per department and per reviewer, from the counts of each (reviewer,
 * department) group and the goal outcomes of each department. `labels` are the scale's labels, lowest first, so
 * the distributions read in scale order.
 */
export function reportSummaries(groups: GroupCounts[], goals: DepartmentGoalCounts[], labels: string[]) {
  const departments = [...Map.groupBy(groups, (group) => group.department)].sort(([a], [b]) => a.localeCompare(b));
  const goalsOf = Map.groupBy(goals, (goal) => goal.department);
  const managers = [...Map.groupBy(groups, (group) => group.managerId)]
    .map(([managerId, of]) => ({ managerId, manager: of.at(-1)!.manager, of }))
    .sort((a, b) => a.manager.localeCompare(b.manager) || a.managerId.localeCompare(b.managerId));
  return {
    overall: summaryOf(groups, goals, labels),
    departments: departments.map(([department, of]) => ({
      department,
      ...summaryOf(of, goalsOf.get(department) ?? [], labels),
    })),
    calibration: {
      ...calibrationOf(groups, labels),
      departments: departments.map(([department, of]) => ({ department, ...calibrationOf(of, labels) })),
      managers: managers.map(({ managerId, manager, of }) => ({ managerId, manager, ...calibrationOf(of, labels) })),
    },
  };
}

/**
 * The report's figures counted from every person's facts and every goal the cycle reports: what the counters must
 * add up to.
 */
export function buildReport(people: PersonFacts[], goals: DepartmentGoal[], labels: string[]) {
  return reportSummaries(groupsOfPeople(people), goalCountsOf(goals), labels);
}

export const REPORT_COLUMNS = [
  'employeeId',
  'name',
  'department',
  'manager',
  'self-assessment',
  'manager review',
  'final score',
  'final rating',
  'overall rating',
  'goals met',
  'goals done late',
  'goals missed',
  'goals open',
  'acknowledgement',
  // Calibration: the manager's overall rating, the final rating (HR's when adjusted, else the score), and whether HR adjusted it.
  'managerRating',
  'finalRating',
  'adjusted',
] as const;

/** One person's row: `final rating` is the label of the final rating, after calibration. */
export function reportRow(person: PersonFacts): string[] {
  const goals = countOutcomes(person.goals);
  const final = finalOf(person);
  return [
    person.employeeId,
    person.name,
    person.department,
    person.manager,
    person.self,
    person.review,
    person.score ? String(person.score.value) : '',
    final?.label ?? '',
    person.overallRating === undefined ? '' : String(person.overallRating),
    String(goals.met),
    String(goals['done-late']),
    String(goals.missed),
    String(goals.open),
    person.acknowledgement,
    person.overallRating === undefined ? '' : String(person.overallRating),
    final ? String(final.value) : '',
    person.score ? (person.adjustedRating ? 'yes' : 'no') : '',
  ];
}

/**
 * CSV that opens cleanly in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads accents), CRLF
 * line ends, every field with a comma, quote or line break quoted with its quotes doubled, and a field a
 * spreadsheet would run as a formula (starting with = + - @ or a tab) prefixed with an apostrophe.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${csvLines(rows)}`;
}

/** Rows of the CSV without the byte-order mark, each ending CRLF: what a file written page by page appends. */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
