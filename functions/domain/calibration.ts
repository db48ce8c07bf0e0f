import { labelOf, type ScalePoint } from './review-form.ts';
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

/**
 * The final rating as a person's results show it: HR's adjustment, named by its point of the scale, or the
 * score computed from the manager's review with its label; `calibrated` when HR set it.
 */
export function finalResultOf(review: { score: FinalScore }, scale: ScalePoint[], adjustment?: RatingAdjustment): { value: number; label: string; calibrated: boolean } {
  const value = finalRatingOf(review, adjustment);
  return { value, label: adjustment ? labelOf(scale, value) : review.score.label, calibrated: adjustment !== undefined };
}
