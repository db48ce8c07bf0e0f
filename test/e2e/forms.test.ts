import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addGoalByCli,
  auditOf,
  dateAfter,
  HOUR,
  launchFromRoster,
  linkIn,
  mailbox,
  reportLink,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';
import {
  accessibleName,
  answersIn,
  closeAll,
  startStackAndBrowser,
  expectEveryControlLabelled,
  expectPageBasics,
  expectScreenshot,
  SCREENSHOT_DIR,
  seriousAxeViolations,
  submitting,
} from '../support/browser.ts';
import { periodOf } from '../../functions/domain/goals.ts';

/**
 * The emailed forms as a participant meets them: the real invitation email, its link opened in Chromium,
 * the pages filled and submitted with mouse and keyboard, and what the page shows afterwards.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;
const CYCLE = 'Browser Q4';
const SCREENSHOTS = [
  'self-assessment-form',
  'self-assessment-confirmation',
  'team-overview-1280',
  'team-overview-390',
  'team-page',
  'team-review-saved',
];
const HOSTILE = '<script>alert(1)</script>';
const ANN = {
  rating: '4 - Exceeds expectations',
  wentWell: 'Closed the big deal',
  toImprove: HOSTILE,
  nextGoals: 'Grow the pipeline\nand mentor Bob',
};
const TEXT_QUESTIONS = ['What went well', 'What to improve', 'Goals for next quarter'] as const;
const SCALE = [
  '1 - Below expectations',
  '2 - Partly meets expectations',
  '3 - Meets expectations',
  '4 - Exceeds expectations',
  '5 - Exceptional',
] as const;
/** What each point of the default scale means, as the "What the ratings mean" guide shows it. */
const SCALE_DESCRIPTIONS = [
  'Most goals and expectations were not met; clear improvement is needed.',
  'Some goals and expectations were met; others need work.',
  'Goals and expectations were met: solid, reliable work.',
  'Goals were met and several were exceeded.',
  'Far beyond the goals, with an impact well outside the role.',
] as const;
/** The manager's three required texts about one report, in form order. */
const reviewTexts = (name: string) => [
  `Strengths of ${name}`,
  `What ${name} should improve`,
  `Your feedback to ${name}`,
];
/** The optional proposals for next period: three rows of title, due date and weight. */
const ONE_LINE_INPUTS = 'input[type="text"], input[type="date"], input[type="number"]';
const PROPOSAL_LABELS = [1, 2, 3].flatMap((row) => [
  `Proposed goal ${row}: title`,
  `Proposed goal ${row}: due date`,
  `Proposed goal ${row}: weight (%)`,
]);
const KEYBOARD_REVIEW = {
  strengths: 'Ships what she promises',
  areas: 'Delegate more',
  summary: 'Great quarter & <b>well done</b>',
};
/** Ann's goal of the period under review, and one of a later quarter that no form of this cycle may show. */
const GOAL = 'Ship billing';
const LATER_GOAL = 'Later goal';
const GOAL_RATING = '4 - Exceeds expectations';

async function isFocused(control: Locator): Promise<boolean> {
  return control.evaluate((el) => el === (globalThis as any).document.activeElement);
}

/** The label (or, for a button, the text) of the element that has the keyboard focus. */
async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return el?.labels?.[0]?.textContent ?? el?.textContent ?? '';
  });
}

/** Ann's answers as her confirmation and her reopened link show them. */
function annAnswersShown(): Record<string, string> {
  return {
    [`Goal "${GOAL}" (weight 60 %)`]: GOAL_RATING,
    'Overall performance': ANN.rating,
    'What went well': ANN.wentWell,
    'What to improve': HOSTILE,
    'Goals for next quarter': ANN.nextGoals,
  };
}

async function expectNoScriptWith(page: Page, content: string): Promise<void> {
  const scripts = await page.locator('script').evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));
  expect(scripts.filter((text) => text.includes(content.replace(/<\/?script>/g, '')))).toEqual([]);
}

