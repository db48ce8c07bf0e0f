import * as z from 'zod';
import { endOfDay, parseCalendarDate } from './time.ts';

/**
 * The review template as data: the rating scale, the self-assessment's text questions and the
 * competencies the manager rates. A cycle stores the template it was launched with, so a later change
 * to the organisation's settings never rewrites a running cycle.
 */
export interface ScalePoint {
  value: number;
  label: string;
  /** What the point means, shown beside the ratings so that everyone reads the scale the same way. */
  description: string;
}

export interface TextQuestion {
  /** Also the name of the question's form field. */
  id: string;
  label: string;
}

export interface Competency {
  id: string;
  label: string;
  description?: string;
}

export interface ReviewTemplate {
  scale: ScalePoint[];
  selfQuestions: TextQuestion[];
  competencies: Competency[];
}

export const DEFAULT_SCALE: ScalePoint[] = [
  {
    value: 1,
    label: 'Below expectations',
    description: 'Most goals and expectations were not met; clear improvement is needed.',
  },
  {
    value: 2,
    label: 'Partly meets expectations',
    description: 'Some goals and expectations were met; others need work.',
  },
  { value: 3, label: 'Meets expectations', description: 'Goals and expectations were met: solid, reliable work.' },
  { value: 4, label: 'Exceeds expectations', description: 'Goals were met and several were exceeded.' },
  { value: 5, label: 'Exceptional', description: 'Far beyond the goals, with an impact well outside the role.' },
];

export const DEFAULT_SELF_QUESTIONS: TextQuestion[] = [
  { id: 'wentWell', label: 'What went well' },
  { id: 'toImprove', label: 'What to improve' },
  { id: 'nextGoals', label: 'Goals for next quarter' },
];

/** What colleagues are asked about a person in a peer review (issue 14): short, since a peer review is a favour. */
export const DEFAULT_PEER_QUESTIONS: TextQuestion[] = [
  { id: 'doesWell', label: 'What does this person do well when working with you?' },
  { id: 'doDifferently', label: 'What could they do differently to make working together better?' },
];

/** What reports are asked about their manager in an upward review (issue 14). */
export const DEFAULT_UPWARD_QUESTIONS: TextQuestion[] = [
  { id: 'support', label: 'How does your manager support your work and your growth?' },
  { id: 'clarity', label: 'How clear are the goals and expectations your manager sets?' },
  { id: 'change', label: 'What one thing should your manager start, stop or change?' },
];

/** The self-assessment always asks for an overall rating; its field is `overallRating`. */
export const OVERALL_SELF_LABEL = 'Overall performance';

/** The manager's appraisal beside the ratings: fixed fields, whatever the template. */
export const REVIEW_TEXTS = [
  { id: 'strengths', label: 'Strengths' },
  { id: 'areasToImprove', label: 'Areas to improve' },
  { id: 'comments', label: 'Summary' },
] as const;

export const MAX_TEXT_ANSWER = 5000;
export const MAX_PROPOSED_GOALS = 3;

/**
 * Free text someone types: trimmed, at most `max` characters, required unless `optional`. Browsers count a
 * line break as one character against maxlength but post it as CRLF: it counts as one here too.
 */
export const textAnswer = (
  label: string,
  { max = MAX_TEXT_ANSWER, optional = false }: { max?: number; optional?: boolean } = {},
) =>
  z
    .string({ error: `${label} is required` })
    .transform((text) => text.replace(/\r\n?/g, '\n'))
    .pipe(
      z
        .string()
        .trim()
        .min(optional ? 0 : 1, `${label} is required`)
        .max(max, `${label} is longer than ${max} characters`),
    );

function ratingOn(scale: ScalePoint[], label: string) {
  const values = scale.map((point) => point.value);
  // Number('') and Number(null) are 0: an unchosen rating must stay unchosen, not become 0 on a scale that has it.
  const unchosen = (value: unknown) =>
    value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;
  return z.preprocess(
    unchosen,
    z.coerce
      .number({ error: `${label}: choose a rating` })
      .int(`${label}: choose a rating`)
      .refine((value) => values.includes(value), `${label}: choose one of ${values.join(', ')}`),
  );
}

/** A goal of the period as the forms show it: rated once by the employee and once by the manager. */
export interface GoalToRate {
  goalId: string;
  title: string;
  weight: number;
}

/** A goal rating as stored with the answers: the goal's title and weight are kept as they were when it was rated. */
export interface GoalRating extends GoalToRate {
  rating: number;
}

interface CompetencyRating {
  id: string;
  label: string;
  rating: number;
}

/** A goal the manager proposes for the next period; it becomes a goal once the employee accepts it or the manager confirms it. */
interface ProposedGoal {
  title: string;
  due: string;
  weight: number;
}

/** The form field that carries a goal's rating. */
export function goalRatingField(goalId: string): string {
  return `goal-${goalId}`;
}

export function competencyField(id: string): string {
  return `competency-${id}`;
}

