import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAssessment } from '../../functions/store/assessments.ts';
import { listGroupCounters, ratingMove } from '../../functions/store/calibration.ts';
import { getCycle } from '../../functions/store/cycles.ts';
import { db, keys, tableName, transactOnce } from '../../functions/store/table.ts';
import {
  cli,
  HOUR,
  hr,
  launchFromRoster,
  linkIn,
  mailbox,
  postReview,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * Issue 11, calibration's view on the local stack: two managers in two departments (one of them reviewing
 * across both), one review missing, the people at the top left to HR. The API's figures (from the tallies kept
 * with each review), an edit moving a count, an adjustment moving the final rating, the same figures counted
 * from the assessments when the tallies are gone, pages of participants, and the CLI's text, JSON and CSV.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Across,cid@example.com,m1,Support
m2,Nora Lead,nora@example.com,,Support
s1,Sam Support,sam@example.com,m2,Support
s2,Sue Slow,sue@example.com,m2,Support
`;
/** One competency weighted 50 with goals 50: without goals, the computed score is the competency's rating. */
const SETTINGS = {
  competencies: [{ id: 'delivery', label: 'Delivery', description: 'Ships what was agreed.' }],
  scoreWeights: { goals: 50, competencies: 50 },
};
const CYCLE = 'Calibration Q';

describe('calibration: ratings side by side', () => {
  const dir = tempDir('perfcycle-calibration-');
  let stack: LocalStack;
  let cycleId: string;
  let teams: Record<string, string>;
  const view = async (query = '') => (await hr(stack, 'GET', `/cycles/${cycleId}/calibration${query}`)).body;
  const review = (manager: string, employeeId: string, rating: number, delivery: number) =>
    postReview(teams[manager]!, employeeId, {
      'competency-delivery': String(delivery),
      rating: String(rating),
      strengths: 'Ships',
      areasToImprove: 'Docs',
      comments: 'Thanks',
    });
  /** [key, reviewed, missing, before counts, before mean, deviation, flagged, after counts, after mean, deviation, flagged] */
  const row = (g: any) => [
    g.key,
    g.reviewed,
    g.missing,
    g.before.counts.join(''),
    g.before.mean,
    g.before.deviation,
    g.before.outlier,
    g.after.counts.join(''),
    g.after.mean,
    g.after.deviation,
    g.after.outlier,
  ];

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'settings.json'), JSON.stringify(SETTINGS));
    const cycle = await launchFromRoster(stack, dir.path, {
      roster: ROSTER,
      name: CYCLE,
      selfDue: 14,
      managerDue: 24,
      beforeLaunch: async () =>
        expect((await cli(stack, dir.path, 'settings', 'set', '--file', 'settings.json')).code).toBe(0),
    });
    cycleId = cycle.cycleId;
    await stack.advance(cycle.selfDue + HOUR - stack.clock.now());
    await stack.settled();
    const requests = (await mailbox(stack)).filter((mail) =>
      mail.subject.startsWith(`${CYCLE}: please review your team`),
    );
    teams = Object.fromEntries(requests.map((mail) => [mail.to.split('@')[0], linkIn(mail, '/forms/team')]));
    // HR reviews the people at the top (m1, m2) and leaves them missing here.
    expect(Object.keys(teams).sort()).toEqual(['hr', 'maria', 'nora']);
    for (const [manager, employeeId, rating, delivery] of [
      ['maria', 'e1', 5, 5],
      ['maria', 'e2', 5, 4],
      ['maria', 'e3', 4, 4],
      ['nora', 's1', 2, 2],
    ] as const) {
      await review(manager, employeeId, rating, delivery);
    }
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('counts per manager and department from the tallies, flags the manager more than a point from the cycle, and names the missing', async () => {
    const body = await view();
    expect(body.source).toBe('summaries');
    expect(body.scale.map((p: any) => p.value)).toEqual([1, 2, 3, 4, 5]);
    expect(body.figures.pointStep).toBe(1);
    // Before calibration, the scores (the Delivery rating): 5 4 4 | 2 (mean 3.75); after: the same, nobody adjusted yet.
    expect(row(body.figures.overall)).toEqual(['all', 4, 3, '01021', 3.75, 0, false, '01021', 3.75, 0, false]);
    expect(body.figures.managers.map(row)).toEqual([
      ['HR', 0, 2, '00000', null, null, false, '00000', null, null, false],
      ['m1', 3, 0, '00021', 4.33, 0.58, false, '00021', 4.33, 0.58, false],
      ['m2', 1, 1, '01000', 2, -1.75, true, '01000', 2, -1.75, true],
    ]);
    expect(body.figures.departments.map(row)).toEqual([
      ['Sales', 2, 1, '00011', 4.5, 0.75, false, '00011', 4.5, 0.75, false],
      ['Support', 2, 2, '01010', 3, -0.75, false, '01010', 3, -0.75, false],
    ]);
    expect(body.missing).toEqual([
      { employeeId: 'm1', name: 'Maria Manager', department: 'Sales', managerName: 'HR' },
      { employeeId: 'm2', name: 'Nora Lead', department: 'Support', managerName: 'HR' },
      { employeeId: 's2', name: 'Sue Slow', department: 'Support', managerName: 'Nora Lead' },
    ]);
    expect(
      body.participants.map((p: any) => [
        p.employeeId,
        p.reviewMissing,
        p.managerRating,
        p.computedScore,
        p.finalRating,
        p.finalPoint?.label ?? null,
        p.adjusted,
      ]),
    ).toEqual([
      ['e1', false, 5, 5, 5, 'Exceptional', false],
      ['e2', false, 5, 4, 4, 'Exceeds expectations', false],
      ['e3', false, 4, 4, 4, 'Exceeds expectations', false],
      ['m1', true, null, null, null, null, false],
      ['m2', true, null, null, null, null, false],
      ['s1', false, 2, 2, 2, 'Partly meets expectations', false],
      ['s2', true, null, null, null, null, false],
    ]);
    expect(body.nextCursor).toBeUndefined();
  });

  it('an edited review moves its counts from the old ratings to the new ones', async () => {
    await review('maria', 'e2', 3, 2);
    const body = await view();
    expect(body.source).toBe('summaries');
    // e2's score 4 becomes 2: 5 2 4 | 2 (mean 3.25), before and after alike.
    expect(row(body.figures.overall)).toEqual(['all', 4, 3, '02011', 3.25, 0, false, '02011', 3.25, 0, false]);
    expect(body.figures.managers.map(row).slice(1)).toEqual([
      ['m1', 3, 0, '01011', 3.67, 0.42, false, '01011', 3.67, 0.42, false],
      ['m2', 1, 1, '01000', 2, -1.25, true, '01000', 2, -1.25, true],
    ]);
    const tallies = await listGroupCounters(cycleId);
    expect(tallies.find((t) => t.managerKey === 'm1' && t.department === 'Sales')).toMatchObject({
      reviewed: 2,
      before: { 2: 1, 4: 0, 5: 1 },
      after: { 2: 1, 4: 0, 5: 1 },
      beforeSum: 7,
      afterSum: 7,
    });
  });

  it('an adjustment written with ratingMove moves the final rating, in CALIBRATION', async () => {
    // The lead's checkpoint moves the phase at the manager deadline; here it is set directly.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.cycle(cycleId),
        UpdateExpression: 'SET phase = :p',
        ExpressionAttributeValues: { ':p': 'CALIBRATION' },
      }),
    );
    const cycle = (await getCycle(cycleId))!;
    const sam = (await getAssessment(cycleId, 's1'))!;
    const adjustment = {
      rating: 4,
      reason: 'Carried the on-call',
      by: 'hr:local',
      at: new Date(stack.clock.now()).toISOString(),
      from: 2,
    };
    const move = ratingMove(cycle, sam, { adjustment });
    const update = {
      Key: keys.assessment(cycleId, 's1'),
      UpdateExpression: 'SET adjustment = :a',
      ConditionExpression: move.condition,
      ExpressionAttributeValues: { ':a': adjustment, ...move.values },
    };
    expect(await transactOnce(undefined, [{ Update: update }, ...move.writes])).toBe('done');
    // The same move again is refused: the adjustment it was computed from is no longer there.
    expect(await transactOnce(undefined, [{ Update: update }, ...move.writes])).toBe('refused');

    const body = await view();
    expect(body.phase).toBe('CALIBRATION');
    expect(body.source).toBe('summaries');
    // Only the final rating moves: before calibration m2 stays far below the cycle, after it is near it.
    expect(row(body.figures.managers[2])).toEqual(['m2', 1, 1, '01000', 2, -1.25, true, '00010', 4, 0.25, false]);
    expect(body.participants.find((p: any) => p.employeeId === 's1')).toMatchObject({
      managerRating: 2,
      computedScore: 2,
      finalRating: 4,
      finalPoint: { value: 4 },
      adjusted: true,
      adjustment: { from: 2, reason: 'Carried the on-call' },
    });
  });

  it('counts the same figures from the assessments when the tallies do not add up', async () => {
    const fromSummaries = await view();
    const tallies = await listGroupCounters(cycleId);
    for (const tally of tallies)
      await db().send(
        new DeleteCommand({ TableName: tableName(), Key: keys.tally(cycleId, tally.managerKey, tally.department) }),
      );
    const counted = await view();
    expect(counted.source).toBe('assessments');
    expect(counted.figures).toEqual(fromSummaries.figures);
  });

  it('pages participants: figures on the first page only; a bad cursor is refused', async () => {
    const first = await view('?limit=3');
    expect(first.participants.map((p: any) => p.employeeId)).toEqual(['e1', 'e2', 'e3']);
    expect(first.figures).toBeDefined();
    const second = await view(`?limit=3&cursor=${first.nextCursor}`);
    expect(second.participants.map((p: any) => p.employeeId)).toEqual(['m1', 'm2', 's1']);
    expect(second.figures).toBeUndefined();
    const third = await view(`?limit=3&cursor=${second.nextCursor}`);
    expect(third.participants.map((p: any) => p.employeeId)).toEqual(['s2']);
    expect(third.nextCursor).toBeUndefined();
    expect(await hr(stack, 'GET', `/cycles/${cycleId}/calibration?cursor=%25%25`)).toEqual({
      status: 400,
      body: {
        error: 'invalid cursor',
        details: [
          'the cursor was changed or was not issued by perfcycle',
          'pass the nextCursor of the page before, unchanged',
        ],
      },
    });
    expect((await hr(stack, 'GET', `/cycles/${cycleId}/calibration?limit=0`)).body).toEqual({
      error: 'invalid request',
      details: ['limit: limit must be a whole number from 1 to 1000'],
    });
    expect((await hr(stack, 'GET', '/cycles/cyc_0000000000000000/calibration')).status).toBe(404);
  });

  it('the CLI prints the figures, the missing and everyone, and writes the CSV that `cycle adjust --csv` reads', async () => {
    const text = await cli(stack, dir.path, 'cycle', 'calibration', cycleId, '--csv', 'calibration.csv');
    expect(text.code, text.err).toBe(0);
    const lines = text.out.split('\n');
    expect(lines[0]).toBe(`${CYCLE} (${cycleId}): CALIBRATION`);
    expect(lines.slice(5, 9)).toEqual([
      '                 reviewed  missing  before     mean  vs cycle  after      mean  vs cycle',
      'Everyone         4         3        0 2 0 1 1  3.25            0 1 0 2 1  3.75',
      'by manager',
      '  HR             0         2        0 0 0 0 0  -               0 0 0 0 0  -',
    ]);
    expect(lines).toContain('  Nora Lead      1         1        0 1 0 0 0  2.00  -1.25 !   0 0 0 1 0  4.00  +0.25');
    expect(lines).toContain('  Sue Slow (s2), Support, manager Nora Lead');
    expect(lines.find((line) => line.includes('Sam Support'))).toBe(
      '  s1          Sam Support    Support     Nora Lead      2               2      4 (Exceeds expectations)       adjusted from 2: Carried the on-call',
    );
    expect(lines.at(-1)).toBe(
      `wrote 4 rows to calibration.csv (employeeId,rating,reason); change a rating and give a reason, then \`perfcycle cycle adjust ${cycleId} --csv calibration.csv\``,
    );
    // The final rating at its nearest point, reason empty; missing reviews have no row.
    expect(readFileSync(join(dir.path, 'calibration.csv'), 'utf8')).toBe(
      '\uFEFFemployeeId,rating,reason\r\ne1,5,\r\ne2,2,\r\ne3,4,\r\ns1,4,\r\n',
    );

    const json = await cli(stack, dir.path, 'cycle', 'calibration', cycleId, '--json');
    expect(json.code, json.err).toBe(0);
    const parsed = JSON.parse(json.out);
    expect(parsed.participants).toHaveLength(7);
    expect(parsed.figures).toEqual((await view()).figures);

    const unknown = await cli(stack, dir.path, 'cycle', 'calibration', 'cyc_0000000000000000');
    expect(unknown).toEqual({ code: 1, out: '', err: 'error: cycle cyc_0000000000000000 not found\n' });
  });
});
