import { labelOf, type ScalePoint } from './review-form.ts';
import { nearestPoint, type FinalScore } from './score.ts';

/**
 * Calibration: between the manager deadline and HR's release, HR compares ratings across managers and
 * departments and may set a person's final rating, with a reason. The manager's review stays as written.
 */

/** HR's setting of a person's final rating in calibration; `from` is the final rating it replaced. */
export interface RatingAdjustment {
  rating: number;
  reason: string;
  by: string;
  at: string;
  from: number;
}

/** The rating a person's results give: HR's adjustment when there is one, else the score computed from the manager's review. */
export function finalRatingOf(review: { score: FinalScore }, adjustment?: RatingAdjustment): number {
  return adjustment?.rating ?? review.score.value;
}

/**
 * The final rating as a person's results show it: HR's adjustment, named by its point of the scale, or the
 * score computed from the manager's review with its label; `calibrated` when HR set it.
 */
export function finalResultOf(
  review: { score: FinalScore },
  scale: ScalePoint[],
  adjustment?: RatingAdjustment,
): { value: number; label: string; calibrated: boolean } {
  const value = finalRatingOf(review, adjustment);
  return {
    value,
    label: adjustment ? labelOf(scale, value) : review.score.label,
    calibrated: adjustment !== undefined,
  };
}

/**
 * What calibration counts, per manager and per department: "before" is the rating a person would get without
 * calibration (the score computed from the manager's review), "after" the final rating (HR's adjustment, else
 * that score); each is counted at its nearest scale point, so a person HR did not adjust counts the same
 * before and after. Means use the exact values; a group whose mean is more than one scale point from the
 * cycle's mean is flagged. One scale point is the scale's average step, (highest - lowest) / (points - 1).
 */
export interface RatingFacts {
  before: number;
  after: number;
}

export function ratingFactsOf(review: { score: FinalScore }, adjustment?: RatingAdjustment): RatingFacts {
  return { before: review.score.value, after: finalRatingOf(review, adjustment) };
}

/** Counts of reviewed people by scale point value (after: nearest point), with the sums that give the means. */
export interface Tally {
  reviewed: number;
  before: Record<number, number>;
  after: Record<number, number>;
  beforeSum: number;
  afterSum: number;
}

export const emptyTally = (): Tally => ({ reviewed: 0, before: {}, after: {}, beforeSum: 0, afterSum: 0 });

/** Who a reviewed or missing person counts for: their reviewer and their department. */
export interface RatingGroup {
  managerKey: string;
  managerName: string;
  department: string;
}

/** Two decimals, halves away from zero so that a deviation reads the same above and below the mean. */
const cents = (value: number) => (Math.sign(value) * Math.round(Math.abs(value) * 100)) / 100;

/**
 * What a person's change of ratings does to their group's tally: `from` leaves (undefined: they had no
 * review), `to` arrives (undefined: they have none any more). Counts that do not move are left out.
 */
export function tallyChange(scale: ScalePoint[], from: RatingFacts | undefined, to: RatingFacts | undefined): Tally {
  const change = emptyTally();
  for (const [facts, sign] of [
    [from, -1],
    [to, 1],
  ] as const) {
    if (!facts) continue;
    change.reviewed += sign;
    const beforePoint = nearestPoint(scale, facts.before).value;
    change.before[beforePoint] = (change.before[beforePoint] ?? 0) + sign;
    const afterPoint = nearestPoint(scale, facts.after).value;
    change.after[afterPoint] = (change.after[afterPoint] ?? 0) + sign;
    change.beforeSum = cents(change.beforeSum + sign * facts.before);
    change.afterSum = cents(change.afterSum + sign * facts.after);
  }
  for (const counts of [change.before, change.after]) {
    for (const [point, count] of Object.entries(counts)) if (count === 0) delete counts[Number(point)];
  }
  return change;
}

