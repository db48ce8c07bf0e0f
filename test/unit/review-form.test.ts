import { describe, expect, it } from 'vitest';
import {
  competencyField,
  DEFAULT_SCALE,
  DEFAULT_SELF_QUESTIONS,
  goalRatingField,
  labelOf,
  MAX_PROPOSED_GOALS,
  MAX_TEXT_ANSWER,
  OVERALL_SELF_LABEL,
  postedReview,
  postedSelfAnswers,
  proposedGoalField,
  REVIEW_TEXTS,
  reviewAnswersSchema,
  selfAnswersSchema,
  DEFAULT_UPWARD_QUESTIONS,
  postedUpwardAnswers,
  UPWARD_RATING_FIELD,
  upwardAnswersSchema,
  type ProposalWindow,
  type ReviewTemplate,
  type ScalePoint,
} from '#domain/review-form.ts';

const TEMPLATE: ReviewTemplate = { scale: DEFAULT_SCALE, selfQuestions: DEFAULT_SELF_QUESTIONS, competencies: [] };
/** 10 June 2026, 11:00 in Berlin. */
const WINDOW: ProposalWindow = { now: Date.parse('2026-06-10T09:00:00Z'), timeZone: 'Europe/Berlin' };

const VALID_SELF = {
  overallRating: '4',
  answers: { wentWell: 'Shipped the billing rewrite', toImprove: 'Write more docs', nextGoals: 'Lead the Q1 launch' },
};
const VALID_REVIEW = {
  rating: '3',
  strengths: 'Clear writing',
  areasToImprove: 'Delegation',
  comments: 'Solid quarter.',
};

/** A posted form as the handlers see it: a lookup by field name, null for a field that was not posted. */
const formOf = (values: Record<string, string>) => (name: string) => values[name] ?? null;

/** The messages of a failed parse by field, e.g. { 'answers.wentWell': ['What went well is required'] }. */
function messagesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  if (result.success) throw new Error('expected the answers to be refused, they were accepted');
  const byField: Record<string, string[]> = {};
  for (const issue of result.error!.issues) {
    const field = issue.path.join('.');
    byField[field] = [...(byField[field] ?? []), issue.message];
  }
  return byField;
}

describe('DEFAULT_SCALE and DEFAULT_SELF_QUESTIONS', () => {
  it('rates from 1 (below expectations) to 5 (exceptional), each point described', () => {
    expect(DEFAULT_SCALE.map((point) => point.value)).toStrictEqual([1, 2, 3, 4, 5]);
    expect(DEFAULT_SCALE[0].label).toBe('Below expectations');
    expect(DEFAULT_SCALE[4].label).toBe('Exceptional');
    for (const point of DEFAULT_SCALE) expect(point.description.trim()).not.toBe('');
  });

  it('asks three text questions by default; the overall rating is asked beside them, not among them', () => {
    expect(DEFAULT_SELF_QUESTIONS).toStrictEqual([
      { id: 'wentWell', label: 'What went well' },
      { id: 'toImprove', label: 'What to improve' },
      { id: 'nextGoals', label: 'Goals for next quarter' },
    ]);
    expect(OVERALL_SELF_LABEL).toBe('Overall performance');
    expect(Object.keys(selfAnswersSchema(TEMPLATE).shape)).toStrictEqual(['goalRatings', 'overallRating', 'answers']);
  });

  it('answers exactly the questions of the template, keyed by their ids', () => {
    expect(Object.keys(selfAnswersSchema(TEMPLATE).parse(VALID_SELF).answers)).toStrictEqual(
      DEFAULT_SELF_QUESTIONS.map((question) => question.id),
    );
  });

  it('gives the manager review three fixed texts', () => {
    expect(REVIEW_TEXTS).toStrictEqual([
      { id: 'strengths', label: 'Strengths' },
      { id: 'areasToImprove', label: 'Areas to improve' },
      { id: 'comments', label: 'Summary' },
    ]);
  });
});

