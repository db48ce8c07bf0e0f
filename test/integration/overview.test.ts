import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodAt } from '../../functions/domain/goals.ts';
import {
  addGoalByCli,
  dateAfter,
  DAY,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/** The APIs behind HR's console: the import preview, the list of cycles, goals needing attention, recent recognition. */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;

describe('HR overview APIs', () => {
  const dir = tempDir('perfcycle-overview-');
  let stack: LocalStack;
  const importCsv = async (csv: string, dryRun: boolean) => {
    const response = await fetch(`${stack.apiUrl}/employees/import${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'text/csv' },
      body: csv,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('sends a browser from the API\u2019s root to the console, without any sign-in', async () => {
    for (const headers of [{}, { authorization: `Bearer ${stack.hrToken}` }]) {
      const response = await fetch(`${stack.apiUrl}/`, { redirect: 'manual', headers });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!, `${stack.apiUrl}/`).href).toBe(`${stack.apiUrl}/console`);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    const followed = await fetch(`${stack.apiUrl}/`);
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${stack.apiUrl}/console`);
    expect(await followed.text()).toContain('<script');
    // Only GET: the root is no catch-all.
    expect([404, 405]).toContain((await fetch(`${stack.apiUrl}/`, { method: 'POST' })).status);
  });

  it('previews an import without applying it, with every problem by line', async () => {
    const bad = await importCsv(`${ROSTER}e3,Cid,not-an-email,m1,Sales\n`, true);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('roster rejected: nothing was imported');
    expect(bad.body.details).toEqual(['line 5 (e3): not a valid email address']);
    const preview = await importCsv(ROSTER, true);
    expect(preview).toEqual({
      status: 200,
      body: {
        dryRun: true,
        imported: 0,
        valid: 3,
        created: 3,
        updated: 0,
        unchanged: 0,
        encoding: 'UTF-8',
        separator: ',',
        sample: [],
      },
    });
    // Nothing was applied: the directory is still empty.
    const launch = await hr(stack, 'POST', '/cycles', {
      name: 'Too early',
      selfDue: dateAfter(stack.clock.now(), 7),
      managerDue: dateAfter(stack.clock.now(), 14),
    });
    expect(launch.status).toBe(400);
    expect(launch.body.details).toEqual(['the directory is empty: import it first']);
    expect(await importCsv(ROSTER, false)).toEqual({
      status: 200,
      body: { imported: 3, created: 3, updated: 0, unchanged: 0, encoding: 'UTF-8', separator: ',', sample: [] },
    });
  });

  it('lists every cycle with its completion, kept up to date as people submit', async () => {
    expect((await hr(stack, 'GET', '/cycles')).body).toEqual({ cycles: [] });
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Overview Q',
      selfDue: dateAfter(now, 7),
      managerDue: dateAfter(now, 14),
    });
    expect(launched.status).toBe(201);
    await stack.settled();
    const [cycle] = (await hr(stack, 'GET', '/cycles')).body.cycles;
    expect(cycle).toMatchObject({
      cycleId: launched.body.cycleId,
      name: 'Overview Q',
      department: null,
      phase: 'SELF_REVIEW',
      participants: 3,
      selfCompletion: 0,
      managerCompletion: 0,
    });

    const invitation = (await mailbox(stack)).find((mail) => mail.to === 'ann@example.com')!;
    const answers = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'More' };
    const link = linkIn(invitation, '/forms/self');
    const hidden = await openForm(link);
    expect((await postForm(link, hidden, answers)).status).toBe(303);
    // The same form sent again (a resent form) is recorded once and does not count twice.
    const again = await postForm(link, hidden, answers);
    expect(again.status).toBe(303);
    expect(again.html).toContain('already saved from this page; it was recorded once');
    expect((await hr(stack, 'GET', '/cycles')).body.cycles[0]).toMatchObject({
      selfCompletion: 33.3,
      managerCompletion: 0,
    });

    const second = await hr(stack, 'POST', '/cycles', {
      name: 'Second',
      selfDue: dateAfter(now, 8),
      managerDue: dateAfter(now, 15),
      department: 'Sales',
      allowOverlap: true,
    });
    await stack.settled();
    expect((await hr(stack, 'GET', '/cycles')).body.cycles.map((c: any) => [c.name, c.department])).toEqual([
      ['Second', 'Sales'],
      ['Overview Q', null],
    ]);
    expect((await hr(stack, 'POST', `/cycles/${second.body.cycleId}/cancel`, {})).status).toBe(200);
    expect((await hr(stack, 'GET', '/cycles')).body.cycles[0].phase).toBe('CANCELLED');
  });

  it('lists goals at risk and missed goals of a quarter across the organisation', async () => {
    const now = stack.clock.now();
    const add = (employee: string, title: string, due: string) =>
      addGoalByCli(stack, dir.path, { employee, title, due });
    const checkIn = async (employee: string, goalId: string, status: string) =>
      expect(
        (await hr(stack, 'POST', `/employees/${employee}/goals/${goalId}/check-ins`, { progress: 20, status })).status,
      ).toBe(200);
    const risky = await add('e1', 'Risky launch', dateAfter(now, 30));
    const slipping = await add('e2', 'Slipping deal', dateAfter(now, 2));
    const recovering = await add('e2', 'Recovering goal', dateAfter(now, 30));
    await add('e2', 'Fine goal', dateAfter(now, 30));
    for (const status of ['AT_RISK', 'OFF_TRACK']) await checkIn('e1', risky, status);
    await checkIn('e2', slipping, 'AT_RISK');
    await checkIn('e2', recovering, 'AT_RISK');
    await stack.advance(3 * DAY);
    await stack.settled();
    const quarterOf = (days: number) => periodAt(Date.parse(`${dateAfter(now, days)}T12:00:00Z`), 'UTC');
    const attention = async (query: string) => (await hr(stack, 'GET', `/goals/attention?${query}`)).body;
    // At risk, then past its due: missed, and no longer listed as at risk.
    const missedQuarter = await attention(`period=${quarterOf(2)}`);
    expect(missedQuarter.period).toBe(quarterOf(2));
    expect(missedQuarter.missed.goals.map((goal: any) => [goal.name, goal.title, goal.goalId])).toEqual([
      ['Bob Prompt', 'Slipping deal', slipping],
    ]);
    if (quarterOf(2) !== quarterOf(30)) {
      expect(missedQuarter.counts).toEqual({ atRisk: 0, missed: 1 });
      expect(missedQuarter.atRisk.goals).toEqual([]);
    }

    const quarter = quarterOf(30);
    const riskyQuarter = await attention(`period=${quarter}`);
    expect(
      riskyQuarter.atRisk.goals.map((goal: any) => [goal.name, goal.title, goal.latestStatus, goal.progress]),
    ).toEqual([
      ['Ann Early', 'Risky launch', 'OFF_TRACK', 20],
      ['Bob Prompt', 'Recovering goal', 'AT_RISK', 20],
    ]);
    expect(riskyQuarter.counts.atRisk).toBe(2);
    expect(riskyQuarter.missed.goals.map((goal: any) => goal.title)).not.toContain('Fine goal');

    // The at-risk list a page at a time: neither overlapping nor dropping, each cursor bound to its list.
    const first = await attention(`period=${quarter}&list=at-risk&limit=1`);
    expect(first.missed).toBeUndefined();
    expect(first.atRisk.goals).toHaveLength(1);
    const second = await attention(
      `period=${quarter}&list=at-risk&limit=1&cursor=${encodeURIComponent(first.atRisk.nextCursor)}`,
    );
    expect([...first.atRisk.goals, ...second.atRisk.goals].map((goal: any) => goal.title).sort()).toEqual([
      'Recovering goal',
      'Risky launch',
    ]);
    for (const [query, problem] of [
      [`period=${quarter}&list=missed&cursor=${encodeURIComponent(first.atRisk.nextCursor)}`, 'another list'],
      [`period=${quarter}&list=at-risk&cursor=${encodeURIComponent(`${first.atRisk.nextCursor}x`)}`, 'was changed'],
      [`period=${quarter}&cursor=${encodeURIComponent(first.atRisk.nextCursor)}`, 'name the list it continues'],
      ['period=Q9', 'period must be a quarter such as 2026-Q4'],
    ]) {
      const refused = await hr(stack, 'GET', `/goals/attention?${query}`);
      expect(refused.status, query).toBe(400);
      expect(JSON.stringify(refused.body), query).toContain(problem);
    }

    // Back on track: the goal leaves the list.
    await checkIn('e2', recovering, 'ON_TRACK');
    const after = await attention(`period=${quarter}`);
    expect(after.atRisk.goals.map((goal: any) => goal.title)).toEqual(['Risky launch']);
    expect(after.counts.atRisk).toBe(1);
  });

  it('lists recent praise across the organisation, never constructive feedback', async () => {
    expect((await hr(stack, 'GET', '/recognition')).body).toEqual({ recognition: [] });
    expect(
      (await hr(stack, 'POST', '/feedback', { from: 'e2', to: 'e1', kind: 'praise', text: 'First praise' })).status,
    ).toBe(201);
    expect(
      (await hr(stack, 'POST', '/feedback', { from: 'e1', to: 'e2', kind: 'constructive', text: 'Private note' }))
        .status,
    ).toBe(201);
    await stack.advance(60_000);
    expect(
      (await hr(stack, 'POST', '/feedback', { from: 'm1', to: 'e2', kind: 'praise', text: 'Second praise' })).status,
    ).toBe(201);
    const { recognition } = (await hr(stack, 'GET', '/recognition')).body;
    expect(recognition.map((r: any) => [r.fromName, r.toName, r.text])).toEqual([
      ['Maria Manager', 'Bob Prompt', 'Second praise'],
      ['Bob Prompt', 'Ann Early', 'First praise'],
    ]);
  });
});