describe('the emailed forms in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let dialogs: string[] = [];
  let selfDue: number;
  /** The quarter under review: the one Ann's goal "Ship billing" is due in. */
  let period: string;
  let invitations: Mail[];
  let cycleId: string;

  const theStack = () => stack!;
  const invitationTo = (address: string) => invitations.find((mail) => mail.to === address)!;

  beforeAll(async () => {
    // Only this run's screenshots count.
    for (const name of SCREENSHOTS) rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    context = await browser!.newContext({ viewport: { width: 1000, height: 800 } });

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
        await addGoalByCli(theStack(), dir.path, { employee: 'e1', title: GOAL, due: goalDue, weight: 60 });
        const laterDue = dateAfter(now, 200);
        expect(periodOf(laterDue)).not.toBe(period);
        await addGoalByCli(theStack(), dir.path, { employee: 'e1', title: LATER_GOAL, due: laterDue, weight: 40 });
      },
    });
    cycleId = cycle.cycleId;
    selfDue = cycle.selfDue;
    invitations = (await mailbox(theStack())).filter(
      (mail) => mail.subject === `${CYCLE}: your self-assessment is open`,
    );
    expect(invitations.map((mail) => mail.to).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'maria@example.com',
    ]);
  });

  afterAll(() => closeAll(browser, stack, dir));

  beforeEach(async () => {
    dialogs = [];
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterEach(async () => {
    await page?.close();
    // No page may ever run script: a dialog would mean an answer was executed.
    expect(dialogs).toEqual([]);
  });

  it('the axe check itself reports a page with serious violations', async () => {
    const probe = await page.context().newPage();
    await probe.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
    expect((await seriousAxeViolations(probe)).map((violation) => violation.split(':')[0]).sort()).toEqual([
      'document-title',
      'html-has-lang',
      'image-alt',
      'label',
    ]);
    await probe.close();
  });

  describe('self-assessment', () => {
    it('opens from the invitation email and shows the questions, each with a label', async () => {
      const response = await page.goto(linkIn(invitationTo('ann@example.com'), '/forms/self'));
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Self-assessment: ${CYCLE}`);
      expect(await page.getByText('Ann Early, please answer by').isVisible()).toBe(true);

      expect(await page.getByRole('heading', { level: 2, name: `Your goals of ${period}` }).isVisible()).toBe(true);
      expect(await page.getByText('Rate how well you met each goal.').isVisible()).toBe(true);
      const goal = page.getByRole('group', { name: `Goal: ${GOAL}` });
      expect(await goal.isVisible()).toBe(true);
      expect(await goal.getByRole('radio').count()).toBe(5);
      expect(await goal.getByRole('radio', { checked: true }).count()).toBe(0);
      const hint = await goal.locator('p').textContent();
      expect(hint).toContain('Weight 60 %');
      expect(hint).toContain('progress 0 %');
      expect(await page.getByText(LATER_GOAL).count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toContain(LATER_GOAL);
      expect(await page.getByRole('heading', { level: 2, name: 'Your quarter' }).isVisible()).toBe(true);

      const rating = page.getByRole('group', { name: 'Overall performance' });
      expect(await rating.isVisible()).toBe(true);
      expect(await rating.getByRole('radio').count()).toBe(5);
      expect(await rating.getByRole('radio', { checked: true }).count()).toBe(0);
      for (const question of TEXT_QUESTIONS) {
        const field = page.getByLabel(question, { exact: true });
        expect(await field.evaluate((el) => el.tagName)).toBe('TEXTAREA');
        expect(await field.inputValue()).toBe('');
      }

      await expectPageBasics(page);
      // Every control has a name, in page order: the goal's scale first, then the overall one, then the questions.
      const controls = page.locator('textarea, input[type="radio"]');
      const names: string[] = [];
      for (let i = 0; i < (await controls.count()); i++) names.push(await accessibleName(controls.nth(i)));
      expect(names).toEqual([...SCALE, ...SCALE, ...TEXT_QUESTIONS]);
      // The two scales share their labels, so each is labelled within its own group (the questions are unique on the page, above).
      expect(await expectEveryControlLabelled(goal)).toEqual([...SCALE]);
      expect(await expectEveryControlLabelled(rating)).toEqual([...SCALE]);
      await expectScreenshot(page, 'self-assessment-form');
    });

    it('lists what is missing and keeps what was answered', async () => {
      await page.goto(linkIn(invitationTo('ann@example.com'), '/forms/self'));
      const submit = page.getByRole('button', { name: 'Submit self-assessment' });
      const goal = () => page.getByRole('group', { name: `Goal: ${GOAL}` });
      const overall = () => page.getByRole('group', { name: 'Overall performance' });

      // The browser itself stops an empty form (the fields are required) and takes the user to the first one: the goal's rating.
      const posts: string[] = [];
      page.on('request', (request) => request.method() === 'POST' && posts.push(request.url()));
      await submit.click();
      expect(await page.locator('form').evaluate((form) => form.checkValidity())).toBe(false);
      expect(await isFocused(goal().getByLabel('1 - Below expectations', { exact: true }))).toBe(true);
      expect(posts).toEqual([]);

      // The server checks too, for any client that does not: switch the browser's check off and submit empty.
      await page.locator('form').evaluate((form) => (form.noValidate = true));
      const empty = await submitting(page, () => submit.click());
      expect(empty.status()).toBe(400);
      const alert = page.getByRole('alert');
      expect(await alert.isVisible()).toBe(true);
      expect(await alert.getByRole('listitem').allTextContents()).toEqual([
        `Goal "${GOAL}": choose a rating`,
        'Overall performance: choose a rating',
        'What went well is required',
        'What to improve is required',
        'Goals for next quarter is required',
      ]);
      await expectPageBasics(page);
      expect(await goal().getByRole('radio').count()).toBe(5);
      expect(await overall().getByRole('radio').count()).toBe(5);

      // A partial answer comes back with the rest still flagged.
      await goal().getByLabel('2 - Partly meets expectations', { exact: true }).check();
      await overall().getByLabel('3 - Meets expectations', { exact: true }).check();
      await page.getByLabel('What went well', { exact: true }).fill('Half an answer');
      await page.getByLabel('Goals for next quarter', { exact: true }).fill('   ');
      await page.locator('form').evaluate((form) => (form.noValidate = true));
      const partial = await submitting(page, () =>
        page.getByRole('button', { name: 'Submit self-assessment' }).click(),
      );
      expect(partial.status()).toBe(400);
      expect(await page.getByRole('alert').getByRole('listitem').allTextContents()).toEqual([
        'What to improve is required',
        'Goals for next quarter is required',
      ]);
      expect(await goal().getByLabel('2 - Partly meets expectations', { exact: true }).isChecked()).toBe(true);
      expect(await goal().getByRole('radio', { checked: true }).count()).toBe(1);
      expect(await overall().getByLabel('3 - Meets expectations', { exact: true }).isChecked()).toBe(true);
      expect(await overall().getByRole('radio', { checked: true }).count()).toBe(1);
      expect(await page.getByLabel('What went well', { exact: true }).inputValue()).toBe('Half an answer');
      expect(await page.getByLabel('What to improve', { exact: true }).inputValue()).toBe('');
      expect(await page.getByLabel('Goals for next quarter', { exact: true }).inputValue()).toBe('   ');
      expect(await expectEveryControlLabelled(goal())).toEqual([...SCALE]);
      expect(await expectEveryControlLabelled(overall())).toEqual([...SCALE]);
    });

    it('submits the answers and confirms them, showing markup as text', async () => {
      await page.goto(linkIn(invitationTo('ann@example.com'), '/forms/self'));
      await page
        .getByRole('group', { name: `Goal: ${GOAL}` })
        .getByLabel(GOAL_RATING, { exact: true })
        .check();
      await page.getByRole('group', { name: 'Overall performance' }).getByLabel(ANN.rating, { exact: true }).check();
      await page.getByLabel('What went well', { exact: true }).fill(ANN.wentWell);
      await page.getByLabel('What to improve', { exact: true }).fill(ANN.toImprove);
      await page.getByLabel('Goals for next quarter', { exact: true }).fill(ANN.nextGoals);
      const response = await submitting(page, () =>
        page.getByRole('button', { name: 'Submit self-assessment' }).click(),
      );

      // Post/Redirect/Get: the post answers 303, and the page it leads to can be reloaded without sending anything.
      expect(response.status()).toBe(303);
      expect(await page.getByRole('status').textContent()).toBe('Thank you: your self-assessment is submitted.');
      expect(await page.getByText('You submitted it on').isVisible()).toBe(true);
      expect(await answersIn(page)).toEqual(annAnswersShown());
      await page.reload();
      expect(await answersIn(page)).toEqual(annAnswersShown());
      expect(await page.locator('dl').getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
      await expectNoScriptWith(page, HOSTILE);
      expect(await page.locator('script').count()).toBe(0);
      await expectPageBasics(page);
      await expectScreenshot(page, 'self-assessment-confirmation');
    });

    it('shows the submitted answers again when the link is reopened', async () => {
      const response = await page.goto(linkIn(invitationTo('ann@example.com'), '/forms/self'));
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Self-assessment: ${CYCLE}`);
      expect(await page.getByRole('status').count()).toBe(0);
      expect(await answersIn(page)).toEqual(annAnswersShown());
      // Until her deadline she can still change it: the form waits folded under her answers, filled with them.
      const change = page.locator('details.change');
      expect(await change.evaluate((details) => (details as any).open)).toBe(false);
      await change.locator(':scope > summary').click();
      expect(await page.getByLabel('What went well', { exact: true }).inputValue()).toBe(ANN.wentWell);
      expect(await page.getByRole('button', { name: 'Submit changes' }).isVisible()).toBe(true);
      expect(await page.locator('dl').getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
      await expectNoScriptWith(page, HOSTILE);
      await expectPageBasics(page);
    });

    it('refuses a link whose signature was changed, with a plain 403 page', async () => {
      const link = new URL(linkIn(invitationTo('bob@example.com'), '/forms/self'));
      const [payload, signature] = link.searchParams.get('t')!.split('.');
      const middle = Math.floor(signature.length / 2);
      const tampered =
        signature.slice(0, middle) + (signature[middle] === 'A' ? 'B' : 'A') + signature.slice(middle + 1);
      expect(tampered).not.toBe(signature);
      link.searchParams.set('t', `${payload}.${tampered}`);

      const response = await page.goto(link.toString());
      expect(response?.status()).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not valid');
      expect(await page.locator('form').count()).toBe(0);
      const text = await page.locator('body').innerText();
      expect(text).toContain('Please open it again from your email.');
      expect(text).not.toMatch(/TokenError|Error:|\bat \S+ \(|\.ts:\d+|node_modules|bad-signature/);
      expect(text).not.toContain('Bob Prompt');
      await expectPageBasics(page);
    });
    it('keeps a half-written self-assessment as a draft, which comes back when the link is opened again', async () => {
      const link = linkIn(invitationTo('bob@example.com'), '/forms/self');
      await page.goto(link);
      await page.getByLabel('What went well', { exact: true }).fill('Kept the lights on');
      // Nothing rated, two answers empty: a draft takes it anyway.
      const saved = await submitting(page, () => page.getByRole('button', { name: 'Save draft' }).click());
      expect(saved.status()).toBe(303);
      expect(await page.getByRole('status').textContent()).toBe(
        'Your draft is saved. It is not submitted yet: come back to it with the link in your email.',
      );
      await page.close();
      page = await context.newPage();
      await page.goto(link);
      expect(await page.getByText(/^Draft saved on .+, not submitted yet\.$/).isVisible()).toBe(true);
      expect(await page.getByLabel('What went well', { exact: true }).inputValue()).toBe('Kept the lights on');
      expect(await page.getByRole('button', { name: 'Submit self-assessment' }).isVisible()).toBe(true);
      await expectPageBasics(page);
    });
  });

  describe('manager review', () => {
    let request: Mail;

    it('emails the manager when the self-assessment phase ends', async () => {
      await theStack().advance(selfDue + HOUR - theStack().clock.now());
      const mails = await mailbox(theStack());
      const requests = mails.filter(
        (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`),
      );
      expect(requests).toHaveLength(1);
      request = requests[0];
    });

    it('opens on the team: each report with where they stand and a link to their own page', async () => {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 800 });
        const response = await page.goto(linkIn(request, '/forms/team'));
        expect(response?.status()).toBe(200);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Team reviews: ${CYCLE}`);
        expect(
          await page
            .getByText(
              /^Please review each report by .+\. You can change a submitted review until the review phase ends\.$/,
            )
            .isVisible(),
        ).toBe(true);
        const table = page.getByRole('table', { name: 'Your reports: 0 of 2 reviews submitted' });
        expect(await table.getByRole('row').allInnerTexts()).toEqual([
          expect.stringMatching(/^Report\s+Self-assessment\s+Your review\s+Results$/),
          expect.stringMatching(/^Ann Early\s+Submitted\s+Not started\s+Not released$/),
          expect.stringMatching(/^Bob Prompt\s+Not submitted \(overdue\)\s+Not started\s+Not released$/),
        ]);
        // No report's form is on the overview: nothing typed here can be lost by acting on someone else.
        expect(await page.locator('form').count()).toBe(0);
        await expectPageBasics(page);
        await expectScreenshot(page, `team-overview-${width}`);
      }
      await page.getByRole('link', { name: 'Ann Early' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Review of Ann Early');
    });

    it('shows a report\u2019s goals and self-assessment above a labelled review form', async () => {
      const response = await page.goto(reportLink(linkIn(request, '/forms/team'), 'e1'));
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Review of Ann Early');
      expect(await page.getByRole('link', { name: 'Back to your team' }).isVisible()).toBe(true);
      await expectPageBasics(page);

      // The page starts with what each point of the scale means, folded away until asked for.
      const guide = page.locator('details.guide');
      expect(await guide.locator('summary').textContent()).toBe('What the ratings mean');
      expect(await guide.evaluate((details) => (details as any).open)).toBe(false);
      await guide.locator('summary').click();
      expect(await guide.getByRole('listitem').allTextContents()).toEqual(
        SCALE.map((point, i) => `${point}: ${SCALE_DESCRIPTIONS[i]}`),
      );

      const goals = await page.locator('h2:has-text("Goals of") + ul > li').allTextContents();
      expect(goals).toHaveLength(1);
      expect(goals[0]).toContain(GOAL);
      expect(goals[0]).toContain('Weight 60 %');
      expect(await page.locator('body').innerText()).not.toContain(LATER_GOAL);
      // Goals come before the self-assessment, and the review after both.
      expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual([
        `Goals of ${period}`,
        'Self-assessment',
        'Your review',
      ]);
      expect(await answersIn(page)).toEqual({
        [`Their rating of goal "${GOAL}" (weight 60 %)`]: GOAL_RATING,
        'Their overall performance': ANN.rating,
        'What went well': ANN.wentWell,
        'What to improve': HOSTILE,
        'Goals for next quarter': ANN.nextGoals,
      });
      expect(await page.getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
      await expectNoScriptWith(page, HOSTILE);
      const annGoal = page.getByRole('group', { name: `Goal of Ann Early: ${GOAL}` });
      expect(await annGoal.getByRole('radio').count()).toBe(5);
      expect(await annGoal.getByRole('radio', { checked: true }).count()).toBe(0);
      expect(await annGoal.locator('p').textContent()).toContain('Weight 60 %');
      const annOverall = page.getByRole('group', { name: 'Your overall rating of Ann Early' });
      // In the form the goal comes first, then the overall rating, then the texts, then the optional proposals.
      expect(await page.locator('form legend').allTextContents()).toEqual([
        `Goal of Ann Early: ${GOAL}`,
        'Your overall rating of Ann Early',
        'Goals you propose for Ann Early next period (optional)',
      ]);
      for (const label of reviewTexts('Ann Early')) {
        const field = page.getByLabel(label, { exact: true });
        expect(await field.evaluate((el) => el.tagName)).toBe('TEXTAREA');
        expect(await field.getAttribute('required')).not.toBeNull();
        expect(await field.inputValue()).toBe('');
      }
      const annProposals = page.getByRole('group', { name: 'Goals you propose for Ann Early next period (optional)' });
      expect(await expectEveryControlLabelled(annProposals, ONE_LINE_INPUTS)).toEqual(PROPOSAL_LABELS);
      for (let row = 1; row <= 3; row++) {
        expect(
          await annProposals.getByLabel(`Proposed goal ${row}: due date`, { exact: true }).getAttribute('type'),
        ).toBe('date');
        expect(
          await annProposals.getByLabel(`Proposed goal ${row}: weight (%)`, { exact: true }).getAttribute('type'),
        ).toBe('number');
      }
      // Nothing about a proposal is required: a review without proposals is complete.
      expect(await annProposals.locator('input[required]').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Submit review of Ann Early' }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Save draft' }).getAttribute('formnovalidate')).not.toBeNull();
      const names: string[] = [];
      const controls = page.locator('form textarea, form input[type="radio"]');
      for (let i = 0; i < (await controls.count()); i++) names.push(await accessibleName(controls.nth(i)));
      expect(names).toEqual([...SCALE, ...SCALE, ...reviewTexts('Ann Early')]);
      expect(await expectEveryControlLabelled(annGoal)).toEqual([...SCALE]);
      expect(await expectEveryControlLabelled(annOverall)).toEqual([...SCALE]);
      await expectScreenshot(page, 'team-page');

      // Bob has no goals and no self-assessment: his form has the overall rating and the proposals.
      await page.goto(reportLink(linkIn(request, '/forms/team'), 'e2'));
      expect(await page.getByText(`No goals for ${period}.`, { exact: true }).isVisible()).toBe(true);
      expect(await page.getByText('Self-assessment not submitted (overdue).').isVisible()).toBe(true);
      expect(await page.locator('form legend').allTextContents()).toEqual([
        'Your overall rating of Bob Prompt',
        'Goals you propose for Bob Prompt next period (optional)',
      ]);
      expect(await expectEveryControlLabelled(page.locator('form'))).toEqual([...SCALE, ...reviewTexts('Bob Prompt')]);
      expect(await page.locator('body').innerText()).not.toContain(ANN.wentWell);
    });

    it('takes a review of Ann entered with the keyboard only', async () => {
      await page.goto(reportLink(linkIn(request, '/forms/team'), 'e1'));
      const goal = page.getByRole('group', { name: `Goal of Ann Early: ${GOAL}` });
      const rating = page.getByRole('group', { name: 'Your overall rating of Ann Early' });
      const goalFirst = goal.getByLabel('1 - Below expectations', { exact: true });
      const goalMiddle = goal.getByLabel('3 - Meets expectations', { exact: true });
      const first = rating.getByLabel('1 - Below expectations', { exact: true });
      const last = rating.getByLabel('5 - Exceptional', { exact: true });
      const [strengths, areas, feedback] = reviewTexts('Ann Early').map((label) =>
        page.getByLabel(label, { exact: true }),
      );
      const button = page.getByRole('button', { name: 'Submit review of Ann Early' });

      // The goal's scale is the first control of the form.
      const firstRadio = page.locator('form input[type="radio"]').first();
      expect(await firstRadio.evaluate((el, other) => el === other, await goalFirst.elementHandle())).toBe(true);
      await goalFirst.focus();
      await page.keyboard.press('Space');
      expect(await goalFirst.isChecked()).toBe(true);
      for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowRight');
      expect(await goalMiddle.isChecked()).toBe(true);
      expect(await isFocused(goalMiddle)).toBe(true);
      // Arrow keys stay inside the goal's group: the overall rating is untouched.
      expect(await rating.getByRole('radio', { checked: true }).count()).toBe(0);

      // Tab leaves the goal's group for the overall rating, landing on its first radio (none is checked yet).
      await page.keyboard.press('Tab');
      expect(await isFocused(first)).toBe(true);
      await page.keyboard.press('Space');
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      expect(await last.isChecked()).toBe(true);
      expect(await first.isChecked()).toBe(false);
      expect(await goalMiddle.isChecked()).toBe(true);

      // Then the three texts, in the order they are read.
      await page.keyboard.press('Tab');
      expect(await isFocused(strengths)).toBe(true);
      await page.keyboard.type(KEYBOARD_REVIEW.strengths);
      await page.keyboard.press('Tab');
      expect(await isFocused(areas)).toBe(true);
      await page.keyboard.type(KEYBOARD_REVIEW.areas);
      await page.keyboard.press('Tab');
      expect(await isFocused(feedback)).toBe(true);
      await page.keyboard.type(KEYBOARD_REVIEW.summary);

      // The proposals are optional: Tab walks through each of their inputs, row by row, and then reaches submit, then save draft.
      const visited: string[] = [];
      for (let presses = 0; presses < 40 && !(await isFocused(button)); presses++) {
        await page.keyboard.press('Tab');
        const label = await focusedLabel(page);
        // A date input takes one Tab per part (month, day, year) while staying the focused element.
        if (visited.at(-1) !== label) visited.push(label);
      }
      expect(visited).toEqual([...PROPOSAL_LABELS, 'Submit review of Ann Early']);
      const response = await submitting(page, () => page.keyboard.press('Enter'));

      expect(response.status()).toBe(303);
      expect(await page.getByRole('status').textContent()).toBe(
        'Your review is submitted. You can still change it until the review phase ends.',
      );
      // One goal of weight 60 rated 3 and no competencies (the default settings): the score is the goals' alone.
      expect(await answersIn(page, 1)).toEqual({
        [`Goal "${GOAL}" (weight 60 %)`]: '3 - Meets expectations',
        'Overall rating': '5 - Exceptional',
        'Final score': '3 - Meets expectations (from goals)',
        Strengths: KEYBOARD_REVIEW.strengths,
        'Areas to improve': KEYBOARD_REVIEW.areas,
        Summary: KEYBOARD_REVIEW.summary,
      });
      expect(await page.getByText('Proposed goals for next period').count()).toBe(0);
      expect(await page.locator('b', { hasText: 'well done' }).count()).toBe(0);
      expect(await page.locator('details.change').evaluate((details) => (details as any).open)).toBe(false);
      await expectPageBasics(page);
      await expectScreenshot(page, 'team-review-saved');
    });

    it('keeps a draft across leaving and coming back, takes edits until the phase ends, and never loses text typed for one report by acting on another', async () => {
      const team = linkIn(request, '/forms/team');
      const strengthsOfBob = () => page.getByLabel('Strengths of Bob Prompt', { exact: true });
      await page.goto(reportLink(team, 'e2'));
      await strengthsOfBob().fill('Calm under pressure');
      // Half a review: the draft skips the required fields.
      const saved = await submitting(page, () => page.getByRole('button', { name: 'Save draft' }).click());
      expect(saved.status()).toBe(303);
      expect(await page.getByRole('status').textContent()).toBe('Your draft is saved. It is not submitted yet.');
      expect(await strengthsOfBob().inputValue()).toBe('Calm under pressure');

      // Maria leaves, and comes back from her email another day: the draft is there, and the team shows it.
      await page.goto('about:blank');
      await page.goto(team);
      expect(await page.getByRole('row', { name: /Bob Prompt/ }).innerText()).toMatch(/Draft saved, not submitted/);
      await page.getByRole('link', { name: 'Bob Prompt' }).click();
      expect(await strengthsOfBob().inputValue()).toBe('Calm under pressure');
      expect(await page.getByText(/^Draft saved on .+, not submitted yet\.$/).isVisible()).toBe(true);

      // In a second tab she changes Ann's review while Bob's page, with more typed, stays open in the first.
      await page.getByLabel('What Bob Prompt should improve', { exact: true }).fill('Speak up in planning');
      const second = await context.newPage();
      await second.goto(reportLink(team, 'e1'));
      await second.locator('details.change summary').click();
      const annStrengths = second.getByLabel('Strengths of Ann Early', { exact: true });
      expect(await annStrengths.inputValue()).toBe(KEYBOARD_REVIEW.strengths);
      await annStrengths.fill('Ships what she promises, early');
      const edited = await submitting(second, () =>
        second.getByRole('button', { name: 'Submit changes to the review of Ann Early' }).click(),
      );
      expect(edited.status()).toBe(303);
      expect(await second.getByRole('status').textContent()).toBe(
        'Your changes are submitted: this version is the one released.',
      );
      expect((await answersIn(second, 1)).Strengths).toBe('Ships what she promises, early');
      await second.close();

      // Bob's page kept everything typed, and submits it whole.
      expect(await strengthsOfBob().inputValue()).toBe('Calm under pressure');
      expect(await page.getByLabel('What Bob Prompt should improve', { exact: true }).inputValue()).toBe(
        'Speak up in planning',
      );
      await page
        .getByRole('group', { name: 'Your overall rating of Bob Prompt' })
        .getByLabel('3 - Meets expectations', { exact: true })
        .check();
      await page.getByLabel('Your feedback to Bob Prompt', { exact: true }).fill('A steady quarter');
      const submitted = await submitting(page, () =>
        page.getByRole('button', { name: 'Submit review of Bob Prompt' }).click(),
      );
      expect(submitted.status()).toBe(303);
      expect(await answersIn(page)).toMatchObject({
        Strengths: 'Calm under pressure',
        'Areas to improve': 'Speak up in planning',
        Summary: 'A steady quarter',
      });

      await page.getByRole('link', { name: 'Back to your team' }).click();
      expect(await page.getByRole('table', { name: 'Your reports: 2 of 2 reviews submitted' }).isVisible()).toBe(true);
      const audit = (await auditOf(theStack(), cycleId)) as { action: string; employeeId?: string }[];
      expect(
        audit
          .filter((event) => event.action.startsWith('manager-review'))
          .map((event) => `${event.action} ${event.employeeId}`),
      ).toEqual(['manager-review-submitted e1', 'manager-review-edited e1', 'manager-review-submitted e2']);
      await expectPageBasics(page);
    });
  });

  it('left the screenshots under test-results/screenshots', () => {
    for (const name of SCREENSHOTS) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      expect(existsSync(path), path).toBe(true);
      expect(statSync(path).size, path).toBeGreaterThan(1000);
    }
  });
});
