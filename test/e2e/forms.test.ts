import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, dateAfter, HOUR, linkIn, mailbox, tempDir, type LocalStack, type Mail } from '../support/local.ts';
import { accessibleName, answersIn, closeAll, startStackAndBrowser, expectEveryControlLabelled, expectPageBasics, expectScreenshot, SCREENSHOT_DIR, seriousAxeViolations, submitting } from '../support/browser.ts';
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
const SCREENSHOTS = ['self-assessment-form', 'self-assessment-confirmation', 'team-page', 'team-review-saved'];
const HOSTILE = '<script>alert(1)</script>';
const ANN = { rating: '4 - Exceeds expectations', wentWell: 'Closed the big deal', toImprove: HOSTILE, nextGoals: 'Grow the pipeline\nand mentor Bob' };
const TEXT_QUESTIONS = ['What went well', 'What to improve', 'Goals for next quarter'] as const;
const SCALE = ['1 - Below expectations', '2 - Partly meets expectations', '3 - Meets expectations', '4 - Exceeds expectations', '5 - Exceptional'] as const;
/** What each point of the default scale means, as the "What the ratings mean" guide shows it. */
const SCALE_DESCRIPTIONS = [
  'Most goals and expectations were not met; clear improvement is needed.',
  'Some goals and expectations were met; others need work.',
  'Goals and expectations were met: solid, reliable work.',
  'Goals were met and several were exceeded.',
  'Far beyond the goals, with an impact well outside the role.',
] as const;
/** The manager's three required texts about one report, in form order. */
const reviewTexts = (name: string) => [`Strengths of ${name}`, `What ${name} should improve`, `Your feedback to ${name}`];
/** The optional proposals for next period: three rows of title, due date and weight. */
const ONE_LINE_INPUTS = 'input[type="text"], input[type="date"], input[type="number"]';
const PROPOSAL_LABELS = [1, 2, 3].flatMap((row) => [`Proposed goal ${row}: title`, `Proposed goal ${row}: due date`, `Proposed goal ${row}: weight (%)`]);
const KEYBOARD_REVIEW = { strengths: 'Ships what she promises', areas: 'Delegate more', summary: 'Great quarter & <b>well done</b>' };
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
  return { [`Goal "${GOAL}" (weight 60 %)`]: GOAL_RATING, 'Overall performance': ANN.rating, 'What went well': ANN.wentWell, 'What to improve': HOSTILE, 'Goals for next quarter': ANN.nextGoals };
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

  const theStack = () => stack!;
  const invitationTo = (address: string) => invitations.find((mail) => mail.to === address)!;

  beforeAll(async () => {
    // Only this run's screenshots count.
    for (const name of SCREENSHOTS) rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    context = await browser!.newContext({ viewport: { width: 1000, height: 800 } });

    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    const imported = await cli(theStack(), dir.path, 'employees', 'import', 'roster.csv', '--json');
    expect(imported.code, imported.err).toBe(0);
    const now = theStack().clock.now();
    const goalDue = dateAfter(now, 20);
    period = periodOf(goalDue);
    const goal = await cli(theStack(), dir.path, 'goals', 'add', '--employee', 'e1', '--title', GOAL, '--due', goalDue, '--weight', '60', '--json');
    expect(goal.code, goal.err).toBe(0);
    const laterDue = dateAfter(now, 200);
    expect(periodOf(laterDue)).not.toBe(period);
    const later = await cli(theStack(), dir.path, 'goals', 'add', '--employee', 'e1', '--title', LATER_GOAL, '--due', laterDue, '--weight', '40', '--json');
    expect(later.code, later.err).toBe(0);
    const selfDate = dateAfter(now, 14);
    selfDue = Date.parse(`${selfDate}T23:59:59Z`);
    const launchedCycle = await cli(
      theStack(),
      dir.path,
      'cycle',
      'launch',
      '--name',
      CYCLE,
      '--self-due',
      selfDate,
      '--manager-due',
      dateAfter(now, 24),
      '--period',
      period,
      '--json',
    );
    expect(launchedCycle.code, launchedCycle.err).toBe(0);
    await theStack().settled();
    invitations = (await mailbox(theStack())).filter((mail) => mail.subject === `${CYCLE}: your self-assessment is open`);
    expect(invitations.map((mail) => mail.to).sort()).toEqual(['ann@example.com', 'bob@example.com', 'maria@example.com']);
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
    expect((await seriousAxeViolations(probe)).map((violation) => violation.split(':')[0]).sort()).toEqual(['document-title', 'html-has-lang', 'image-alt', 'label']);
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
      const partial = await submitting(page, () => page.getByRole('button', { name: 'Submit self-assessment' }).click());
      expect(partial.status()).toBe(400);
      expect(await page.getByRole('alert').getByRole('listitem').allTextContents()).toEqual(['What to improve is required', 'Goals for next quarter is required']);
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
      await page.getByRole('group', { name: `Goal: ${GOAL}` }).getByLabel(GOAL_RATING, { exact: true }).check();
      await page.getByRole('group', { name: 'Overall performance' }).getByLabel(ANN.rating, { exact: true }).check();
      await page.getByLabel('What went well', { exact: true }).fill(ANN.wentWell);
      await page.getByLabel('What to improve', { exact: true }).fill(ANN.toImprove);
      await page.getByLabel('Goals for next quarter', { exact: true }).fill(ANN.nextGoals);
      const response = await submitting(page, () => page.getByRole('button', { name: 'Submit self-assessment' }).click());

      expect(response.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you: your self-assessment is submitted');
      expect(await page.getByText(`Your self-assessment for "${CYCLE}" was submitted on`).isVisible()).toBe(true);
      expect(await answersIn(page)).toEqual(annAnswersShown());
      expect(await page.getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
      await expectNoScriptWith(page, HOSTILE);
      expect(await page.locator('script').count()).toBe(0);
      await expectPageBasics(page);
      await expectScreenshot(page, 'self-assessment-confirmation');
    });

    it('shows the submitted answers again when the link is reopened', async () => {
      const response = await page.goto(linkIn(invitationTo('ann@example.com'), '/forms/self'));
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Already submitted');
      expect(await page.locator('form').count()).toBe(0);
      expect(await answersIn(page)).toEqual(annAnswersShown());
      expect(await page.getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
      await expectNoScriptWith(page, HOSTILE);
      await expectPageBasics(page);
    });

    it('refuses a link whose signature was changed, with a plain 403 page', async () => {
      const link = new URL(linkIn(invitationTo('bob@example.com'), '/forms/self'));
      const [payload, signature] = link.searchParams.get('t')!.split('.');
      const middle = Math.floor(signature.length / 2);
      const tampered = signature.slice(0, middle) + (signature[middle] === 'A' ? 'B' : 'A') + signature.slice(middle + 1);
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
  });

  describe('manager review', () => {
    let request: Mail;

    it('emails the manager when the self-assessment phase ends', async () => {
      await theStack().advance(selfDue + HOUR - theStack().clock.now());
      const mails = await mailbox(theStack());
      const requests = mails.filter((mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`));
      expect(requests).toHaveLength(1);
      request = requests[0];
    });

    it('shows each report\u2019s self-assessment beside a review form, all labelled', async () => {
      const response = await page.goto(linkIn(request, '/forms/team'));
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Team reviews: ${CYCLE}`);
      await expectPageBasics(page);

      // The page starts with what each point of the scale means, folded away until asked for.
      const guide = page.locator('details');
      expect(await guide.count()).toBe(1);
      expect(await guide.locator('summary').textContent()).toBe('What the ratings mean');
      expect(await guide.evaluate((details) => (details as any).open)).toBe(false);
      await guide.locator('summary').click();
      expect(await guide.evaluate((details) => (details as any).open)).toBe(true);
      expect(await guide.getByRole('listitem').allTextContents()).toEqual(SCALE.map((point, i) => `${point}: ${SCALE_DESCRIPTIONS[i]}`));
      expect(await guide.getByRole('listitem').first().isVisible()).toBe(true);

      const ann = page.getByRole('region', { name: 'Ann Early' });
      expect(await ann.getByRole('heading', { level: 3, name: `Goals of ${period}` }).isVisible()).toBe(true);
      const goals = await ann.getByRole('listitem').allTextContents();
      expect(goals).toHaveLength(1);
      expect(goals[0]).toContain(GOAL);
      expect(goals[0]).toContain('Weight 60 %');
      expect(await ann.getByRole('listitem').locator('strong').textContent()).toBe(GOAL);
      expect(await page.locator('body').innerText()).not.toContain(LATER_GOAL);
      // Goals come before the self-assessment.
      const headings = await ann.getByRole('heading', { level: 3 }).allTextContents();
      expect(headings.slice(0, 2)).toEqual([`Goals of ${period}`, 'Self-assessment']);
      expect(await answersIn(ann)).toEqual({
        [`Their rating of goal "${GOAL}" (weight 60 %)`]: GOAL_RATING,
        'Their overall performance': ANN.rating,
        'What went well': ANN.wentWell,
        'What to improve': HOSTILE,
        'Goals for next quarter': ANN.nextGoals,
      });
      expect(await ann.getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
      await expectNoScriptWith(page, HOSTILE);
      const annGoal = ann.getByRole('group', { name: `Goal of Ann Early: ${GOAL}` });
      expect(await annGoal.getByRole('radio').count()).toBe(5);
      expect(await annGoal.getByRole('radio', { checked: true }).count()).toBe(0);
      expect(await annGoal.locator('p').textContent()).toContain('Weight 60 %');
      const annOverall = ann.getByRole('group', { name: 'Your overall rating of Ann Early' });
      expect(await annOverall.getByRole('radio').count()).toBe(5);
      // In the form the goal comes first, then the overall rating, then the texts, then the optional proposals.
      const legends = await ann.locator('form legend').allTextContents();
      expect(legends).toEqual([`Goal of Ann Early: ${GOAL}`, 'Your overall rating of Ann Early', 'Goals you propose for Ann Early next period (optional)']);
      for (const label of reviewTexts('Ann Early')) {
        const field = ann.getByLabel(label, { exact: true });
        expect(await field.evaluate((el) => el.tagName)).toBe('TEXTAREA');
        expect(await field.getAttribute('required')).not.toBeNull();
        expect(await field.inputValue()).toBe('');
      }
      const annProposals = ann.getByRole('group', { name: 'Goals you propose for Ann Early next period (optional)' });
      expect(await expectEveryControlLabelled(annProposals, ONE_LINE_INPUTS)).toEqual(PROPOSAL_LABELS);
      for (let row = 1; row <= 3; row++) {
        expect(await annProposals.getByLabel(`Proposed goal ${row}: due date`, { exact: true }).getAttribute('type')).toBe('date');
        expect(await annProposals.getByLabel(`Proposed goal ${row}: weight (%)`, { exact: true }).getAttribute('type')).toBe('number');
      }
      // Nothing about a proposal is required: a review without proposals is complete.
      expect(await annProposals.locator('input[required]').count()).toBe(0);
      expect(await ann.getByRole('button', { name: 'Submit review of Ann Early' }).isVisible()).toBe(true);

      const bob = page.getByRole('region', { name: 'Bob Prompt' });
      expect(await bob.getByText(`No goals for ${period}.`, { exact: true }).isVisible()).toBe(true);
      // Bob has no goals: his form has the overall rating and the proposals, nothing else grouped.
      expect(await bob.locator('form legend').allTextContents()).toEqual(['Your overall rating of Bob Prompt', 'Goals you propose for Bob Prompt next period (optional)']);
      expect(await bob.getByText('Self-assessment not submitted (overdue).').isVisible()).toBe(true);
      expect(await bob.getByRole('button', { name: 'Submit review of Bob Prompt' }).isVisible()).toBe(true);

      // Each report's form is labelled on its own: the same scale appears once per report and rating group.
      const names: string[] = [];
      const annControls = ann.locator('textarea, input[type="radio"]');
      for (let i = 0; i < (await annControls.count()); i++) names.push(await accessibleName(annControls.nth(i)));
      expect(names).toEqual([...SCALE, ...SCALE, ...reviewTexts('Ann Early')]);
      expect(names).toHaveLength(13);
      expect(await expectEveryControlLabelled(annGoal)).toEqual([...SCALE]);
      expect(await expectEveryControlLabelled(annOverall)).toEqual([...SCALE]);
      expect(await expectEveryControlLabelled(bob)).toEqual([...SCALE, ...reviewTexts('Bob Prompt')]);
      expect(await expectEveryControlLabelled(bob.getByRole('group', { name: 'Goals you propose for Bob Prompt next period (optional)' }), ONE_LINE_INPUTS)).toEqual(PROPOSAL_LABELS);
      // Every visible control on the page has a label, and no id repeats (labels point at ids).
      const unlabelled = await page.locator('textarea, input:not([type="hidden"])').evaluateAll((nodes) => nodes.filter((node: any) => !node.labels?.length).map((node: any) => node.outerHTML));
      expect(unlabelled).toEqual([]);
      const ids = await page.locator('[id]').evaluateAll((nodes) => nodes.map((node) => node.id));
      expect(new Set(ids).size).toBe(ids.length);
      await expectScreenshot(page, 'team-page');
    });

    it('takes a review of Ann entered with the keyboard only', async () => {
      await page.goto(linkIn(request, '/forms/team'));
      const ann = page.getByRole('region', { name: 'Ann Early' });
      const goal = ann.getByRole('group', { name: `Goal of Ann Early: ${GOAL}` });
      const rating = ann.getByRole('group', { name: 'Your overall rating of Ann Early' });
      const goalFirst = goal.getByLabel('1 - Below expectations', { exact: true });
      const goalMiddle = goal.getByLabel('3 - Meets expectations', { exact: true });
      const first = rating.getByLabel('1 - Below expectations', { exact: true });
      const last = rating.getByLabel('5 - Exceptional', { exact: true });
      const [strengths, areas, feedback] = reviewTexts('Ann Early').map((label) => ann.getByLabel(label, { exact: true }));
      const button = ann.getByRole('button', { name: 'Submit review of Ann Early' });

      // The goal's scale is the first control of Ann's form.
      const firstRadio = ann.locator('form input[type="radio"]').first();
      expect(await firstRadio.evaluate((el, other) => el === other, await goalFirst.elementHandle())).toBe(true);
      await goalFirst.focus();
      await page.keyboard.press('Space');
      expect(await goalFirst.isChecked()).toBe(true);
      for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowRight');
      expect(await goalMiddle.isChecked()).toBe(true);
      expect(await isFocused(goalMiddle)).toBe(true);
      expect(await goal.getByRole('radio', { checked: true }).count()).toBe(1);
      // Arrow keys stay inside the goal's group: the overall rating is untouched.
      expect(await rating.getByRole('radio', { checked: true }).count()).toBe(0);

      // Tab leaves the goal's group for the overall rating, landing on its first radio (none is checked yet).
      await page.keyboard.press('Tab');
      expect(await isFocused(first)).toBe(true);
      await page.keyboard.press('Space');
      expect(await first.isChecked()).toBe(true);
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      expect(await last.isChecked()).toBe(true);
      expect(await isFocused(last)).toBe(true);
      expect(await first.isChecked()).toBe(false);
      expect(await goalMiddle.isChecked()).toBe(true);
      // Arrow keys stay inside Ann's form: Bob's rating is untouched.
      expect(await page.getByRole('region', { name: 'Bob Prompt' }).getByRole('radio', { checked: true }).count()).toBe(0);

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

      // The proposals are optional: Tab walks through each of their inputs, row by row, and then reaches the button.
      const visited: string[] = [];
      for (let presses = 0; presses < 40 && !(await isFocused(button)); presses++) {
        await page.keyboard.press('Tab');
        const label = await focusedLabel(page);
        // A date input takes one Tab per part (month, day, year) while staying the focused element.
        if (visited.at(-1) !== label) visited.push(label);
      }
      expect(visited).toEqual([...PROPOSAL_LABELS, 'Submit review of Ann Early']);
      expect(await isFocused(button)).toBe(true);
      const proposals = ann.getByRole('group', { name: 'Goals you propose for Ann Early next period (optional)' });
      expect(await proposals.locator('input').evaluateAll((inputs) => inputs.map((input: any) => input.value))).toEqual(PROPOSAL_LABELS.map(() => ''));
      const response = await submitting(page, () => page.keyboard.press('Enter'));

      expect(response.status()).toBe(200);
      expect(await page.getByRole('status').textContent()).toBe('Your review was saved.');
      const saved = page.getByRole('region', { name: 'Ann Early' });
      expect(await saved.getByRole('heading', { name: 'Your review' }).isVisible()).toBe(true);
      // One goal of weight 60 rated 3 and no competencies (the default settings): the score is the goals' alone.
      expect(await answersIn(saved, 1)).toEqual({
        [`Goal "${GOAL}" (weight 60 %)`]: '3 - Meets expectations',
        'Overall rating': '5 - Exceptional',
        'Final score': '3 - Meets expectations (from goals)',
        Strengths: KEYBOARD_REVIEW.strengths,
        'Areas to improve': KEYBOARD_REVIEW.areas,
        Summary: KEYBOARD_REVIEW.summary,
      });
      expect(await saved.getByText('Proposed goals for next period').count()).toBe(0);
      expect(await saved.locator('form').count()).toBe(0);
      expect(await page.locator('b', { hasText: 'well done' }).count()).toBe(0);
      // Bob still waits for his review.
      expect(await page.getByRole('region', { name: 'Bob Prompt' }).getByRole('button', { name: 'Submit review of Bob Prompt' }).isVisible()).toBe(true);
      await expectPageBasics(page);
      await expectScreenshot(page, 'team-review-saved');
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
