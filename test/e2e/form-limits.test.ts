import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchFromRoster, linkIn, mailbox, tempDir, type LocalStack, type Mail } from '../support/local.ts';
import { closeAll, startStackAndBrowser, submitting } from '../support/browser.ts';

/**
 * The answer-length limit as the browser enforces it (textarea maxlength) against what the server accepts:
 * line breaks posted as CRLF, and full-length answers in scripts that take many bytes once encoded.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Nora Newlines,nora@example.com,m1,Sales
e2,Kenji Kanji,kenji@example.com,m1,Sales
e3,Olga Over,olga@example.com,m1,Sales
`;
const CYCLE = 'Limits Q4';
const LIMIT = 5000;

describe('answer length limits in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-limits-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let invitations: Mail[];
  const formOf = (address: string) => linkIn(invitations.find((mail) => mail.to === address)!, '/forms/self');

  beforeAll(async () => {
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    await launchFromRoster(stack!, dir.path, { roster: ROSTER, name: CYCLE, selfDue: 14, managerDue: 24 });
    invitations = await mailbox(stack!);
  });
  afterAll(() => closeAll(browser, stack, dir));
  beforeEach(async () => {
    page = await browser!.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterEach(async () => {
    await page?.close();
  });

  it('refuses an answer over the limit by name and keeps the other answers', async () => {
    await page.goto(formOf('olga@example.com'));
    await page.getByLabel('3 - Meets expectations', { exact: true }).check();
    // Set from script, as a client ignoring maxlength would (fill() and typing are cut at maxlength).
    await page
      .getByLabel('What went well', { exact: true })
      .evaluate((field, value) => (field.value = value), 'a'.repeat(LIMIT + 1));
    await page.getByLabel('What to improve', { exact: true }).fill('Estimates');
    await page.getByLabel('Goals for next quarter', { exact: true }).fill('Ship it');
    const response = await submitting(page, () => page.getByRole('button', { name: 'Submit self-assessment' }).click());
    expect(response.status()).toBe(400);
    expect(await page.getByRole('alert').getByRole('listitem').allTextContents()).toEqual([
      `What went well is longer than ${LIMIT} characters`,
    ]);
    expect(await page.getByLabel('What to improve', { exact: true }).inputValue()).toBe('Estimates');
    expect(await page.getByLabel('3 - Meets expectations', { exact: true }).isChecked()).toBe(true);
  });

  // The browser counts a line break as one character against maxlength but submits it as CRLF (two).
  it('accepts an answer the browser let through at the limit, line breaks included', async () => {
    await page.goto(formOf('nora@example.com'));
    await page.getByLabel('3 - Meets expectations', { exact: true }).check();
    const wentWell = page.getByLabel('What went well', { exact: true });
    await wentWell.focus();
    // Typed text (unlike fill) is cut at maxlength by the browser: "too much" never gets in.
    await page.keyboard.insertText(`${`${'a'.repeat(99)}\n`.repeat(LIMIT / 100)}too much`);
    expect(await wentWell.evaluate((field) => [field.value.length, field.validity.valid])).toEqual([LIMIT, true]);
    await page.getByLabel('What to improve', { exact: true }).fill('Estimates');
    await page.getByLabel('Goals for next quarter', { exact: true }).fill('Ship it');
    const response = await submitting(page, () => page.getByRole('button', { name: 'Submit self-assessment' }).click());
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(response.status()).toBe(303);
  });

  // Three answers within the limit in a non-Latin script are up to 9 bytes a character once form-encoded
  // (3 x 5000 x 9 = 135,000 bytes).
  it('accepts three full-length answers written in Japanese', async () => {
    await page.goto(formOf('kenji@example.com'));
    await page.getByLabel('4 - Exceeds expectations', { exact: true }).check();
    for (const question of ['What went well', 'What to improve', 'Goals for next quarter']) {
      const field = page.getByLabel(question, { exact: true });
      await field.fill('\u65e5'.repeat(LIMIT));
      expect(await field.evaluate((el) => el.validity.valid)).toBe(true);
    }
    const response = await submitting(page, () => page.getByRole('button', { name: 'Submit self-assessment' }).click());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toBe('Your answers could not be sent');
    expect(response.status()).toBe(303);
  });
});
