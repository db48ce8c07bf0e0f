import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAssessment, listAnswerVersions } from '../../functions/store/assessments.ts';
import { getCycle } from '../../functions/store/cycles.ts';
import { db, keys, tableName } from '../../functions/store/table.ts';
import {
  auditOf,
  cli,
  clearMailbox,
  expectChangesNothing,
  hr,
  HOUR,
  launchFromRoster,
  linkIn,
  mailbox,
  postReview,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';
import { expectReportExact } from '../support/report.ts';

/**
 * Calibration adjustments (issue 11, parts 5 and 7): HR sets final ratings with a reason, one at a time or
 * from a file (dry run first, then whole or not at all), in calibration only; the manager's review stays,
 * the audit has actor, reason, before and after, the manager is emailed the reason; replays change and send
 * nothing; the report shows ratings before and after calibration, and the released results the final rating.
 * Until the calibration phase's workflow lands, the test moves the cycle into CALIBRATION by writing its phase.
 */
const LAB = Array.from({ length: 40 }, (_, index) => `l${String(index + 1).padStart(2, '0')}`);
const ROSTER = [
  'employeeId,name,email,managerId,department',
  'm1,Maria Manager,maria@example.com,,Sales',
  'e1,Ann Early,ann@example.com,m1,Sales',
  'e2,Bob Prompt,bob@example.com,m1,Sales',
  'e3,Cid Never,cid@example.com,m1,Sales',
  'o1,Olga Ops,olga@example.com,,Ops',
  'o2,Otto Ops,otto@example.com,o1,Ops',
  'l0,Lena Lab,lena@example.com,,Lab',
  ...LAB.map((id) => `${id},Lab ${id},${id}@example.com,l0,Lab`),
].join('\n');
const CYCLE = 'Calibrated Q4';
const NOT_A_CYCLE = 'cyc_0000000000000000';

describe('HR adjusts ratings in calibration', () => {
  const dir = tempDir('perfcycle-adjust-');
  let stack: LocalStack;
  let cycleId: string;
  let managerDue: number;

  const run = (...argv: string[]) => cli(stack, dir.path, ...argv);
  const adjust = (...argv: string[]) => run('cycle', 'adjust', cycleId, ...argv);
  const file = (name: string, text: string) => {
    writeFileSync(join(dir.path, name), text);
    return name;
  };
  async function newMail(): Promise<Mail[]> {
    await stack.settled();
    const mails = await mailbox(stack);
    await clearMailbox(stack);
    return mails;
  }
  const audit = async () => (await auditOf(stack, cycleId)).filter((event: any) => event.action === 'rating-adjusted');
  const adjustments = async (...ids: string[]) =>
    Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, (await getAssessment(cycleId, id))?.adjustment?.rating ?? null])),
    );
  /** What a refusal must leave as it was: every adjustment, the audit and the mailbox. */
  const snapshot = async () => ({
    adjusted: await adjustments('e1', 'e2', 'e3', 'o2', ...LAB),
    audit: (await audit()).length,
    mail: (await mailbox(stack)).map((mail) => `${mail.to}|${mail.subject}`),
  });
  function expectCliError(result: { code: number; out: string; err: string }, code: 1 | 2, ...fragments: string[]) {
    expect(result.code, result.err).toBe(code);
    expect(result.out).toBe('');
    for (const fragment of fragments) expect(result.err).toContain(fragment);
  }

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    const cycle = await launchFromRoster(stack, dir.path, {
      roster: ROSTER,
      name: CYCLE,
      selfDue: 14,
      managerDue: 24,
      calibrationDue: 34,
    });
    cycleId = cycle.cycleId;
    managerDue = cycle.managerDue;
    // The manager phase opens at the self-assessment deadline: the managers get their team links.
    await stack.advance(cycle.selfDue + HOUR - stack.clock.now());
    const requests = (await newMail()).filter((mail) => mail.subject.startsWith(`${CYCLE}: please review your team`));
    const teamLink = (to: string) => linkIn(requests.find((mail) => mail.to === to)!, '/forms/team');
    const reviews: [string, string, string][] = [
      ['maria@example.com', 'e1', '3'],
      ['maria@example.com', 'e2', '4'],
      ['olga@example.com', 'o2', '2'],
      ...LAB.map((id): [string, string, string] => ['lena@example.com', id, '3']),
    ];
    for (let i = 0; i < reviews.length; i += 8) {
      await Promise.all(
        reviews
          .slice(i, i + 8)
          .map(([manager, employeeId, rating]) => postReview(teamLink(manager), employeeId, { rating })),
      );
    }
    await newMail();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('refuses to adjust before calibration, naming the phase, and changes nothing', async () => {
    expect((await getCycle(cycleId))!.phase).toBe('MANAGER_REVIEW');
    await expectChangesNothing(stack, snapshot, async () => {
      expectCliError(
        await adjust('--employee', 'e1', '--rating', '4', '--reason', 'Early'),
        1,
        `cycle ${cycleId} is MANAGER_REVIEW: ratings can be adjusted only in CALIBRATION`,
        'calibration starts at the manager deadline',
      );
      const viaApi = await hr(stack, 'POST', `/cycles/${cycleId}/adjustments`, {
        csv: 'employeeId,rating,reason\ne1,4,Early\n',
      });
      expect(viaApi.status).toBe(409);
      expect(viaApi.body.error).toBe(`cycle ${cycleId} is MANAGER_REVIEW: ratings can be adjusted only in CALIBRATION`);
    });
    // The manager deadline passes: the calibrated cycle enters calibration (its overdue notices are not what this file tests).
    await stack.advance(managerDue + HOUR - stack.clock.now());
    expect((await getCycle(cycleId))!.phase).toBe('CALIBRATION');
    await newMail();
  });

  it('sets one final rating by command: stored beside the manager\u2019s review, audited, the manager emailed the reason', async () => {
    const adjusted = await adjust('--employee', 'e1', '--rating', '4', '--reason', 'Led the migration across teams');
    expect(adjusted.code, adjusted.err).toBe(0);
    expect(adjusted.out).toBe(
      'Ann Early (e1): final rating 3 -> 4 (manager\u2019s review: 3); their manager is told, with the reason',
    );

    const stored = (await getAssessment(cycleId, 'e1'))!;
    expect(stored.review).toMatchObject({ rating: 3, score: { value: 3, label: 'Meets expectations' } });
    // The manager's review itself, as written, is its version: the adjustment leaves it alone.
    expect(await listAnswerVersions(cycleId, 'review', 'e1')).toEqual([
      expect.objectContaining({
        version: 1,
        answers: expect.objectContaining({ rating: 3, comments: 'Review of e1' }),
      }),
    ]);
    expect(stored.adjustment).toEqual({
      rating: 4,
      reason: 'Led the migration across teams',
      by: 'hr:local-hr',
      at: expect.any(String),
      from: 3,
    });
    expect(await audit()).toEqual([
      {
        cycleId,
        at: stored.adjustment!.at,
        actor: 'hr:local-hr',
        action: 'rating-adjusted',
        employeeId: 'e1',
        details: { from: 3, to: 4, reason: 'Led the migration across teams', managerRating: 3 },
      },
    ]);

    const mails = await newMail();
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([
      ['maria@example.com', `${CYCLE}: HR adjusted Ann Early's final rating`],
    ]);
    expect(mails[0]!.text).toContain(
      'Final rating: 4 of 5 - Exceeds expectations (before: 3 of 5 - Meets expectations)',
    );
    expect(mails[0]!.text).toContain("HR's reason: Led the migration across teams");
    expect(mails[0]!.text).toContain('Your review stays as you wrote it.');
  });

  it('changes and sends nothing when the same command runs again, and says so', async () => {
    const before = await snapshot();
    const again = await adjust(
      '--employee',
      'e1',
      '--rating',
      '4',
      '--reason',
      'Led the migration across teams',
      '--json',
    );
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({
      employeeId: 'e1',
      outcome: 'unchanged',
      before: 4,
      after: 4,
      managerRating: 3,
      reason: 'Led the migration across teams',
    });
    const text = await adjust('--employee', 'e1', '--rating', '4', '--reason', 'Led the migration across teams');
    expect(text.out).toBe('Ann Early (e1): the final rating is 4 already with this reason; nothing changed');
    expect(await snapshot()).toEqual(before);
    expect(await newMail()).toEqual([]);
  });

  it('answers a retry with the same Idempotency-Key once, and applies it once', async () => {
    const send = () =>
      fetch(`${stack.apiUrl}/cycles/${cycleId}/adjustments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.hrToken}`,
          'content-type': 'application/json',
          'idempotency-key': 'adjust-o2-once',
        },
        body: JSON.stringify({ employeeId: 'o2', rating: 3, reason: 'Calibrated against Sales' }),
      });
    const first = await send();
    const retry = await send();
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect((await audit()).filter((event: any) => event.employeeId === 'o2')).toHaveLength(1);
    expect((await newMail()).map((mail) => mail.to)).toEqual(['olga@example.com']);
  });

  it('refuses an unknown cycle or person, a rating off the scale, an empty reason, no submitted review, with the reason, and changes nothing', async () => {
    await expectChangesNothing(stack, snapshot, async () => {
      expectCliError(
        await run('cycle', 'adjust', NOT_A_CYCLE, '--employee', 'e1', '--rating', '4', '--reason', 'x'),
        1,
        `cycle ${NOT_A_CYCLE} not found`,
      );
      expectCliError(
        await adjust('--employee', 'e9', '--rating', '4', '--reason', 'x'),
        1,
        `participant e9 in cycle ${cycleId} not found`,
      );
      expectCliError(
        await adjust('--employee', 'e2', '--rating', '7', '--reason', 'x'),
        1,
        'invalid adjustment',
        'rating "7" is not a point of the cycle\'s scale (1, 2, 3, 4, 5)',
      );
      expectCliError(
        await adjust('--employee', 'e2', '--rating', '4', '--reason', '  '),
        1,
        'reason: reason is required: say why the rating changes',
      );
      expectCliError(
        await adjust('--employee', 'e3', '--rating', '4', '--reason', 'x'),
        1,
        'cannot adjust the rating of e3',
        'e3 has no submitted manager review',
      );
      // The command line itself, before anything is sent: every missing flag at once, named.
      expectCliError(
        await adjust('--employee', 'e2'),
        2,
        '2 problems with the options of `perfcycle cycle adjust`',
        '--rating is required (or give a file with --csv)',
        '--reason is required',
      );
      expectCliError(
        await adjust('--employee', 'e2', '--rating', 'high', '--reason', 'x'),
        2,
        '--rating: high is not a number',
      );
      expectCliError(
        await adjust('--csv', 'x.csv', '--employee', 'e2'),
        2,
        '--csv applies a whole file: leave out --employee',
      );
      expectCliError(await adjust('--csv', 'missing.csv'), 1, 'no such file: missing.csv');

      const api = (body: unknown) => hr(stack, 'POST', `/cycles/${cycleId}/adjustments`, body);
      expect((await api({ employeeId: 'e2', rating: '4', reason: 'x' })).body).toEqual({
        error: 'invalid request',
        details: ['rating: rating must be a number: a point of the cycle\u2019s scale'],
      });
      expect((await api({ employeeId: 'e2', rating: 4 })).body.details).toEqual([
        'reason: reason is required: say why the rating changes',
      ]);
      expect((await api({ employeeId: 'e2', rating: 4, reason: 'x', extra: 1 })).status).toBe(400);
      expect((await api({ csv: '' })).body.details).toEqual(['csv: csv is empty']);
    });
  });

  it('shows a calibration file\u2019s effect by line in a dry run, then applies it whole', async () => {
    const name = file(
      'calibration.csv',
      '\uFEFFEmployeeId;Rating;Reason\r\ne1;4;Led the migration across teams\r\ne2;3;"Strong, but below Ann; see notes"\r\no2;3;Calibrated against Sales\r\n',
    );
    const before = await snapshot();
    const dry = await adjust('--csv', name, '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toBe(
      [
        'dry run: 1 would change, 2 unchanged, 0 refused; nothing saved',
        '  line 2  e1  4, unchanged',
        '  line 3  e2  4 -> 3',
        '  line 4  o2  3, unchanged',
      ].join('\n'),
    );
    expect(await snapshot()).toEqual(before);

    const applied = await adjust('--csv', name, '--json');
    expect(applied.code, applied.err).toBe(0);
    expect(JSON.parse(applied.out)).toEqual({
      cycleId,
      dryRun: false,
      applied: true,
      counts: { change: 1, unchanged: 2, refused: 0 },
      lines: [
        { line: 2, employeeId: 'e1', outcome: 'unchanged', rating: 4, reason: 'Led the migration across teams' },
        {
          line: 3,
          employeeId: 'e2',
          outcome: 'change',
          before: 4,
          after: 3,
          reason: 'Strong, but below Ann; see notes',
        },
        { line: 4, employeeId: 'o2', outcome: 'unchanged', rating: 3, reason: 'Calibrated against Sales' },
      ],
    });
    expect(await adjustments('e1', 'e2', 'o2')).toEqual({ e1: 4, e2: 3, o2: 3 });
    const [mail, ...more] = await newMail();
    expect(more).toEqual([]);
    expect([mail!.to, mail!.subject]).toEqual(['maria@example.com', `${CYCLE}: HR adjusted Bob Prompt's final rating`]);
    expect(mail!.text).toContain("HR's reason: Strong, but below Ann; see notes");
    expect((await audit()).find((event: any) => event.employeeId === 'e2').details).toEqual({
      from: 4,
      to: 3,
      reason: 'Strong, but below Ann; see notes',
      managerRating: 4,
      line: 3,
    });

    // The same file again: every line unchanged, nothing written or sent.
    const replay = await adjust('--csv', name);
    expect(replay.out.split('\n')[0]).toBe(
      'applied: 0 ratings changed, 3 unchanged; each manager whose report changed is told, with the reason',
    );
    expect(await newMail()).toEqual([]);
  });

  it('refuses a file with bad lines whole, naming each line, and changes nothing', async () => {
    const bad = file(
      'bad.csv',
      [
        'employeeId,rating,reason',
        'e2,5,Exceptional after all',
        'e9,3,Unknown',
        'e3,3,No review yet',
        'o2,9,Off the scale',
        'o2,2,Twice',
        'l01,4,',
      ].join('\n'),
    );
    await expectChangesNothing(stack, snapshot, async () => {
      const dry = await adjust('--csv', bad, '--dry-run');
      expect(dry.code, dry.err).toBe(0);
      expect(dry.out.split('\n')).toEqual([
        'dry run: 1 would change, 0 unchanged, 5 refused; nothing saved (a file with a refused line is not applied)',
        '  line 2  e2  3 -> 5',
        '  line 3  e9  refused: e9 is not a participant of this cycle',
        '  line 4  e3  refused: e3 has no submitted manager review: there is no rating to adjust',
        '  line 5  o2  refused: rating "9" is not a point of the cycle\'s scale (1, 2, 3, 4, 5)',
        '  line 6  o2  refused: o2 is adjusted twice in this file (first on line 5)',
        '  line 7  l01  refused: reason is required: say why the rating changes',
      ]);
      expectCliError(
        await adjust('--csv', bad),
        1,
        'calibration file refused: 5 of 6 lines cannot be applied; nothing was changed',
        '  - line 3 (e9): e9 is not a participant of this cycle',
        '  - line 7 (l01): reason is required',
      );
      expectCliError(
        await adjust('--csv', file('no-header.csv', 'e2,5,x\n')),
        1,
        'calibration file refused: nothing was changed',
        'line 1: the header must name the columns employeeId,rating,reason',
      );
      writeFileSync(
        join(dir.path, 'latin1.csv'),
        Buffer.from('employeeId,rating,reason\ne2,5,Tr\xe8s bien\n', 'latin1'),
      );
      expectCliError(await adjust('--csv', 'latin1.csv'), 1, 'latin1.csv is not UTF-8');
    });
  });

  it('applies a file bigger than one transaction whole, holding the cycle meanwhile', async () => {
    const name = file(
      'lab.csv',
      ['employeeId,rating,reason', ...LAB.map((id, index) => `${id},${index % 2 ? 2 : 4},Lab calibration ${id}`)].join(
        '\n',
      ),
    );
    const applied = await adjust('--csv', name);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out.split('\n')[0]).toBe(
      'applied: 40 ratings changed, 0 unchanged; each manager whose report changed is told, with the reason',
    );
    expect(Object.values(await adjustments(...LAB))).toEqual(LAB.map((_, index) => (index % 2 ? 2 : 4)));
    expect((await newMail()).filter((mail) => mail.to === 'lena@example.com')).toHaveLength(40);
    expect((await getCycle(cycleId))!.adjustmentBatch).toBeUndefined();

    // While another file holds the cycle, single adjustments, files and the release are refused, and change nothing.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.cycle(cycleId),
        UpdateExpression: 'SET adjustmentBatch = :batch',
        ExpressionAttributeValues: { ':batch': { id: 'other', until: Date.now() + 60_000 } },
      }),
    );
    await expectChangesNothing(stack, snapshot, async () => {
      expectCliError(
        await adjust('--employee', 'e2', '--rating', '5', '--reason', 'x'),
        1,
        'or a calibration file is being applied to it: nothing was changed',
      );
      const again = file(
        'lab-again.csv',
        ['employeeId,rating,reason', ...LAB.map((id) => `${id},5,Second thoughts`)].join('\n'),
      );
      expectCliError(await adjust('--csv', again), 1, 'another calibration file is being applied');
      // Nor is the cycle released under a file being applied.
      expectCliError(await run('cycle', 'release', cycleId), 1, 'a file of rating adjustments is being applied');
    });
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.cycle(cycleId),
        UpdateExpression: 'REMOVE adjustmentBatch',
      }),
    );
  });

  it('reports ratings before and after calibration per department and manager, and the CSV has managerRating, finalRating, adjusted', async () => {
    await expectReportExact(stack, cycleId);
    const report = await run('cycle', 'report', cycleId, '--csv', 'report.csv');
    expect(report.code, report.err).toBe(0);
    const lines = report.out.split('\n');
    const from = lines.indexOf('calibration: 43 ratings adjusted by HR');
    expect(from).toBeGreaterThan(0);
    expect(lines.slice(from + 1, from + 5)).toEqual([
      '  everyone: before Partly meets expectations 1, Meets expectations 41, Exceeds expectations 1, no rating 4; after Partly meets expectations 20, Meets expectations 2, Exceeds expectations 21, no rating 4 (43 adjusted)',
      '  Lab: before Meets expectations 40, no rating 1; after Partly meets expectations 20, Exceeds expectations 20, no rating 1 (40 adjusted)',
      '  Ops: before Partly meets expectations 1, no rating 1; after Meets expectations 1, no rating 1 (1 adjusted)',
      '  Sales: before Meets expectations 1, Exceeds expectations 1, no rating 2; after Meets expectations 1, Exceeds expectations 1, no rating 2 (2 adjusted)',
    ]);
    expect(lines).toContain(
      '  manager Maria Manager (m1): before Meets expectations 1, Exceeds expectations 1, no rating 1; after Meets expectations 1, Exceeds expectations 1, no rating 1 (2 adjusted)',
    );
    expect(lines).toContain(
      '  manager Olga Ops (o1): before Partly meets expectations 1; after Meets expectations 1 (1 adjusted)',
    );

    const [header, ...rows] = readFileSync(join(dir.path, 'report.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
      .map((row) => row.split(','));
    const cells = (id: string) =>
      Object.fromEntries(header!.map((column, index) => [column, rows.find((row) => row[0] === id)![index]]));
    expect(header!.slice(-3)).toEqual(['managerRating', 'finalRating', 'adjusted']);
    expect(cells('e1')).toMatchObject({
      'final score': '3',
      'final rating': 'Exceeds expectations',
      managerRating: '3',
      finalRating: '4',
      adjusted: 'yes',
    });
    expect(cells('e2')).toMatchObject({ managerRating: '4', finalRating: '3', adjusted: 'yes' });
    expect(cells('e3')).toMatchObject({ managerRating: '', finalRating: '', adjusted: '' });
  });

  it('releases each result with the final rating, set in calibration, without HR\u2019s reason; then refuses adjustments', async () => {
    const released = await run('cycle', 'release', cycleId);
    expect(released.code, released.err).toBe(0);
    await stack.settled();
    expect((await getCycle(cycleId))!.phase).toBe('CLOSED');
    const results = (await newMail()).filter((mail) => mail.subject === `${CYCLE}: your review result`);
    const resultOf = (to: string) => results.find((mail) => mail.to === to)!;
    expect(resultOf('ann@example.com').text).toContain(
      'Final rating: 4 of 5 - Exceeds expectations, set in calibration, where HR compares ratings across teams',
    );
    expect(resultOf('ann@example.com').text).toContain('Overall rating: 3 of 5 - Meets expectations');
    expect(resultOf('ann@example.com').text).not.toContain('Led the migration');
    const page = await (await fetch(linkIn(resultOf('ann@example.com'), '/forms/results'))).text();
    expect(page).toContain('Final rating: <strong>4 - Exceeds expectations</strong>, set in calibration');
    expect(page).toContain('Score from your manager\u2019s review');
    expect(page).toContain('Review of e1');
    expect(page).not.toContain('Led the migration');
    expect(resultOf('otto@example.com').text).toContain(
      'Final rating: 3 of 5 - Meets expectations, set in calibration',
    );
    const history = await run('employees', 'history', 'e1');
    expect(history.out).toMatch(
      new RegExp(
        `${CYCLE} \\(${cycleId}\\): 4 Exceeds expectations \\(set in calibration\\), unacknowledged, reviewer Maria Manager$`,
      ),
    );

    await expectChangesNothing(stack, snapshot, async () => {
      expectCliError(
        await adjust('--employee', 'e2', '--rating', '5', '--reason', 'Too late'),
        1,
        `cycle ${cycleId} is CLOSED: ratings can be adjusted only in CALIBRATION`,
        'its results are released: the final ratings stand',
      );
    });
  });
});