export function proposedGoalField(index: number, part: 'Title' | 'Due' | 'Weight'): string {
  return `proposedGoal${index + 1}${part}`;
}

/** Ratings keyed by id (a goal's or a competency's); every one is required, none at all when nothing was chosen. */
function ratingsOn<T extends { id: string; label: string }>(
  scale: ScalePoint[],
  items: T[],
  label: (item: T) => string,
) {
  return z.preprocess(
    (ratings) => ratings ?? {},
    z
      .object(Object.fromEntries(items.map((item) => [item.id, ratingOn(scale, label(item))])))
      .transform((ratings) => items.map((item) => ({ item, rating: ratings[item.id] as number }))),
  );
}

function goalRatingsOn(scale: ScalePoint[], goals: GoalToRate[]) {
  return ratingsOn(
    scale,
    goals.map((goal) => ({ ...goal, id: goal.goalId, label: goal.title })),
    (goal) => `Goal "${goal.title}"`,
  ).transform((rated): GoalRating[] =>
    rated.map(({ item: { goalId, title, weight }, rating }) => ({ goalId, title, weight, rating })),
  );
}

function competencyRatingsOn(scale: ScalePoint[], competencies: Competency[]) {
  return ratingsOn(scale, competencies, (competency) => competency.label).transform((rated): CompetencyRating[] =>
    rated.map(({ item: { id, label }, rating }) => ({ id, label, rating })),
  );
}

function textAnswersOn(questions: TextQuestion[]) {
  return z.preprocess(
    (answers) => answers ?? {},
    z.object(Object.fromEntries(questions.map((question) => [question.id, textAnswer(question.label)]))),
  ) as z.ZodType<Record<string, string>, unknown>;
}

export function selfAnswersSchema(template: Pick<ReviewTemplate, 'scale' | 'selfQuestions'>, goals: GoalToRate[] = []) {
  return z.object({
    goalRatings: goalRatingsOn(template.scale, goals),
    overallRating: ratingOn(template.scale, OVERALL_SELF_LABEL),
    answers: textAnswersOn(template.selfQuestions),
  });
}

export type SelfAnswers = z.infer<ReturnType<typeof selfAnswersSchema>>;

/** The rating of an upward review: optional, as a report may answer the questions yet not want to rate. */
export const UPWARD_RATING_FIELD = 'upwardRating';
const UPWARD_RATING_LABEL = 'Your rating of your manager';

/** An upward review: the cycle's upward questions, each required, and an optional rating on the cycle's scale. */
export function upwardAnswersSchema(scale: ScalePoint[], questions: TextQuestion[]) {
  return z.object({
    answers: textAnswersOn(questions),
    rating: z.preprocess(
      (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
      ratingOn(scale, UPWARD_RATING_LABEL).optional(),
    ),
  });
}

/** The upward review's schema input from a posted form. */
export function postedUpwardAnswers(questions: TextQuestion[], field: (name: string) => string | null | undefined) {
  return {
    answers: Object.fromEntries(questions.map((question) => [question.id, field(question.id) ?? ''])),
    rating: field(UPWARD_RATING_FIELD) ?? '',
  };
}

/** When proposed goals may fall due: after the review, in the organisation's zone. */
export interface ProposalWindow {
  now: number;
  timeZone: string;
}

function proposedGoalsOn(window: ProposalWindow) {
  return z
    .array(
      z.object({
        row: z.number(),
        title: z.string(),
        due: z.string(),
        weight: z.string(),
      }),
    )
    .transform((rows, ctx): ProposedGoal[] => {
      const goals: ProposedGoal[] = [];
      for (const row of rows) {
        const name = `Proposed goal ${row.row}`;
        const title = row.title.trim();
        const due = row.due.trim();
        const weightText = row.weight.trim();
        if (!title && !due && !weightText) continue;
        if (!title)
          ctx.addIssue({ code: 'custom', message: `${name}: title is required`, path: [row.row - 1, 'title'] });
        if (title.length > 200)
          ctx.addIssue({
            code: 'custom',
            message: `${name}: title is longer than 200 characters`,
            path: [row.row - 1, 'title'],
          });
        if (!parseCalendarDate(due))
          ctx.addIssue({
            code: 'custom',
            message: `${name}: due must be a date YYYY-MM-DD`,
            path: [row.row - 1, 'due'],
          });
        else if (endOfDay(due, window.timeZone) <= window.now)
          ctx.addIssue({ code: 'custom', message: `${name}: due must be in the future`, path: [row.row - 1, 'due'] });
        const weight = weightText === '' ? 0 : /^\d{1,3}$/.test(weightText) ? Number(weightText) : Number.NaN;
        if (!Number.isInteger(weight) || weight < 0 || weight > 100)
          ctx.addIssue({
            code: 'custom',
            message: `${name}: weight must be a whole number from 0 to 100`,
            path: [row.row - 1, 'weight'],
          });
        goals.push({ title, due, weight });
      }
      return goals;
    });
}

export function reviewAnswersSchema(template: ReviewTemplate, goals: GoalToRate[], window: ProposalWindow) {
  return z.object({
    goalRatings: goalRatingsOn(template.scale, goals),
    competencyRatings: competencyRatingsOn(template.scale, template.competencies),
    rating: ratingOn(template.scale, 'Overall rating'),
    strengths: textAnswer('Strengths'),
    areasToImprove: textAnswer('Areas to improve'),
    comments: textAnswer('Summary'),
    proposedGoals: z.preprocess((rows) => rows ?? [], proposedGoalsOn(window)),
  });
}

export type ReviewAnswers = z.infer<ReturnType<typeof reviewAnswersSchema>>;

type PostedField = (name: string) => string | null | undefined;

/** Reads ratings keyed by id from a posted form, for the schemas above. */
function postedRatings(ids: string[], fieldOf: (id: string) => string, field: PostedField): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, field(fieldOf(id)) ?? '']));
}

