import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../../cli/program.ts';
import { scheduledFunctions } from '../../lib/functions.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';

export interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The mails the local mailbox holds, as a participant would receive them. */
export async function mailbox(stack: LocalStack): Promise<Mail[]> {
  const response = await fetch(`${stack.mailUrl}/store`);
  const { emails } = (await response.json()) as { emails: any[] };
  return emails.map((email) => ({
    from: email.from ?? '',
    to: [email.destination?.to].flat().join(','),
    subject: email.subject,
    text: email.body?.text ?? '',
    html: email.body?.html ?? '',
  }));
}

export async function clearMailbox(stack: LocalStack): Promise<void> {
  await fetch(`${stack.mailUrl}/clear-store`, { method: 'POST' });
}

/**
 * Runs requests that must be refused and checks that nothing moved: what `snapshot` reads (its `mail`, the
 * mailbox as `to|subject`) is the same before and after, and nobody got mail.
 */
export async function expectChangesNothing(
  stack: LocalStack,
  snapshot: () => Promise<{ mail: string[] }>,
  bad: () => Promise<void>,
): Promise<void> {
  await clearMailbox(stack);
  const before = await snapshot();
  await bad();
  const after = await snapshot();
  expect(after).toEqual(before);
  expect(after.mail).toEqual([]);
}

/** The first link of a kind in an email's HTML part (what a participant clicks). */
export function linkIn(
  mail: Mail,
  path:
    | '/forms/self'
    | '/forms/team'
    | '/forms/goals'
    | '/forms/results'
    | '/forms/feedback'
    | '/forms/peer'
    | '/forms/peer-approval'
    | '/forms/upward',
): string {
  const match = new RegExp(`href="([^"]*${path}\\?t=[^"]+)"`).exec(mail.html);
  if (!match) throw new Error(`no ${path} link in "${mail.subject}"`);
  return match[1].replaceAll('&amp;', '&');
}

export async function hr(stack: LocalStack, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/**
 * Every item of one of HR's paged lists (`path`, with or without a query), `limit` at a time: `key` names the
 * page's items. Each page must answer 200 with at most `limit` of them.
 */
export async function allPages(stack: LocalStack, path: string, key: string, limit: number): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const page = await hr(stack, 'GET', `${path}${path.includes('?') ? '&' : '?'}${query}`);
    if (page.status !== 200) throw new Error(`${path} answered ${page.status}: ${JSON.stringify(page.body)}`);
    if (page.body[key].length > limit) throw new Error(`${path} answered ${page.body[key].length} > ${limit} items`);
    items.push(...page.body[key]);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** A cycle's whole audit through the API, page after page, in time order. */
export function auditOf(stack: LocalStack, cycleId: string): Promise<any[]> {
  return allPages(stack, `/cycles/${cycleId}/audit`, 'events', 1000);
}

/** Runs the real CLI in-process against the stack; returns its exit code and output. */
export async function cli(stack: LocalStack, cwd: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    env: { PERFCYCLE_API_URL: stack.apiUrl, PERFCYCLE_TOKEN: stack.hrToken },
    cwd,
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}

/**
 * Opens a form page the way a browser does and keeps the hidden fields of its first form: the link token,
 * the per-form token, the form's one-time submission id and the version of the answers it shows.
 */
export async function openForm(link: string): Promise<Record<string, string>> {
  const page = await (await fetch(link)).text();
  const form = page.slice(page.indexOf('<form'));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="(t|formToken|submissionId|version)" value="([^"]*)">/g))
    fields[m[1]] ??= m[2].replaceAll('&amp;', '&');
  return fields;
}

/**
 * Posts a form as a browser does and follows a 303 (Post/Redirect/Get) with a GET: `status` is the POST's,
 * `html` the page the person ends on, `location` where the redirect led.
 */
export async function postForm(link: string, hidden: Record<string, string>, answers: Record<string, string>) {
  const response = await fetch(new URL(link).origin + new URL(link).pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, ...answers }).toString(),
    redirect: 'manual',
  });
  if (response.status !== 303) return { status: response.status, html: await response.text(), location: undefined };
  const location = new URL(response.headers.get('location')!, link).toString();
  return { status: response.status, html: await (await fetch(location)).text(), location };
}

/** A report's own page behind a manager's team link. */
export function reportLink(teamLink: string, employeeId: string): string {
  const url = new URL(teamLink);
  url.searchParams.set('report', employeeId);
  return url.toString();
}

export async function submitForm(link: string, answers: Record<string, string>) {
  return postForm(link, await openForm(link), answers);
}

/**
 * A manager's review of one report, posted from the report's page behind the manager's team link; it must be
 * saved. `answers` holds the ratings and adds to or replaces the written parts.
 */