describe('selfAnswersSchema', () => {
  const schema = selfAnswersSchema(TEMPLATE);

  it('accepts complete answers, reading the rating as a number and trimming the texts', () => {
    expect(
      schema.parse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, wentWell: '  Shipped the billing rewrite \n' } }),
    ).toStrictEqual({
      goalRatings: [],
      overallRating: 4,
      answers: {
        wentWell: 'Shipped the billing rewrite',
        toImprove: 'Write more docs',
        nextGoals: 'Lead the Q1 launch',
      },
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
      'answers.wentWell': ['What went well is required'],
      'answers.toImprove': ['What to improve is required'],
      'answers.nextGoals': ['Goals for next quarter is required'],
    });
  });

  it.each(['', '   ', '\n\t ', '\r\n'])('treats the blank text %j as missing', (blank) => {
    expect(
      messagesOf(schema.safeParse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, toImprove: blank } })),
    ).toStrictEqual({
      'answers.toImprove': ['What to improve is required'],
    });
  });

  it(`accepts ${MAX_TEXT_ANSWER} characters and refuses one more`, () => {
    expect(MAX_TEXT_ANSWER).toBe(5000);
    const answer = (nextGoals: string) => ({ ...VALID_SELF, answers: { ...VALID_SELF.answers, nextGoals } });
    expect(schema.parse(answer('g'.repeat(MAX_TEXT_ANSWER))).answers.nextGoals).toHaveLength(MAX_TEXT_ANSWER);
    expect(messagesOf(schema.safeParse(answer('g'.repeat(MAX_TEXT_ANSWER + 1))))).toStrictEqual({
      'answers.nextGoals': ['Goals for next quarter is longer than 5000 characters'],
    });
  });

  it('measures the length after trimming', () => {
    const wentWell = `  ${'w'.repeat(MAX_TEXT_ANSWER)}  `;
    expect(schema.parse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, wentWell } }).answers.wentWell).toHaveLength(
      MAX_TEXT_ANSWER,
    );
  });

  it('counts a posted line break (CRLF) as one character, as the browser did, and stores it as LF', () => {
    // 2500 lines of one character: 4999 characters in the browser, 7498 as posted with CRLF.
    const posted = Array.from({ length: 2500 }, () => 'x').join('\r\n');
    const parsed = schema.parse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, wentWell: posted } });
    expect(parsed.answers.wentWell).toHaveLength(4999);
    expect(parsed.answers.wentWell).toBe(Array.from({ length: 2500 }, () => 'x').join('\n'));
    expect(
      schema.parse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, wentWell: 'a\rb\r\nc' } }).answers.wentWell,
    ).toBe('a\nb\nc');
  });

  it('refuses a text over the limit once its line breaks are counted as one', () => {
    const posted = Array.from({ length: 2501 }, () => 'x').join('\r\n'); // 5001 characters in the browser
    expect(
      messagesOf(schema.safeParse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, wentWell: posted } })),
    ).toStrictEqual({
      'answers.wentWell': ['What went well is longer than 5000 characters'],
    });
  });

  it('refuses a text answer that is not text', () => {
    expect(
      messagesOf(schema.safeParse({ ...VALID_SELF, answers: { ...VALID_SELF.answers, wentWell: 42 } })),
    ).toStrictEqual({
      'answers.wentWell': ['What went well is required'],
    });
  });

  it('drops fields and answers that are not questions', () => {
    const parsed = schema.parse({ ...VALID_SELF, managerId: 'E1', answers: { ...VALID_SELF.answers, salary: 'more' } });
    expect(parsed).not.toHaveProperty('managerId');
    expect(parsed.answers).not.toHaveProperty('salary');
  });
});

describe('custom self questions', () => {
  const template = {
    scale: DEFAULT_SCALE,
    selfQuestions: [
      { id: 'proudOf', label: 'What are you proud of?' },
      { id: 'support', label: 'What support do you need?' },
    ],
  };
  const schema = selfAnswersSchema(template);

  it('keys the answers by the ids of the template', () => {
    expect(
      schema.parse({ overallRating: '3', answers: { support: ' A mentor ', proudOf: 'The launch' } }),
    ).toStrictEqual({
      goalRatings: [],
      overallRating: 3,
      answers: { proudOf: 'The launch', support: 'A mentor' },
    });
  });

  it('names a missing question by its label', () => {
    expect(messagesOf(schema.safeParse({ overallRating: '3', answers: { proudOf: 'The launch' } }))).toStrictEqual({
      'answers.support': ['What support do you need? is required'],
    });
  });

  it('no longer asks the default questions', () => {
    const parsed = schema.parse({ overallRating: '3', answers: { proudOf: 'a', support: 'b', ...VALID_SELF.answers } });
    expect(Object.keys(parsed.answers)).toStrictEqual(['proudOf', 'support']);
  });

  it('names an over-long answer by its label', () => {
    expect(
      messagesOf(
        schema.safeParse({ overallRating: '3', answers: { proudOf: 'p'.repeat(MAX_TEXT_ANSWER + 1), support: 'b' } }),
      ),
    ).toStrictEqual({
      'answers.proudOf': ['What are you proud of? is longer than 5000 characters'],
    });
  });

  it('still asks for the overall rating, whatever the questions', () => {
    expect(messagesOf(schema.safeParse({ answers: { proudOf: 'a', support: 'b' } }))).toStrictEqual({
      overallRating: ['Overall performance: choose a rating'],
    });
  });
});

