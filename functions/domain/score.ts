import type { ScalePoint } from './review-form.ts';

/**
 * The final score of an appraisal, documented for everyone who reads it:
 *
 * 1. Goals: the weighted mean of the manager's goal ratings, Σ(weight × rating) / Σ weight. When every
 *    goal has weight 0, the plain mean.
 * 2. Competencies: the plain mean of the manager's competency ratings.
 * 3. Final: `scoreWeights.goals` % of (1) plus `scoreWeights.competencies` % of (2) when both exist and
 *    both shares are above 0; only one of them when the other is missing or weighted 0; the manager's
 *    overall rating when neither exists.
 *
 * The value is rounded to two decimals and named by the nearest point of the scale (halfway rounds up).
 */
export interface ScoreWeights {
  goals: number;
  competencies: number;
}

export interface FinalScore {
  value: number;
  label: string;
  basis: 'goals and competencies' | 'goals' | 'competencies' | 'overall rating';
}

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : undefined;
}

export function goalScore(ratings: { weight: number; rating: number }[]): number | undefined {
  const totalWeight = ratings.reduce((sum, goal) => sum + goal.weight, 0);
  if (totalWeight === 0) return mean(ratings.map((goal) => goal.rating));
  return ratings.reduce((sum, goal) => sum + goal.weight * goal.rating, 0) / totalWeight;
}

/** The scale point nearest to a score; halfway between two points rounds up. */
export function nearestPoint(scale: ScalePoint[], value: number): ScalePoint {
  const sorted = [...scale].sort((a, b) => a.value - b.value);
  return sorted.reduce((best, point) => (Math.abs(point.value - value) <= Math.abs(best.value - value) ? point : best));
}

export function finalScore(
  review: {
    goalRatings: { weight: number; rating: number }[];
    competencyRatings: { rating: number }[];
    rating: number;
  },
  weights: ScoreWeights,
  scale: ScalePoint[],
): FinalScore {
  const goals = goalScore(review.goalRatings);
  const competencies = mean(review.competencyRatings.map((competency) => competency.rating));
  const useGoals = goals !== undefined && (weights.goals > 0 || competencies === undefined);
  const useCompetencies = competencies !== undefined && (weights.competencies > 0 || goals === undefined);
  let raw: number;
  let basis: FinalScore['basis'];
  if (useGoals && useCompetencies) {
    raw = (weights.goals * goals + weights.competencies * competencies) / (weights.goals + weights.competencies);
    basis = 'goals and competencies';
  } else if (useGoals) {
    raw = goals;
    basis = 'goals';
  } else if (useCompetencies) {
    raw = competencies;
    basis = 'competencies';
  } else {
    raw = review.rating;
    basis = 'overall rating';
  }
  const value = twoDecimals(raw);
  return { value, label: nearestPoint(scale, value).label, basis };
}

/** A score or a mean as people read it: two decimals, halfway rounding up. */
export function twoDecimals(raw: number): number {
  // toPrecision first: 2.495 is stored as 2.49499…, which would otherwise round down.
  return Math.round(Number((raw * 100).toPrecision(12))) / 100;
}
