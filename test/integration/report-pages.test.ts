import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../functions/domain/goals.ts';
import { listGroupCounters } from '../../functions/store/calibration.ts';
import { getCycle } from '../../functions/store/cycles.ts';
import { db, keys, tableName } from '../../functions/store/table.ts';
import { expectCountersExact } from '../support/counters.ts';
import {
  addGoalByCli,
  cli,
  dateAfter,
  hr,
  HOUR,
  launchFromRoster,
  linkIn,
  mailbox,
  openForm,
  postForm,
  postReview,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
} from '../support/local.ts';
import { expectReportExact, reportPeopleInPages, reportRecount } from '../support/report.ts';

/**
 * HR's report of a cycle (issue 13): its figures come from the counters and equal the full count from every
 * assessment through a calibrated quarter (on-time, late and missing submissions, a moved deadline, an
 * adjustment in calibration, the release, acknowledgements with a disagreement); its people come page by page
 * in employeeId order with signed cursors; the CLI writes the CSV page by page, the same bytes as the API's.
 */
const PEOPLE = [
  ['m1', 'Maria Manager', '', 'Sales'],
  ...Array.from({ length: 6 }, (_, i) => [`s${i + 1}`, `Sales Person ${i + 1}`, 'm1', 'Sales']),
  ['o1', 'Olga Ops', '', 'Ops'],
  ...Array.from({ length: 3 }, (_, i) => [`p${i + 1}`, `Ops Person ${i + 1}`, 'o1', 'Ops']),
];
const ROSTER = `employeeId,name,email,managerId,department\n${PEOPLE.map(
  ([id, name, manager, department]) => `${id},${name},${id}@example.com,${manager},${department}`,
).join('\n')}\n`;
const SELF_ANSWERS = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'More' };

