import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  DAY,
  dateAfter,
  HOUR,
  hr,
  launchFromRoster,
  linkIn,
  mailbox,
  postReview,
  tempDir,
  type LocalStack,
} from '../support/local.ts';
import {
  closeAll,
  expectNoAxeViolations,
  expectPageBasics,
  expectScreenshot,
  rowsOf,
  startStackAndBrowser,
} from '../support/browser.ts';

/**
 * The cycle page's long lists (issue 13) in Chromium: a cycle of 33 people, all past the self-assessment
 * deadline, is more than one page of overdue people (25 a page). HR pages forward and back, filters by
 * department and reviewer and searches by name; the page reads no list whole (no report, every list a page at a
 * time), keeps the focus on the button pressed, says what it shows, and passes axe at 1280 and 390 px.
 */
const SALES = Array.from({ length: 20 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
const SUPPORT = Array.from({ length: 10 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
const ROSTER = [
  'employeeId,name,email,managerId,department',
  'm1,Maria Manager,maria@example.com,,Sales',
  'm2,Nora Lead,nora@example.com,,Support',
  ...SALES.map((id) => `${id},Seller ${id},${id}@example.com,m1,Sales`),
  ...SUPPORT.map((id) => `${id},Helper ${id},${id}@example.com,m2,Support`),
  't11,Zed Quill,zed@example.com,m2,Support',
].join('\n');
const CYCLE = 'Paged Q';
/** Not taking part: they join after the launch. */
const NEWCOMERS = ['n1', 'n2', 'n3'];
/** Everyone, in the order the lists go (employee id). */
const EVERYONE = ['m1', 'm2', ...SALES, ...SUPPORT, 't11'];

describe('the cycle page\u2019s paged lists in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-lists-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let cycleId: string;
  let managerDue: number;
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const theStack = () => stack!;
  const overdue = () => page.getByRole('region', { name: 'Overdue', exact: true });
  const ids = async () => (await rowsOf(page, 'Overdue people')).map(([, id]) => id);
  const statusOf = (region: Locator) => region.getByRole('status');
  const focused = () => page.evaluate(() => (globalThis as any).document.activeElement?.textContent ?? '');
  /** Submits the overdue list's filters as they are now, and waits for what the list then says. */
  const show = async (says: string) => {
    await overdue().getByRole('button', { name: 'Show', exact: true }).click();
    await statusOf(overdue()).getByText(says, { exact: true }).waitFor();
  };

  beforeAll(async () => {
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    const cycle = await launchFromRoster(theStack(), dir.path, {
      roster: ROSTER,
      name: CYCLE,
      selfDue: 14,
      managerDue: 24,
    });
    cycleId = cycle.cycleId;
    managerDue = cycle.managerDue;
    // Three sellers who joined after the launch set nine goals each, due today: 27 missed goals once the day ends.
    writeFileSync(
      join(dir.path, 'roster.csv'),
      [ROSTER, ...NEWCOMERS.map((id) => `${id},Newcomer ${id},${id}@example.com,m1,Sales`)].join('\n'),
    );
    expect((await cli(theStack(), dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    for (const id of NEWCOMERS)
      for (let n = 1; n <= 9; n++) {
        const added = await hr(theStack(), 'POST', `/employees/${id}/goals`, {
          title: `Goal ${n} of ${id}`,
          due: dateAfter(theStack().clock.now(), 0),
        });
        expect(added.status).toBe(201);
      }
    await theStack().advance(cycle.selfDue + HOUR - theStack().clock.now());
    await theStack().settled();
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${theStack().apiUrl}/console#token=${encodeURIComponent(theStack().hrToken)}`);
    await page.getByRole('heading', { level: 1, name: 'Cycles', exact: true }).waitFor();
    requests.length = 0;
    await page.getByRole('link', { name: CYCLE, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: CYCLE, exact: true }).waitFor();
    await page.locator('main:not([aria-busy])').waitFor();
  }, 120_000);
  afterAll(() => closeAll(browser, stack, dir));

  it('reads the cycle\u2019s counters and one page of each list, never the whole cycle', () => {
    const api = requests.map((url) => new URL(url)).filter((url) => url.pathname.startsWith('/cycles/'));
    expect(api.map((url) => url.pathname.replace(cycleId, 'ID')).sort()).toEqual([
      '/cycles/ID',
      '/cycles/ID/escalations',
      '/cycles/ID/goals',
      '/cycles/ID/overdue',
      '/cycles/ID/teams',
    ]);
    for (const url of api.filter((u) => /overdue|teams|escalations|goals/.test(u.pathname)))
      expect(url.searchParams.get('limit'), url.pathname).toBe('25');
  });

  it('pages through the overdue people forward and back, the focus staying on the button pressed', async () => {
    const region = overdue();
    expect(await statusOf(region).textContent()).toBe('Showing 25 people overdue with the self-assessment, page 1.');
    expect(await ids()).toEqual(EVERYONE.slice(0, 25));
    expect((await rowsOf(page, 'Overdue people'))[2]).toEqual([
      'Seller s01',
      's01',
      'Sales',
      expect.stringMatching(/^\w{3} \d{1,2} \w{3} \d{4}$/),
      'Maria Manager (m1)',
    ]);
    const previous = region.getByRole('button', { name: 'Previous page', exact: true });
    const next = region.getByRole('button', { name: 'Next page', exact: true });
    expect(await previous.getAttribute('aria-disabled')).toBe('true');
    expect(await next.getAttribute('aria-disabled')).toBeNull();
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'console-lists');

    await next.click();
    await statusOf(region)
      .getByText('Showing 8 people overdue with the self-assessment, page 2, the last.', { exact: true })
      .waitFor();
    expect(await ids()).toEqual(EVERYONE.slice(25));
    expect(await focused()).toBe('Next page');
    expect(await next.getAttribute('aria-disabled')).toBe('true');
    // A page button with no page that way does nothing (Playwright waits for an enabled one: force the click).
    await next.click({ force: true });
    expect(await ids()).toEqual(EVERYONE.slice(25));

    await previous.click();
    await statusOf(region)
      .getByText('Showing 25 people overdue with the self-assessment, page 1.', { exact: true })
      .waitFor();
    expect(await ids()).toEqual(EVERYONE.slice(0, 25));
    expect(await focused()).toBe('Previous page');

    // A page that fails to load says so and leaves the list as it was: the next try reads page 2, not page 3.
    await page.route(/\/overdue\?/, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal error"}' }),
    );
    await next.click();
    await region.getByRole('alert').getByText('This page of the list could not be shown: internal error.').waitFor();
    expect(await statusOf(region).textContent()).toBe('Showing 25 people overdue with the self-assessment, page 1.');
    expect(await ids()).toEqual(EVERYONE.slice(0, 25));
    await page.unroute(/\/overdue\?/);
    await next.click();
    await statusOf(region)
      .getByText('Showing 8 people overdue with the self-assessment, page 2, the last.', { exact: true })
      .waitFor();
    expect(await region.getByRole('alert').isVisible()).toBe(false);
    await previous.click();
    await statusOf(region)
      .getByText(/, page 1\.$/)
      .waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('filters by department and reviewer, and searches by name, from page 1 each time', async () => {
    const region = overdue();
    await region.getByRole('button', { name: 'Next page', exact: true }).click();
    await statusOf(region)
      .getByText(/, page 2, the last\.$/)
      .waitFor();

    await region.getByLabel('Department', { exact: true }).selectOption('Support');
    await show('Showing 12 people overdue with the self-assessment matching the filters.');
    expect(await ids()).toEqual(['m2', ...SUPPORT, 't11']);
    expect(await region.getByRole('button', { name: 'Next page', exact: true }).isVisible()).toBe(false);

    await region.getByLabel('Name or employee id', { exact: true }).fill('QUILL');
    await show('Showing 1 person overdue with the self-assessment matching the filters.');
    expect(await rowsOf(page, 'Overdue people')).toEqual([
      ['Zed Quill', 't11', 'Support', expect.any(String), 'Nora Lead (m2)'],
    ]);

    await region.getByLabel('Name or employee id', { exact: true }).fill('nobody');
    await show('No people overdue with the self-assessment match the filters.');
    expect(await page.getByRole('region', { name: 'Overdue people', exact: true }).count()).toBe(0);

    await region.getByLabel('Name or employee id', { exact: true }).fill('');
    await region.getByLabel('Department', { exact: true }).selectOption('');
    await region.getByLabel('Reviewer (id or HR)', { exact: true }).fill('m1');
    await show('Showing 20 people overdue with the self-assessment matching the filters.');
    expect(await ids()).toEqual(SALES);
    await expectPageBasics(page);
    await expectNoAxeViolations(page);

    // The reviews are not due yet: nobody is overdue with one.
    await region.getByLabel('Reviewer (id or HR)', { exact: true }).fill('');
    await region.getByLabel('Overdue with', { exact: true }).selectOption('manager');
    await show('No manager review is overdue.');
    expect(pageErrors).toEqual([]);
  });

  it('shows each reviewer\u2019s progress and pages through the escalations sent', async () => {
    expect((await rowsOf(page, 'Progress by reviewer')).map((row) => row.slice(0, 5)).sort()).toEqual([
      ['HR', 'Sales', '1', '0', '1'],
      ['HR', 'Support', '1', '0', '1'],
      ['Maria Manager (m1)', 'Sales', '20', '0', '20'],
      ['Nora Lead (m2)', 'Support', '11', '0', '11'],
    ]);
    const teams = page.getByRole('region', { name: 'Reviewers\u2019 progress', exact: true });
    await teams.getByLabel('Department', { exact: true }).selectOption('Support');
    await teams.getByRole('button', { name: 'Show', exact: true }).click();
    await statusOf(teams).getByText('Showing 2 reviewers\u2019 teams matching the filters.', { exact: true }).waitFor();

    // 33 reminders and the overdue notices: more than a page. Paged to the end, they are every one sent, once.
    const sent = page.getByRole('region', { name: 'Escalations sent', exact: true });
    expect(await statusOf(sent).textContent()).toBe('Showing 25 emails, page 1.');
    const next = sent.getByRole('button', { name: 'Next page', exact: true });
    const seen = await rowsOf(page, 'Reminders and escalations sent');
    for (let n = 2; (await next.getAttribute('aria-disabled')) === null; n++) {
      await next.click();
      await statusOf(sent)
        .getByText(new RegExp(`^Showing \\d+ emails?, page ${n}`))
        .waitFor();
      seen.push(...(await rowsOf(page, 'Reminders and escalations sent')));
    }
    expect(await statusOf(sent).textContent()).toMatch(/, the last\.$/);
    const all = (await hr(theStack(), 'GET', `/cycles/${cycleId}/escalations?limit=1000`)).body.escalations;
    expect(all.length).toBeGreaterThan(25);
    expect(seen.map(([, , to, subject]) => `${to} ${subject}`)).toEqual(
      all.map((mail: any) => `${mail.to} ${mail.subject}`),
    );
  });

  it('counts the goals of the quarter and pages through the missed ones', async () => {
    const { period } = (await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body;
    expect(await rowsOf(page, `Goals of the period ${period.replace('-', ' ')}`)).toEqual([['0', '0', '0', '27', '0']]);
    const region = page.getByRole('region', { name: 'Missed goals', exact: true });
    expect(await statusOf(region).textContent()).toBe('Showing 25 missed goals, page 1.');
    expect((await rowsOf(region, 'Goals past their due date'))[0]).toEqual([
      'Newcomer n1',
      'Sales',
      expect.stringMatching(/^Goal \d of n1$/),
      expect.stringMatching(/^\w{3} \d{1,2} \w{3} \d{4}$/),
      // A newcomer takes no part in the cycle: no manager of theirs is named for it.
      'Not in this cycle',
    ]);
    await region.getByRole('button', { name: 'Next page', exact: true }).click();
    await statusOf(region).getByText('Showing 2 missed goals, page 2, the last.', { exact: true }).waitFor();
    await region.getByLabel('Department', { exact: true }).selectOption('Support');
    await region.getByRole('button', { name: 'Show', exact: true }).click();
    await statusOf(region).getByText('No missed goals match the filters.', { exact: true }).waitFor();
    await expectNoAxeViolations(page);
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone, with the same basics', async () => {
    await overdue().getByLabel('Overdue with', { exact: true }).selectOption('self');
    await show('Showing 25 people overdue with the self-assessment, page 1.');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'console-lists-phone');
    expect(pageErrors).toEqual([]);
  });

  it('after the release, pages through the results not yet acknowledged, by department and name', async () => {
    // Maria reviews her 20 sellers and Nora her 11 helpers; the results go out after the manager deadline and
    // HR's grace (2 days by default).
    const requests = (await mailbox(theStack())).filter((mail) =>
      mail.subject.startsWith(`${CYCLE}: please review your team`),
    );
    const team = (to: string) => linkIn(requests.find((mail) => mail.to === to)!, '/forms/team');
    for (const [to, ids] of [
      ['maria@example.com', SALES],
      ['nora@example.com', [...SUPPORT, 't11']],
    ] as const)
      for (const employeeId of ids) {
        const answers = { rating: '3', strengths: 'Ships', areasToImprove: 'Docs', comments: 'Thanks' };
        await postReview(team(to), employeeId, answers);
      }
    await theStack().advance(managerDue + 2 * DAY + HOUR - theStack().clock.now());
    await theStack().settled();
    const released = (await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body;
    expect(released.results).toEqual({ released: 31, acknowledged: 0, disagreed: 0, unacknowledged: 31 });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: CYCLE, exact: true }).waitFor();
    await page.locator('main:not([aria-busy])').waitFor();

    const region = page.getByRole('region', { name: 'Results not yet acknowledged', exact: true });
    const names = async () => (await rowsOf(region, 'Unacknowledged results')).map(([, id]) => id);
    expect(await statusOf(region).textContent()).toBe('Showing 25 results not yet acknowledged, page 1.');
    expect(await names()).toEqual([...SALES, ...SUPPORT].slice(0, 25));
    expect((await rowsOf(region, 'Unacknowledged results'))[0]).toEqual([
      'Seller s01',
      's01',
      'Sales',
      'Maria Manager (m1)',
      expect.stringMatching(/^\w{3} \d{1,2} \w{3} \d{4}$/),
    ]);
    await region.getByRole('button', { name: 'Next page', exact: true }).click();
    await statusOf(region)
      .getByText('Showing 6 results not yet acknowledged, page 2, the last.', { exact: true })
      .waitFor();
    expect(await names()).toEqual([...SUPPORT.slice(5), 't11']);

    await region.getByLabel('Department', { exact: true }).selectOption('Support');
    await region.getByRole('button', { name: 'Show', exact: true }).click();
    await statusOf(region)
      .getByText('Showing 11 results not yet acknowledged matching the filters.', { exact: true })
      .waitFor();
    await region.getByLabel('Name or employee id', { exact: true }).fill('zed');
    await region.getByRole('button', { name: 'Show', exact: true }).click();
    await statusOf(region)
      .getByText('Showing 1 result not yet acknowledged matching the filters.', { exact: true })
      .waitFor();
    expect(await names()).toEqual(['t11']);
    // The reviewers' progress now counts the results too.
    expect((await rowsOf(page, 'Progress by reviewer')).map((row) => [row[0], row.at(-1)]).sort()).toEqual([
      ['HR', '0 of 0'],
      ['HR', '0 of 0'],
      ['Maria Manager (m1)', '0 of 20'],
      ['Nora Lead (m2)', '0 of 11'],
    ]);
    await expectPageBasics(page);
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'console-lists-released');
    expect(pageErrors).toEqual([]);
  });
});
