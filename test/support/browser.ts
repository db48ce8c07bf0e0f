import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { expect } from 'vitest';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page, type Response } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';

/**
 * Small helpers for the browser tests: Debian's Chromium driven by playwright-core (no downloaded
 * browser), screenshots under test-results/ (git-ignored), and checks that need the rendered page.
 */
const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/** Saves a full-page screenshot and returns its path and size in bytes. */
export async function screenshot(page: Page, name: string): Promise<{ path: string; size: number }> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return { path, size: statSync(path).size };
}

/** The accessible name Chromium's accessibility tree gives one element, from Playwright's ARIA snapshot. */
export async function accessibleName(element: Locator): Promise<string> {
  // YAML quotes a snapshot line whose name contains ": " (`- 'textbox "Proposed goal 1: title"'`).
  const line = (await element.ariaSnapshot()).trim().replace(/^- /, '');
  const unquoted = /^'((?:[^']|'')*)'$/.exec(line)?.[1].replaceAll("''", "'") ?? line;
  const match = /^[\w-]+ "((?:[^"\\]|\\.)*)"/.exec(unquoted);
  return match ? JSON.parse(`"${match[1]}"`) : '';
}

/**
 * Every textarea and radio button (or whatever `selector` picks) in `scope` has a non-empty accessible name, and looking that name up
 * with getByLabel (as a screen-reader user or a test would) finds exactly that control. Returns the names.
 */
export async function expectEveryControlLabelled(
  scope: Page | Locator,
  selector = 'textarea, input[type="radio"]',
): Promise<string[]> {
  const page = 'page' in scope ? scope.page() : scope;
  const controls = scope.locator(selector);
  const count = await controls.count();
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const control = controls.nth(i);
    const name = await accessibleName(control);
    const described = await control.evaluate((el) => el.outerHTML.slice(0, 200));
    if (!name) throw new Error(`control without an accessible name: ${described}`);
    const byLabel = scope.getByLabel(name, { exact: true });
    if ((await byLabel.count()) !== 1)
      throw new Error(
        `getByLabel(${JSON.stringify(name)}) finds ${await byLabel.count()} controls, expected 1 (${described})`,
      );
    const same = await page.evaluate(([a, b]) => a === b, [
      await control.elementHandle(),
      await byLabel.elementHandle(),
    ] as const);
    if (!same) throw new Error(`getByLabel(${JSON.stringify(name)}) finds a different control than ${described}`);
    names.push(name);
  }
  return names;
}

/** Runs `action` (a click or key press that submits a form) and waits for the page it leads to; returns its response. */
export async function submitting(page: Page, action: () => Promise<void>): Promise<Response> {
  const response = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
  const loaded = page.waitForEvent('load');
  await action();
  const [result] = await Promise.all([response, loaded]);
  return result;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page and returns its violations (id, impact and the offending nodes). */
async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: any) => n.target.join(' ')),
    }));
  });
}

/**
 * Runs axe-core on the page and returns its serious and critical violations (id and the offending nodes).
 * Evaluated through the DevTools protocol, so the pages' strict CSP (no scripts) stays on.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.join(', ')}`);
}

/** axe-core finds nothing at all on the page, whatever the impact (a full score). */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  expect((await axeViolations(page)).map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`)).toEqual([]);
}

/** Tears a browser test file down: the browser, then the stack, then its folder, each even if the one before failed. */
/**
 * Starts the local stack and Chromium side by side. `started` receives whichever came up, before a failure
 * of the other is thrown, so the test's afterAll (closeAll) still stops it.
 */
export async function startStackAndBrowser(
  dataDir: string,
  started: (parts: { stack?: LocalStack; browser?: Browser }) => void,
): Promise<{ stack: LocalStack; browser: Browser }> {
  const [stack, browser] = await Promise.allSettled([startLocalStack({ dataDir }), launchBrowser()]);
  started({
    stack: stack.status === 'fulfilled' ? stack.value : undefined,
    browser: browser.status === 'fulfilled' ? browser.value : undefined,
  });
  if (stack.status === 'rejected') throw stack.reason;
  if (browser.status === 'rejected') throw browser.reason;
  return { stack: stack.value, browser: browser.value };
}

export async function closeAll(
  browser: Browser | undefined,
  stack: { stop(): Promise<void> } | undefined,
  dir: { remove(): void },
): Promise<void> {
  try {
    await browser?.close();
  } finally {
    try {
      await stack?.stop();
    } finally {
      dir.remove();
    }
  }
}

/** The `index`th <dl> of answers in `scope`, as term -> value. */
export async function answersIn(scope: Page | Locator, index = 0): Promise<Record<string, string>> {
  return scope
    .locator('dl')
    .nth(index)
    .evaluate((dl) => {
      const terms = [...dl.querySelectorAll('dt')];
      return Object.fromEntries(terms.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']));
    });
}

/** The body rows of the table in the region named `name`, as cell texts. */
export async function rowsOf(scope: Page | Locator, name: string): Promise<string[][]> {
  return scope
    .getByRole('region', { name, exact: true })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row: any) => [...row.children].map((cell: any) => (cell.textContent ?? '').trim())),
    );
}

/** Checks that can fail on any page: the language is declared, there is exactly one h1, and axe-core finds nothing serious. */
export async function expectPageBasics(page: Page): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('h1').count()).toBe(1);
  expect(await seriousAxeViolations(page)).toEqual([]);
}

/** Saves a screenshot a reviewer can look at, and checks it is a real image. */
export async function expectScreenshot(page: Page, name: string): Promise<void> {
  const shot = await screenshot(page, name);
  expect(existsSync(shot.path)).toBe(true);
  expect(shot.size).toBeGreaterThan(1000);
}