describe('reviewAnswersSchema', () => {
  const schema = reviewAnswersSchema(TEMPLATE, [], WINDOW);

  it('accepts a rating on the scale and the three texts, trimmed', () => {
    expect(schema.parse({ ...VALID_REVIEW, comments: ' Solid quarter. ' })).toStrictEqual({
      goalRatings: [],
      competencyRatings: [],
      rating: 3,
      strengths: 'Clear writing',
      areasToImprove: 'Delegation',
      comments: 'Solid quarter.',
      proposedGoals: [],
    });
  });

  it('asks for everything when nothing was posted', () => {
    expect(messagesOf(schema.safeParse({}))).toStrictEqual({
      rating: ['Overall rating: choose a rating'],
      strengths: ['Strengths is required'],
      areasToImprove: ['Areas to improve is required'],
      comments: ['Summary is required'],
    });
  });

  it('refuses an off-scale rating and blank texts together', () => {
    expect(
      messagesOf(schema.safeParse({ rating: '7', strengths: ' ', areasToImprove: '\n', comments: ' ' })),
    ).toStrictEqual({
      rating: ['Overall rating: choose one of 1, 2, 3, 4, 5'],
      strengths: ['Strengths is required'],
      areasToImprove: ['Areas to improve is required'],
      comments: ['Summary is required'],
    });
  });

  it.each(['', '   '])('refuses the unchosen rating %j', (rating) => {
    expect(messagesOf(schema.safeParse({ ...VALID_REVIEW, rating }))).toStrictEqual({
      rating: ['Overall rating: choose a rating'],
    });
  });

  it('refuses texts over the limit, naming each', () => {
    const long = 'c'.repeat(MAX_TEXT_ANSWER + 1);
    expect(
      messagesOf(schema.safeParse({ rating: '3', strengths: long, areasToImprove: long, comments: long })),
    ).toStrictEqual({
      strengths: ['Strengths is longer than 5000 characters'],
      areasToImprove: ['Areas to improve is longer than 5000 characters'],
      comments: ['Summary is longer than 5000 characters'],
    });
  });

  it(`accepts ${MAX_TEXT_ANSWER} characters, counting CRLF as one`, () => {
    expect(schema.parse({ ...VALID_REVIEW, comments: 'c'.repeat(MAX_TEXT_ANSWER) }).comments).toHaveLength(
      MAX_TEXT_ANSWER,
    );
    const withBreak = `${'c'.repeat(MAX_TEXT_ANSWER - 2)}\r\nc`; // 5000 in the browser, 5001 as posted
    expect(schema.parse({ ...VALID_REVIEW, comments: withBreak }).comments).toHaveLength(MAX_TEXT_ANSWER);
  });

  it('drops fields that are not part of the review', () => {
    expect(schema.parse({ ...VALID_REVIEW, managerId: 'E1', salary: '1000000' })).not.toHaveProperty('managerId');
    expect(schema.parse({ ...VALID_REVIEW, salary: '1000000' })).not.toHaveProperty('salary');
  });
});