/** The self-assessment's schema input from a posted form. */
export function postedSelfAnswers(
  template: Pick<ReviewTemplate, 'selfQuestions'>,
  goals: GoalToRate[],
  field: PostedField,
) {
  return {
    goalRatings: postedRatings(
      goals.map((goal) => goal.goalId),
      goalRatingField,
      field,
    ),
    overallRating: field('overallRating') ?? '',
    answers: Object.fromEntries(template.selfQuestions.map((question) => [question.id, field(question.id) ?? ''])),
  };
}

/** The manager review's schema input from a posted form. */
export function postedReview(template: ReviewTemplate, goals: GoalToRate[], field: PostedField) {
  return {
    goalRatings: postedRatings(
      goals.map((goal) => goal.goalId),
      goalRatingField,
      field,
    ),
    competencyRatings: postedRatings(
      template.competencies.map((competency) => competency.id),
      competencyField,
      field,
    ),
    rating: field('rating') ?? '',
    ...Object.fromEntries(REVIEW_TEXTS.map(({ id }) => [id, field(id) ?? ''])),
    proposedGoals: Array.from({ length: MAX_PROPOSED_GOALS }, (_, index) => ({
      row: index + 1,
      title: field(proposedGoalField(index, 'Title')) ?? '',
      due: field(proposedGoalField(index, 'Due')) ?? '',
      weight: field(proposedGoalField(index, 'Weight')) ?? '',
    })),
  };
}

/** The names of the self-assessment's fields: what a draft of it may keep. */
export function selfFieldNames(template: Pick<ReviewTemplate, 'selfQuestions'>, goals: GoalToRate[]): string[] {
  return [
    ...goals.map((goal) => goalRatingField(goal.goalId)),
    'overallRating',
    ...template.selfQuestions.map((question) => question.id),
  ];
}

/** A submitted self-assessment as the form's fields, to edit it. */
export function selfAnswersAsFields(answers: SelfAnswers): Record<string, string> {
  return {
    ...Object.fromEntries(answers.goalRatings.map((goal) => [goalRatingField(goal.goalId), String(goal.rating)])),
    overallRating: String(answers.overallRating),
    ...answers.answers,
  };
}

/** The names of the review's fields: what a draft of it may keep. */
export function reviewFieldNames(template: ReviewTemplate, goals: GoalToRate[]): string[] {
  return [
    ...goals.map((goal) => goalRatingField(goal.goalId)),
    ...template.competencies.map((competency) => competencyField(competency.id)),
    'rating',
    ...REVIEW_TEXTS.map(({ id }) => id),
    ...Array.from({ length: MAX_PROPOSED_GOALS }, (_, index) =>
      (['Title', 'Due', 'Weight'] as const).map((part) => proposedGoalField(index, part)),
    ).flat(),
  ];
}

/** A submitted review as the form's fields, to edit it. */
export function reviewAsFields(review: ReviewAnswers): Record<string, string> {
  return {
    ...Object.fromEntries(review.goalRatings.map((goal) => [goalRatingField(goal.goalId), String(goal.rating)])),
    ...Object.fromEntries(
      review.competencyRatings.map((competency) => [competencyField(competency.id), String(competency.rating)]),
    ),
    rating: String(review.rating),
    ...Object.fromEntries(REVIEW_TEXTS.map(({ id }) => [id, review[id]])),
    ...Object.fromEntries(
      review.proposedGoals.flatMap((goal, index) => [
        [proposedGoalField(index, 'Title'), goal.title],
        [proposedGoalField(index, 'Due'), goal.due],
        [proposedGoalField(index, 'Weight'), String(goal.weight)],
      ]),
    ),
  };
}

/** What of a posted form a draft keeps: the form's own fields, each cut to the longest answer a field takes. */
export function draftValues(fieldNames: string[], field: PostedField): Record<string, string> {
  return Object.fromEntries(
    fieldNames.flatMap((name) => (field(name) ? [[name, field(name)!.slice(0, MAX_TEXT_ANSWER)]] : [])),
  );
}

export function labelOf(scale: ScalePoint[], value: number): string {
  return scale.find((point) => point.value === value)?.label ?? String(value);
}
