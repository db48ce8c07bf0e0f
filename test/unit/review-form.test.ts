import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCALE,
  goalRatingField,
  labelOf,
  postedGoalRatings,
  MAX_TEXT_ANSWER,
  reviewAnswersSchema,
  SELF_QUESTIONS,
  selfAnswersSchema,
  type ScalePoint,
} from '#domain/review-form.ts';

const VALID_SELF = { overallRating: '4', wentWell: 'Shipped the billing rewrite', toImprove: 'Write more docs', nextGoals: 'Lead the Q1 launch' };

/** The messages of a failed parse by field, e.g. { wentWell: ['What went well is required'] }. */
function messagesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  if (result.success) throw new Error('expected the answers to be refused, they were accepted');
  const byField: Record<string, string[]> = {};
  for (const issue of result.error!.issues) (byField[issue.path.join('.')] ??= []).push(issue.message);
  return byField;
}

describe('DEFAULT_SCALE and SELF_QUESTIONS', () => {
  it('rates from 1 (below expectations) to 5 (exceptional)', () => {
    expect(DEFAULT_SCALE.map((point) => point.value)).toStrictEqual([1, 2, 3, 4, 5]);
    expect(DEFAULT_SCALE[0].label).toBe('Below expectations');
    expect(DEFAULT_SCALE[4].label).toBe('Exceptional');
  });

  it('asks exactly the questions the self-assessment schema checks', () => {
    const { goalRatings: _goalRatings, ...questions } = selfAnswersSchema(DEFAULT_SCALE).shape;
    expect(SELF_QUESTIONS.map((question) => question.id)).toStrictEqual(Object.keys(questions));
    expect(SELF_QUESTIONS.filter((question) => question.kind === 'rating').map((question) => question.id)).toStrictEqual(['overallRating']);
  });
});

describe('selfAnswersSchema', () => {
  const schema = selfAnswersSchema(DEFAULT_SCALE);

  it('accepts complete answers, reading the rating as a number and trimming the texts', () => {
    expect(schema.parse({ ...VALID_SELF, wentWell: '  Shipped the billing rewrite \n' })).toStrictEqual({
      goalRatings: [],
      overallRating: 4,
      wentWell: 'Shipped the billing rewrite',
      toImprove: 'Write more docs',
      nextGoals: 'Lead the Q1 launch',
    });
  });

  it.each(['1', '2', '3', '4', '5'])('accepts the rating %s', (rating) => {
    expect(schema.parse({ ...VALID_SELF, overallRating: rating }).overallRating).toBe(Number(rating));
  });

  it.each(['0', '6', '-1', '10'])('refuses the off-scale rating %s', (rating) => {
    expect(messagesOf(schema.safeParse({ ...VALID_SELF, overallRating: rating }))).toStrictEqual({
      overallRating: ['Overall performance: choose one of 1, 2, 3, 4, 5'],
    });
  });

  it.each(['2.5', 'abc', 'four'])('refuses the non-rating %j', (rating) => {
    expect(messagesOf(schema.safeParse({ ...VALID_SELF, overallRating: rating }))).toStrictEqual({
      overallRating: ['Overall performance: choose a rating'],
    });
  });

  it('asks for every answer when nothing was posted', () => {
    expect(messagesOf(schema.safeParse({}))).toStrictEqual({
      overallRating: ['Overall performance: choose a rating'],
      wentWell: ['What went well is required'],
      toImprove: ['What to improve is required'],
      nextGoals: ['Goals for next quarter is required'],
    });
  });

  it.each(['', '   ', '\n\t '])('treats the blank text %j as missing', (blank) => {
    expect(messagesOf(schema.safeParse({ ...VALID_SELF, toImprove: blank }))).toStrictEqual({
      toImprove: ['What to improve is required'],
    });
  });

  it(`accepts ${MAX_TEXT_ANSWER} characters and refuses one more`, () => {
    expect(MAX_TEXT_ANSWER).toBe(5000);
    expect(schema.parse({ ...VALID_SELF, nextGoals: 'g'.repeat(MAX_TEXT_ANSWER) }).nextGoals).toHaveLength(MAX_TEXT_ANSWER);
    expect(messagesOf(schema.safeParse({ ...VALID_SELF, nextGoals: 'g'.repeat(MAX_TEXT_ANSWER + 1) }))).toStrictEqual({
      nextGoals: ['Goals for next quarter is longer than 5000 characters'],
    });
  });

  it('measures the length after trimming', () => {
    expect(schema.parse({ ...VALID_SELF, wentWell: `  ${'w'.repeat(MAX_TEXT_ANSWER)}  ` }).wentWell).toHaveLength(MAX_TEXT_ANSWER);
  });

  it('refuses a text answer that is not text', () => {
    expect(messagesOf(schema.safeParse({ ...VALID_SELF, wentWell: 42 }))).toStrictEqual({ wentWell: ['What went well is required'] });
  });

  it('drops fields that are not questions', () => {
    expect(schema.parse({ ...VALID_SELF, managerId: 'E1' })).not.toHaveProperty('managerId');
  });
});