describe('competency ratings', () => {
  const template: ReviewTemplate = {
    ...TEMPLATE,
    competencies: [
      { id: 'collaboration', label: 'Collaboration' },
      { id: 'ownership', label: 'Ownership', description: 'Sees work through to the end' },
      { id: 'craft-quality', label: 'Craft & quality' },
    ],
  };
  const schema = reviewAnswersSchema(template, [], WINDOW);

  it('keeps each rating with its label, in the order of the template, and drops the description', () => {
    const parsed = schema.parse({
      ...VALID_REVIEW,
      competencyRatings: { 'craft-quality': '5', collaboration: '2', ownership: '4' },
    });
    expect(parsed.competencyRatings).toStrictEqual([
      { id: 'collaboration', label: 'Collaboration', rating: 2 },
      { id: 'ownership', label: 'Ownership', rating: 4 },
      { id: 'craft-quality', label: 'Craft & quality', rating: 5 },
    ]);
  });

  it('asks for a rating of every competency, naming it by its label', () => {
    expect(
      messagesOf(schema.safeParse({ ...VALID_REVIEW, competencyRatings: { collaboration: '9', ownership: '' } })),
    ).toStrictEqual({
      'competencyRatings.collaboration': ['Collaboration: choose one of 1, 2, 3, 4, 5'],
      'competencyRatings.ownership': ['Ownership: choose a rating'],
      'competencyRatings.craft-quality': ['Craft & quality: choose a rating'],
    });
  });

  it('asks for every competency when no competency rating was posted at all', () => {
    expect(Object.keys(messagesOf(schema.safeParse(VALID_REVIEW)))).toStrictEqual([
      'competencyRatings.collaboration',
      'competencyRatings.ownership',
      'competencyRatings.craft-quality',
    ]);
  });

  it('ignores a rating of a competency that is not in the template', () => {
    expect(
      reviewAnswersSchema(TEMPLATE, [], WINDOW).parse({ ...VALID_REVIEW, competencyRatings: { charisma: '5' } })
        .competencyRatings,
    ).toStrictEqual([]);
  });

  it('does not ask the employee to rate competencies', () => {
    expect(selfAnswersSchema(template).parse(VALID_SELF)).not.toHaveProperty('competencyRatings');
  });
});

describe('goal ratings', () => {
  const goals = [
    { goalId: 'goal_a1', title: 'Ship billing', weight: 60 },
    { goalId: 'goal_b2', title: 'Mentor Lee', weight: 40 },
  ];
  const postedGoalRatings = (values: Record<string, string>) =>
    postedReview(TEMPLATE, goals, formOf(values)).goalRatings;

  it('reads each goal from its own form field', () => {
    expect(goalRatingField('goal_a1')).toBe('goal-goal_a1');
    expect(postedGoalRatings({ 'goal-goal_a1': '4', 'goal-goal_b2': '2', 'goal-goal_zz': '5' })).toStrictEqual({
      goal_a1: '4',
      goal_b2: '2',
    });
    expect(
      postedSelfAnswers(TEMPLATE, goals, formOf({ 'goal-goal_a1': '4', 'goal-goal_zz': '5' })).goalRatings,
    ).toStrictEqual({ goal_a1: '4', goal_b2: '' });
  });

  it('keeps each rating with the goal title and weight it was given for, in the order of the goals', () => {
    const review = reviewAnswersSchema(TEMPLATE, goals, WINDOW).parse({
      ...VALID_REVIEW,
      goalRatings: postedGoalRatings({ 'goal-goal_b2': '2', 'goal-goal_a1': '5' }),
    });
    expect(review.goalRatings).toStrictEqual([
      { goalId: 'goal_a1', title: 'Ship billing', weight: 60, rating: 5 },
      { goalId: 'goal_b2', title: 'Mentor Lee', weight: 40, rating: 2 },
    ]);
  });

  it('keeps the goals as they were when rated in the self-assessment too', () => {
    expect(
      selfAnswersSchema(TEMPLATE, goals).parse({ ...VALID_SELF, goalRatings: { goal_b2: '3', goal_a1: '1' } })
        .goalRatings,
    ).toStrictEqual([
      { goalId: 'goal_a1', title: 'Ship billing', weight: 60, rating: 1 },
      { goalId: 'goal_b2', title: 'Mentor Lee', weight: 40, rating: 3 },
    ]);
  });

  it('asks for a rating of every goal, naming it', () => {
    const result = selfAnswersSchema(TEMPLATE, goals).safeParse({
      ...VALID_SELF,
      goalRatings: postedGoalRatings({ 'goal-goal_a1': '9' }),
    });
    expect(messagesOf(result)).toStrictEqual({
      'goalRatings.goal_a1': ['Goal "Ship billing": choose one of 1, 2, 3, 4, 5'],
      'goalRatings.goal_b2': ['Goal "Mentor Lee": choose a rating'],
    });
  });

  it('asks for every goal when no goal rating was posted at all', () => {
    expect(Object.keys(messagesOf(reviewAnswersSchema(TEMPLATE, goals, WINDOW).safeParse(VALID_REVIEW)))).toStrictEqual(
      ['goalRatings.goal_a1', 'goalRatings.goal_b2'],
    );
  });

  it('ignores a rating of a goal that is no longer under review', () => {
    expect(
      reviewAnswersSchema(TEMPLATE, [], WINDOW).parse({ ...VALID_REVIEW, goalRatings: { goal_gone: '4' } }).goalRatings,
    ).toStrictEqual([]);
  });
});

