import { countOutcomes, type GoalOutcome } from './goals.ts';

/**
 * HR's report of a cycle (issue 4), from plain facts: completion and lateness per phase and department,
 * the distribution of final ratings, goal outcomes and unacknowledged results, and one row per person
 * for the CSV.
 */
export type PhaseState = 'pending' | 'submitted' | 'late' | 'overdue';
export type AcknowledgementState = 'acknowledged' | 'disagreed' | 'unacknowledged' | 'no result';

export interface PersonFacts {
  employeeId: string;
  name: string;
  department: string;
  manager: string;
  self: PhaseState;
  review: PhaseState;
  /** Final score and its label; undefined without a manager's review. */
  score?: { value: number; label: string };
  overallRating?: number;
  goals: GoalOutcome[];
  acknowledgement: AcknowledgementState;
}

export interface PhaseSummary {
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

function phaseSummary(states: PhaseState[]): PhaseSummary {
  const counts = countStates(states);
  const completion = states.length ? Math.round(((counts.submitted + counts.late) / states.length) * 1000) / 10 : 0;
  return { participants: states.length, ...counts, completion };
}

/** Final ratings by label in scale order, plus those without one. */
function ratingDistribution(people: PersonFacts[], labels: string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labels.map((label) => [label, 0]));
  let unrated = 0;
  for (const person of people) {
    if (person.score) counts[person.score.label] = (counts[person.score.label] ?? 0) + 1;
    else unrated++;
  }
  return { ...counts, 'no rating': unrated };
}

function summaryOf(people: PersonFacts[], labels: string[]) {
  return {
    participants: people.length,
    self: phaseSummary(people.map((person) => person.self)),
    manager: phaseSummary(people.map((person) => person.review)),
    ratings: ratingDistribution(people, labels),
    goals: countOutcomes(people.flatMap((person) => person.goals)),
    unacknowledged: people.filter((person) => person.acknowledgement === 'unacknowledged').length,
    disagreed: people.filter((person) => person.acknowledgement === 'disagreed').length,
  };
}

/** `labels` are the scale's labels, lowest first, so the distribution reads in scale order. */
export function buildReport(people: PersonFacts[], labels: string[]) {
  const departments = [...new Set(people.map((person) => person.department))].sort((a, b) => a.localeCompare(b));
  return {
    overall: summaryOf(people, labels),
    departments: departments.map((department) => ({ department, ...summaryOf(people.filter((person) => person.department === department), labels) })),
    unacknowledged: people.filter((person) => person.acknowledgement === 'unacknowledged').map(({ employeeId, name, manager }) => ({ employeeId, name, manager })),
  };
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
] as const;

export function reportRow(person: PersonFacts): string[] {
  const goals = countOutcomes(person.goals);
  return [
    person.employeeId,
    person.name,
    person.department,
    person.manager,
    person.self,
    person.review,
    person.score ? String(person.score.value) : '',
    person.score?.label ?? '',
    person.overallRating === undefined ? '' : String(person.overallRating),
    String(goals.met),
    String(goals['done-late']),
    String(goals.missed),
    String(goals.open),
    person.acknowledgement,
  ];
}

/**
 * CSV that opens cleanly in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads accents), CRLF
 * line ends, every field with a comma, quote or line break quoted with its quotes doubled, and a field a
 * spreadsheet would run as a formula (starting with = + - @ or a tab) prefixed with an apostrophe.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
