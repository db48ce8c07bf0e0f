import type { FinalScore } from './score.ts';

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