export async function postReview(
  teamLink: string,
  employeeId: string,
  answers: { rating: string } & Record<string, string>,
) {
  const posted = await submitForm(reportLink(teamLink, employeeId), {
    employeeId,
    strengths: 'Steady delivery',
    areasToImprove: 'Delegating',
    comments: `Review of ${employeeId}`,
    ...answers,
  });
  expect(posted.status, posted.html).toBe(303);
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export { startLocalStack, type LocalStack };

/**
 * Stops the stack and starts it again on the same data and the same ports (the handlers' SDK clients are
 * created once per process, with their endpoints), as a restart of `npm start` would.
 */
export async function restartStack(
  stack: LocalStack,
  dataDir: string,
  options: Pick<LocalStackOptions, 'context' | 'recordCalls'> = {},
): Promise<LocalStack> {
  const port = (url: string) => Number(new URL(url).port);
  const ports = {
    apiPort: port(stack.apiUrl),
    mailPort: port(stack.mailUrl),
    dynamoPort: port(stack.dynamoEndpoint),
    sfnPort: port(process.env.SFN_ENDPOINT!),
  };
  await stack.stop();
  const restarted = await startLocalStack({ dataDir, ...ports, ...options });
  await restarted.settled();
  return restarted;
}

export const DAY = 24 * 60 * 60 * 1000;
export const HOUR = 60 * 60 * 1000;
/** Past the outbox flusher's next run on the project clock (it runs every `everyMinutes` of it). */
export const PAST_NEXT_FLUSH = (scheduledFunctions.flushOutboxes.everyMinutes + 1) * 60 * 1000;

/** A calendar date `days` after the clock's today, in UTC. */
export function dateAfter(now: number, days: number): string {
  return new Date(now + days * DAY).toISOString().slice(0, 10);
}

interface RosterLaunch {
  /** The directory, written to roster.csv in the CLI's folder and imported with `perfcycle employees import`. */
  roster: string;
  name: string;
  /** The deadlines, in days after the clock's today when the cycle is launched. */
  selfDue: number;
  managerDue: number;
  calibrationDue?: number;
  /** More `perfcycle cycle launch` options, such as `--upward`. */
  options?: string[];
  /** What HR does between the import and the launch (settings the cycle takes up, for one). */
  beforeLaunch?: () => Promise<void>;
}

/**
 * Where most suites start, as HR does it with the CLI run in `cwd`: imports a roster, launches a cycle and waits
 * until its invitations are sent. Answers the cycle's id, its manager due date as given to the CLI and its deadlines.
 */
export async function launchFromRoster(stack: LocalStack, cwd: string, launch: RosterLaunch) {
  writeFileSync(join(cwd, 'roster.csv'), launch.roster);
  const imported = await cli(stack, cwd, 'employees', 'import', 'roster.csv');
  expect(imported.code, imported.err).toBe(0);
  await launch.beforeLaunch?.();
  const now = stack.clock.now();
  const selfDate = dateAfter(now, launch.selfDue);
  const managerDate = dateAfter(now, launch.managerDue);
  const calibration =
    launch.calibrationDue === undefined ? [] : ['--calibration-due', dateAfter(now, launch.calibrationDue)];
  const launched = await cli(
    stack,
    cwd,
    'cycle',
    'launch',
    '--name',
    launch.name,
    '--self-due',
    selfDate,
    '--manager-due',
    managerDate,
    ...calibration,
    ...(launch.options ?? []),
    '--json',
  );
  expect(launched.code, launched.err).toBe(0);
  await stack.settled();
  const cycle = JSON.parse(launched.out);
  return {
    cycleId: cycle.cycleId as string,
    managerDate,
    selfDue: Date.parse(cycle.selfDue),
    managerDue: Date.parse(cycle.managerDue),
  };
}

/**
 * Sets a goal as HR does with the CLI run in `cwd`, for a test that needs one; it must be stored. Answers its id.
 * A test of `goals add` itself (its output, refusals and flags) runs the CLI on its own.
 */
export async function addGoalByCli(
  stack: LocalStack,
  cwd: string,
  goal: { employee: string; title: string; due: string; weight?: number },
): Promise<string> {
  const weight = goal.weight === undefined ? [] : ['--weight', String(goal.weight)];
  const added = await cli(
    stack,
    cwd,
    'goals',
    'add',
    '--employee',
    goal.employee,
    '--title',
    goal.title,
    '--due',
    goal.due,
    ...weight,
    '--json',
  );
  expect(added.code, added.err).toBe(0);
  return JSON.parse(added.out).goalId;
}
