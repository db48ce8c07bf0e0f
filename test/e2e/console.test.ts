import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../functions/domain/goals.ts';
import { REPORT_COLUMNS } from '../../functions/domain/report.ts';
import {
  addGoalByCli,
  auditOf,
  cli,
  dateAfter,
  HOUR,
  hr,
  linkIn,
  mailbox,
  submitForm,
  tempDir,
  type LocalStack,
} from '../support/local.ts';
import {
  closeAll,
  expectEveryControlLabelled,
  expectNoAxeViolations,
  expectPageBasics,
  expectScreenshot,
  rowsOf,
  SCREENSHOT_DIR,
  startStackAndBrowser,
} from '../support/browser.ts';

/**
 * The HR console (issue 5) in Chromium, as HR uses it: sign in with the printed token, import the
 * directory from a file, launch a cycle from the form, follow it on its page while the clock moves
 * (chart, overdue people, escalations), extend a deadline, download the report, cancel, read goals and
 * recognition, and change the settings. Every page is checked for one h1, axe, a screenshot, and that
 * nothing threw or broke the page's strict Content-Security-Policy.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
s1,Sam Support,sam@example.com,,Support
`;
/** Line 4 names a manager nobody has. */
const ROSTER_WITH_ERROR = ROSTER.replace('e2,Bob Prompt,bob@example.com,m1', 'e2,Bob Prompt,bob@example.com,m9');
const CYCLE = 'Appraisal Q4 & goals';
const PRAISE = 'Great demo <img src=x onerror=alert(1)> for the customer';
const MISSED_GOAL = 'Ship billing';
const AT_RISK_GOAL = 'Grow the pipeline';
const SCREENSHOTS = [
  'console-sign-in',
  'console-cycles',
  'console-cycle',
  'console-cycle-phone',
  'console-cycle-attention',
  'console-import-error',
  'console-import-phone',
  'console-launch',
  'console-goals',
  'console-settings',
];
/** The console's ES modules, as the folder holds them: the route serves each, the page preloads all but main.js. */
const MODULES = readdirSync(join(import.meta.dirname, '..', '..', 'console'))
  .filter((name) => name.endsWith('.js'))
  .sort();
