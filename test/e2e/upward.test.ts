import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPWARD_QUESTIONS } from '../../functions/domain/review-form.ts';
import {
  closeAll,
  expectEveryControlLabelled,
  expectNoAxeViolations,
  expectPageBasics,
  expectScreenshot,
  SCREENSHOT_DIR,
  startStackAndBrowser,
  submitting,
} from '../support/browser.ts';
import {
  DAY,
  hr,
  launchFromRoster,
  linkIn,
  mailbox,
  openForm,
  postForm,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * A report reviews their manager in Chromium, at a desktop and a phone width: every control labelled, no axe
 * violation, the anonymity promise and the finality of the answers said before sending; a refused post keeps
 * what was typed; once sent, the page says only that they answered.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
a1,Ann One,ann@example.com,m1,Sales
a2,Abe Two,abe@example.com,m1,Sales
a3,Ada Three,ada@example.com,m1,Sales
`;
const SCREENSHOTS = [
  'upward-form-1280',
  'upward-form-390',
  'upward-refused',
  'upward-answered',
  'upward-console',
  'upward-team-page-390',
];

describe('the upward review form in a browser', () => {
  const dir = tempDir('perfcycle-upward-e2e-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let link: string;
  let cycleId: string;
  let managerDue: number;

  beforeAll(async () => {
    for (const name of SCREENSHOTS) rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    const cycle = await launchFromRoster(stack!, dir.path, {
      roster: ROSTER,
      name: 'Q4',
      selfDue: 7,
      managerDue: 14,
      options: ['--upward'],
    });
    cycleId = cycle.cycleId;
    managerDue = cycle.managerDue;
    const invitation = (await mailbox(stack!)).find(
      (mail) => mail.to === 'ann@example.com' && mail.subject.includes('review your manager'),
    )!;
    link = linkIn(invitation, '/forms/upward');
    page = await (await browser!.newContext()).newPage();
  }, 120_000);
  afterAll(() => closeAll(browser, stack, dir));

  it('shows a labelled, accessible form at 1280 and 390 px, saying how the answers stay anonymous', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const response = await page.goto(link);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Review of Maria Manager');
      expect(await page.getByText(/stored without your name or the date/).isVisible()).toBe(true);
      expect(await page.getByText(/final once sent/).isVisible()).toBe(true);
      const names = await expectEveryControlLabelled(page);
      expect(names).toEqual(
        expect.arrayContaining([...DEFAULT_UPWARD_QUESTIONS.map((question) => question.label), 'No rating']),
      );
      await expectPageBasics(page);
      await expectNoAxeViolations(page);
      await expectScreenshot(page, `upward-form-${width}`);
    }
  });

  it('refuses a post with a question unanswered, keeping what was typed', async () => {
    await page.getByLabel(DEFAULT_UPWARD_QUESTIONS[0].label).fill('Makes time for me');
    // The browser's own check would stop the post: take it away, as an old browser would not check.
    await page.locator('textarea').evaluateAll((fields) => {
      for (const field of fields) field.removeAttribute('required');
    });
    const response = await submitting(page, () => page.getByRole('button', { name: 'Send my review' }).click());
    expect(response.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain(`${DEFAULT_UPWARD_QUESTIONS[1].label} is required`);
    expect(await page.getByLabel(DEFAULT_UPWARD_QUESTIONS[0].label).inputValue()).toBe('Makes time for me');
    await expectPageBasics(page);
    await expectScreenshot(page, 'upward-refused');
  });

  it('sends once, then says only that the report answered', async () => {
    for (const question of DEFAULT_UPWARD_QUESTIONS.slice(1))
      await page.getByLabel(question.label).fill(`About ${question.id}`);
    await page.getByLabel('4 - ', { exact: false }).check();
    const response = await submitting(page, () => page.getByRole('button', { name: 'Send my review' }).click());
    expect(response.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toBe('Thank you: your review is sent, without your name.');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have answered');
    expect(await page.content()).not.toContain('Makes time for me');
    expect(await page.locator('form').count()).toBe(0);
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'upward-answered');
  });

  it('shows HR in the console answered of asked per manager and department, and no mean before the release', async () => {
    // A peer review asked in the same cycle: its completion has a section of its own.
    expect((await hr(stack!, 'POST', `/cycles/${cycleId}/peers`, { employeeId: 'a1', reviewers: ['a2'] })).status).toBe(
      200,
    );
    const consolePage = await page.context().newPage();
    await consolePage.setViewportSize({ width: 1280, height: 900 });
    await consolePage.goto(`${stack!.apiUrl}/console#token=${encodeURIComponent(stack!.hrToken)}`);
    await consolePage.getByRole('heading', { level: 1, name: 'Cycles', exact: true }).waitFor();
    await consolePage.goto(`${stack!.apiUrl}/console#/cycles/${cycleId}`);
    const byManager = consolePage.getByRole('region', { name: 'Upward reviews by manager', exact: true });
    await byManager.waitFor();
    expect(await byManager.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^Maria Manager \(m1\)\s+Sales\s+1\s+3\s+Not shown$/),
    ]);
    const byDepartment = consolePage.getByRole('region', { name: 'Upward reviews by department', exact: true });
    expect(await byDepartment.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^Sales\s+1\s+3$/)]);
    const peers = consolePage.getByRole('region', { name: 'Peer reviews by department', exact: true });
    expect(await peers.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^Sales\s+0\s+1\s+0%$/)]);
    const peersByManager = consolePage.getByRole('region', { name: 'Peer reviews by manager', exact: true });
    expect(await peersByManager.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^Maria Manager \(m1\)\s+0\s+1\s+0%$/),
    ]);
    expect(await consolePage.getByText('0 of 1 peer reviews answered (0%).').isVisible()).toBe(true);
    expect(await consolePage.content()).not.toContain('About clarity');
    await expectPageBasics(consolePage);
    await byManager.scrollIntoViewIfNeeded();
    await expectScreenshot(consolePage, 'upward-console');
  });

  it('after the release shows Maria her reports\u2019 answers on her team page, with the mean and no names, accessibly', async () => {
    // Abe and Ada answer too: three answers, the threshold.
    for (const [to, rating] of [
      ['abe', '3'],
      ['ada', '5'],
    ]) {
      const invitation = (await mailbox(stack!)).find(
        (mail) => mail.to === `${to}@example.com` && mail.subject.includes('review your manager'),
      )!;
      const upward = linkIn(invitation, '/forms/upward');
      const answers = Object.fromEntries(DEFAULT_UPWARD_QUESTIONS.map((q) => [q.id, `${to} on ${q.id}`]));
      expect((await postForm(upward, await openForm(upward), { ...answers, upwardRating: rating })).status).toBe(303);
    }
    await stack!.advance(managerDue + 3 * DAY - stack!.clock.now());
    await stack!.settled();
    const request = (await mailbox(stack!)).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.includes('please review your team'),
    )!;
    await page.setViewportSize({ width: 390, height: 900 });
    expect((await page.goto(linkIn(request, '/forms/team')))?.status()).toBe(200);
    const section = page.getByRole('region', { name: 'What your reports said about working with you' });
    expect(await section.getByText('Mean rating: 4 of 5').isVisible()).toBe(true);
    expect(await section.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
      'Answer 1',
      'Answer 2',
      'Answer 3',
    ]);
    expect(await section.locator('dt').allTextContents()).toEqual(
      Array(3)
        .fill([...DEFAULT_UPWARD_QUESTIONS.map((question) => question.label), 'Rating'])
        .flat(),
    );
    const text = (await section.textContent())!;
    for (const words of ['Makes time for me', 'abe on ', 'ada on ']) expect(text).toContain(words);
    for (const name of ['Ann', 'Abe', 'Ada']) expect(text).not.toContain(name);
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'upward-team-page-390');
  });
});