describe('proposed goals', () => {
  const schema = reviewAnswersSchema(TEMPLATE, [], WINDOW);
  type Row = { title?: string; due?: string; weight?: string };
  /** Three rows as postedReview builds them; rows not given are left empty. */
  const rows = (...given: Row[]) =>
    Array.from({ length: MAX_PROPOSED_GOALS }, (_, index) => ({
      row: index + 1,
      title: '',
      due: '',
      weight: '',
      ...given[index],
    }));
  const propose = (...given: Row[]) => schema.safeParse({ ...VALID_REVIEW, proposedGoals: rows(...given) });

  it('allows up to three proposals', () => {
    expect(MAX_PROPOSED_GOALS).toBe(3);
  });

  it('skips empty rows, including ones of only spaces, and proposes nothing when none was posted', () => {
    expect(schema.parse({ ...VALID_REVIEW, proposedGoals: rows() }).proposedGoals).toStrictEqual([]);
    expect(
      schema.parse({ ...VALID_REVIEW, proposedGoals: rows({ title: '  ', due: ' ', weight: '\t' }) }).proposedGoals,
    ).toStrictEqual([]);
    expect(schema.parse(VALID_REVIEW).proposedGoals).toStrictEqual([]);
  });

  it('keeps complete rows in order, trimmed, with the weight as a number, skipping an empty middle row', () => {
    const result = propose(
      { title: ' Own the on-call rota ', due: ' 2026-09-30 ', weight: ' 40 ' },
      {},
      { title: 'Speak at a meetup', due: '2026-12-31', weight: '0' },
    );
    expect(result.data?.proposedGoals).toStrictEqual([
      { title: 'Own the on-call rota', due: '2026-09-30', weight: 40 },
      { title: 'Speak at a meetup', due: '2026-12-31', weight: 0 },
    ]);
  });

  it('reads a blank weight as 0', () => {
    expect(propose({ title: 'Learn Rust', due: '2026-09-30' }).data?.proposedGoals).toStrictEqual([
      { title: 'Learn Rust', due: '2026-09-30', weight: 0 },
    ]);
  });

  it.each(['0', '1', '100'])('accepts the weight %s', (weight) => {
    expect(propose({ title: 'Learn Rust', due: '2026-09-30', weight }).data?.proposedGoals[0].weight).toBe(
      Number(weight),
    );
  });

  it('asks for the title of a row that has only a due date, numbering the row', () => {
    expect(messagesOf(propose({ title: 'Learn Rust', due: '2026-09-30' }, { due: '2026-09-30' }))).toStrictEqual({
      'proposedGoals.1.title': ['Proposed goal 2: title is required'],
    });
  });

  it('asks for the due date of a row that has only a title or only a weight', () => {
    expect(messagesOf(propose({ title: 'Learn Rust' }, {}, { weight: '30' }))).toStrictEqual({
      'proposedGoals.0.due': ['Proposed goal 1: due must be a date YYYY-MM-DD'],
      'proposedGoals.2.title': ['Proposed goal 3: title is required'],
      'proposedGoals.2.due': ['Proposed goal 3: due must be a date YYYY-MM-DD'],
    });
  });

  it.each(['30/09/2026', '2026-9-30', '2026-02-30', '2026-13-01', 'next week', '2026-09-30T12:00'])(
    'refuses the due date %j',
    (due) => {
      expect(messagesOf(propose({ title: 'Learn Rust', due }))).toStrictEqual({
        'proposedGoals.0.due': ['Proposed goal 1: due must be a date YYYY-MM-DD'],
      });
    },
  );

  it('refuses a due date that is over, and accepts today, whose end is still to come', () => {
    expect(messagesOf(propose({ title: 'Learn Rust', due: '2026-06-09' }))).toStrictEqual({
      'proposedGoals.0.due': ['Proposed goal 1: due must be in the future'],
    });
    expect(propose({ title: 'Learn Rust', due: '2026-06-10' }).success).toBe(true);
  });

  it.each(['101', '-1', '2.5', 'ten', '50%'])('refuses the weight %j', (weight) => {
    expect(messagesOf(propose({}, {}, { title: 'Learn Rust', due: '2026-09-30', weight }))).toStrictEqual({
      'proposedGoals.2.weight': ['Proposed goal 3: weight must be a whole number from 0 to 100'],
    });
  });

  it('accepts a title of 200 characters and refuses one more', () => {
    expect(propose({ title: 't'.repeat(200), due: '2026-09-30' }).success).toBe(true);
    expect(messagesOf(propose({ title: 't'.repeat(201), due: '2026-09-30' }))).toStrictEqual({
      'proposedGoals.0.title': ['Proposed goal 1: title is longer than 200 characters'],
    });
  });

  it('reports every problem of every row at once', () => {
    expect(
      messagesOf(
        propose(
          { due: '2026-06-01', weight: '200' },
          { title: 'Fine', due: '2026-09-30', weight: '10' },
          { title: 'x', due: 'soon', weight: 'y' },
        ),
      ),
    ).toStrictEqual({
      'proposedGoals.0.title': ['Proposed goal 1: title is required'],
      'proposedGoals.0.due': ['Proposed goal 1: due must be in the future'],
      'proposedGoals.0.weight': ['Proposed goal 1: weight must be a whole number from 0 to 100'],
      'proposedGoals.2.due': ['Proposed goal 3: due must be a date YYYY-MM-DD'],
      'proposedGoals.2.weight': ['Proposed goal 3: weight must be a whole number from 0 to 100'],
    });
  });

  describe('the due date ends at the end of that day in the organisation time zone', () => {
    const dueOn = (due: string, now: string, timeZone: string) =>
      reviewAnswersSchema(TEMPLATE, [], { now: Date.parse(now), timeZone }).safeParse({
        ...VALID_REVIEW,
        proposedGoals: rows({ title: 'Learn Rust', due }),
      });

    it('refuses a day that is still today in UTC but already over in Auckland', () => {
      // 20:00 UTC on 10 June is 08:00 on 11 June in Auckland (UTC+12): 10 June ended there at 11:59:59 UTC.
      expect(messagesOf(dueOn('2026-06-10', '2026-06-10T20:00:00Z', 'Pacific/Auckland'))).toStrictEqual({
        'proposedGoals.0.due': ['Proposed goal 1: due must be in the future'],
      });
      expect(dueOn('2026-06-10', '2026-06-10T20:00:00Z', 'UTC').success).toBe(true);
      expect(dueOn('2026-06-11', '2026-06-10T20:00:00Z', 'Pacific/Auckland').success).toBe(true);
    });

    it('accepts a day that is still today in Los Angeles but already over in UTC', () => {
      // 03:00 UTC on 11 June is 20:00 on 10 June in Los Angeles (UTC-7).
      expect(dueOn('2026-06-10', '2026-06-11T03:00:00Z', 'America/Los_Angeles').success).toBe(true);
      expect(messagesOf(dueOn('2026-06-10', '2026-06-11T03:00:00Z', 'UTC'))).toStrictEqual({
        'proposedGoals.0.due': ['Proposed goal 1: due must be in the future'],
      });
    });

    it('closes the day at 23:59:59 local time', () => {
      // 10 June ends in Auckland at 23:59:59+12:00, i.e. 11:59:59 UTC.
      expect(dueOn('2026-06-10', '2026-06-10T11:59:58.999Z', 'Pacific/Auckland').success).toBe(true);
      expect(dueOn('2026-06-10', '2026-06-10T11:59:59.000Z', 'Pacific/Auckland').success).toBe(false);
    });
  });
});