const csvFile = (text: string) => ({ name: 'directory.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

/**
 * Reports every `securitypolicyviolation` event of the page to `reportCspViolation` (a Playwright binding,
 * which the policy does not govern), from before the page's first script runs, on every navigation.
 */
async function reportViolations(target: Page, seen: string[]): Promise<void> {
  await target.exposeBinding('reportCspViolation', (_source, text: string) => void seen.push(text));
  await target.addInitScript(() => {
    const scope = globalThis as any;
    scope.document.addEventListener(
      'securitypolicyviolation',
      (event: { effectiveDirective: string; blockedURI: string }) =>
        scope.reportCspViolation(`${scope.location.href}: ${event.effectiveDirective} refused ${event.blockedURI}`),
    );
  });
}

/** What the element with the keyboard focus is called: its label, or its text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return (el?.labels?.[0]?.textContent ?? el?.textContent ?? '').trim();
  });
}

async function focusedTag(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as any).document.activeElement?.tagName ?? '');
}

/** Types a date into a focused date input the way an en-US keyboard user does: month, day, year. */
async function typeDate(page: Page, date: string): Promise<void> {
  const [year, month, day] = date.split('-');
  await page.keyboard.type(`${month}${day}${year}`);
}

/**
 * Chromium's date input holds four stops of the Tab key: month, day, year and its calendar button.
 * From the year (where typing a date ends), Tab reaches the calendar button, then the next control.
 */
async function tabOutOfDate(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe(label);
  await page.keyboard.press('Tab');
}

describe('the HR console in Chromium', () => {
  const dir = tempDir('perfcycle-e2e-console-');
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  const dialogs: string[] = [];
  let consoleUrl: string;
  let start: number;
  let selfDate: string;
  let managerDate: string;
  let cycleId: string;
  let missedDue: string;
  let atRiskDue: string;
  let missedGoalId: string;

  const theStack = () => stack!;
  const watch = async (target: Page) => {
    target.setDefaultTimeout(10_000);
    await reportViolations(target, cspViolations);
    target.on('pageerror', (error) => pageErrors.push(`${target.url()}: ${error.message}`));
    target.on('console', (message) => {
      if (message.type() === 'error' && /content security policy/i.test(message.text()))
        cspViolations.push(message.text());
    });
    target.on('requestfailed', (request) => {
      if (/csp/i.test(request.failure()?.errorText ?? ''))
        cspViolations.push(`${request.url()}: ${request.failure()?.errorText}`);
    });
    target.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return target;
  };
  const newPage = async () => watch(await context.newPage());
  /** Waits for the page whose h1 is `heading`, and checks its title and that the focus is on the h1. */
  const landedOn = async (target: Page, heading: string, title = heading) => {
    await target.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    await target.locator('main:not([aria-busy])').waitFor();
    expect(await target.title()).toBe(`${title} - perfcycle console`);
    expect(await focusedTag(target)).toBe('H1');
  };
  const consoleNav = (target: Page) => target.getByRole('navigation', { name: 'Console' });
  const go = async (link: string, heading: string, title = heading) => {
    await consoleNav(page).getByRole('link', { name: link, exact: true }).click();
    await landedOn(page, heading, title);
    expect(await consoleNav(page).getByRole('link', { name: link, exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
  };
  const status = (target: Page) => target.locator('#page-status');
  const alertItems = (target: Page) => target.getByRole('alert').getByRole('listitem').allTextContents();
  const chartLabel = async (name: 'Self-assessments' | 'Manager reviews') =>
    page.getByRole('img', { name: new RegExp(`^${name}:`) }).getAttribute('aria-label');
  const apiCounts = async () => (await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.counts;
  const labelFor = (name: string, counts: Record<string, number>) => {
    const total = counts.pending + counts.submitted + counts.late + counts.overdue;
    return `${name}: ${total} participant${total === 1 ? '' : 's'}; ${counts.pending} pending, ${counts.submitted} submitted on time, ${counts.late} submitted late, ${counts.overdue} overdue`;
  };
  const reloadCycle = async () => {
    await page.reload();
    await landedOn(page, CYCLE);
  };

  beforeAll(async () => {
    for (const name of SCREENSHOTS) rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    await startStackAndBrowser(join(dir.path, 'data'), (parts) => ({ stack, browser } = parts));
    // en-US: the date inputs take month, day and year in that order from the keyboard.
    context = await browser!.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    });
    page = await newPage();
    consoleUrl = `${theStack().apiUrl}/console`;
    start = theStack().clock.now();
    selfDate = dateAfter(start, 14);
    managerDate = dateAfter(start, 24);
    missedDue = dateAfter(start, 3);
    atRiskDue = dateAfter(start, 20);
  });

  afterAll(() => closeAll(browser, stack, dir));

  it('serves the page, its modules and style with the strict policy, and no other file under /console/', async () => {
    const response = await fetch(consoleUrl);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy');
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await response.text();
    // No inline script or style anywhere: the policy would refuse them.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    // One module script starts the console; every other module is preloaded, so none waits for the module importing it.
    expect([...html.matchAll(/<script[^>]*>/g)].map(([tag]) => tag)).toEqual([
      '<script type="module" src="/console/main.js">',
    ]);
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/console\/([^"]+)">/g)].map(
      (match) => match[1],
    );
    expect(preloaded.sort()).toEqual(MODULES.filter((name) => name !== 'main.js'));
    expect(MODULES).toEqual(expect.arrayContaining(['main.js', 'router.js', 'api.js', 'page-cycle.js']));
    for (const name of MODULES) {
      const module = await fetch(`${consoleUrl}/${name}`);
      expect(module.status, name).toBe(200);
      expect(module.headers.get('content-type'), name).toBe('text/javascript; charset=utf-8');
      expect(module.headers.get('x-content-type-options'), name).toBe('nosniff');
    }
    const style = await fetch(`${consoleUrl}/app.css`);
    expect([style.status, style.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    // Only those: not the old script, a name not there, the folder's other files, or a way out of the folder.
    for (const path of [
      'app.js',
      'nope.js',
      'MAIN.js',
      'tsconfig.json',
      'types.d.ts',
      'index.html',
      '..%2Fpackage.json',
      '%2e%2e%2flib%2ffunctions.ts',
    ]) {
      const missing = await fetch(`${consoleUrl}/${path}`);
      expect([path, missing.status, missing.headers.get('content-type')]).toEqual([
        path,
        404,
        'text/plain; charset=utf-8',
      ]);
    }
  });

  it('runs as ES modules, each fetched once, with no policy violation', async () => {
    const probe = await context.newPage();
    const violations: string[] = [];
    await reportViolations(probe, violations);
    probe.on('pageerror', (error) => pageErrors.push(`${probe.url()}: ${error.message}`));
    const fetched: string[] = [];
    probe.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.endsWith('.js')) fetched.push(`${path} ${response.status()}`);
    });
    await probe.goto(`${consoleUrl}#/sign-in`);
    await landedOn(probe, 'Sign in');
    // The sign-in page was built by the modules: each was fetched once (the preload served the import).
    expect(fetched.sort()).toEqual(MODULES.map((name) => `/console/${name} 200`));
    expect(violations).toEqual([]);
    await probe.close();
  });

  it('signs HR in with the keyboard; a wrong token is refused', async () => {
    expect((await page.goto(consoleUrl))?.status()).toBe(200);
    await landedOn(page, 'Sign in');
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe('#/sign-in');
    expect(await consoleNav(page).count()).toBe(0);
    expect(await expectEveryControlLabelled(page.locator('main form'), 'input')).toEqual(['HR token']);
    expect(await page.getByLabel('HR token', { exact: true }).getAttribute('type')).toBe('password');
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-sign-in');

    // From the h1, Tab reaches the token field; Enter sends the form.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('HR token');
    await page.keyboard.type('not-the-token');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('That token was not accepted.', { exact: true }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
    expect(await focusedName(page)).toBe('HR token');
    await expectPageBasics(page);

    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(theStack().hrToken);
    await page.keyboard.press('Enter');
    await landedOn(page, 'Cycles');
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe('#/cycles');
    expect(await consoleNav(page).getByRole('link', { name: 'Cycles', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await page.getByText('No review cycle has been launched yet.').isVisible()).toBe(true);
    // The token lives in this tab's sessionStorage only: not in localStorage, not in the page.
    const storage = await page.evaluate(() => ({
      session: Object.keys((globalThis as any).sessionStorage).map((key) =>
        (globalThis as any).sessionStorage.getItem(key),
      ),
      local: (globalThis as any).localStorage.length,
    }));
    expect(storage).toEqual({ session: [theStack().hrToken], local: 0 });
    expect(await page.content()).not.toContain(theStack().hrToken);
    await expectPageBasics(page);
  });

  it('signs in from the link with the token in the fragment; an ended session and signing out lead back to sign-in', async () => {
    const other = await newPage();
    await other.goto(`${consoleUrl}#token=${encodeURIComponent(theStack().hrToken)}`);
    await landedOn(other, 'Cycles');
    // The token left the address at once.
    expect(other.url()).toBe(`${consoleUrl}#/cycles`);

    // The API stops accepting the session's token: the console asks for a new sign-in.
    await other.evaluate(() => (globalThis as any).sessionStorage.setItem('perfcycle.console.token', 'expired'));
    await other
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Goals and recognition', exact: true })
      .click();
    await landedOn(other, 'Sign in');
    expect(await status(other).textContent()).toBe('Your session ended; please sign in again.');
    expect(
      await other.evaluate(() => (globalThis as any).sessionStorage.getItem('perfcycle.console.token')),
    ).toBeNull();
    // Signing in again returns to the page that was asked for.
    await other.getByLabel('HR token', { exact: true }).fill(theStack().hrToken);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await landedOn(other, 'Goals and recognition');

    await other.getByRole('button', { name: 'Sign out', exact: true }).click();
    await landedOn(other, 'Sign in');
    expect(await status(other).textContent()).toBe('You are signed out.');
    expect(await other.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
    await other.close();
  });

  it('import: a file with a bad line shows every reason and imports nothing', async () => {
    await go('Import directory', 'Import directory');
    expect(await expectEveryControlLabelled(page.locator('main'), 'input')).toEqual(['Directory CSV']);
    expect(await page.getByLabel('Directory CSV', { exact: true }).getAttribute('accept')).toContain('.csv');
    await page.getByLabel('Directory CSV', { exact: true }).setInputFiles(csvFile(ROSTER_WITH_ERROR));
    await page.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await alertItems(page)).toEqual(['line 4 (e2): unknown manager m9']);
    expect(await page.getByRole('alert').locator('p').allTextContents()).toEqual([
      'Roster rejected: nothing was imported.',
      'Correct these lines in the file, then choose it again.',
    ]);
    expect(await page.getByRole('button', { name: 'Apply import' }).count()).toBe(0);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-import-error');
  });

  it('import: a Windows-1252 file with semicolons is previewed with its names as they will be stored', async () => {
    // Still on the import page, where the bad file was refused.
    await page.getByRole('heading', { level: 1, name: 'Import directory', exact: true }).waitFor();
    const latin = (text: string) => [...Buffer.from(text, 'latin1')];
    // As Excel saves "CSV" on a Windows in Western Europe: é is 0xE9, ü is 0xFC.
    const buffer = Buffer.from([
      ...latin('Employee ID;Name;E-Mail;Manager ID;Department\r\nw1;Jos'),
      0xe9,
      ...latin(' M'),
      0xfc,
      ...latin('ller;jose@example.com;;Sales\r\n'),
    ]);
    await page
      .getByLabel('Directory CSV', { exact: true })
      .setInputFiles({ name: 'directory.csv', mimeType: 'text/csv', buffer });
    await page.getByRole('button', { name: 'Apply import', exact: true }).waitFor();
    expect(await page.locator('.preview p').allTextContents()).toEqual([
      '1 person: 1 new, 0 updated.',
      'Read as Windows-1252 (the file is not UTF-8), columns separated by semicolons.',
      'Names as they will be stored:',
      'Apply import',
    ]);
    expect(await page.locator('.preview li').allTextContents()).toEqual(['José Müller (w1, Sales)']);
    expect(await status(page).textContent()).toBe(
      'The file is valid: 1 person: 1 new, 0 updated. Nothing is saved until you apply it.',
    );
    await expectPageBasics(page);
  });

  it('a launch before any import is refused: the directory is still empty', async () => {
    await go('Launch cycle', 'Launch a review cycle', 'Launch cycle');
    await page.getByLabel('Name', { exact: true }).fill(CYCLE);
    await page.getByLabel('Self-assessment deadline', { exact: true }).fill(selfDate);
    await page.getByLabel('Manager review deadline', { exact: true }).fill(managerDate);
    await page.getByRole('button', { name: 'Launch cycle', exact: true }).click();
    await page.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await alertItems(page)).toEqual(['the directory is empty: import it first']);
    expect((await hr(theStack(), 'GET', '/cycles')).body.cycles).toEqual([]);
  });

  it('import: the corrected file is previewed, then applied', async () => {
    await go('Import directory', 'Import directory');
    await page.getByLabel('Directory CSV', { exact: true }).setInputFiles(csvFile(ROSTER));
    await page.getByRole('button', { name: 'Apply import', exact: true }).waitFor();
    expect(await page.getByText('4 people: 4 new, 0 updated.', { exact: true }).isVisible()).toBe(true);
    expect(await status(page).textContent()).toBe(
      'The file is valid: 4 people: 4 new, 0 updated. Nothing is saved until you apply it.',
    );
    expect(await page.getByRole('alert').count()).toBe(0);

    // A bad file chosen after the good one: its errors, and no green "valid" banner or Apply button left from before.
    await page.getByLabel('Directory CSV', { exact: true }).setInputFiles(csvFile(ROSTER_WITH_ERROR));
    await page.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await alertItems(page)).toEqual(['line 4 (e2): unknown manager m9']);
    expect(await status(page).textContent()).toBe('');
    expect(await status(page).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Apply import' }).count()).toBe(0);
    expect(await page.getByText('The file is valid', { exact: false }).count()).toBe(0);
    await expectPageBasics(page);

    // The good file again, then applied.
    await page.getByLabel('Directory CSV', { exact: true }).setInputFiles(csvFile(ROSTER));
    await page.getByRole('button', { name: 'Apply import', exact: true }).waitFor();
    expect(await status(page).textContent()).toBe(
      'The file is valid: 4 people: 4 new, 0 updated. Nothing is saved until you apply it.',
    );
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Apply import', exact: true }).click();
    await status(page).getByText('Imported 4 people: 4 new, 0 updated.', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Apply import' }).count()).toBe(0);

    // Next quarter's export lists the same people: nobody is written again, and the page says so.
    await page.getByLabel('Directory CSV', { exact: true }).setInputFiles(csvFile(ROSTER));
    await page.getByText('4 people: 0 new, 0 updated, 4 unchanged.', { exact: true }).waitFor();
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-import-unchanged');
    // On a phone the preview still fits, its counts and button included.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    expect(await page.getByRole('button', { name: 'Apply import', exact: true }).isVisible()).toBe(true);
    // No text runs out of its box (the roster's header in the hint did).
    expect(
      await page
        .locator('main *')
        .evaluateAll((elements) =>
          elements.filter((el: any) => el.scrollWidth > el.clientWidth + 1).map((el: any) => el.tagName),
        ),
    ).toEqual([]);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-import-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Apply import', exact: true }).click();
    await status(page).getByText('Imported 4 people: 0 new, 0 updated, 4 unchanged.', { exact: true }).waitFor();

    // The directory is there now: goals can be set for its people, and praise given.
    missedGoalId = await addGoalByCli(theStack(), dir.path, {
      employee: 'e1',
      title: MISSED_GOAL,
      due: missedDue,
      weight: 60,
    });
    const atRisk = await addGoalByCli(theStack(), dir.path, {
      employee: 'e2',
      title: AT_RISK_GOAL,
      due: atRiskDue,
      weight: 50,
    });
    const checkIn = await cli(
      theStack(),
      dir.path,
      'goals',
      'check-in',
      '--employee',
      'e2',
      '--goal',
      atRisk,
      '--progress',
      '20',
      '--status',
      'AT_RISK',
    );
    expect(checkIn.code, checkIn.err).toBe(0);
    const praise = await cli(
      theStack(),
      dir.path,
      'feedback',
      'give',
      '--from',
      'e1',
      '--to',
      'e2',
      '--kind',
      'praise',
      '--text',
      PRAISE,
    );
    expect(praise.code, praise.err).toBe(0);
  });

  it('launch with the keyboard: the API\u2019s reason for a wrong deadline is shown, then the cycle starts', async () => {
    await consoleNav(page).getByRole('link', { name: 'Launch cycle', exact: true }).focus();
    await page.keyboard.press('Enter');
    await landedOn(page, 'Launch a review cycle', 'Launch cycle');
    const form = page.locator('main form');
    expect(await expectEveryControlLabelled(form, 'input')).toEqual([
      'Name',
      'Department (optional)',
      'Self-assessment deadline',
      'Manager review deadline',
      'Period (optional)',
    ]);
    // The settings the cycle will copy.
    const inForce = page.getByRole('region', { name: 'Settings in force', exact: true });
    expect(await inForce.textContent()).toContain('Version 0');
    expect(await inForce.getByRole('listitem').allTextContents()).toEqual([
      '1 - Below expectations',
      '2 - Partly meets expectations',
      '3 - Meets expectations',
      '4 - Exceeds expectations',
      '5 - Exceptional',
    ]);
    expect(await inForce.textContent()).toContain('Reminder before a deadline3 days');
    expect(await inForce.textContent()).toContain('Escalation to HR after a deadline2 days');
    expect(await inForce.textContent()).toContain('Time zoneUTC');
    await expectPageBasics(page);

    const period = periodOf(missedDue);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Name');
    await page.keyboard.type(CYCLE);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Department (optional)');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Self-assessment deadline');
    await typeDate(page, selfDate);
    await tabOutOfDate(page, 'Self-assessment deadline');
    expect(await focusedName(page)).toBe('Manager review deadline');
    // Four days before the self-assessment deadline: the API refuses it.
    await typeDate(page, dateAfter(start, 10));
    await tabOutOfDate(page, 'Manager review deadline');
    expect(await focusedName(page)).toBe('Period (optional)');
    await page.keyboard.type(period);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await alertItems(page)).toEqual(['managerDue must be after selfDue']);
    expect(await page.getByRole('alert').locator('p').textContent()).toBe(
      'The cycle was not launched: invalid deadlines.',
    );
    // The focus moved to the reasons; what was typed is kept.
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('role'))).toBe('alert');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(CYCLE);
    expect(await page.getByLabel('Self-assessment deadline', { exact: true }).inputValue()).toBe(selfDate);
    expect((await hr(theStack(), 'GET', '/cycles')).body.cycles).toEqual([]);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-launch');

    // From the reasons back into the form: Tab past the name, the department and the four stops of the first date.
    for (const expected of [
      'Name',
      'Department (optional)',
      ...Array(4).fill('Self-assessment deadline'),
      'Manager review deadline',
    ]) {
      await page.keyboard.press('Tab');
      expect(await focusedName(page)).toBe(expected);
    }
    await typeDate(page, managerDate);
    expect(await page.getByLabel('Manager review deadline', { exact: true }).inputValue()).toBe(managerDate);
    await tabOutOfDate(page, 'Manager review deadline');
    expect(await focusedName(page)).toBe('Period (optional)');
    await page.keyboard.press('Enter');
    await landedOn(page, CYCLE);
    cycleId = /#\/cycles\/(cyc_[0-9a-f]{16})$/.exec(page.url())?.[1] ?? '';
    expect(cycleId).not.toBe('');
    expect(await status(page).textContent()).toBe(`"${CYCLE}" was launched: the invitations are on their way.`);
    expect(await consoleNav(page).getByRole('link', { name: 'Cycles', exact: true }).getAttribute('aria-current')).toBe(
      'true',
    );
    const launched = (await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body;
    expect(launched).toMatchObject({
      name: CYCLE,
      department: null,
      period,
      selfDue: `${selfDate}T23:59:59.000Z`,
      managerDue: `${managerDate}T23:59:59.000Z`,
    });
  });

  it('the cycle page shows everyone pending, in the chart and in numbers', async () => {
    await theStack().settled();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await status(page).getByText('The numbers were brought up to date.', { exact: true }).waitFor();
    const empty = { pending: 4, submitted: 0, late: 0, overdue: 0 };
    expect(await apiCounts()).toEqual({ self: empty, manager: empty });
    expect(await chartLabel('Self-assessments')).toBe(
      'Self-assessments: 4 participants; 4 pending, 0 submitted on time, 0 submitted late, 0 overdue',
    );
    expect(await chartLabel('Manager reviews')).toBe(
      'Manager reviews: 4 participants; 4 pending, 0 submitted on time, 0 submitted late, 0 overdue',
    );
    expect(await rowsOf(page, 'Self-assessments in numbers')).toEqual([
      ['Pending', '4'],
      ['Submitted on time', '0'],
      ['Submitted late', '0'],
      ['Overdue', '0'],
      ['All participants', '4'],
    ]);
    expect(await rowsOf(page, 'Self-assessments and reviews done by department')).toEqual([
      ['Sales', '3', '0 (0%)', '0', '0 (0%)', '0'],
      ['Support', '1', '0 (0%)', '0', '0 (0%)', '0'],
    ]);
    const facts = await page
      .locator('main dl.facts')
      .first()
      .evaluate((dl: any) =>
        Object.fromEntries(
          [...dl.querySelectorAll('dt')].map((dt: any) => [dt.textContent, dt.nextElementSibling?.textContent]),
        ),
      );
    expect(facts).toMatchObject({
      Phase: 'Self-assessment',
      Department: 'Everyone',
      Participants: '4',
      'Settings version': '0',
    });
    expect(facts['Self-assessments due']).toMatch(
      new RegExp(`${Number(selfDate.slice(8))} \\w{3} ${selfDate.slice(0, 4)}$`),
    );
    expect(await page.getByText('No self-assessment is overdue.', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('No reminder or escalation has been sent yet.', { exact: true }).isVisible()).toBe(
      true,
    );
    await expectPageBasics(page);

    await go('Cycles', 'Cycles');
    const rows = await rowsOf(page, 'Review cycles');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual([
      CYCLE,
      'Everyone',
      periodOf(missedDue).replace('-', ' '),
      'Self-assessment',
      expect.stringContaining(selfDate.slice(0, 4)),
      expect.any(String),
      '4',
      '0%',
      '0%',
    ]);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-cycles');
    // The skip link moves the focus to the page's h1 and leaves the route alone.
    await page.getByRole('link', { name: 'Skip to content', exact: true }).focus();
    await page.keyboard.press('Enter');
    expect(await focusedTag(page)).toBe('H1');
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe('#/cycles');
    await page.getByRole('link', { name: CYCLE, exact: true }).click();
    await landedOn(page, CYCLE);
  });

  it('past the self-assessment deadline the chart, the overdue people and the escalations change', async () => {
    // Ann submits in time, through her emailed link; the other three do not.
    const invitation = (await mailbox(theStack())).find(
      (mail) => mail.to === 'ann@example.com' && mail.subject === `${CYCLE}: your self-assessment is open`,
    )!;
    const submitted = await submitForm(linkIn(invitation, '/forms/self'), {
      [`goal-${missedGoalId}`]: '3',
      overallRating: '3',
      wentWell: 'Shipped',
      toImprove: 'Docs',
      nextGoals: 'More',
    });
    expect(submitted.status).toBe(303);
    await theStack().advance(Date.parse(`${selfDate}T23:59:59Z`) + HOUR - theStack().clock.now());
    await theStack().settled();

    await reloadCycle();
    const counts = await apiCounts();
    expect(counts.self).toEqual({ pending: 0, submitted: 1, late: 0, overdue: 3 });
    expect(await chartLabel('Self-assessments')).toBe(
      'Self-assessments: 4 participants; 0 pending, 1 submitted on time, 0 submitted late, 3 overdue',
    );
    expect(await chartLabel('Manager reviews')).toBe(labelFor('Manager reviews', counts.manager));
    expect(await rowsOf(page, 'Self-assessments in numbers')).toEqual([
      ['Pending', '0'],
      ['Submitted on time', '1'],
      ['Submitted late', '0'],
      ['Overdue', '3'],
      ['All participants', '4'],
    ]);
    expect(await rowsOf(page, 'Self-assessments and reviews done by department')).toEqual([
      ['Sales', '3', '1 (33.3%)', '2', '0 (0%)', '0'],
      ['Support', '1', '0 (0%)', '1', '0 (0%)', '0'],
    ]);
    const facts = await page.locator('main dl.facts').first().textContent();
    expect(facts).toContain('PhaseManager review');

    // The overdue people, each with the manager who reviews them (HR for those without one).
    const overdueRegion = page.getByRole('region', { name: 'Overdue', exact: true });
    expect(await overdueRegion.getByLabel('Overdue with', { exact: true }).inputValue()).toBe('self');
    const overdue = await rowsOf(page, 'Overdue people');
    expect(overdue.map(([name, id, department, , reviewer]) => [name, id, department, reviewer])).toEqual([
      ['Bob Prompt', 'e2', 'Sales', 'Maria Manager (m1)'],
      ['Maria Manager', 'm1', 'Sales', 'HR'],
      ['Sam Support', 's1', 'Support', 'HR'],
    ]);
    expect(await overdueRegion.getByRole('status').textContent()).toBe(
      'Showing 3 people overdue with the self-assessment.',
    );
    // One page: no page buttons.
    expect(await overdueRegion.getByRole('button', { name: 'Next page' }).isVisible()).toBe(false);

    // Every reminder and escalation the cycle sent, as the mailbox received them.
    const escalations = await rowsOf(page, 'Reminders and escalations sent');
    const sent = (await auditOf(theStack(), cycleId)).filter(
      (event: any) => event.action === 'mail-sent' && /^(self|review)-(reminder|overdue|hr)$/.test(event.details.kind),
    );
    expect(escalations).toHaveLength(sent.length);
    expect(escalations.map(([, kind, to]) => `${kind} | ${to}`)).toEqual(
      expect.arrayContaining([
        'Self-assessment reminder to the employee | bob@example.com',
        'Self-assessment reminder to the employee | maria@example.com',
        'Self-assessment reminder to the employee | sam@example.com',
        'Self-assessment overdue: notice to the manager | maria@example.com',
      ]),
    );
    const mails = await mailbox(theStack());
    for (const [, , to, subject] of escalations)
      expect(
        mails.some((mail) => mail.to === to && mail.subject === subject),
        `${to}: ${subject}`,
      ).toBe(true);
    expect(escalations.some(([, , to]) => to === 'ann@example.com')).toBe(false);
    await expectPageBasics(page);
    // The cycle page, its lists' filters and the extension form included, has no axe finding at all.
    await expectNoAxeViolations(page);
    await expectScreenshot(page, 'console-cycle');

    // On a phone the page still fits: wide tables scroll inside their own region.
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('body *')]
        .filter((el: any) => el.getBoundingClientRect().right > 390 && !el.closest('.table-wrap table'))
        .map(
          (el: any) =>
            `${el.tagName}.${el.getAttribute('class') ?? ''} ${Math.round(el.getBoundingClientRect().right)}`,
        ),
    );
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await expectScreenshot(page, 'console-cycle-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('extends one person\u2019s deadline from the page', async () => {
    const form = page.getByRole('region', { name: 'Extend a deadline', exact: true }).locator('form');
    expect(await expectEveryControlLabelled(form, 'input, select')).toEqual([
      'Employee id',
      'New self-assessment deadline',
    ]);
    const employee = form.getByLabel('Employee id', { exact: true });
    // An id nobody in the cycle has, then one who submitted: the API's reasons.
    await employee.fill('x9');
    await form.getByLabel('New self-assessment deadline', { exact: true }).fill(dateAfter(start, 19));
    await form.getByRole('button', { name: 'Extend deadline', exact: true }).click();
    await form
      .getByRole('alert')
      .getByText(/^The deadline was not extended: /)
      .waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/x9/);
    await employee.fill('e1');
    await form.getByRole('button', { name: 'Extend deadline', exact: true }).click();
    await form
      .getByRole('alert')
      .getByText(/already submitted/)
      .waitFor();

    // Typing a name suggests the overdue people it matches, by their id.
    await employee.fill('bob');
    await form.locator('datalist option[value="e2"]').waitFor({ state: 'attached' });
    expect(await form.locator('datalist option').evaluateAll((options) => options.map((o: any) => o.label))).toEqual([
      'Bob Prompt, overdue',
    ]);
    await employee.fill('e2');

    // Past the manager deadline: the API's reason.
    await form.getByLabel('New self-assessment deadline', { exact: true }).fill(dateAfter(start, 25));
    await form.getByRole('button', { name: 'Extend deadline', exact: true }).click();
    await form.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await form.getByRole('alert').getByRole('listitem').allTextContents()).toEqual([
      'until must not be after the manager deadline, so the manager can still review',
    ]);

    const until = dateAfter(start, 19);
    await form.getByLabel('New self-assessment deadline', { exact: true }).fill(until);
    await form.getByRole('button', { name: 'Extend deadline', exact: true }).click();
    await status(page)
      .getByText(/^Bob Prompt now has until /)
      .waitFor();
    expect(await focusedTag(page)).toBe('DIV');
    const after = (await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body;
    expect(after.extensions).toEqual({ e2: `${until}T23:59:59.000Z` });
    expect(
      await page
        .getByRole('region', { name: 'Extend a deadline', exact: true })
        .getByRole('listitem')
        .allTextContents(),
    ).toEqual([expect.stringMatching(/^e2: until \w{3} \d{1,2} \w{3} \d{4}$/)]);
    // The chart follows what the API now counts, and Bob left the overdue list.
    expect(await chartLabel('Self-assessments')).toBe(labelFor('Self-assessments', after.counts.self));
    const stillOverdue = (await hr(theStack(), 'GET', `/cycles/${cycleId}/overdue?phase=self`)).body.overdue;
    expect((await rowsOf(page, 'Overdue people')).map(([name]) => name)).toEqual(
      stillOverdue.map((person: any) => person.name),
    );
    expect(stillOverdue.map((person: any) => person.employeeId)).toEqual(['m1', 's1']);
    await expectPageBasics(page);
  });

  it('shows a cycle whose workflow was stopped behind its back as needing attention, and resumes it from the page', async () => {
    // Stopped by hand (as in the Step Functions console), long enough ago not to be a replacement under way.
    // The extension's replacement execution first runs to its wait: on a loaded machine it may still be running.
    await theStack().settled();
    const [execution] = theStack()
      .runner.list()
      .filter((e) => e.name.startsWith(cycleId) && e.status === 'WAITING');
    theStack().runner.stop(execution.executionArn, { cause: 'stopped by hand' });
    await theStack().advance(10 * 60_000);
    await reloadCycle();
    const region = page.getByRole('region', { name: 'Needs attention', exact: true });
    const reason = (await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.needsAttention;
    expect(reason).toMatch(
      new RegExp(
        `^workflow execution was stopped at \\S+: stopped by hand; run \`perfcycle cycle resume ${cycleId}\`$`,
      ),
    );
    expect(await region.locator('p').first().textContent()).toBe(`W${reason.slice(1)}`);
    expect(await page.locator('main dl.facts').first().textContent()).toContain('PhaseManager review');
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-cycle-attention');
    // The reason, one long line from the API, wraps on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.setViewportSize({ width: 1280, height: 900 });

    // A double click resumes once.
    await region.getByRole('button', { name: 'Resume the workflow', exact: true }).dblclick();
    await status(page)
      .getByText('The workflow was resumed: reminders, escalations and the release carry on from where they stopped.', {
        exact: true,
      })
      .waitFor();
    expect(await page.getByRole('region', { name: 'Needs attention' }).count()).toBe(0);
    expect((await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.needsAttention).toBeNull();
    const resumed = (await auditOf(theStack(), cycleId)).filter((event: any) => event.action === 'cycle-resumed');
    expect(resumed.map((event: any) => event.actor)).toEqual(['hr:local-hr']);
    await expectPageBasics(page);
  });

  it('downloads the report as CSV, byte for byte', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report (CSV)', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${cycleId}-report.csv`);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(REPORT_COLUMNS.join(','));
    expect(lines.filter(Boolean)).toHaveLength(5);
    expect(lines.find((line) => line.startsWith('e1,'))).toMatch(/^e1,Ann Early,Sales,Maria Manager,submitted,/);
    await status(page).getByText(`The report was downloaded as ${cycleId}-report.csv.`, { exact: true }).waitFor();
  });

  it('moves the local clock from the console; a bad duration is refused and the clock stays', async () => {
    await go('Local clock', 'Local clock');
    await expectPageBasics(page);
    const before = theStack().clock.now();
    const duration = page.getByLabel('Move forward by', { exact: true });
    await duration.fill('soon');
    await page.getByRole('button', { name: 'Move the clock forward', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(/^The clock did not move: invalid duration/)
      .waitFor();
    // The local clock runs with real time; only an advance would move it by hours.
    expect(theStack().clock.now() - before).toBeLessThan(60_000);

    await duration.fill('12h');
    await page.getByRole('button', { name: 'Move the clock forward', exact: true }).click();
    await status(page)
      .getByText(/^The clock is now .*Everything that fell due on the way ran, in order\.$/)
      .waitFor();
    expect(theStack().clock.now() - before).toBeGreaterThanOrEqual(12 * HOUR);
    expect(theStack().clock.now() - before).toBeLessThan(13 * HOUR);
    await page.goto(`${consoleUrl}#/cycles/${cycleId}`);
    await landedOn(page, CYCLE);
  });

  it('cancels the cycle only after a confirmation in the page', async () => {
    const region = page.getByRole('region', { name: 'Cancel the cycle', exact: true });
    await region.getByRole('button', { name: 'Cancel cycle', exact: true }).click();
    const confirm = region.getByRole('group');
    expect(await confirm.isVisible()).toBe(true);
    expect(await focusedName(page)).toMatch(/^Cancel "Appraisal Q4 & goals"\? .*4 participants/);
    await confirm.getByRole('button', { name: 'No, keep the cycle', exact: true }).click();
    expect(await confirm.isVisible()).toBe(false);
    expect(await focusedName(page)).toBe('Cancel cycle');
    expect((await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.phase).toBe('MANAGER_REVIEW');

    await region.getByRole('button', { name: 'Cancel cycle', exact: true }).click();
    await confirm.getByRole('button', { name: 'Yes, cancel the cycle', exact: true }).click();
    await status(page).getByText('The cycle was cancelled; 4 participants were told.', { exact: true }).waitFor();
    expect(await page.locator('main dl.facts').first().textContent()).toContain('PhaseCancelled');
    expect(await page.getByRole('region', { name: 'Extend a deadline' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Cancel the cycle' }).count()).toBe(0);
    expect((await hr(theStack(), 'GET', `/cycles/${cycleId}`)).body.phase).toBe('CANCELLED');
    await expectPageBasics(page);
  });

  it('goals and recognition: goals at risk and missed by quarter, and the latest praise', async () => {
    await go('Goals and recognition', 'Goals and recognition');
    expect(
      await page
        .getByRole('region', { name: 'Recent recognition', exact: true })
        .getByRole('listitem')
        .allTextContents(),
    ).toEqual([
      expect.stringMatching(new RegExp(`^${PRAISE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}Ann Early to Bob Prompt, `)),
    ]);
    expect(await page.getByRole('img').count()).toBe(0);
    const quarterOf = async (period: string) => {
      await page.getByLabel('Quarter', { exact: true }).fill(period);
      await page.getByRole('button', { name: 'Show quarter', exact: true }).click();
      // Each list's heading gives its count, from the goal counters and the at-risk index.
      await page
        .getByRole('heading', { level: 2, name: new RegExp(`^Missed goals in ${period.replace('-', ' ')}: \\d+$`) })
        .waitFor();
      await landedOn(page, 'Goals and recognition');
    };
    await quarterOf(periodOf(missedDue));
    expect(
      await page.getByRole('heading', { level: 2, name: /^Missed goals in /, exact: false }).textContent(),
    ).toMatch(/: 1$/);
    expect(await rowsOf(page, 'Goals past their due date and not done')).toEqual([
      ['Ann Early (e1)', MISSED_GOAL, expect.any(String), '0%', 'No check-in'],
    ]);
    if (periodOf(atRiskDue) !== periodOf(missedDue)) await quarterOf(periodOf(atRiskDue));
    expect(await rowsOf(page, 'Open goals at risk or off track')).toEqual([
      ['Bob Prompt (e2)', AT_RISK_GOAL, expect.any(String), '20%', 'At risk'],
    ]);
    expect(await expectEveryControlLabelled(page.locator('main'), 'input')).toEqual(['Quarter']);
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-goals');

    // A quarter that is not one: the API's reason, in the page.
    await page.getByLabel('Quarter', { exact: true }).fill('2026-Q5');
    await page.getByRole('button', { name: 'Show quarter', exact: true }).click();
    await page.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await alertItems(page)).toEqual(['period must be a quarter such as 2026-Q4']);
    await expectPageBasics(page);
  });

  it('settings: a two-point scale is refused with the API\u2019s reason; a valid change is saved as a new version', async () => {
    await go('Settings', 'Settings');
    expect(await page.getByText('The defaults are in force (version 0)', { exact: false }).isVisible()).toBe(true);
    const form = page.locator('main form');
    const names = await expectEveryControlLabelled(form, 'input, select');
    expect(names).toEqual([
      ...[1, 2, 3, 4, 5].flatMap((n) => [`Point ${n} value`, `Point ${n} label`, `Point ${n} description`]),
      ...[1, 2, 3].flatMap((n) => [`Question ${n} id`, `Question ${n} text`]),
      ...[1, 2].flatMap((n) => [`Peer question ${n} id`, `Peer question ${n} text`]),
      'Peer answers in the employee\u2019s results',
      ...[1, 2, 3].flatMap((n) => [`Upward question ${n} id`, `Upward question ${n} text`]),
      'Anonymity threshold',
      'Reminder before a review deadline',
      'Escalation to HR after a review deadline',
      'Reminder before a goal is due',
      'Escalation to HR after a missed goal',
      'Reminder to acknowledge results',
      'Time zone',
      'Sender name',
      'Goals weight (%)',
      'Competencies weight (%)',
      'Deliver praise',
    ]);
    expect(await form.getByLabel('Point 1 label', { exact: true }).inputValue()).toBe('Below expectations');
    expect(await form.getByLabel('Reminder before a review deadline', { exact: true }).inputValue()).toBe('3d');
    await expectPageBasics(page);
    await expectScreenshot(page, 'console-settings');

    // Down to two points: the button of the last point each time; the focus stays in the list.
    for (const n of [5, 4, 3]) await form.getByRole('button', { name: `Remove point ${n}`, exact: true }).click();
    expect(await form.getByLabel(/^Point \d value$/).count()).toBe(2);
    expect(await form.getByLabel('Anonymity threshold', { exact: true }).inputValue()).toBe('3');
    await form.getByLabel('Anonymity threshold', { exact: true }).fill('2');
    await form.getByRole('button', { name: 'Save settings', exact: true }).click();
    await page.getByRole('alert').getByRole('listitem').first().waitFor();
    expect(await alertItems(page)).toEqual([
      'scale: scale must have 3 to 10 points',
      'anonymityThreshold: anonymityThreshold must be a whole number of at least 3 (fewer answers could be traced to their authors)',
    ]);
    expect(await page.getByRole('alert').locator('p').textContent()).toBe(
      'The settings were not saved: invalid request.',
    );
    expect((await hr(theStack(), 'GET', '/settings')).body.version).toBe(0);
    await expectPageBasics(page);

    // A third point, a competency and a shorter reminder: saved as version 1.
    await form.getByRole('button', { name: 'Add a scale point', exact: true }).click();
    expect(await focusedName(page)).toBe('Point 3 value');
    await page.keyboard.type('3');
    await form.getByLabel('Point 3 label', { exact: true }).fill('Strong');
    await form.getByLabel('Point 3 description', { exact: true }).fill('Goals met with solid, dependable work.');
    await form.getByRole('button', { name: 'Add a competency', exact: true }).click();
    await form.getByLabel('Competency 1 id', { exact: true }).fill('delivery');
    await form.getByLabel('Competency 1 name', { exact: true }).fill('Delivery');
    await form.getByLabel('Reminder before a review deadline', { exact: true }).fill('2d');
    await form.getByLabel('Deliver praise', { exact: true }).selectOption({ label: 'In a weekly digest' });
    await form.getByLabel('Anonymity threshold', { exact: true }).fill('4');
    await form
      .getByLabel('Peer answers in the employee\u2019s results', { exact: true })
      .selectOption({ label: 'With the reviewers\u2019 names' });
    await form.getByRole('button', { name: 'Save settings', exact: true }).click();
    await status(page)
      .getByText(/^Saved as version 1\./)
      .waitFor();
    expect(await page.locator('main p.version').textContent()).toMatch(
      /^Version 1 is in force, saved .+ by hr:local-hr\.$/,
    );
    expect(await page.getByRole('alert').count()).toBe(0);
    const saved = (await hr(theStack(), 'GET', '/settings')).body;
    expect(saved.version).toBe(1);
    expect(saved.settings.scale).toEqual([
      {
        value: 1,
        label: 'Below expectations',
        description: 'Most goals and expectations were not met; clear improvement is needed.',
      },
      {
        value: 2,
        label: 'Partly meets expectations',
        description: 'Some goals and expectations were met; others need work.',
      },
      { value: 3, label: 'Strong', description: 'Goals met with solid, dependable work.' },
    ]);
    expect(saved.settings.competencies).toEqual([{ id: 'delivery', label: 'Delivery' }]);
    expect(saved.settings.timings.reviewReminderLead).toBe('2d');
    expect(saved.settings.scoreWeights).toEqual({ goals: 70, competencies: 30 });
    expect(saved.settings.recognition).toBe('weekly-digest');
    expect(saved.settings).toMatchObject({ anonymityThreshold: 4, peerFeedback: 'named' });
    expect(saved.settings.peerQuestions[0].id).toBe('doesWell');
    expect(saved.settings.upwardQuestions).toHaveLength(3);
    // The form shows what was saved.
    expect(await form.getByLabel(/^Point \d value$/).count()).toBe(3);
    expect(await form.getByLabel('Competency 1 name', { exact: true }).inputValue()).toBe('Delivery');
    await expectPageBasics(page);
    // Saving the form unchanged stores no new version and says so.
    await page.locator('main form').getByRole('button', { name: 'Save settings', exact: true }).click();
    await status(page).getByText('Nothing changed: version 1 stays in force.').waitFor();
    expect((await hr(theStack(), 'GET', '/settings')).body.version).toBe(1);

    // The launch form shows the new version in force.
    await go('Launch cycle', 'Launch a review cycle', 'Launch cycle');
    const inForce = page.getByRole('region', { name: 'Settings in force', exact: true });
    expect(await inForce.textContent()).toContain('Version 1');
    expect(await inForce.textContent()).toContain('Reminder before a deadline2 days');
    expect(await inForce.getByRole('listitem').allTextContents()).toEqual([
      '1 - Below expectations',
      '2 - Partly meets expectations',
      '3 - Strong',
      'Delivery',
    ]);
  });

  it('an unknown cycle or page says so, with a way back', async () => {
    await page.goto(`${consoleUrl}#/cycles/cyc_0000000000000000`);
    await landedOn(page, 'Not found');
    expect(await page.getByRole('alert').textContent()).toBe(
      'This page could not be loaded: cycle cyc_0000000000000000 not found.',
    );
    expect(await page.getByRole('link', { name: 'Back to the cycles', exact: true }).isVisible()).toBe(true);
    // A nav link under the mouse stays readable.
    await consoleNav(page).getByRole('link', { name: 'Import directory', exact: true }).hover();
    await expectPageBasics(page);
    await page.goto(`${consoleUrl}#/nowhere`);
    await landedOn(page, 'Page not found');
    await page.getByRole('link', { name: 'Go to the cycles', exact: true }).click();
    await landedOn(page, 'Cycles');
  });

  it('the CSP check itself notices a violation', async () => {
    const probe = await context.newPage();
    const seen: string[] = [];
    const events: string[] = [];
    await reportViolations(probe, events);
    probe.on('console', (message) => {
      if (message.type() === 'error' && /content security policy/i.test(message.text())) seen.push(message.text());
    });
    await probe.goto(`${consoleUrl}#/sign-in`);
    await probe.getByRole('heading', { level: 1 }).waitFor();
    await probe.evaluate(() => {
      const style = (globalThis as any).document.createElement('style');
      style.textContent = 'body { color: red; }';
      (globalThis as any).document.head.append(style);
    });
    await probe.waitForTimeout(200);
    expect(seen.length).toBeGreaterThan(0);
    expect(events).toEqual([`${consoleUrl}#/sign-in: style-src-elem refused inline`]);
    await probe.close();
  });

  it('threw nothing, broke no policy, opened no dialog, and left the screenshots under test-results/screenshots', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(dialogs).toEqual([]);
    for (const name of SCREENSHOTS) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      expect(existsSync(path), path).toBe(true);
      expect(statSync(path).size, path).toBeGreaterThan(1000);
    }
  });
});
