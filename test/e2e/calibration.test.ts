import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, keys, tableName } from '../../functions/store/table.ts';
import {
  cli,
  clearMailbox,
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
import { closeAll, expectPageBasics, expectScreenshot, rowsOf, startStackAndBrowser } from '../support/browser.ts';

/**
 * The console's calibration page (issue 11) in Chromium: the distributions as inline SVG charts named by
 * their numbers, with the numbers in tables; managers and departments with the flag; who is missing; every
 * participant. Read-only in the manager review; in calibration (a calibrated cycle past its manager
 * deadline), an adjustment per person and the release with its confirmation, through the real API: the
 * manager's email, the refusal while a reopened review is pending, and the results going out.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
m2,Nora Lead,nora@example.com,,Support
s1,Sam Support,sam@example.com,m2,Support
s2,Sue Slow,sue@example.com,m2,Support
`;
const CYCLE = 'Calibration Q';

describe('the calibration page in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-calibration-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let cycleId: string;
  let managerDue: number;
  const pageErrors: string[] = [];
  const theStack = () => stack!;
  const calibrationUrl = () => `${theStack().apiUrl}/console#/cycles/${cycleId}/calibration`;
  const landed = async () => {
    await page.getByRole('heading', { level: 1, name: `Calibration: ${CYCLE}`, exact: true }).waitFor();
    await page.locator('main:not([aria-busy])').waitFor();
  };

  beforeAll(async () => {
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    const cycle = await launchFromRoster(theStack(), dir.path, {
      roster: ROSTER,
      name: CYCLE,
      selfDue: 14,
      managerDue: 24,
      calibrationDue: 34,
    });
    cycleId = cycle.cycleId;
    managerDue = cycle.managerDue;
    await theStack().advance(cycle.selfDue + HOUR - theStack().clock.now());
    await theStack().settled();
    const requests = (await mailbox(theStack())).filter((mail) =>
      mail.subject.startsWith(`${CYCLE}: please review your team`),
    );
    const team = (to: string) => linkIn(requests.find((mail) => mail.to === to)!, '/forms/team');
    for (const [to, employeeId, rating] of [
      ['maria@example.com', 'e1', '5'],
      ['maria@example.com', 'e2', '5'],
      ['nora@example.com', 's1', '2'],
    ] as const) {
      await postReview(team(to), employeeId, {
        rating,
        strengths: 'Ships',
        areasToImprove: 'Docs',
        comments: 'Thanks',
      });
    }
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${theStack().apiUrl}/console#token=${encodeURIComponent(theStack().hrToken)}`);
    await page.getByRole('heading', { level: 1, name: 'Cycles', exact: true }).waitFor();
  });
  afterAll(() => closeAll(browser, stack, dir));

  it('in the manager review: charts with their numbers, the flagged manager, the missing, read-only', async () => {
    await page.getByRole('link', { name: CYCLE, exact: true }).click();
    await page.getByRole('link', { name: 'Calibration: ratings side by side', exact: true }).click();
    await landed();
    // Before calibration (the reviews' scores): 5 5 | 2, mean 4; Nora's 2 is two points below.
    expect(await page.getByRole('img', { name: /^Everyone:/ }).getAttribute('aria-label')).toBe(
      'Everyone: 3 reviews; before calibration 1: 0, 2: 1, 3: 0, 4: 0, 5: 2; final rating 1: 0, 2: 1, 3: 0, 4: 0, 5: 2',
    );
    expect(await page.locator('svg[role="img"]').count()).toBe(4); // everyone, two departments, Nora flagged
    expect(await page.getByRole('img', { name: /^Manager Nora Lead \(flagged\):/ }).count()).toBe(1);
    expect(await rowsOf(page, 'Everyone in numbers')).toEqual([
      ['1 - Below expectations', '0', '0'],
      ['2 - Partly meets expectations', '1', '1'],
      ['3 - Meets expectations', '0', '0'],
      ['4 - Exceeds expectations', '0', '0'],
      ['5 - Exceptional', '2', '2'],
      ['Mean', '4.00', '4.00'],
    ]);
    expect(await rowsOf(page, 'Ratings by manager')).toEqual([
      ['HR', '0', '2', '0 0 0 0 0', 'None', 'None', '0 0 0 0 0', 'None', 'None', ''],
      ['Maria Manager', '2', '0', '0 0 0 0 2', '5.00', '+1.00', '0 0 0 0 2', '5.00', '+1.00', ''],
      [
        'Nora Lead',
        '1',
        '1',
        '0 1 0 0 0',
        '2.00',
        '-2.00',
        '0 1 0 0 0',
        '2.00',
        '-2.00',
        'Before calibration: more than 1 point from the cycle\u2019s meanFinal ratings: more than 1 point from the cycle\u2019s mean',
      ],
    ]);
    expect(await rowsOf(page, 'Reviews still missing')).toEqual([
      ['Maria Manager', 'm1', 'Sales', 'HR'],
      ['Nora Lead', 'm2', 'Support', 'HR'],
      ['Sue Slow', 's2', 'Support', 'Nora Lead'],
    ]);
    expect((await rowsOf(page, 'Participants and their ratings')).map((row) => row.slice(0, 7))).toEqual([
      ['Ann Early', 'Sales', 'Maria Manager', '5', '5', '5 (Exceptional)', 'No'],
      ['Bob Prompt', 'Sales', 'Maria Manager', '5', '5', '5 (Exceptional)', 'No'],
      ['Maria Manager', 'Sales', 'HR', 'Missing', 'None', 'None', 'No'],
      ['Nora Lead', 'Support', 'HR', 'Missing', 'None', 'None', 'No'],
      ['Sam Support', 'Support', 'Nora Lead', '2', '2', '2 (Partly meets expectations)', 'No'],
      ['Sue Slow', 'Support', 'Nora Lead', 'Missing', 'None', 'None', 'No'],
    ]);
    expect(await page.getByRole('button', { name: 'Release results' }).count()).toBe(0);
    expect(await page.getByText('Adjust', { exact: true }).count()).toBe(0);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-calibration-review');
  });

  it('in calibration: an adjustment takes a rating and a reason, shows a refusal in the API\u2019s words, and tells the manager', async () => {
    await theStack().advance(managerDue + HOUR - theStack().clock.now());
    await theStack().settled();
    expect((await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.phase).toBe('CALIBRATION');
    await clearMailbox(theStack());
    await page.goto(calibrationUrl());
    await page.reload();
    await landed();
    const sam = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Sam Support', exact: true }) });
    await sam.getByText('Adjust', { exact: true }).click();
    expect(await page.getByLabel('Final rating of Sam Support', { exact: true }).inputValue()).toBe('2');
    // A reason is required before anything is sent.
    await page.getByRole('button', { name: 'Adjust Sam Support', exact: true }).click();
    await sam.getByRole('alert').getByText('Give the reason for the adjustment.').waitFor();

    // Another calibration file holds the cycle (as while `cycle adjust --csv` applies one): refused, in the API's words.
    const hold = (expression: string, values?: Record<string, unknown>) =>
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.cycle(cycleId),
          UpdateExpression: expression,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    await hold('SET adjustmentBatch = :batch', { ':batch': { id: 'another-file', until: Date.now() + 60_000 } });
    await page.getByLabel('Final rating of Sam Support', { exact: true }).selectOption('3');
    await page.getByLabel('Reason for Sam Support', { exact: true }).fill('Carried the on-call');
    await page.getByRole('button', { name: 'Adjust Sam Support', exact: true }).click();
    await sam
      .getByRole('alert')
      .getByText(/^The rating was not adjusted: .*a calibration file is being applied to it: nothing was changed\.$/)
      .waitFor();
    expect(await sam.getByRole('alert').getByRole('listitem').allTextContents()).toEqual(['run it again in a moment']);
    await expectPageBasics(page);
    expect(await mailbox(theStack())).toEqual([]);

    await hold('REMOVE adjustmentBatch');
    await page.getByRole('button', { name: 'Adjust Sam Support', exact: true }).click();
    await page
      .locator('#page-status')
      .getByText('Sam Support\u2019s final rating is now 3 (it was 2); their manager was emailed the reason.', {
        exact: true,
      })
      .waitFor();
    await theStack().settled();
    const told = await mailbox(theStack());
    expect(told.map((mail) => `${mail.to}|${mail.subject}`)).toEqual([
      `nora@example.com|${CYCLE}: HR adjusted Sam Support's final rating`,
    ]);
    expect(told[0]!.text).toContain('Carried the on-call');
    expect(
      (await rowsOf(page, 'Participants and their ratings')).find((row) => row[0] === 'Sam Support')!.slice(0, 7),
    ).toEqual([
      'Sam Support',
      'Support',
      'Nora Lead',
      '2',
      '2',
      '3 (Meets expectations)',
      'Yes, from 2: Carried the on-call',
    ]);
    expect(pageErrors).toEqual([]);
    await expectScreenshot(page, 'console-calibration');
  });

  it('release asks first; refused while a reopened review is pending, naming it; released anyway, the results go out', async () => {
    const reopened = await cli(
      theStack(),
      dir.path,
      'cycle',
      'extend',
      cycleId,
      '--employee',
      's2',
      '--review',
      'manager',
      '--until',
      dateAfter(theStack().clock.now(), 5),
    );
    expect(reopened.code, reopened.err).toBe(0);
    await theStack().settled();
    await clearMailbox(theStack());
    await page.reload();
    await landed();
    await page.getByRole('button', { name: 'Release results', exact: true }).click();
    await page.getByRole('group', { name: /^Release the results of "Calibration Q"\?/ }).waitFor();
    await expectPageBasics(page);
    await page.getByRole('button', { name: 'Yes, release the results', exact: true }).click();
    const release = page.getByRole('region', { name: 'Release the results', exact: true });
    await release
      .getByRole('alert')
      .getByText('The results were not released: reopened manager reviews are still pending.')
      .waitFor();
    expect((await release.getByRole('alert').getByRole('listitem').allTextContents())[0]).toMatch(
      /^Sue Slow \(s2\), reviewed by Nora Lead, due /,
    );
    expect((await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.phase).toBe('CALIBRATION');
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-calibration-release-refused');

    await page.getByRole('button', { name: 'Release anyway', exact: true }).click();
    await page.locator('#page-status').getByText('The results are being released.', { exact: true }).waitFor();
    await theStack().settled();
    const results = (await mailbox(theStack())).filter((mail) => mail.subject === `${CYCLE}: your review result`);
    expect(results.map((mail) => mail.to).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'maria@example.com',
      'nora@example.com',
      'sam@example.com',
      'sue@example.com',
    ]);
    expect(results.find((mail) => mail.to === 'sam@example.com')!.text).toContain(
      'Final rating: 3 of 5 - Meets expectations, set in calibration',
    );
    expect((await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.phase).toBe('CLOSED');
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone at 390 px, axe clean', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await landed();
    expect(await page.getByRole('img', { name: /^Everyone:/ }).isVisible()).toBe(true);
    // Nothing but the tables' own regions scrolls sideways.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-calibration-phone');
  });
});