describe('HR report from counters, people page by page', () => {
  const dir = tempDir('perfcycle-report-');
  let stack: LocalStack;
  let cycleId: string;
  let selfDue: number;
  let managerDue: number;
  const selfLinks = new Map<string, string>();
  const teamLinks = new Map<string, string>();

  const run = (...argv: string[]) => cli(stack, dir.path, ...argv);
  const submitSelf = async (employeeId: string) =>
    expect((await submitForm(selfLinks.get(employeeId)!, SELF_ANSWERS)).status).toBe(303);
  const review = (manager: string, employeeId: string, rating: string) =>
    postReview(teamLinks.get(manager)!, employeeId, { rating });

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    // Goals of the quarter, held by people nobody reviews (a review rates the goals): s5's is met, s6's missed.
    const goalDue = dateAfter(stack.clock.now(), 3);
    const cycle = await launchFromRoster(stack, dir.path, {
      roster: ROSTER,
      name: 'Report Q',
      selfDue: 7,
      managerDue: 14,
      calibrationDue: 21,
      options: ['--period', periodOf(goalDue)],
      beforeLaunch: async () => {
        const met = await addGoalByCli(stack, dir.path, { employee: 's5', title: 'Close deals', due: goalDue });
        await addGoalByCli(stack, dir.path, { employee: 's6', title: 'Close deals', due: goalDue });
        expect(
          (
            await run(
              'goals',
              'check-in',
              '--employee',
              's5',
              '--goal',
              met,
              '--progress',
              '100',
              '--status',
              'ON_TRACK',
            )
          ).code,
        ).toBe(0);
      },
    });
    cycleId = cycle.cycleId;
    selfDue = cycle.selfDue;
    managerDue = cycle.managerDue;
    for (const mail of await mailbox(stack))
      if (mail.subject.includes('self-assessment is open'))
        selfLinks.set(mail.to.replace('@example.com', ''), linkIn(mail, '/forms/self'));
    expect(selfLinks.size).toBe(PEOPLE.length);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('counts on-time, late and missing self-assessments, and a moved deadline, as the full count does', async () => {
    for (const id of ['s1', 's2', 'p1', 'm1']) await submitSelf(id);
    const extended = await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, {
      employeeId: 's3',
      until: dateAfter(selfDue, 5),
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    await expectReportExact(stack, cycleId);
    // Past the deadline: s4 submits late, s3 is not overdue (their own deadline is later), the rest are.
    await stack.advance(selfDue + HOUR - stack.clock.now());
    await submitSelf('s4');
    await stack.settled();
    for (const mail of await mailbox(stack))
      if (mail.subject.includes('please review your team'))
        teamLinks.set(mail.to.replace('@example.com', ''), linkIn(mail, '/forms/team'));
    const report = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    expect(report.overall.self).toEqual({
      participants: 11,
      pending: 1,
      submitted: 4,
      late: 1,
      overdue: 5,
      completion: 45.5,
    });
    await expectReportExact(stack, cycleId);
  });

  it('counts reviews on time and late, and an adjustment in calibration, before and after', async () => {
    await review('m1', 's1', '3');
    await review('m1', 's2', '4');
    await review('o1', 'p1', '2');
    await stack.advance(managerDue + HOUR - stack.clock.now());
    expect((await getCycle(cycleId))!.phase).toBe('CALIBRATION');
    await review('m1', 's4', '3');
    const adjusted = await run('cycle', 'adjust', cycleId, '--employee', 's1', '--rating', '5', '--reason', 'Led it');
    expect(adjusted.code, adjusted.err).toBe(0);
    const report = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    expect(report.overall.manager).toMatchObject({ submitted: 3, late: 1 });
    expect(report.calibration.adjusted).toBe(1);
    await expectReportExact(stack, cycleId);
    await expectCountersExact(stack, cycleId);
  });

  it('counts released results and acknowledgements with a disagreement, after the close', async () => {
    expect((await run('cycle', 'release', cycleId)).code).toBe(0);
    await stack.settled();
    expect((await getCycle(cycleId))!.phase).toBe('CLOSED');
    const results = (await mailbox(stack)).filter((mail) => mail.subject === 'Report Q: your review result');
    const acknowledge = async (employeeId: string, answers: Record<string, string>) => {
      const link = linkIn(results.find((mail) => mail.to === `${employeeId}@example.com`)!, '/forms/results');
      expect((await postForm(link, await openForm(link), answers)).status).toBe(303);
    };
    await acknowledge('s1', { comment: '' });
    await acknowledge('s2', { comment: 'Not fair', disagree: 'yes' });
    const report = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    expect(report.overall).toMatchObject({ unacknowledged: 2, disagreed: 1 });
    expect(report.overall.goals).toMatchObject({ met: 1, missed: 1 });
    expect(report).not.toHaveProperty('people');
    expect(report).not.toHaveProperty('unacknowledged');
    await expectReportExact(stack, cycleId);
    await expectCountersExact(stack, cycleId);
  });

  it('pages the people in employeeId order, without overlap or gap; a changed or foreign cursor is refused', async () => {
    const { people } = await reportRecount(stack, cycleId);
    for (const limit of [1, 3, 11, 200]) expect(await reportPeopleInPages(stack, cycleId, limit)).toEqual(people);
    const first = (await hr(stack, 'GET', `/cycles/${cycleId}/report/people?limit=4`)).body;
    expect(first.people.map((p: any) => p.employeeId)).toEqual(['m1', 'o1', 'p1', 'p2']);
    expect(first.people[2]).toEqual({
      employeeId: 'p1',
      name: 'Ops Person 1',
      department: 'Ops',
      manager: 'Olga Ops',
      managerId: 'o1',
      self: 'submitted',
      review: 'submitted',
      score: { value: 2, label: expect.any(String) },
      overallRating: 2,
      goals: [],
      acknowledgement: 'unacknowledged',
    });
    const cursor: string = first.nextCursor;
    const [body, mac] = cursor.split('.') as [string, string];
    const edited = Buffer.from(
      Buffer.from(body, 'base64url').toString('utf8').replace('ASMT#p2', 'ASMT#s1'),
      'utf8',
    ).toString('base64url');
    const audit = (await hr(stack, 'GET', `/cycles/${cycleId}/audit?limit=1`)).body.nextCursor;
    for (const bad of [`${edited}.${mac}`, `${body}.${mac.slice(1)}A`, audit, 'nonsense']) {
      const refused = await hr(stack, 'GET', `/cycles/${cycleId}/report/people?cursor=${encodeURIComponent(bad)}`);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error).toBe('invalid cursor');
    }
    expect((await hr(stack, 'GET', `/cycles/${cycleId}/report/people?limit=0`)).status).toBe(400);
    expect((await hr(stack, 'GET', '/cycles/cyc_0000000000000000/report/people')).status).toBe(404);
  });

  it('the CLI writes the CSV page by page, byte for byte the API\u2019s one-shot CSV', async () => {
    const oneShot = Buffer.from(
      await (
        await fetch(`${stack.apiUrl}/cycles/${cycleId}/report?format=csv`, {
          headers: { authorization: `Bearer ${stack.hrToken}` },
        })
      ).arrayBuffer(),
    );
    const written = await run('cycle', 'report', cycleId, '--csv', 'report.csv', '--limit', '2');
    expect(written.code, written.err).toBe(0);
    expect(written.out).toContain('wrote 11 rows to report.csv');
    // Progress as the pages come: six pages of two.
    expect(written.err.trim().split('\n')).toEqual([
      'report.csv: 2 rows written, reading on',
      'report.csv: 4 rows written, reading on',
      'report.csv: 6 rows written, reading on',
      'report.csv: 8 rows written, reading on',
      'report.csv: 10 rows written, reading on',
      'report.csv: 11 rows written',
    ]);
    const file = readFileSync(join(dir.path, 'report.csv'));
    expect(file.equals(oneShot)).toBe(true);
    const text = file.toString('utf8');
    expect(text.indexOf('\uFEFF')).toBe(0);
    expect(text.lastIndexOf('\uFEFF')).toBe(0);
    const rows = text.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(12);
    expect(rows.filter((row) => row.startsWith('employeeId,'))).toHaveLength(1);
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(PEOPLE.map(([id]) => id).sort());
    expect(rows).toContain(
      's1,Sales Person 1,Sales,Maria Manager,submitted,submitted,3,Exceptional,3,0,0,0,0,acknowledged,3,5,yes',
    );
  });

  it('counts a cycle whose counters do not add up (one from before them) from its assessments, to the same figures', async () => {
    const fromCounters = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    for (const group of await listGroupCounters(cycleId))
      await db().send(
        new DeleteCommand({ TableName: tableName(), Key: keys.tally(cycleId, group.managerKey, group.department) }),
      );
    const counted = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    expect(counted.source).toBe('assessments');
    expect({ ...counted, source: 'counters' }).toEqual(fromCounters);
  });
});