export function addTallies(tallies: Tally[]): Tally {
  const total = emptyTally();
  for (const tally of tallies) {
    total.reviewed += tally.reviewed;
    total.beforeSum = cents(total.beforeSum + tally.beforeSum);
    total.afterSum = cents(total.afterSum + tally.afterSum);
    for (const side of ['before', 'after'] as const) {
      for (const [point, count] of Object.entries(tally[side]))
        total[side][Number(point)] = (total[side][Number(point)] ?? 0) + count;
    }
  }
  return total;
}

/** One scale point: the scale's average step between neighbouring points. */
export function pointStep(scale: ScalePoint[]): number {
  const values = scale.map((point) => point.value);
  return (Math.max(...values) - Math.min(...values)) / (values.length - 1);
}

/** A distribution: `counts` aligned with the scale, lowest point first; `mean` and `deviation` to two decimals, null without reviews. */
interface Distribution {
  counts: number[];
  mean: number | null;
  deviation: number | null;
  outlier: boolean;
}

interface GroupFigures {
  /** The managerKey or the department. */
  key: string;
  name: string;
  reviewed: number;
  missing: number;
  before: Distribution;
  after: Distribution;
}

export interface CalibrationFigures {
  pointStep: number;
  overall: GroupFigures;
  managers: GroupFigures[];
  departments: GroupFigures[];
}

/**
 * The figures HR calibrates with, from the tallies of each (manager, department) pair and the people whose
 * review is missing: the cycle overall, each manager and each department, each against the cycle's means.
 */
export function calibrationFigures(
  scale: ScalePoint[],
  tallies: (RatingGroup & Tally)[],
  missing: RatingGroup[],
): CalibrationFigures {
  const points = [...scale].sort((a, b) => a.value - b.value).map((point) => point.value);
  const step = pointStep(scale);
  const overall = addTallies(tallies);
  const distribution = (tally: Tally, side: 'before' | 'after'): Distribution => {
    const counts = points.map((point) => tally[side][point] ?? 0);
    if (!tally.reviewed) return { counts, mean: null, deviation: null, outlier: false };
    const mean = tally[`${side}Sum`] / tally.reviewed;
    const deviation = mean - overall[`${side}Sum`] / overall.reviewed;
    // Rounded for display only: the flag compares the exact deviation.
    return { counts, mean: cents(mean), deviation: cents(deviation) || 0, outlier: Math.abs(deviation) > step + 1e-9 };
  };
  const figuresOf = (key: string, name: string, groupTallies: Tally[], missingCount: number): GroupFigures => {
    const tally = addTallies(groupTallies);
    return {
      key,
      name,
      reviewed: tally.reviewed,
      missing: missingCount,
      before: distribution(tally, 'before'),
      after: distribution(tally, 'after'),
    };
  };
  const byGroup = (keyOf: (group: RatingGroup) => string, nameOf: (group: RatingGroup) => string) => {
    const names = new Map([...tallies, ...missing].map((group) => [keyOf(group), nameOf(group)]));
    const talliesOf = Map.groupBy(tallies, keyOf);
    const missingOf = Map.groupBy(missing, keyOf);
    return [...names]
      .map(([key, name]) => figuresOf(key, name, talliesOf.get(key) ?? [], missingOf.get(key)?.length ?? 0))
      .sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
  };
  return {
    pointStep: step,
    overall: figuresOf('all', 'Everyone', tallies, missing.length),
    managers: byGroup(
      (group) => group.managerKey,
      (group) => group.managerName,
    ),
    departments: byGroup(
      (group) => group.department,
      (group) => group.department,
    ),
  };
}

/** The file `cycle calibration --csv` writes and `cycle adjust --csv` reads. */

/**
 * One row per reviewed person: their final rating at its nearest scale point, and an empty reason for HR
 * to fill where they change it. A row left as written changes nothing.
 */
export function adjustmentRows(people: { employeeId: string; finalPoint: { value: number } | null }[]): string[][] {
  return people
    .filter((person) => person.finalPoint)
    .map((person) => [person.employeeId, String(person.finalPoint!.value), '']);
}