describe('postedSelfAnswers', () => {
  const goals = [{ goalId: 'g1', title: 'Ship billing', weight: 100 }];
  const template = {
    selfQuestions: [
      { id: 'proudOf', label: 'Proud of' },
      { id: 'support', label: 'Support' },
    ],
  };

  it('reads the goal fields, overallRating and each question by its id, and nothing else', () => {
    const asked: string[] = [];
    const input = postedSelfAnswers(template, goals, (name) => {
      asked.push(name);
      return { 'goal-g1': '4', overallRating: '5', proudOf: 'The launch', support: 'Time', rating: '1', wentWell: 'x' }[
        name
      ];
    });
    expect(asked.sort()).toStrictEqual(['goal-g1', 'overallRating', 'proudOf', 'support']);
    expect(input).toStrictEqual({
      goalRatings: { g1: '4' },
      overallRating: '5',
      answers: { proudOf: 'The launch', support: 'Time' },
    });
  });

  it('gives an empty string for a field that was not posted, so it is reported as missing', () => {
    const input = postedSelfAnswers(template, goals, () => null);
    expect(input).toStrictEqual({ goalRatings: { g1: '' }, overallRating: '', answers: { proudOf: '', support: '' } });
    expect(messagesOf(selfAnswersSchema({ scale: DEFAULT_SCALE, ...template }, goals).safeParse(input))).toStrictEqual({
      'goalRatings.g1': ['Goal "Ship billing": choose a rating'],
      overallRating: ['Overall performance: choose a rating'],
      'answers.proudOf': ['Proud of is required'],
      'answers.support': ['Support is required'],
    });
  });

  it('feeds the schema: a posted form becomes the stored answers', () => {
    const form = formOf({ 'goal-g1': '3', overallRating: '4', proudOf: ' The launch\r\n', support: 'Time' });
    expect(
      selfAnswersSchema({ scale: DEFAULT_SCALE, ...template }, goals).parse(postedSelfAnswers(template, goals, form)),
    ).toStrictEqual({
      goalRatings: [{ goalId: 'g1', title: 'Ship billing', weight: 100, rating: 3 }],
      overallRating: 4,
      answers: { proudOf: 'The launch', support: 'Time' },
    });
  });
});

