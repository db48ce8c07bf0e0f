import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, keys, tableName } from '../../functions/store/table.ts';
import { cli, dateAfter, HOUR, linkIn, mailbox, reportLink, submitForm, tempDir, type LocalStack } from '../support/local.ts';
import { closeAll, expectPageBasics, expectScreenshot, rowsOf, startStackAndBrowser } from '../support/browser.ts';

/**
 * The console's calibration page (issue 11) in Chromium: the distributions as inline SVG charts named by
 * their numbers, with the numbers in tables; managers and departments with the flag; who is missing; every
 * participant. Read-only in the manager review; in CALIBRATION, an adjustment per person and the release with
 * its confirmation. The adjustment and release routes are other engineers' work: the page's requests are
 * checked and answered here through Playwright's route interception.
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
  const pageErrors: string[] = [];
  const theStack = () => stack!;
  const calibrationUrl = () => `${theStack().apiUrl}/console#/cycles/${cycleId}/calibration`;
  const landed = async () => {
    await page.getByRole('heading', { level: 1, name: `Calibration: ${CYCLE}`, exact: true }).waitFor();
    await page.locator('main:not([aria-busy])').waitFor();
  };

  beforeAll(async () => {
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(theStack(), dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    const selfDate = dateAfter(theStack().clock.now(), 14);
    const launched = await cli(theStack(), dir.path, 'cycle', 'launch', '--name', CYCLE, '--self-due', selfDate, '--manager-due', dateAfter(theStack().clock.now(), 24), '--json');
    expect(launched.code, launched.err).toBe(0);
    cycleId = JSON.parse(launched.out).cycleId;
    await theStack().settled();
    await theStack().advance(Date.parse(`${selfDate}T23:59:59Z`) + HOUR - theStack().clock.now());
    await theStack().settled();
    const requests = (await mailbox(theStack())).filter((mail) => mail.subject.startsWith(`${CYCLE}: please review your team`));
    const team = (to: string) => linkIn(requests.find((mail) => mail.to === to)!, '/forms/team');
    for (const [to, employeeId, rating] of [
      ['maria@example.com', 'e1', '5'],
      ['maria@example.com', 'e2', '5'],
      ['nora@example.com', 's1', '2'],
    ] as const) {
      expect((await submitForm(reportLink(team(to), employeeId), { employeeId, rating, strengths: 'Ships', areasToImprove: 'Docs', comments: 'Thanks' })).status).toBe(303);
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
    // Before: 5 5 | 2, mean 4; Nora's 2 is two points below.
    expect(await page.getByRole('img', { name: /^Everyone:/ }).getAttribute('aria-label')).toBe(
      'Everyone: 3 reviews; manager\u2019s rating 1: 0, 2: 1, 3: 0, 4: 0, 5: 2; final rating 1: 0, 2: 1, 3: 0, 4: 0, 5: 2',
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
      ['Nora Lead', '1', '1', '0 1 0 0 0', '2.00', '-2.00', '0 1 0 0 0', '2.00', '-2.00', 'Manager\u2019s ratings: more than 1 point from the cycle\u2019s meanFinal ratings: more than 1 point from the cycle\u2019s mean'],
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

  it('in calibration: an adjustment posts the rating and reason, and a refusal is shown in the API\u2019s words', async () => {
    await db().send(new UpdateCommand({ TableName: tableName(), Key: keys.cycle(cycleId), UpdateExpression: 'SET phase = :p', ExpressionAttributeValues: { ':p': 'CALIBRATION' } }));
    await page.goto(calibrationUrl());
    await page.reload();
    await landed();
    const sent: Request[] = [];
    let answer = { status: 409, body: { error: 'the rating was changed meanwhile', details: ['reload the page and adjust again'] } };
    await page.route(`**/cycles/${cycleId}/adjustments`, async (route) => {
      sent.push(route.request());
      await route.fulfill({ status: answer.status, contentType: 'application/json', body: JSON.stringify(answer.body) });
    });
    const sam = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Sam Support', exact: true }) });
    await sam.getByText('Adjust', { exact: true }).click();
    expect(await page.getByLabel('Final rating of Sam Support', { exact: true }).inputValue()).toBe('2');
    // A reason is required before anything is sent.
    await page.getByRole('button', { name: 'Adjust Sam Support', exact: true }).click();
    await sam.getByRole('alert').getByText('Give the reason for the adjustment.').waitFor();
    expect(sent).toHaveLength(0);

    await page.getByLabel('Final rating of Sam Support', { exact: true }).selectOption('3');
    await page.getByLabel('Reason for Sam Support', { exact: true }).fill('Carried the on-call');
    await page.getByRole('button', { name: 'Adjust Sam Support', exact: true }).click();
    await sam.getByRole('alert').getByText('The rating was not adjusted: the rating was changed meanwhile.').waitFor();
    expect(await sam.getByRole('alert').getByRole('listitem').allTextContents()).toEqual(['reload the page and adjust again']);
    expect(sent[0]!.method()).toBe('POST');
    expect(sent[0]!.postDataJSON()).toEqual({ employeeId: 's1', rating: 3, reason: 'Carried the on-call' });
    expect(sent[0]!.headers().authorization).toBe(`Bearer ${theStack().hrToken}`);
    await expectPageBasics(page);

    answer = { status: 200, body: { employeeId: 's1', from: 2, rating: 3 } as any };
    await page.getByRole('button', { name: 'Adjust Sam Support', exact: true }).click();
    await page.locator('#page-status').getByText('Sam Support\u2019s final rating is now 3 (it was 2).', { exact: true }).waitFor();
    expect(sent).toHaveLength(2);
    expect(pageErrors).toEqual([]);
    await expectScreenshot(page, 'console-calibration');
  });

  it('release asks first; a 409 names the pending reviews and offers to release anyway, which sends force', async () => {
    await landed();
    const sent: unknown[] = [];
    await page.route(`**/cycles/${cycleId}/release`, async (route) => {
      const body = route.request().postDataJSON();
      sent.push(body);
      if (body.force) await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ cycleId, phase: 'RELEASING' }) });
      else await route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'reopened reviews are still pending', details: ['Bob Prompt (e2), reviewer Maria Manager'] }) });
    });
    await page.getByRole('button', { name: 'Release results', exact: true }).click();
    expect(sent).toEqual([]);
    await page.getByRole('group', { name: /^Release the results of "Calibration Q"\?/ }).waitFor();
    await expectPageBasics(page);
    await page.getByRole('button', { name: 'Yes, release the results', exact: true }).click();
    const release = page.getByRole('region', { name: 'Release the results', exact: true });
    await release.getByRole('alert').getByText('The results were not released: reopened reviews are still pending.').waitFor();
    expect(await release.getByRole('alert').getByRole('listitem').allTextContents()).toEqual(['Bob Prompt (e2), reviewer Maria Manager']);
    expect(sent).toEqual([{}]);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-calibration-release-refused');

    await page.getByRole('button', { name: 'Release anyway', exact: true }).click();
    await page.locator('#page-status').getByText('The results are being released.', { exact: true }).waitFor();
    expect(sent).toEqual([{}, { force: true }]);
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone at 390 px, axe clean', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await landed();
    expect(await page.getByRole('img', { name: /^Everyone:/ }).isVisible()).toBe(true);
    // Nothing but the tables' own regions scrolls sideways.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-calibration-phone');
  });
});
