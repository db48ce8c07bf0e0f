import { countOutcomes, type GoalOutcome } from './goals.ts';
import { completionPercent, type PhaseState } from './progress.ts';

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

function phaseSummary(states: PhaseState[]): PhaseSummary {
  const counts = countStates(states);
  return { participants: states.length, ...counts, completion: completionPercent(counts, states.length) };
}

/** A person's final rating: HR's from calibration, else the score of the manager's review. */
const finalOf = (person: PersonFacts) => person.adjustedRating ?? person.score;

/** Ratings (by default the final ones) by label in scale order, plus those without one. */
function ratingDistribution(
  people: PersonFacts[],
  labels: string[],
  ratingOf: (person: PersonFacts) => { label: string } | undefined = finalOf,
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labels.map((label) => [label, 0]));
  let unrated = 0;
  for (const person of people) {
    const rating = ratingOf(person);
    if (rating) counts[rating.label] = (counts[rating.label] ?? 0) + 1;
    else unrated++;
  }
  return { ...counts, 'no rating': unrated };
}

/** Ratings before calibration (the managers' reviews) and after (the final ones), and how many HR adjusted. */
function calibrationOf(people: PersonFacts[], labels: string[]) {
  return {
    adjusted: people.filter((person) => person.adjustedRating).length,
    before: ratingDistribution(people, labels, (person) => person.score),
    after: ratingDistribution(people, labels),
  };
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
  const managers = [...new Map(people.map((person) => [person.managerId, person.manager])).entries()].sort(
    ([idA, a], [idB, b]) => a.localeCompare(b) || idA.localeCompare(idB),
  );
  return {
    overall: summaryOf(people, labels),
    departments: departments.map((department) => ({
      department,
      ...summaryOf(
        people.filter((person) => person.department === department),
        labels,
      ),
    })),
    calibration: {
      ...calibrationOf(people, labels),
      departments: departments.map((department) => ({
        department,
        ...calibrationOf(
          people.filter((person) => person.department === department),
          labels,
        ),
      })),
      managers: managers.map(([managerId, manager]) => ({
        managerId,
        manager,
        ...calibrationOf(
          people.filter((person) => person.managerId === managerId),
          labels,
        ),
      })),
    },
    unacknowledged: people
      .filter((person) => person.acknowledgement === 'unacknowledged')
      .map(({ employeeId, name, manager }) => ({ employeeId, name, manager })),
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
  return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