describe('postedReview', () => {
  const goals = [{ goalId: 'g1', title: 'Ship billing', weight: 100 }];
  const template: ReviewTemplate = { ...TEMPLATE, competencies: [{ id: 'teamwork', label: 'Teamwork' }] };

  it('names the fields of competencies and proposed goals', () => {
    expect(competencyField('teamwork')).toBe('competency-teamwork');
    expect(proposedGoalField(0, 'Title')).toBe('proposedGoal1Title');
    expect(proposedGoalField(1, 'Due')).toBe('proposedGoal2Due');
    expect(proposedGoalField(2, 'Weight')).toBe('proposedGoal3Weight');
  });

  it('reads exactly the fields of the review form', () => {
    const asked: string[] = [];
    postedReview(template, goals, (name) => {
      asked.push(name);
      return null;
    });
    expect(asked.sort()).toStrictEqual(
      [
        'goal-g1',
        'competency-teamwork',
        'rating',
        'strengths',
        'areasToImprove',
        'comments',
        ...[1, 2, 3].flatMap((row) => [`proposedGoal${row}Title`, `proposedGoal${row}Due`, `proposedGoal${row}Weight`]),
      ].sort(),
    );
  });

  it('builds the schema input, with empty strings for fields not posted and the rows numbered from 1', () => {
    expect(
      postedReview(
        template,
        goals,
        formOf({
          'goal-g1': '4',
          'competency-teamwork': '5',
          rating: '4',
          strengths: 'S',
          comments: 'C',
          proposedGoal2Title: 'Learn Rust',
          proposedGoal2Due: '2026-09-30',
        }),
      ),
    ).toStrictEqual({
      goalRatings: { g1: '4' },
      competencyRatings: { teamwork: '5' },
      rating: '4',
      strengths: 'S',
      areasToImprove: '',
      comments: 'C',
      proposedGoals: [
        { row: 1, title: '', due: '', weight: '' },
        { row: 2, title: 'Learn Rust', due: '2026-09-30', weight: '' },
        { row: 3, title: '', due: '', weight: '' },
      ],
    });
  });

  it('feeds the schema: a posted form becomes the stored review, fields of other forms ignored', () => {
    const form = formOf({
      'goal-g1': '4',
      'competency-teamwork': '2',
      rating: '3',
      strengths: 'Calm under pressure',
      areasToImprove: 'Estimates',
      comments: 'A good quarter.',
      proposedGoal1Title: 'Run the incident review',
      proposedGoal1Due: '2026-08-31',
      proposedGoal1Weight: '25',
      proposedGoal4Title: 'A fourth goal',
      overallRating: '1',
      wentWell: 'x',
    });
    expect(reviewAnswersSchema(template, goals, WINDOW).parse(postedReview(template, goals, form))).toStrictEqual({
      goalRatings: [{ goalId: 'g1', title: 'Ship billing', weight: 100, rating: 4 }],
      competencyRatings: [{ id: 'teamwork', label: 'Teamwork', rating: 2 }],
      rating: 3,
      strengths: 'Calm under pressure',
      areasToImprove: 'Estimates',
      comments: 'A good quarter.',
      proposedGoals: [{ title: 'Run the incident review', due: '2026-08-31', weight: 25 }],
    });
  });

  it('reports a partly filled proposal from the form by its row number', () => {
    const form = formOf({ 'goal-g1': '4', 'competency-teamwork': '2', ...VALID_REVIEW, proposedGoal2Weight: '10' });
    expect(
      messagesOf(reviewAnswersSchema(template, goals, WINDOW).safeParse(postedReview(template, goals, form))),
    ).toStrictEqual({
      'proposedGoals.1.title': ['Proposed goal 2: title is required'],
      'proposedGoals.1.due': ['Proposed goal 2: due must be a date YYYY-MM-DD'],
    });
  });
});

