import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, screenshot, seriousAxeViolations, submitting } from '../support/browser.ts';
import {
  addGoalByCli,
  cli,
  dateAfter,
  linkIn,
  mailbox,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/** The goals page in Chromium: opened from the real "New goal" email, a check-in posted and shown in the history. */
describe('the goals page in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-goals-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(
      join(dir.path, 'roster.csv'),
      'employeeId,name,email,managerId,department\nm1,Maria Manager,maria@example.com,,Sales\ne1,Ann Early,ann@example.com,m1,Sales\n',
    );
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    await addGoalByCli(stack, dir.path, {
      employee: 'e1',
      title: 'Close 10 deals',
      due: dateAfter(stack.clock.now(), 30),
      weight: 50,
    });
    browser = await launchBrowser();
  });
  afterAll(() => closeAll(browser, stack, dir));

  it('posts a check-in from the emailed link and shows it in the history', async () => {
    const email = (await mailbox(stack!)).find((mail) => mail.subject === 'New goal: Close 10 deals')!;
    const page = await browser!.newPage();
    await page.goto(linkIn(email, '/forms/goals'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your goals');
    expect(await page.getByText('No check-ins yet.').isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('Progress (%) for Close 10 deals').fill('30');
    await page.getByLabel('At risk').check();
    await page.getByLabel('Note for Close 10 deals (optional)').fill('Two deals slipped to next month');
    const response = await submitting(page, () =>
      page.getByRole('button', { name: 'Post check-in for Close 10 deals' }).click(),
    );
    // Post/Redirect/Get: the browser lands on the goals page showing the outcome, and a reload posts nothing again.
    expect(response.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toBe('Your check-in was saved.');
    expect((await page.reload())?.request().method()).toBe('GET');
    const history = page.locator('section ol li');
    expect(await history.count()).toBe(1);
    expect(await history.first().textContent()).toMatch(/: 30%, At risk - Two deals slipped to next month$/);
    expect(await page.getByLabel('Progress (%) for Close 10 deals').inputValue()).toBe('30');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await screenshot(page, 'goals-page')).size).toBeGreaterThan(1000);
    await page.close();
  });
});
