import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCALE, DEFAULT_SELF_QUESTIONS, MAX_TEXT_ANSWER } from '#domain/review-form.ts';
import type { AnsweredAssessment, AssessmentRecord, StoredReview } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import { routeTable } from '../../functions/forms/form-handler.ts';
import { feedbackAnsweredView, feedbackRequestView } from '../../functions/views/feedback.ts';
import type { FormFields } from '../../functions/views/fields.ts';
import { goalsView } from '../../functions/views/goals.ts';
import { messageView } from '../../functions/views/layout.ts';
import { resultsView } from '../../functions/views/results.ts';
import { selfAssessmentForm, selfAssessmentSubmitted } from '../../functions/views/self-assessment.ts';
import { reportView, teamOverviewView } from '../../functions/views/team-review.ts';
import type { HttpEvent } from '#shared/http.ts';

/** Text a person can put on a page: it must come out as text, never as markup. */
const MARKUP = '<script>alert(1)</script> & "quotes"';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;';

const JUNE_1 = Date.parse('2026-06-01T10:00:00Z');
const JUNE_30 = Date.parse('2026-06-30T21:59:00Z');
const JULY_15 = Date.parse('2026-07-15T10:00:00Z');

/** Fixed hidden fields, so a page is the same every time it is built from the same data. */
const hidden: FormFields = (extra = {}) => ({
  t: 'link-token',
  formToken: 'form-token',
  ...extra,
  submissionId: 'sub-1',
});

const cycle = {
  cycleId: 'c1',
  name: 'Q2 review',
  phase: 'SELF_REVIEW',
  period: '2026-Q2',
  timeZone: 'Europe/Berlin',
  selfDue: JUNE_30,
  managerDue: JULY_15,
  scale: DEFAULT_SCALE,
  selfQuestions: DEFAULT_SELF_QUESTIONS,
  competencies: [],
} as unknown as CycleRecord;

const ann = {
  cycleId: 'c1',
  employeeId: 'e1',
  name: 'Ann <Early>',
  managerKey: 'm1',
  managerName: 'Max Manager',
  selfStatus: 'PENDING',
  reviewStatus: 'PENDING',
} as AnsweredAssessment;

const goal: GoalRecord = {
  goalId: 'g1',
  employeeId: 'e1',
  title: `Ship ${MARKUP}`,
  kind: 'performance',
  weight: 50,
  due: '2026-06-30',
  dueAt: JUNE_30,
  period: '2026-Q2',
  state: 'OPEN',
  progress: 40,
  checkIns: [{ at: '2026-06-02T08:00:00Z', progress: 40, status: 'AT_RISK', note: `Blocked by ${MARKUP}` }],
  escalations: {},
  createdAt: '2026-04-01T08:00:00Z',
  createdBy: 'hr:h1',
} as GoalRecord;

const review: StoredReview = {
  goalRatings: [],
  competencyRatings: [],
  rating: 4,
  strengths: `Clear writing ${MARKUP}`,
  areasToImprove: 'Delegation',
  comments: 'Solid quarter.',
  proposedGoals: [{ title: 'Lead the launch', due: '2026-09-30', weight: 30 }],
  score: { value: 4, label: 'Exceeds expectations', basis: 'overall rating' },
} as unknown as StoredReview;

/** What a reader sees: the text of the page, without tags, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<\/?(strong|a)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function headings(html: string): string[] {
  return [...html.matchAll(/<h([12])[^>]*>(.*?)<\/h\1>/g)].map((match) => textOf(match[2]).trim());
}

/** The label of each text area, with its field name: what a screen reader announces for the field. */
function textAreas(html: string): [string, string][] {
  return [...html.matchAll(/<label for="([^"]+)">([^<]*)<\/label><textarea id="\1" name="([^"]+)"/g)].map((match) => [
    textOf(match[2]).trim(),
    match[3],
  ]);
}

const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y'] });

