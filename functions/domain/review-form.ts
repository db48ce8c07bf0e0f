import { z } from 'zod';

/**
 * The review template and rating scale. A cycle stores the scale and questions it was launched with, so
 * a later change to the organisation's settings never rewrites a running cycle.
 */
export interface ScalePoint {
  value: number;
  label: string;
}

export const DEFAULT_SCALE: ScalePoint[] = [
  { value: 1, label: 'Below expectations' },
  { value: 2, label: 'Partly meets expectations' },
  { value: 3, label: 'Meets expectations' },
  { value: 4, label: 'Exceeds expectations' },
  { value: 5, label: 'Exceptional' },
];

export interface Question {
  id: 'overallRating' | 'wentWell' | 'toImprove' | 'nextGoals';
  kind: 'rating' | 'text';
  label: string;
}

export const SELF_QUESTIONS: Question[] = [
  { id: 'overallRating', kind: 'rating', label: 'Overall performance' },
  { id: 'wentWell', kind: 'text', label: 'What went well' },
  { id: 'toImprove', kind: 'text', label: 'What to improve' },
  { id: 'nextGoals', kind: 'text', label: 'Goals for next quarter' },
];

export const MAX_TEXT_ANSWER = 5000;

// Browsers count a line break as one character against maxlength but post it as CRLF: count it as one too.
const textAnswer = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .transform((text) => text.replace(/\r\n?/g, '\n'))
    .pipe(
      z
        .string()
        .trim()
        .min(1, `${label} is required`)
        .max(MAX_TEXT_ANSWER, `${label} is longer than ${MAX_TEXT_ANSWER} characters`),
    );

function ratingOn(scale: ScalePoint[], label: string) {
  const values = scale.map((point) => point.value);
  // Number('') and Number(null) are 0: an unchosen rating must stay unchosen, not become 0 on a scale that has it.
  const unchosen = (value: unknown) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value);
  return z.preprocess(
    unchosen,
    z.coerce
      .number({ error: `${label}: choose a rating` })
      .int(`${label}: choose a rating`)
      .refine((value) => values.includes(value), `${label}: choose one of ${values.join(', ')}`),
  );
}

/** A goal of the review's period as the forms show it: rated once by the employee and once by the manager. */
export interface GoalToRate {
  goalId: string;
  title: string;
  weight: number;
}

/** A goal rating as stored with the answers: the goal's title and weight are kept as they were when it was rated. */
export interface GoalRating extends GoalToRate {
  rating: number;
}

/** The form field that carries a goal's rating. */
export function goalRatingField(goalId: string): string {
  return `goal-${goalId}`;
}

/** Every goal of the period needs a rating; the values arrive keyed by goal id (none at all when nothing was chosen). */
function goalRatingsOn(scale: ScalePoint[], goals: GoalToRate[]) {
  return z.preprocess(
    (ratings) => ratings ?? {},
    z
      .object(Object.fromEntries(goals.map((goal) => [goal.goalId, ratingOn(scale, `Goal "${goal.title}"`)])))
      .transform((ratings): GoalRating[] => goals.map(({ goalId, title, weight }) => ({ goalId, title, weight, rating: ratings[goalId] as number }))),
  );
}

export function selfAnswersSchema(scale: ScalePoint[], goals: GoalToRate[] = []) {
  return z.object({
    goalRatings: goalRatingsOn(scale, goals),
    overallRating: ratingOn(scale, 'Overall performance'),
    wentWell: textAnswer('What went well'),
    toImprove: textAnswer('What to improve'),
    nextGoals: textAnswer('Goals for next quarter'),
  });
}

export type SelfAnswers = z.infer<ReturnType<typeof selfAnswersSchema>>;

export function reviewAnswersSchema(scale: ScalePoint[], goals: GoalToRate[] = []) {
  return z.object({
    goalRatings: goalRatingsOn(scale, goals),
    rating: ratingOn(scale, 'Rating'),
    comments: textAnswer('Comments'),
  });
}

export type ReviewAnswers = z.infer<ReturnType<typeof reviewAnswersSchema>>;

/** Reads the goal ratings of a posted form, keyed by goal id, for the schemas above. */
export function postedGoalRatings(goals: GoalToRate[], field: (name: string) => string | null): Record<string, string> {
  return Object.fromEntries(goals.map((goal) => [goal.goalId, field(goalRatingField(goal.goalId)) ?? '']));
}

export function labelOf(scale: ScalePoint[], value: number): string {
  return scale.find((point) => point.value === value)?.label ?? String(value);
}