describe('ratings on another scale', () => {
  const fromZero: ScalePoint[] = [
    { value: 0, label: 'Not yet', description: 'x' },
    { value: 1, label: 'Meets', description: 'x' },
    { value: 2, label: 'Exceeds', description: 'x' },
  ];
  const template: ReviewTemplate = {
    scale: fromZero,
    selfQuestions: DEFAULT_SELF_QUESTIONS,
    competencies: [{ id: 'teamwork', label: 'Teamwork' }],
  };
  const schema = reviewAnswersSchema(template, [], WINDOW);
  const review = (rating: unknown, teamwork: unknown) => ({ ...VALID_REVIEW, rating, competencyRatings: { teamwork } });

  it('accepts exactly the values of that scale', () => {
    expect(schema.parse(review('0', '1')).rating).toBe(0);
    expect(schema.parse(review('2', '1')).rating).toBe(2);
    expect(schema.parse(review('2', '0')).competencyRatings).toStrictEqual([
      { id: 'teamwork', label: 'Teamwork', rating: 0 },
    ]);
    expect(messagesOf(schema.safeParse(review('3', '1')))).toStrictEqual({
      rating: ['Overall rating: choose one of 0, 1, 2'],
    });
    expect(messagesOf(selfAnswersSchema(template).safeParse({ ...VALID_SELF, overallRating: '5' }))).toStrictEqual({
      overallRating: ['Overall performance: choose one of 0, 1, 2'],
    });
  });

  it.each([
    ['an empty field', ''],
    ['a blank field', '  '],
    ['null', null],
    ['nothing', undefined],
  ])('does not read %s as the rating 0', (_, rating) => {
    expect(messagesOf(schema.safeParse(review(rating, rating)))).toStrictEqual({
      rating: ['Overall rating: choose a rating'],
      'competencyRatings.teamwork': ['Teamwork: choose a rating'],
    });
    expect(messagesOf(selfAnswersSchema(template).safeParse({ ...VALID_SELF, overallRating: rating }))).toStrictEqual({
      overallRating: ['Overall performance: choose a rating'],
    });
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

describe('upwardAnswersSchema', () => {
  const parse = (fields: Record<string, string>) =>
    upwardAnswersSchema(DEFAULT_SCALE, DEFAULT_UPWARD_QUESTIONS).safeParse(
      postedUpwardAnswers(DEFAULT_UPWARD_QUESTIONS, (name) => fields[name]),
    );
  const answered = { support: ' Makes time ', clarity: 'Clear', change: 'Fewer meetings' };

  it('takes every question answered, trimmed, with a rating on the scale', () => {
    const parsed = parse({ ...answered, [UPWARD_RATING_FIELD]: '4' });
    expect(parsed.success && parsed.data).toEqual({
      answers: { support: 'Makes time', clarity: 'Clear', change: 'Fewer meetings' },
      rating: 4,
    });
  });

  it('takes no rating: the rating is optional', () => {
    const parsed = parse({ ...answered, [UPWARD_RATING_FIELD]: '' });
    expect(parsed.success && parsed.data.rating).toBeUndefined();
  });

  it('refuses an unanswered question and a rating off the scale, naming each', () => {
    const parsed = parse({ ...answered, clarity: '  ', [UPWARD_RATING_FIELD]: '9' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.message)).toEqual([
      `${DEFAULT_UPWARD_QUESTIONS[1].label} is required`,
      'Your rating of your manager: choose one of 1, 2, 3, 4, 5',
    ]);
  });
});