async function expectValid(html: string) {
  const report = await validator.validateString(html);
  expect(report.results.flatMap((result) => result.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
}

describe('the self-assessment page', () => {
  const page = { cycle, assessment: ann, goals: [goal], due: JUNE_30, now: JUNE_1 };

  it('asks each question of the cycle with its label, rates each goal, and shows names as text', async () => {
    const html = selfAssessmentForm(page, hidden, {});
    expect(headings(html)).toEqual(['Self-assessment: Q2 review', 'Your goals of 2026-Q2', 'Your quarter']);
    expect(textAreas(html)).toEqual([
      ['What went well', 'wentWell'],
      ['What to improve', 'toImprove'],
      ['Goals for next quarter', 'nextGoals'],
    ]);
    expect(textOf(html)).toContain('Ann <Early>, please answer by');
    expect(textOf(html)).toContain(`Goal: Ship ${MARKUP}`);
    expect(html).not.toContain('<script>');
    expect(html).toContain('<input type="hidden" name="version" value="0">');
    expect(html).toContain('<input type="hidden" name="submissionId" value="sub-1">');
    await expectValid(html);
  });

  it('shows a refused post with its errors and what was typed, escaped', () => {
    const html = selfAssessmentForm(page, hidden, {
      values: { wentWell: MARKUP },
      errors: ['What to improve is required'],
    });
    expect(html).toContain('<div class="errors" role="alert">');
    expect(textOf(html)).toContain('Please correct the following: What to improve is required');
    expect(html).toContain(`name="wentWell" maxlength="${MAX_TEXT_ANSWER}" required>${ESCAPED}</textarea>`);
  });

  it('judges each goal as of the time it is given, not the clock', () => {
    const before = textOf(selfAssessmentForm(page, hidden, {}));
    const after = textOf(selfAssessmentForm({ ...page, now: JULY_15 }, hidden, {}));
    expect(before).toContain('progress 40 % · open · last check-in: at risk');
    expect(after).toContain('progress 40 % · missed · last check-in: at risk');
  });

  it('once submitted and closed, lists the answers and says they can no longer change', () => {
    const submitted = {
      ...ann,
      selfStatus: 'SUBMITTED',
      selfSubmittedAt: '2026-07-01T08:00:00Z',
      selfLate: true,
      selfAnswers: { goalRatings: [], overallRating: 3, answers: { wentWell: MARKUP } },
    } as AnsweredAssessment;
    const html = selfAssessmentSubmitted(cycle, submitted, 'Thank you: your self-assessment is submitted.');
    expect(html).toContain('<p role="status"><strong>Thank you: your self-assessment is submitted.</strong></p>');
    expect(textOf(html)).toContain('(after the deadline). Your manager reviews it; it can no longer be changed.');
    expect(textOf(html)).toContain(`What went well ${MARKUP}`);
    expect(html).not.toContain('<form');
  });
});

describe('the manager pages', () => {
  it('list the team with where each review stands, linking each report with the manager link', async () => {
    const bob = {
      ...ann,
      employeeId: 'e2',
      name: 'Bob',
      reviewStatus: 'SUBMITTED',
      reviewSubmittedAt: '2026-07-02T08:00:00Z',
    };
    const html = teamOverviewView(
      { ...cycle, phase: 'MANAGER_REVIEW' },
      'tok&en',
      {
        members: [
          { report: ann, state: 'draft', selfOverdue: true },
          { report: bob as AssessmentRecord, state: 'submitted', selfOverdue: false },
        ],
        upward: { state: 'none' },
      },
      undefined,
    );
    expect(textOf(html)).toContain('Your reports: 1 of 2 reviews submitted');
    expect(textOf(html)).toContain('Ann <Early> Not submitted (overdue) Draft saved, not submitted Not released');
    expect(html).toContain('href="/forms/team?t=tok%26en&amp;report=e1"');
    // Nobody was asked to review this manager upward: no word of it.
    expect(html).not.toContain('upward');
    await expectValid(html);
  });

  it('show the released upward answers on the team page in the order given, with the mean, and nothing of who wrote them', async () => {
    const questions = [
      { id: 'support', label: 'How does your manager support you?' },
      { id: 'change', label: 'What should they change?' },
    ];
    const released: CycleRecord = { ...cycle, phase: 'CLOSED' };
    const team = (upward: Parameters<typeof teamOverviewView>[2]['upward']) =>
      teamOverviewView(
        released,
        'tok',
        { members: [{ report: ann, state: 'submitted', selfOverdue: false }], upward },
        undefined,
      );
    const html = team({
      state: 'released',
      questions,
      outcome: {
        tooFewAnswers: false,
        mean: 3.67,
        answers: [
          { answers: { support: `zeta ${MARKUP}`, change: 'fewer meetings' }, rating: 4 },
          { answers: { support: 'alpha', change: 'more one-to-ones' } },
          { answers: { support: 'mid', change: 'clearer goals' }, rating: 3 },
        ],
      },
    });
    const text = textOf(html);
    expect(html).toContain('<h2 id="upward-answers">What your reports said about working with you</h2>');
    expect(text).toContain('Mean rating: 3.67 of 5');
    expect(text).toContain(
      `Answer 1 How does your manager support you? zeta ${MARKUP} What should they change? fewer meetings Rating 4 - `,
    );
    expect(text).toContain(
      'Answer 2 How does your manager support you? alpha What should they change? more one-to-ones Rating No rating',
    );
    // The order given (the stored order of random ids), not sorted by any content.
    expect(text.indexOf('zeta')).toBeLessThan(text.indexOf('alpha'));
    expect(text.indexOf('alpha')).toBeLessThan(text.indexOf('clearer goals'));
    await expectValid(html);

    const before = textOf(team({ state: 'not-released' }));
    expect(before).toContain('reach you here once the results are released, if enough of them answered');
    const tooFew = team({ state: 'too-few' });
    expect(textOf(tooFew)).toContain(
      'Too few of your reports answered the upward review to keep their answers anonymous',
    );
    // Below the threshold not even how many answered.
    expect(textOf(tooFew.slice(tooFew.indexOf('upward-answers')))).not.toMatch(/\d/);
    await expectValid(tooFew);
  });

  it('show a report with goals and feedback above a review form with a field for each text', async () => {
    const html = reportView(
      {
        cycle: { ...cycle, phase: 'MANAGER_REVIEW' },
        report: ann,
        goals: [goal],
        feedback: [
          {
            feedbackId: 'f1',
            fromId: 'e3',
            fromName: 'Cy',
            toId: 'e1',
            kind: 'praise',
            text: MARKUP,
            at: '2026-05-01T08:00:00Z',
          },
        ],
        draft: undefined,
        window: 'open',
        now: JUNE_1,
        selfOverdue: false,
      },
      'tok',
      hidden,
      {},
    );
    expect(headings(html)).toEqual([
      'Review of Ann <Early>',
      'Goals of 2026-Q2',
      'Feedback received in 2026-Q2',
      'Self-assessment',
      'Your review',
    ]);
    expect(textOf(html)).toContain(`Praise from Cy: ${MARKUP}`);
    expect(textAreas(html)).toEqual([
      ['Strengths of Ann <Early>', 'strengths'],
      ['What Ann <Early> should improve', 'areasToImprove'],
      ['Your feedback to Ann <Early>', 'comments'],
    ]);
    expect(html).toContain('<input type="hidden" name="employeeId" value="e1">');
    await expectValid(html);
  });

  it('once the results are out, offer to confirm the proposed goals instead of a form', () => {
    const released = { ...ann, review, resultReleasedAt: '2026-07-20T08:00:00Z' } as AnsweredAssessment;
    const page = {
      cycle: { ...cycle, phase: 'CLOSED' },
      report: released,
      goals: [],
      feedback: [],
      draft: undefined,
      now: JULY_15,
      selfOverdue: false,
    };
    const html = reportView({ ...page, window: 'closed' } as Parameters<typeof reportView>[0], 'tok', hidden, {});
    expect(textOf(html)).toContain('Ann <Early> has not acknowledged the results yet.');
    expect(html).toContain('<input type="hidden" name="action" value="confirm-goals">');
    expect(html).not.toContain('name="strengths"');
  });
});

describe('the goals page', () => {
  const page = { name: 'Ann', goals: [goal], timeZone: 'Europe/Berlin', now: JUNE_1, maxColleagues: 10 };

  it('shows each goal with its history and a check-in form, and the request for feedback', async () => {
    const html = goalsView(page, hidden, { notice: 'Your check-in was saved.' });
    expect(headings(html)).toEqual(['Your goals', `Ship ${MARKUP}`, 'Ask colleagues for feedback']);
    expect(textOf(html)).toContain(`40%, At risk - Blocked by ${MARKUP}`);
    expect(html).toContain('<p role="status"><strong>Your check-in was saved.</strong></p>');
    expect(textAreas(html).map(([label]) => label)).toEqual([
      `Note for Ship ${MARKUP} (optional)`,
      "Colleagues' email addresses (up to 10, one per line)",
      'A note to them (optional)',
    ]);
    expect(html).not.toContain('<script>');
    await expectValid(html);
  });

  it('shows a refused check-in again in its goal form; a goal that is done takes none', () => {
    const typed = { goalId: 'g1', progress: '140', status: 'ON_TRACK', note: MARKUP };
    const html = goalsView(page, hidden, { errors: ['Progress must be a whole number from 0 to 100'], checkIn: typed });
    expect(html).toContain('value="140"');
    expect(html).toContain(`>${ESCAPED}</textarea>`);
    const done = goalsView({ ...page, goals: [{ ...goal, state: 'DONE', doneAt: JUNE_1 }] }, hidden);
    expect(done).not.toContain('name="progress"');
    expect(textOf(done)).toContain('40% · met');
  });
});

describe('the results page', () => {
  const released = { ...ann, review, resultReleasedAt: '2026-07-20T08:00:00Z' } as Parameters<
    typeof resultsView
  >[0]['assessment'];
  const page = { cycle, assessment: released, acknowledgeBy: JULY_15, goalsOffered: true };

  it('shows the appraisal and a form to acknowledge it, offering the proposed goals', async () => {
    const html = resultsView(page, hidden, {});
    expect(textOf(html)).toContain('Max Manager reviewed your performance. Final score: 4 - Exceeds expectations.');
    expect(textOf(html)).toContain(`Strengths Clear writing ${MARKUP}`);
    expect(html).toContain('name="acceptGoals"');
    expect(html).not.toContain('name="acceptGoals" value="yes" checked');
    await expectValid(html);
    expect(resultsView({ ...page, goalsOffered: false }, hidden, {})).not.toContain('name="acceptGoals"');
  });

  it('once acknowledged, says so instead of asking again', () => {
    const acknowledged = {
      ...released,
      acknowledgedAt: '2026-07-21T08:00:00Z',
      acknowledgement: { disagree: true, comment: MARKUP },
    };
    const html = resultsView({ ...page, assessment: acknowledged }, hidden, {});
    expect(textOf(html)).toContain('and recorded that you disagree.');
    expect(textOf(html)).toContain(`Your comment ${MARKUP}`);
    expect(html).not.toContain('<form');
  });
});

describe('the feedback pages', () => {
  it('ask which kind of feedback it is, and show the answer once given', async () => {
    const form = feedbackRequestView({ answerBy: '15 July 2026', message: MARKUP }, { name: 'Ann' }, hidden, {}, []);
    expect(headings(form)).toEqual(['Feedback for Ann']);
    expect(textOf(form)).toContain(`Please answer by 15 July 2026. Their note ${MARKUP}`);
    expect(textAreas(form)).toEqual([['Your feedback', 'text']]);
    await expectValid(form);
    const answered = feedbackAnsweredView('Your feedback', { name: 'Ann' }, { kind: 'praise', text: MARKUP });
    expect(textOf(answered)).toContain(`Your praise for Ann: Your feedback ${MARKUP}`);
  });
});

describe('a message page', () => {
  it('says only what it is given, as text', async () => {
    const html = messageView('This link is not valid', MARKUP);
    expect(headings(html)).toEqual(['This link is not valid']);
    expect(html).toContain(`<p>${ESCAPED}</p>`);
    await expectValid(html);
  });
});

describe('a form function', () => {
  const routes = routeTable({
    'GET /forms/self': async () => ({ statusCode: 200, body: 'shown' }),
    'POST /forms/self': async () => ({ statusCode: 303, body: '' }),
  });
  const call = (routeKey: string) => routes({ routeKey } as HttpEvent);

  it('answers each of its routes with that route handler', async () => {
    expect((await call('GET /forms/self')).body).toBe('shown');
    expect((await call('POST /forms/self')).statusCode).toBe(303);
  });

  it('refuses another method on its path with 405 and another path with 404, with a page', async () => {
    const put = await call('PUT /forms/self');
    expect(put.statusCode).toBe(405);
    expect(put.headers).toMatchObject({ allow: 'GET, POST', 'content-type': 'text/html; charset=utf-8' });
    const other = await call('GET /forms/team');
    expect(other.statusCode).toBe(404);
    expect(headings(String(other.body))).toEqual(['Page not found']);
  });
});
