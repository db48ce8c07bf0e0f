import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  DAY,
  HOUR,
  launchFromRoster,
  linkIn,
  mailbox,
  reportLink,
  tempDir,
  type LocalStack,
} from '../support/local.ts';
import {
  answersIn,
  closeAll,
  expectEveryControlLabelled,
  expectNoAxeViolations,
  expectPageBasics,
  expectScreenshot,
  SCREENSHOT_DIR,
  startStackAndBrowser,
  submitting,
} from '../support/browser.ts';

/**
 * The peer review form as a colleague meets it (issue 14): the real email's link opened in Chromium at desktop
 * and phone widths, checked with axe, filled with the keyboard and mouse, and the page it leads to.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;
const CYCLE = 'Peers Q4';
const SCREENSHOTS = [
  'peer-review-form-1280',
  'peer-review-form-390',
  'peer-review-submitted',
  'peer-nominations-390',
  'peer-approval-390',
  'peer-answers-manager-390',
  'peer-answers-results-390',
];
const QUESTIONS = [
  'What does this person do well when working with you?',
  'What could they do differently to make working together better?',
];

describe('the peer review form in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-peers-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let link: string;
  let selfLink: string;
  let selfDue: number;
  let managerDue: number;

  beforeAll(async () => {
    for (const name of SCREENSHOTS) rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const { cycleId, ...cycle } = await launchFromRoster(stack!, dir.path, {
      roster: ROSTER,
      name: CYCLE,
      selfDue: 14,
      managerDue: 24,
    });
    selfDue = cycle.selfDue;
    managerDue = cycle.managerDue;
    const assigned = await cli(stack!, dir.path, 'cycle', 'peers', cycleId, '--employee', 'e1', '--reviewers', 'e2');
    expect(assigned.code, assigned.err).toBe(0);
    const mail = (await mailbox(stack!)).find((m) => m.subject === `${CYCLE}: please give peer feedback on Ann Early`)!;
    link = linkIn(mail, '/forms/peer');
    selfLink = linkIn(
      (await mailbox(stack!)).find(
        (m) => m.to === 'bob@example.com' && m.subject === `${CYCLE}: your self-assessment is open`,
      )!,
      '/forms/self',
    );
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(() => closeAll(browser, stack, dir));

  it('passes axe at 1280 and 390 px, every control labelled, and says who reads the answers', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const response = await page.goto(link);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Peer review of Ann Early');
      expect(await page.getByText('Ann Early reads them without your name once results are released.').count()).toBe(1);
      await expectPageBasics(page);
      await expectNoAxeViolations(page);
      expect(await expectEveryControlLabelled(page)).toEqual([
        ...QUESTIONS,
        'No rating',
        '1 - Below expectations',
        '2 - Partly meets expectations',
        '3 - Meets expectations',
        '4 - Exceeds expectations',
        '5 - Exceptional',
      ]);
      // Nothing overflows the phone's width.
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      await expectScreenshot(page, `peer-review-form-${width}`);
    }
  });

  it('is filled with the keyboard and mouse, and shows the answers given after the redirect', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(link);
    await page.getByLabel(QUESTIONS[0], { exact: true }).fill('Explains <plans> clearly');
    await page.getByLabel(QUESTIONS[1], { exact: true }).click();
    await page.keyboard.type('Share drafts earlier');
    await page.getByLabel('4 - Exceeds expectations', { exact: true }).check();
    const response = await submitting(page, () => page.getByRole('button', { name: 'Submit peer review' }).click());
    expect(response.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toBe('Thank you: your peer review is submitted.');
    expect(await answersIn(page)).toEqual({
      [QUESTIONS[0]]: 'Explains <plans> clearly',
      [QUESTIONS[1]]: 'Share drafts earlier',
      Rating: '4 - Exceeds expectations',
    });
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'peer-review-submitted');
  });

  it('nominating peers from the self-assessment page and the manager\u2019s approval pass axe on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(selfLink);
    await page.getByRole('link', { name: 'Ask colleagues for a peer review' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Ask colleagues for a peer review');
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectEveryControlLabelled(page, 'textarea');
    await page.getByLabel('Colleagues\u2019 email addresses (one per line)', { exact: true }).fill('ann@example.com');
    const sent = await submitting(page, () =>
      page.getByRole('button', { name: 'Send to Maria Manager for approval' }).click(),
    );
    expect(sent.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toContain('Sent: your manager was emailed');
    await expectScreenshot(page, 'peer-nominations-390');
    const asked = (await mailbox(stack!)).find(
      (m) => m.subject === `${CYCLE}: Bob Prompt asks you to approve peer reviewers`,
    )!;
    await page.goto(linkIn(asked, '/forms/peer-approval'));
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    const approved = await submitting(page, () =>
      page.getByRole('button', { name: 'Approve these peer reviewers' }).click(),
    );
    expect(approved.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toBe(
      'Approved: each colleague was emailed a link to the peer review.',
    );
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'peer-approval-390');
  });

  it('the answer on the manager\u2019s page (named) and in Ann\u2019s results (not named) passes axe', async () => {
    await stack!.advance(selfDue + HOUR - stack!.clock.now());
    await stack!.settled();
    const request = (await mailbox(stack!)).find(
      (m) => m.to === 'maria@example.com' && m.subject.startsWith(`${CYCLE}: please review your team`),
    )!;
    const report = reportLink(linkIn(request, '/forms/team'), 'e1');
    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(report);
    const section = page.getByRole('region', { name: 'Peer reviews' });
    expect(await section.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['From Bob Prompt']);
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'peer-answers-manager-390');
    // Maria reviews Ann; the results are released after the manager deadline and the grace period.
    const answers: Record<string, string> = { strengths: 'Ships', areasToImprove: 'Docs', comments: 'Good quarter' };
    for (const [name, value] of Object.entries(answers)) await page.locator(`textarea[name="${name}"]`).fill(value);
    for (const group of await page.locator('fieldset.scale').all())
      if (await group.locator('input[type="radio"][required]').count()) await group.locator('input[value="3"]').check();
    const reviewed = await submitting(page, () =>
      page
        .getByRole('button', { name: /^Submit/ })
        .first()
        .click(),
    );
    expect(reviewed.status()).toBe(303);
    await stack!.advance(managerDue + 3 * DAY - stack!.clock.now());
    await stack!.settled();
    const result = (await mailbox(stack!)).find(
      (m) => m.to === 'ann@example.com' && m.subject === `${CYCLE}: your review result`,
    )!;
    await page.goto(linkIn(result, '/forms/results'));
    const colleagues = page.getByRole('region', { name: 'Feedback from colleagues' });
    expect(await colleagues.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Colleague 1']);
    expect(await colleagues.textContent()).toContain('Explains <plans> clearly');
    // In the order of the questions, as the form asked them.
    expect(await colleagues.locator('dt').allTextContents()).toEqual([...QUESTIONS, 'Rating']);
    expect(await page.content()).not.toContain('Bob Prompt');
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'peer-answers-results-390');
  });
});
