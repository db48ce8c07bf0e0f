import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettingsInput } from '../../functions/domain/settings.ts';
import {
  addGoalByCli,
  auditOf,
  cli,
  dateAfter,
  DAY,
  HOUR,
  launchFromRoster,
  linkIn,
  mailbox,
  openForm,
  postForm,
  reportLink,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';
import {
  answersIn,
  closeAll,
  startStackAndBrowser,
  expectEveryControlLabelled,
  expectPageBasics,
  expectScreenshot,
  SCREENSHOT_DIR,
  submitting,
} from '../support/browser.ts';
import { periodOf } from '../../functions/domain/goals.ts';

/**
 * The whole appraisal from end to end, on the organisation's own settings (a 4-point scale and two
 * competencies): the manager fills it in Chromium, the result is released by email, the employee reads it
 * on the results page and acknowledges it (disagreeing, with a comment; ticking the proposed goal as well is
 * refused, so it is not added), the manager and HR hear of it, the manager confirms the goal, and nobody is reminded who has nothing left to acknowledge.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;
const CYCLE = 'Appraisal Q4';
const HR_EMAIL = 'hr@example.com';
const SCREENSHOTS = ['results-page', 'results-acknowledged'];

/** The settings document HR saves before the launch: the default shape, with a 4-point scale and two competencies. */
const SCALE_POINTS = [
  { value: 1, label: 'Not yet', description: 'The goals and expectations of the role were mostly not met.' },
  { value: 2, label: 'Developing', description: 'Part of the goals were met; the rest needs support.' },
  { value: 3, label: 'Strong', description: 'The goals were met with solid, dependable work.' },
  { value: 4, label: 'Outstanding', description: 'The goals were exceeded, with an impact beyond the role.' },
];
const COMPETENCIES = [
  { id: 'delivery', label: 'Delivery', description: 'Ships what was agreed, on time and with quality.' },
  { id: 'collaboration', label: 'Collaboration', description: 'Works openly with others and helps the team succeed.' },
];
const SETTINGS = {
  scale: SCALE_POINTS,
  competencies: COMPETENCIES,
  selfQuestions: [
    { id: 'wentWell', label: 'What went well' },
    { id: 'toImprove', label: 'What to improve' },
    { id: 'nextGoals', label: 'Goals for next quarter' },
  ],
  timings: {
    reviewReminderLead: '3d',
    reviewHrGrace: '2d',
    goalReminderLead: '7d',
    goalHrGrace: '7d',
    acknowledgementReminder: '5d',
  },
  timeZone: 'UTC',
  senderName: 'Example Org',
  scoreWeights: { goals: 70, competencies: 30 },
  recognition: 'immediate',
};
const SCALE = SCALE_POINTS.map((point) => `${point.value} - ${point.label}`);
const point = (value: number) => SCALE[value - 1];

/** Ann's goal of the period under review. Weight 50 leaves room for the proposed goal should both fall in one quarter. */
const GOAL = { title: 'Ship billing', weight: 50 };
const SELF = {
  goal: 3,
  overall: 3,
  wentWell: 'Billing shipped on time',
  toImprove: 'Write more docs',
  nextGoals: 'Onboard new hires',
};
const REVIEW = {
  goal: 4,
  delivery: 3,
  collaboration: 2,
  overall: 3,
  strengths: 'Ships reliably & keeps the customer in view',
  areas: 'Involve the team earlier in decisions',
  summary: 'A strong quarter: billing went live.',
};
const PROPOSAL = { title: 'Mentor two new hires', weight: 50 };
const COMMENT = 'My collaboration rating ignores the launch weekend I covered for the team.';

/**
 * The final score by the formula documented in functions/domain/score.ts: the goals' weighted mean
 * (one goal: its rating), the competencies' plain mean, 70 % and 30 % of them (the default score
 * weights), rounded to two decimals and named by the nearest point of the scale, halfway rounding up.
 */
const GOALS_PART = (GOAL.weight * REVIEW.goal) / GOAL.weight;
const COMPETENCIES_PART = (REVIEW.delivery + REVIEW.collaboration) / 2;
const FINAL_VALUE = Math.round(((70 * GOALS_PART + 30 * COMPETENCIES_PART) / (70 + 30)) * 100) / 100;
const FINAL_LABEL = [...SCALE_POINTS].reduce((best, p) =>
  Math.abs(p.value - FINAL_VALUE) <= Math.abs(best.value - FINAL_VALUE) ? p : best,
).label;

/** The aria-describedby text of an element (a rating group's hint). */
async function descriptionOf(element: Locator): Promise<string> {
  return element.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id: string) => (globalThis as any).document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

/** Every visible control but radios, which share the scale's labels and are checked per group. */
const FORM_CONTROLS = 'textarea, input:not([type="hidden"]):not([type="radio"])';

describe('the appraisal, its release and its acknowledgement in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-results-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  const dialogs: string[] = [];
  let cycleId: string;
  let goalId: string;
  let selfDue: number;
  let managerDue: number;
  /** The quarter under review: the one Ann's goal is due in. */
  let period: string;
  /** The proposed goal's due date, about 40 days after the manager's review. */
  let proposalDue: string;
  let teamLink: string;
  let resultsLink: string;

  const theStack = () => stack!;
  const mails = async (filter: (mail: Mail) => boolean) => (await mailbox(theStack())).filter(filter);
  const newPage = async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  };
  /** A report's own page behind the manager's team link, as its main content. */
  const ann = (page: Page) => page.locator('main');
  const bob = ann;
  /** The whole appraisal as the team page and the results page list it. */
  const appraisal = () => ({
    [`Goal "${GOAL.title}" (weight ${GOAL.weight} %)`]: point(REVIEW.goal),
    Delivery: point(REVIEW.delivery),
    Collaboration: point(REVIEW.collaboration),
    'Overall rating': point(REVIEW.overall),
    'Final score': `${FINAL_VALUE} - ${FINAL_LABEL} (from goals and competencies)`,
    Strengths: REVIEW.strengths,
    'Areas to improve': REVIEW.areas,
    Summary: REVIEW.summary,
    'Proposed goals for next period': `${PROPOSAL.title} (due ${proposalDue}, weight ${PROPOSAL.weight} %)`,
  });

  beforeAll(async () => {
    for (const name of SCREENSHOTS) rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    // en-US: the date inputs take month, day and year in that order from the keyboard.
    context = await browser!.newContext({ viewport: { width: 1000, height: 800 }, locale: 'en-US' });

    // The organisation's settings first: the cycle copies the version in force at its launch.
    writeFileSync(join(dir.path, 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    const saved = await cli(theStack(), dir.path, 'settings', 'set', '--file', 'settings.json', '--json');
    expect(saved.code, saved.err).toBe(0);
    expect(JSON.parse(saved.out).version).toBe(1);
    const shown = JSON.parse((await cli(theStack(), dir.path, 'settings', 'show', '--json')).out);
    expect(shown.settings.scale).toEqual(SCALE_POINTS);
    expect(shown.settings.competencies).toEqual(COMPETENCIES);

    const now = theStack().clock.now();
    const goalDue = dateAfter(now, 20);
    period = periodOf(goalDue);
    const cycle = await launchFromRoster(theStack(), dir.path, {
      roster: ROSTER,
      name: CYCLE,
      selfDue: 14,
      managerDue: 24,
      options: ['--period', period],
      beforeLaunch: async () => {
        goalId = await addGoalByCli(theStack(), dir.path, {
          employee: 'e1',
          title: GOAL.title,
          due: goalDue,
          weight: GOAL.weight,
        });
      },
    });
    cycleId = cycle.cycleId;
    selfDue = cycle.selfDue;
    managerDue = cycle.managerDue;
  });

  afterAll(() => closeAll(browser, stack, dir));

  it('sanity: the settings document has the default shape, and the expected final score follows the documented formula', () => {
    // The document HR writes here leaves out the optional fields (peer and upward reviews): they take their defaults.
    expect({ ...defaultSettingsInput('UTC', 'Example Org'), scale: SCALE_POINTS, competencies: COMPETENCIES }).toEqual({
      ...SETTINGS,
      anonymityThreshold: 3,
      peerFeedback: 'anonymous',
      peerQuestions: expect.any(Array),
      upwardQuestions: expect.any(Array),
    });
    // 70 % of 4 (the goal) plus 30 % of 2.5 (the competencies): 3.55, nearest to 4 on the 4-point scale.
    expect(FINAL_VALUE).toBe(3.55);
    expect(FINAL_LABEL).toBe('Outstanding');
  });

  it('Ann submits her self-assessment on the 4-point scale', async () => {
    const [invitation] = await mails(
      (mail) => mail.to === 'ann@example.com' && mail.subject === `${CYCLE}: your self-assessment is open`,
    );
    const link = linkIn(invitation, '/forms/self');
    const form = await (await fetch(link)).text();
    for (const label of SCALE) expect(form).toContain(label);
    expect(form).not.toContain('5 - ');
    const submitted = await postForm(link, await openForm(link), {
      [`goal-${goalId}`]: String(SELF.goal),
      overallRating: String(SELF.overall),
      wentWell: SELF.wentWell,
      toImprove: SELF.toImprove,
      nextGoals: SELF.nextGoals,
    });
    expect(submitted.status).toBe(303);
    expect(submitted.html).toContain(`<dt>Overall performance</dt><dd>${point(SELF.overall)}</dd>`);
  });

  it('the manager fills Ann\u2019s whole appraisal; a missing text is refused and nothing entered is lost', async () => {
    await theStack().advance(selfDue + HOUR - theStack().clock.now());
    await theStack().settled();
    const requests = await mails(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`),
    );
    expect(requests).toHaveLength(1);
    teamLink = linkIn(requests[0], '/forms/team');
    proposalDue = dateAfter(theStack().clock.now(), 40);

    const page = await newPage();
    expect((await page.goto(reportLink(teamLink, 'e1')))?.status()).toBe(200);
    // The guide explains the organisation's scale, not the default one.
    await page.locator('details.guide summary').click();
    expect(await page.locator('details.guide').getByRole('listitem').allTextContents()).toEqual(
      SCALE_POINTS.map((p) => `${p.value} - ${p.label}: ${p.description}`),
    );

    const region = ann(page);
    const legends = await region.locator('form legend').allTextContents();
    expect(legends).toEqual([
      `Goal of Ann Early: ${GOAL.title}`,
      'Delivery',
      'Collaboration',
      'Your overall rating of Ann Early',
      'Goals you propose for Ann Early next period (optional)',
    ]);
    const goal = region.getByRole('group', { name: `Goal of Ann Early: ${GOAL.title}` });
    const delivery = region.getByRole('group', { name: 'Delivery' });
    const collaboration = region.getByRole('group', { name: 'Collaboration' });
    const overall = region.getByRole('group', { name: 'Your overall rating of Ann Early' });
    const proposals = region.getByRole('group', { name: 'Goals you propose for Ann Early next period (optional)' });
    // Each competency's description is its group's hint, read out with the group.
    expect(await descriptionOf(delivery)).toBe(COMPETENCIES[0].description);
    expect(await descriptionOf(collaboration)).toBe(COMPETENCIES[1].description);
    for (const group of [goal, delivery, collaboration, overall]) {
      expect(await expectEveryControlLabelled(group)).toEqual(SCALE);
      expect(await group.getByRole('radio', { checked: true }).count()).toBe(0);
    }
    expect(await expectEveryControlLabelled(region.locator('form'), FORM_CONTROLS)).toEqual([
      'Strengths of Ann Early',
      'What Ann Early should improve',
      'Your feedback to Ann Early',
      ...[1, 2, 3].flatMap((row) => [
        `Proposed goal ${row}: title`,
        `Proposed goal ${row}: due date`,
        `Proposed goal ${row}: weight (%)`,
      ]),
    ]);
    // Labels point at ids: no id may repeat.
    const ids = await page.locator('[id]').evaluateAll((nodes) => nodes.map((node) => node.id));
    expect(new Set(ids).size).toBe(ids.length);
    await expectPageBasics(page);

    // Ratings with the mouse, texts and the proposal with the keyboard; "areas to improve" is forgotten.
    await goal.getByLabel(point(REVIEW.goal), { exact: true }).click();
    await delivery.getByLabel(point(REVIEW.delivery), { exact: true }).click();
    await collaboration.getByLabel(point(REVIEW.collaboration), { exact: true }).click();
    await overall.getByLabel(point(REVIEW.overall), { exact: true }).click();
    await region.getByLabel('Strengths of Ann Early', { exact: true }).click();
    await page.keyboard.type(REVIEW.strengths);
    await region.getByLabel('Your feedback to Ann Early', { exact: true }).click();
    await page.keyboard.type(REVIEW.summary);
    await proposals.getByLabel('Proposed goal 1: title', { exact: true }).click();
    await page.keyboard.type(PROPOSAL.title);
    await page.keyboard.press('Tab');
    const [year, month, day] = proposalDue.split('-');
    await page.keyboard.type(`${month}${day}${year}`);
    expect(await proposals.getByLabel('Proposed goal 1: due date', { exact: true }).inputValue()).toBe(proposalDue);
    await proposals.getByLabel('Proposed goal 1: weight (%)', { exact: true }).click();
    await page.keyboard.type(String(PROPOSAL.weight));

    // The browser would stop the form (the texts are required); the server must too, for any client that does not.
    await region.locator('form').evaluate((form) => ((form as any).noValidate = true));
    const refused = await submitting(page, () =>
      region.getByRole('button', { name: 'Submit review of Ann Early' }).click(),
    );
    expect(refused.status()).toBe(400);
    expect(await page.getByRole('alert').getByRole('listitem').allTextContents()).toEqual([
      'Areas to improve is required',
    ]);
    for (const [group, value] of [
      [goal, REVIEW.goal],
      [delivery, REVIEW.delivery],
      [collaboration, REVIEW.collaboration],
      [overall, REVIEW.overall],
    ] as const) {
      expect(await group.getByLabel(point(value), { exact: true }).isChecked()).toBe(true);
      expect(await group.getByRole('radio', { checked: true }).count()).toBe(1);
    }
    expect(await region.getByLabel('Strengths of Ann Early', { exact: true }).inputValue()).toBe(REVIEW.strengths);
    expect(await region.getByLabel('What Ann Early should improve', { exact: true }).inputValue()).toBe('');
    expect(await region.getByLabel('Your feedback to Ann Early', { exact: true }).inputValue()).toBe(REVIEW.summary);
    expect(await proposals.getByLabel('Proposed goal 1: title', { exact: true }).inputValue()).toBe(PROPOSAL.title);
    expect(await proposals.getByLabel('Proposed goal 1: due date', { exact: true }).inputValue()).toBe(proposalDue);
    expect(await proposals.getByLabel('Proposed goal 1: weight (%)', { exact: true }).inputValue()).toBe(
      String(PROPOSAL.weight),
    );
    expect(await proposals.getByLabel('Proposed goal 2: title', { exact: true }).inputValue()).toBe('');
    await expectPageBasics(page);

    await region.getByLabel('What Ann Early should improve', { exact: true }).click();
    await page.keyboard.type(REVIEW.areas);
    const saved = await submitting(page, () =>
      region.getByRole('button', { name: 'Submit review of Ann Early' }).click(),
    );
    expect(saved.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toBe(
      'Your review is submitted. You can still change it until the review phase ends.',
    );
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await region.getByRole('heading', { level: 2, name: 'Your review' }).isVisible()).toBe(true);
    expect(await answersIn(region, 1)).toEqual(appraisal());
    expect(await region.locator('details.change').evaluate((details) => (details as any).open)).toBe(false);
    await expectPageBasics(page);
    // Bob is left without a review: his page has the competencies and nothing of Ann's.
    await page.goto(reportLink(teamLink, 'e2'));
    expect(await bob(page).locator('form legend').allTextContents()).toEqual([
      'Delivery',
      'Collaboration',
      'Your overall rating of Bob Prompt',
      'Goals you propose for Bob Prompt next period (optional)',
    ]);
    expect(await bob(page).getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await bob(page).getByRole('button', { name: 'Submit review of Bob Prompt' }).isVisible()).toBe(true);
    await expectPageBasics(page);
    await page.close();
  });

  it('releases the results: Ann\u2019s with the final score and a link, Bob\u2019s with a note that HR follows up', async () => {
    await theStack().advance(managerDue + 2 * DAY + HOUR - theStack().clock.now());
    await theStack().settled();
    const results = await mails((mail) => mail.subject === `${CYCLE}: your review result`);
    // Maria is a participant too (she has no manager, so HR reviews her, and HR did not): her result is like Bob's.
    expect(results.map((mail) => mail.to).sort()).toEqual(['ann@example.com', 'bob@example.com', 'maria@example.com']);
    const annResult = results.find((mail) => mail.to === 'ann@example.com')!;
    expect(annResult.text).toContain(`Final score: ${FINAL_VALUE} of 4 - ${FINAL_LABEL}`);
    expect(annResult.text).toContain(
      `Overall rating: ${REVIEW.overall} of 4 - ${SCALE_POINTS[REVIEW.overall - 1].label}`,
    );
    expect(annResult.text).toContain(
      `${GOAL.title} (weight ${GOAL.weight} %): ${REVIEW.goal} of 4 - ${SCALE_POINTS[REVIEW.goal - 1].label}`,
    );
    resultsLink = linkIn(annResult, '/forms/results');
    const bobResult = results.find((mail) => mail.to === 'bob@example.com')!;
    expect(bobResult.text).toContain('HR will follow up with you and your manager');
    expect(bobResult.text).not.toContain('Final score');
    expect(() => linkIn(bobResult, '/forms/results')).toThrow();
    expect(bobResult.html).not.toContain('/forms/results');

    // Until Ann acknowledges, her manager sees that she has not, and may confirm the proposed goal herself.
    const page = await newPage();
    await page.goto(teamLink);
    expect(await page.getByRole('row', { name: /Ann Early/ }).innerText()).toMatch(/Not acknowledged yet$/);
    expect(await page.getByRole('row', { name: /Bob Prompt/ }).innerText()).toMatch(/Not started\s+None: no review$/);
    await page.goto(reportLink(teamLink, 'e1'));
    expect(
      await ann(page).getByText('Ann Early has not acknowledged the results yet.', { exact: true }).isVisible(),
    ).toBe(true);
    expect(
      await ann(page).getByRole('button', { name: 'Make the proposed goals for Ann Early goals now' }).isVisible(),
    ).toBe(true);
    await page.goto(reportLink(teamLink, 'e2'));
    expect(await bob(page).getByText('No review submitted.', { exact: true }).isVisible()).toBe(true);
    await page.close();
  });

  it('Ann reads her whole appraisal and her self-assessment on the results page', async () => {
    const page = await newPage();
    const response = await page.goto(resultsLink);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Your results: ${CYCLE}`);
    expect(await page.locator('main > p').first().innerText()).toBe(
      `Ann Early, Maria Manager reviewed your performance. Final score: ${FINAL_VALUE} - ${FINAL_LABEL}.`,
    );
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual([
      'Your appraisal',
      'Your self-assessment',
      'Acknowledge your results',
    ]);
    expect(await answersIn(page, 0)).toEqual(appraisal());
    expect(await answersIn(page, 1)).toEqual({
      [`Your rating of goal "${GOAL.title}" (weight ${GOAL.weight} %)`]: point(SELF.goal),
      'Overall performance': point(SELF.overall),
      'What went well': SELF.wentWell,
      'What to improve': SELF.toImprove,
      'Goals for next quarter': SELF.nextGoals,
    });

    const form = page.locator('form');
    expect(await form.count()).toBe(1);
    expect(await expectEveryControlLabelled(form)).toEqual(['Your comment (optional)']);
    expect(await expectEveryControlLabelled(form, FORM_CONTROLS)).toEqual([
      'Your comment (optional)',
      'I disagree with this appraisal',
      'Add the proposed goals to my goals',
    ]);
    const comment = form.getByLabel('Your comment (optional)', { exact: true });
    expect(await comment.getAttribute('required')).toBeNull();
    expect(await comment.inputValue()).toBe('');
    expect(await form.getByRole('checkbox', { name: 'I disagree with this appraisal' }).isChecked()).toBe(false);
    // Adding goals is the employee's choice: never ticked for them.
    expect(await form.getByRole('checkbox', { name: 'Add the proposed goals to my goals' }).isChecked()).toBe(false);
    expect(await form.getByRole('button', { name: 'Acknowledge my results' }).isVisible()).toBe(true);
    await expectPageBasics(page);
    await expectScreenshot(page, 'results-page');
    await page.close();
  });

  it('Ann acknowledges once, disagreeing with a comment, which keeps the proposed goal out of her goals; her manager and HR are told', async () => {
    const page = await newPage();
    // A second tab with the same form, to be sent after the first.
    const stale = await newPage();
    await page.goto(resultsLink);
    await stale.goto(resultsLink);

    await page.getByLabel('Your comment (optional)', { exact: true }).click();
    await page.keyboard.type(COMMENT);
    await page.getByRole('checkbox', { name: 'I disagree with this appraisal' }).click();
    expect(await page.getByRole('checkbox', { name: 'Add the proposed goals to my goals' }).isChecked()).toBe(false);
    // Disagreeing and adding the proposed goals at once is refused: nothing is sent, and what she typed and ticked stays.
    await page.getByRole('checkbox', { name: 'Add the proposed goals to my goals' }).click();
    const refused = await submitting(page, () => page.getByRole('button', { name: 'Acknowledge my results' }).click());
    expect(refused.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain(
      'You ticked both "I disagree" and "add the proposed goals"; nothing was sent',
    );
    expect(await page.getByLabel('Your comment (optional)', { exact: true }).inputValue()).toBe(COMMENT);
    expect(await page.getByRole('checkbox', { name: 'I disagree with this appraisal' }).isChecked()).toBe(true);
    await expectPageBasics(page);
    await page.getByRole('checkbox', { name: 'Add the proposed goals to my goals' }).click();
    const response = await submitting(page, () => page.getByRole('button', { name: 'Acknowledge my results' }).click());
    // Post/Redirect/Get: the browser lands on the results page showing the outcome.
    expect(response.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toBe(
      'Thank you: your acknowledgement was sent to your manager and HR.',
    );
    const expectAcknowledged = async () => {
      expect(await page.getByRole('heading', { level: 2, name: 'Your acknowledgement' }).isVisible()).toBe(true);
      expect(
        await page.getByText(/^You acknowledged these results on .+ and recorded that you disagree\.$/).isVisible(),
      ).toBe(true);
      expect(await answersIn(page, 2)).toEqual({ 'Your comment': COMMENT });
      expect(
        await page
          .getByText('As you disagree, the proposed goals were not added to your goals.', { exact: true })
          .isVisible(),
      ).toBe(true);
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.getByRole('button').count()).toBe(0);
      expect(await answersIn(page, 0)).toEqual(appraisal());
    };
    await expectAcknowledged();
    await expectPageBasics(page);
    await expectScreenshot(page, 'results-acknowledged');

    // A reload reads the page again and sends nothing.
    const reloaded = await page.reload();
    expect([reloaded?.status(), reloaded?.request().method()]).toEqual([200, 'GET']);
    await expectAcknowledged();
    // Opened again from the email, the link shows the acknowledgement from now on, without the form.
    expect((await page.goto(resultsLink))?.status()).toBe(200);
    expect(await page.getByRole('status').count()).toBe(0);
    await expectAcknowledged();

    const toldOf = (to: string) => mails((mail) => mail.to === to && mail.subject.startsWith(`${CYCLE}: Ann Early`));
    for (const to of ['maria@example.com', HR_EMAIL]) {
      const told = await toldOf(to);
      expect(told.map((mail) => mail.subject)).toEqual([`${CYCLE}: Ann Early disagrees with their appraisal`]);
      expect(told[0].text).toContain(COMMENT);
      expect(told[0].text).toContain(
        'Because they disagree with the appraisal, the proposed goal was not added to their goals.',
      );
      expect(told[0].text).not.toContain('They accepted');
    }

    // The stale tab's form is refused, and changes nothing.
    const again = await submitting(stale, () => stale.getByRole('button', { name: 'Acknowledge my results' }).click());
    expect(again.status()).toBe(409);
    expect(await stale.getByRole('status').textContent()).toBe(
      'You had already acknowledged these results; nothing was changed.',
    );
    expect(await stale.getByText(/and recorded that you disagree\.$/).isVisible()).toBe(true);
    for (const to of ['maria@example.com', HR_EMAIL]) expect(await toldOf(to)).toHaveLength(1);

    // Disagreeing, she added no goal: the proposal is not among her goals, and no "new goal" email went out.
    const listed = await cli(theStack(), dir.path, 'goals', 'list', '--employee', 'e1', '--json');
    expect(listed.code, listed.err).toBe(0);
    expect((JSON.parse(listed.out).goals as { title: string }[]).map((goal) => goal.title)).toEqual([GOAL.title]);
    expect(
      await mails((mail) => mail.to === 'ann@example.com' && mail.subject === `New goal: ${PROPOSAL.title}`),
    ).toHaveLength(0);
    await stale.close();
    await page.close();
  });

  it('the manager\u2019s team page shows that Ann acknowledged and disagrees', async () => {
    const page = await newPage();
    expect((await page.goto(reportLink(teamLink, 'e2')))?.status()).toBe(200);
    expect(await bob(page).getByText('No review submitted.', { exact: true }).isVisible()).toBe(true);
    expect((await page.goto(reportLink(teamLink, 'e1')))?.status()).toBe(200);
    const region = ann(page);
    expect(
      await region.getByText('Ann Early acknowledged the results and disagrees.', { exact: true }).isVisible(),
    ).toBe(true);
    expect(await region.getByText('has not acknowledged', { exact: false }).count()).toBe(0);
    expect(await answersIn(region, 2)).toEqual({ 'Their comment': COMMENT });
    // Ann's disagreement left the proposed goal unconfirmed: the manager can make it a goal after talking with her.
    expect(await region.getByRole('button').count()).toBe(1);
    await expectPageBasics(page);
    const confirmed = await submitting(page, () =>
      ann(page).getByRole('button', { name: 'Make the proposed goals for Ann Early goals now' }).click(),
    );
    expect(confirmed.status()).toBe(303);
    expect(await ann(page).getByText('The proposed goals are now goals.', { exact: true }).isVisible()).toBe(true);
    expect(await ann(page).getByRole('button').count()).toBe(0);
    // Confirmed by the manager, the proposal is one of Ann's goals now, and she was told of it like of any new goal.
    const listed = await cli(theStack(), dir.path, 'goals', 'list', '--employee', 'e1', '--json');
    expect(listed.code, listed.err).toBe(0);
    const goals = JSON.parse(listed.out).goals as {
      title: string;
      due: string;
      weight: number;
      state: string;
      kind: string;
    }[];
    expect(goals.map((goal) => goal.title).sort()).toEqual([PROPOSAL.title, GOAL.title].sort());
    expect(goals.filter((goal) => goal.title === PROPOSAL.title)).toEqual([
      expect.objectContaining({
        title: PROPOSAL.title,
        due: proposalDue,
        weight: PROPOSAL.weight,
        state: 'OPEN',
        kind: 'performance',
      }),
    ]);
    expect(
      await mails((mail) => mail.to === 'ann@example.com' && mail.subject === `New goal: ${PROPOSAL.title}`),
    ).toHaveLength(1);
    await page.close();
  });

  it('reminds nobody to acknowledge: Ann did, and Bob has no appraisal', async () => {
    await theStack().advance(6 * DAY);
    await theStack().settled();
    expect(await mails((mail) => mail.subject === `Reminder: please acknowledge your ${CYCLE} results`)).toEqual([]);
    // The reminder step did run, for nobody.
    const audit = (await auditOf(theStack(), cycleId)) as {
      action: string;
      details?: any;
    }[];
    expect(audit.filter((event) => event.action === 'acknowledgements-reminded').map((event) => event.details)).toEqual(
      [{ reminded: 0 }],
    );

    const status = await cli(theStack(), dir.path, 'cycle', 'status', cycleId, '--json');
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out).results).toEqual({ released: 1, acknowledged: 1, disagreed: 1, unacknowledged: 0 });
  });

  it('ran no script and left the screenshots under test-results/screenshots', () => {
    expect(dialogs).toEqual([]);
    for (const name of SCREENSHOTS) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      expect(existsSync(path), path).toBe(true);
      expect(statSync(path).size, path).toBeGreaterThan(1000);
    }
  });
});