describe('reviewAnswersSchema', () => {
  const schema = reviewAnswersSchema(DEFAULT_SCALE);

  it('accepts a rating on the scale and comments', () => {
    expect(schema.parse({ rating: '2', comments: ' Solid quarter. ' })).toStrictEqual({ goalRatings: [], rating: 2, comments: 'Solid quarter.' });
  });

  it('refuses an off-scale rating and blank comments together', () => {
    expect(messagesOf(schema.safeParse({ rating: '7', comments: ' ' }))).toStrictEqual({
      rating: ['Rating: choose one of 1, 2, 3, 4, 5'],
      comments: ['Comments is required'],
    });
  });

  it.each(['', '   '])('refuses the unchosen rating %j', (rating) => {
    expect(messagesOf(schema.safeParse({ rating, comments: 'Fine' }))).toStrictEqual({ rating: ['Rating: choose a rating'] });
  });

  it('refuses comments over the limit', () => {
    expect(messagesOf(schema.safeParse({ rating: '3', comments: 'c'.repeat(MAX_TEXT_ANSWER + 1) }))).toStrictEqual({
      comments: ['Comments is longer than 5000 characters'],
    });
  });
});

describe('goal ratings', () => {
  const goals = [
    { goalId: 'goal_a1', title: 'Ship billing', weight: 60 },
    { goalId: 'goal_b2', title: 'Mentor Lee', weight: 40 },
  ];
  const posted = (values: Record<string, string>) => postedGoalRatings(goals, (name) => values[name] ?? null);

  it('reads each goal from its own form field', () => {
    expect(goalRatingField('goal_a1')).toBe('goal-goal_a1');
    expect(posted({ 'goal-goal_a1': '4', 'goal-goal_b2': '2', 'goal-goal_zz': '5' })).toStrictEqual({ goal_a1: '4', goal_b2: '2' });
  });

  it('keeps each rating with the goal title and weight it was given for, in the order of the goals', () => {
    const review = reviewAnswersSchema(DEFAULT_SCALE, goals).parse({ rating: '3', comments: 'ok', goalRatings: posted({ 'goal-goal_b2': '2', 'goal-goal_a1': '5' }) });
    expect(review.goalRatings).toStrictEqual([
      { goalId: 'goal_a1', title: 'Ship billing', weight: 60, rating: 5 },
      { goalId: 'goal_b2', title: 'Mentor Lee', weight: 40, rating: 2 },
    ]);
  });

  it('asks for a rating of every goal, naming it', () => {
    const result = selfAnswersSchema(DEFAULT_SCALE, goals).safeParse({ ...VALID_SELF, goalRatings: posted({ 'goal-goal_a1': '9' }) });
    expect(messagesOf(result)).toStrictEqual({
      'goalRatings.goal_a1': ['Goal "Ship billing": choose one of 1, 2, 3, 4, 5'],
      'goalRatings.goal_b2': ['Goal "Mentor Lee": choose a rating'],
    });
  });

  it('asks for every goal when no goal rating was posted at all', () => {
    expect(Object.keys(messagesOf(reviewAnswersSchema(DEFAULT_SCALE, goals).safeParse({ rating: '3', comments: 'ok' })))).toStrictEqual([
      'goalRatings.goal_a1',
      'goalRatings.goal_b2',
    ]);
  });

  it('ignores a rating of a goal that is no longer under review', () => {
    expect(reviewAnswersSchema(DEFAULT_SCALE, []).parse({ rating: '3', comments: 'ok', goalRatings: { goal_gone: '4' } }).goalRatings).toStrictEqual([]);
  });
});

describe('ratings on another scale', () => {
  const fromZero: ScalePoint[] = [
    { value: 0, label: 'Not yet' },
    { value: 1, label: 'Meets' },
    { value: 2, label: 'Exceeds' },
  ];
  const schema = reviewAnswersSchema(fromZero);

  it('accepts exactly the values of that scale', () => {
    expect(schema.parse({ rating: '0', comments: 'x' }).rating).toBe(0);
    expect(schema.parse({ rating: '2', comments: 'x' }).rating).toBe(2);
    expect(messagesOf(schema.safeParse({ rating: '3', comments: 'x' }))).toStrictEqual({ rating: ['Rating: choose one of 0, 1, 2'] });
  });

  it.each([
    ['an empty field', ''],
    ['a blank field', '  '],
    ['null', null],
    ['nothing', undefined],
  ])('does not read %s as the rating 0', (_, rating) => {
    expect(messagesOf(schema.safeParse({ rating, comments: 'x' }))).toStrictEqual({ rating: ['Rating: choose a rating'] });
  });
});

describe('labelOf', () => {
  it('names a value on the scale', () => {
    expect(labelOf(DEFAULT_SCALE, 3)).toBe('Meets expectations');
    expect(labelOf(DEFAULT_SCALE, 5)).toBe('Exceptional');
  });

  it('falls back to the number for a value off the scale', () => {
    expect(labelOf(DEFAULT_SCALE, 9)).toBe('9');
    expect(labelOf([], 1)).toBe('1');
  });
});
