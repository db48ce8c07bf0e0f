import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../functions/store/audit.ts';
import { expectCountersExact } from '../support/counters.ts';
import {
  allPages,
  cli,
  DAY,
  dateAfter,
  hr,
  linkIn,
  mailbox,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * HR's lists of a cycle, page by page (issue 13): who is overdue, reviewers' progress, the audit, the
 * escalations sent and the missed goals (with the goals' counts), with filters and a search; cursors that were changed, or belong to another cycle or list,
 * are refused; pages neither repeat nor skip anyone while submissions arrive between them; and the status
 * and lists answered from counters match a full count.
 */
const PEOPLE = [
  ['m1', 'Maria Manager', '', 'Sales'],
  ['m2', 'Mark Lead', '', 'Eng'],
  ...Array.from({ length: 8 }, (_, i) => [`s${i + 1}`, `Sales Person ${i + 1}`, 'm1', 'Sales']),
  ...Array.from({ length: 6 }, (_, i) => [`g${i + 1}`, `Eng Person ${i + 1}`, 'm2', 'Eng']),
];
const rosterOf = (people: string[][]) =>
  `employeeId,name,email,managerId,department\n${people
    .map(([id, name, manager, department]) => `${id},${name},${id}@example.com,${manager},${department}`)
    .join('\n')}\n`;
const ROSTER = rosterOf(PEOPLE);
/** Joined after the launch, so not taking part: their goals count in their departments all the same. */
const NEWCOMERS = [
  ...['ga', 'gb', 'gc', 'gd'].map((id) => [id, `Eng Newcomer ${id}`, 'm2', 'Eng']),
  ...['sa', 'sb', 'sc', 'sd', 'se'].map((id) => [id, `Sales Newcomer ${id}`, 'm1', 'Sales']),
];
const SELF_ANSWERS = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'More' };

describe('HR lists, page by page', () => {
  const dir = tempDir('perfcycle-lists-');
  let stack: LocalStack;
  let cycleId: string;
  let otherCycleId: string;
  let selfDue: number;
  const links = new Map<string, string>();

  const page = async (path: string) => {
    const answer = await hr(stack, 'GET', path);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const goalIds = new Map<string, string>();
  let goalDue: string;
  const checkIn = async (employeeId: string, progress: number) =>
    expect(
      (
        await hr(stack, 'POST', `/employees/${employeeId}/goals/${goalIds.get(employeeId)}/check-ins`, {
          progress,
          status: 'ON_TRACK',
        })
      ).status,
    ).toBe(200);
  const submitSelf = async (employeeId: string) =>
    expect((await submitForm(links.get(employeeId)!, SELF_ANSWERS)).status).toBe(303);

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: '2026 Q4',
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
    });
    expect(launched.status).toBe(201);
    cycleId = launched.body.cycleId;
    selfDue = Date.parse(launched.body.selfDue);
    await stack.settled();
    for (const mail of await mailbox(stack)) {
      if (mail.subject.includes('self-assessment is open'))
        links.set(mail.to.replace('@example.com', ''), linkIn(mail, '/forms/self'));
    }
    expect(links.size).toBe(PEOPLE.length);
    const other = await hr(stack, 'POST', '/cycles', {
      name: 'Eng extra',
      department: 'Eng',
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
      allowOverlap: true,
    });
    expect(other.status).toBe(201);
    otherCycleId = other.body.cycleId;
    // Goals of the quarter under review, due at the end of today: missed once the clock moves past it.
    goalDue = dateAfter(now, 0);
    writeFileSync(join(dir.path, 'roster.csv'), rosterOf([...PEOPLE, ...NEWCOMERS]));
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    // All at once: each goal's transaction moves its department's one counter item, and every one counts.
    await Promise.all(
      NEWCOMERS.map(async ([employeeId]) => {
        const added = await hr(stack, 'POST', `/employees/${employeeId}/goals`, {
          title: `Goal of ${employeeId}`,
          due: goalDue,
          weight: 50,
        });
        expect(added.status, JSON.stringify(added.body)).toBe(201);
        goalIds.set(employeeId, added.body.goalId);
      }),
    );
    await checkIn('sa', 100); // met
    expect((await hr(stack, 'POST', `/employees/ga/goals/${goalIds.get('ga')}/cancel`)).status).toBe(200);
    await stack.settled();
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('counts submissions as they come, before any deadline: nobody is overdue yet', async () => {
    for (const id of ['s1', 'g1', 'm1']) await submitSelf(id);
    const status = await page(`/cycles/${cycleId}`);
    expect(status.participants).toBe(PEOPLE.length);
    expect(status.counts.self).toEqual({ pending: 13, submitted: 3, late: 0, overdue: 0 });
    expect(status.departments.map((d: any) => [d.department, d.participants, d.self.submitted])).toEqual([
      ['Eng', 7, 1],
      ['Sales', 9, 2],
    ]);
    expect((await page(`/cycles/${cycleId}/overdue?phase=self`)).overdue).toEqual([]);
    await expectCountersExact(stack, cycleId);
  });

  it('pages through the overdue people past the deadline, without repeats or gaps while people submit late', async () => {
    await stack.advance(selfDue + DAY - stack.clock.now());
    const first = await page(`/cycles/${cycleId}/overdue?phase=self&limit=5`);
    expect(first.overdue).toHaveLength(5);
    expect(first.nextCursor).toEqual(expect.any(String));
    const firstIds = first.overdue.map((o: any) => o.employeeId);
    // Between pages: someone already listed submits late, and so does someone the next pages would list.
    const listedLate = firstIds[0];
    expect(listedLate).toBe('g2');
    const unlistedLate = 's8';
    expect(firstIds).not.toContain(unlistedLate);
    await submitSelf(listedLate);
    await submitSelf(unlistedLate);
    const rest: any[] = [];
    for (let cursor = first.nextCursor; cursor; ) {
      const next = await page(`/cycles/${cycleId}/overdue?phase=self&limit=5&cursor=${encodeURIComponent(cursor)}`);
      rest.push(...next.overdue);
      cursor = next.nextCursor;
    }
    const seen = [...firstIds, ...rest.map((o) => o.employeeId)];
    expect(new Set(seen).size).toBe(seen.length);
    const stillPending = PEOPLE.map(([id]) => id).filter(
      (id) => !['s1', 'g1', 'm1', listedLate, unlistedLate].includes(id),
    );
    expect(seen.filter((id) => id !== listedLate).sort()).toEqual(stillPending.sort());
    expect(rest[0]).toEqual({
      employeeId: expect.any(String),
      name: expect.any(String),
      department: expect.any(String),
      phase: 'self',
      reviewer: expect.any(String),
      reviewerId: expect.any(String),
      due: new Date(selfDue).toISOString(),
    });
    const status = await page(`/cycles/${cycleId}`);
    expect(status.counts.self).toEqual({ pending: 0, submitted: 3, late: 2, overdue: 11 });
    await expectCountersExact(stack, cycleId);
  });

  it('filters by department and reviewer, and searches names and ids in any case', async () => {
    const eng = await page(`/cycles/${cycleId}/overdue?phase=self&department=Eng`);
    // g1 submitted on time and g2 (the first overdue, in employeeId order) late.
    expect(eng.overdue.map((o: any) => o.employeeId).sort()).toEqual(['g3', 'g4', 'g5', 'g6', 'm2']);
    const maria = await page(`/cycles/${cycleId}/overdue?phase=self&manager=m1`);
    expect(maria.overdue.every((o: any) => o.reviewerId === 'm1')).toBe(true);
    expect(maria.overdue.length).toBeGreaterThan(0);
    const search = await page(`/cycles/${cycleId}/overdue?phase=self&search=${encodeURIComponent('ENG PERSON 3')}`);
    expect(search.overdue.map((o: any) => o.employeeId)).toEqual(['g3']);
    const byId = await page(`/cycles/${cycleId}/overdue?phase=self&search=g4`);
    expect(byId.overdue.map((o: any) => o.name)).toEqual(['Eng Person 4']);
    const teams = await page(`/cycles/${cycleId}/teams?department=Sales`);
    expect(teams.teams.map((t: any) => [t.reviewerId, t.participants])).toEqual([
      ['HR', 1],
      ['m1', 8],
    ]);
  });

  it('refuses a cursor that was changed, or belongs to another cycle, list or filter, with 400, and changes nothing', async () => {
    const first = await page(`/cycles/${cycleId}/overdue?phase=self&limit=2`);
    const cursor: string = first.nextCursor;
    const [body, mac] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.k.sk = 'ASMT#zzz';
    const edited = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
    const tries = [
      [`/cycles/${cycleId}/overdue?phase=self&limit=2&cursor=${encodeURIComponent(edited)}`, 'changed'],
      [`/cycles/${cycleId}/overdue?phase=self&limit=2&cursor=garbage`, 'changed'],
      [`/cycles/${otherCycleId}/overdue?phase=self&limit=2&cursor=${encodeURIComponent(cursor)}`, 'another cycle'],
      [`/cycles/${cycleId}/overdue?phase=manager&limit=2&cursor=${encodeURIComponent(cursor)}`, 'another list'],
      [
        `/cycles/${cycleId}/overdue?phase=self&department=Eng&limit=2&cursor=${encodeURIComponent(cursor)}`,
        'another list',
      ],
      [`/cycles/${cycleId}/audit?limit=2&cursor=${encodeURIComponent(cursor)}`, 'another list'],
    ] as const;
    for (const [path, reason] of tries) {
      const refused = await hr(stack, 'GET', path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.error).toBe('invalid cursor');
      expect(refused.body.details.join(' ')).toContain(reason);
    }
  });

  it('counts the goals of the quarter by outcome and pages through the missed ones, without repeats or gaps while goals are done late', async () => {
    await checkIn('sb', 100); // done late: the clock is past its due day
    const first = await page(`/cycles/${cycleId}/goals?limit=2`);
    expect(first.counts).toEqual({ open: 0, met: 1, 'done-late': 1, missed: 6, cancelled: 1 });
    expect(first.departments.map((d: any) => [d.department, d.counts.missed])).toEqual([
      ['Eng', 3],
      ['Sales', 3],
    ]);
    expect(first.missed).toEqual([
      {
        employeeId: 'gb',
        name: 'Eng Newcomer gb',
        manager: null,
        department: 'Eng',
        goalId: goalIds.get('gb'),
        title: 'Goal of gb',
        due: goalDue,
      },
      expect.objectContaining({ employeeId: 'gc' }),
    ]);
    // Between pages: a goal already listed is done late, and so is one the next pages would list.
    await checkIn('gb', 100);
    await checkIn('se', 100);
    const rest: any[] = [];
    for (let cursor = first.nextCursor; cursor; ) {
      const next = await page(`/cycles/${cycleId}/goals?limit=2&cursor=${encodeURIComponent(cursor)}`);
      expect(next.missed.length).toBeLessThanOrEqual(2);
      rest.push(...next.missed);
      cursor = next.nextCursor;
    }
    expect([...first.missed, ...rest].map((goal) => goal.employeeId)).toEqual(['gb', 'gc', 'gd', 'sc', 'sd']);
    expect((await page(`/cycles/${cycleId}/goals?department=Eng`)).missed.map((goal: any) => goal.employeeId)).toEqual([
      'gc',
      'gd',
    ]);
    // The Eng cycle reports Eng's goals only.
    expect((await page(`/cycles/${otherCycleId}/goals`)).counts).toEqual({
      open: 0,
      met: 0,
      'done-late': 1,
      missed: 2,
      cancelled: 1,
    });
    await expectCountersExact(stack, cycleId);
    await expectCountersExact(stack, otherCycleId);

    const cursor: string = (await page(`/cycles/${cycleId}/goals?limit=1`)).nextCursor;
    const [body, mac] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.k.gsi3sk = 'zzz';
    const edited = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
    for (const [path, reason] of [
      [`/cycles/${cycleId}/goals?limit=1&cursor=${encodeURIComponent(edited)}`, 'changed'],
      [`/cycles/${otherCycleId}/goals?limit=1&cursor=${encodeURIComponent(cursor)}`, 'another cycle'],
      [`/cycles/${cycleId}/goals?department=Eng&limit=1&cursor=${encodeURIComponent(cursor)}`, 'another list'],
      [`/cycles/${cycleId}/overdue?phase=self&limit=1&cursor=${encodeURIComponent(cursor)}`, 'another list'],
    ]) {
      const refused = await hr(stack, 'GET', path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.details.join(' ')).toContain(reason);
    }

    const human = await cli(stack, dir.path, 'cycle', 'goals', cycleId, '--limit', '2');
    expect(human.code, human.err).toBe(0);
    const lines = human.out.trim().split('\n');
    expect(lines[0]).toBe(`goals of ${first.period}: 0 open, 1 met, 3 done-late, 4 missed, 1 cancelled`);
    expect(lines[1]).toMatch(/^missed: Eng Newcomer gc \(gc, Eng\): Goal of gc, due \d{4}-\d\d-\d\d$/);
    expect(lines[3]).toMatch(new RegExp(`^more: perfcycle cycle goals ${cycleId} --cursor \\S+$`));
    const all = await cli(stack, dir.path, 'cycle', 'goals', cycleId, '--all', '--json');
    expect(
      all.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).employeeId),
    ).toEqual(['gc', 'gd', 'sc', 'sd']);
  });

  it('pages through the audit in time order, the emails sent among the events, and lists the escalations', async () => {
    // Pages of 7 (allPages refuses a page of more).
    const events = await allPages(stack, `/cycles/${cycleId}/audit`, 'events', 7);
    expect(events.map((e) => e.at)).toEqual(events.map((e) => e.at).sort());
    expect(events).toHaveLength((await listAuditEvents(cycleId)).length);
    expect(events.filter((e) => e.action === 'mail-sent' && e.details.kind === 'invitation')).toHaveLength(
      PEOPLE.length,
    );
    const escalations = (await page(`/cycles/${cycleId}/escalations`)).escalations;
    const kinds = ['self-reminder', 'self-overdue', 'self-hr', 'review-reminder', 'review-overdue', 'review-hr'];
    expect(escalations.every((e: any) => kinds.includes(e.kind) && e.status === 'sent')).toBe(true);
    expect(escalations.filter((e: any) => e.kind === 'self-overdue').map((e: any) => e.to)).toEqual(
      expect.arrayContaining(['m1@example.com', 'm2@example.com']),
    );
    // Everyone pending three days before the deadline was reminded: all but the three who had submitted.
    expect(escalations.filter((e: any) => e.kind === 'self-reminder')).toHaveLength(PEOPLE.length - 3);
  });

  it('lists a page on the command line with the command for the next, and streams every page with --all', async () => {
    const firstPage = await cli(stack, dir.path, 'cycle', 'overdue', cycleId, '--limit', '2', '--department', 'Eng');
    expect(firstPage.code, firstPage.err).toBe(0);
    const lines = firstPage.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    const more = lines[2].match(
      /^more: perfcycle cycle overdue (\S+) --phase "self" --department "Eng" --cursor (\S+)$/,
    );
    expect(more?.[1]).toBe(cycleId);
    const second = await cli(
      stack,
      dir.path,
      'cycle',
      'overdue',
      cycleId,
      '--limit',
      '2',
      '--department',
      'Eng',
      '--cursor',
      more![2],
    );
    expect(second.code, second.err).toBe(0);
    expect(second.out).not.toContain(lines[0]);
    const all = await cli(stack, dir.path, 'cycle', 'overdue', cycleId, '--all', '--json');
    expect(all.code, all.err).toBe(0);
    const rows = all.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => row.employeeId).sort()).toEqual(
      (await page(`/cycles/${cycleId}/overdue?phase=self&limit=1000`)).overdue.map((o: any) => o.employeeId).sort(),
    );
    const status = await cli(stack, dir.path, 'cycle', 'status', cycleId);
    expect(status.out).toContain(`who is overdue: perfcycle cycle overdue ${cycleId}`);
    expect(status.out).toMatch(/Eng: 7 people; self 1 submitted, 1 late, 0 pending, 5 overdue/);
  });
});
