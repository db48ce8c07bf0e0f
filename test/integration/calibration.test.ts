import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditOf,
  cli,
  clearMailbox,
  DAY,
  dateAfter,
  hr,
  HOUR,
  linkIn,
  mailbox,
  restartStack,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * A calibrated quarter on the local stack: at the manager deadline the cycle enters calibration and
 * nothing is released; missing reviews keep their ladder; HR reopens one, hears of the calibration due
 * date, and releases when ready (refused while the reopened review is pending). A restart during
 * calibration loses nothing and sends nothing twice.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;
const SELF = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'More' };
const REVIEW = { rating: '4', strengths: 'Delivery', areasToImprove: 'Estimates', comments: 'A good quarter' };

describe('a calibrated cycle', () => {
  const dir = tempDir('perfcycle-calibration-');
  let stack: LocalStack;
  let cycleId: string;
  let managerDue: number;
  let calibrationDue: number;
  const sent: Mail[] = [];

  async function newMail(): Promise<Mail[]> {
    await stack.settled();
    const mails = await mailbox(stack);
    await clearMailbox(stack);
    sent.push(...mails);
    return mails;
  }
  const advanceTo = async (instant: number) => {
    await stack.advance(instant - stack.clock.now());
    await stack.settled();
  };
  const status = async () => (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
  const actions = async () => (await auditOf(stack, cycleId)).map((event: any) => event.action) as string[];
  const run = (...argv: string[]) => cli(stack, dir.path, ...argv);

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await run('employees', 'import', 'roster.csv')).code).toBe(0);
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('refuses a calibration due date before the manager deadline, and launches a calibrated cycle', async () => {
    const now = stack.clock.now();
    const refused = await run(
      'cycle',
      'launch',
      '--name',
      'Cal Q',
      '--self-due',
      dateAfter(now, 7),
      '--manager-due',
      dateAfter(now, 14),
      '--calibration-due',
      dateAfter(now, 14),
      '--json',
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.err).details).toContain('calibrationDue must be after managerDue');
    expect((await hr(stack, 'GET', '/cycles')).body.cycles).toEqual([]);

    const launched = await run(
      'cycle',
      'launch',
      '--name',
      'Cal Q',
      '--self-due',
      dateAfter(now, 7),
      '--manager-due',
      dateAfter(now, 14),
      '--calibration-due',
      dateAfter(now, 24),
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    const cycle = JSON.parse(launched.out);
    cycleId = cycle.cycleId;
    managerDue = Date.parse(cycle.managerDue);
    calibrationDue = Date.parse(cycle.calibrationDue);
    expect(cycle.calibrationDue).toBe(`${dateAfter(now, 24)}T23:59:59.000Z`);
    const invitations = await newMail();
    for (const address of ['ann@example.com', 'bob@example.com']) {
      const invitation = invitations.find((mail) => mail.to === address)!;
      expect((await submitForm(linkIn(invitation, '/forms/self'), SELF)).status).toBe(303);
    }
  });

  it('enters calibration at the manager deadline and releases nothing; the missing review keeps its ladder', async () => {
    await advanceTo(Date.parse(`${dateAfter(stack.clock.now(), 8)}T12:00:00Z`));
    const request = (await newMail()).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('Cal Q: please review your team'),
    )!;
    const team = linkIn(request, '/forms/team');
    expect((await submitForm(`${team}&report=e1`, { employeeId: 'e1', ...REVIEW })).status).toBe(303);

    await advanceTo(managerDue + HOUR);
    const atDeadline = await newMail();
    expect(atDeadline.filter((mail) => mail.subject.includes('your review result'))).toEqual([]);
    expect(atDeadline.map((mail) => `${mail.to}|${mail.subject}`)).toContain(
      'maria@example.com|Cal Q: 1 overdue review of your team',
    );
    expect((await status()).phase).toBe('CALIBRATION');

    await advanceTo(managerDue + 2 * DAY + HOUR);
    const hrHeard = (await newMail()).filter((mail) => mail.to === 'hr@example.com');
    expect(hrHeard.map((mail) => mail.subject)).toContain('Cal Q: 2 manager reviews never submitted');
    expect((await status()).phase).toBe('CALIBRATION');
    expect((await status()).needsAttention).toBeNull();
  });

  it('reopens a missing manager review with a fresh link, and refuses one already submitted', async () => {
    const until = dateAfter(stack.clock.now(), 4);
    const submitted = await run(
      'cycle',
      'extend',
      cycleId,
      '--employee',
      'e1',
      '--review',
      'manager',
      '--until',
      until,
    );
    expect(submitted.code).toBe(1);
    expect(submitted.err).toContain('the manager review of e1 is already submitted');
    const reopened = await run('cycle', 'extend', cycleId, '--employee', 'e2', '--review', 'manager', '--until', until);
    expect(reopened.code, reopened.err).toBe(0);
    expect(reopened.out).toContain('the manager review of e2 is reopened until');
    const [fresh] = (await newMail()).filter((mail) => mail.subject.startsWith('Cal Q: please review Bob Prompt by'));
    expect(fresh.to).toBe('maria@example.com');
    const page = await (await fetch(linkIn(fresh, '/forms/team'))).text();
    expect(page).toContain('<h1>Review of Bob Prompt</h1>');
    expect(page).toContain('Submit review of Bob Prompt');
  });

  it('refuses a release while the reopened review is pending, naming it', async () => {
    const refused = await run('cycle', 'release', cycleId);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('reopened manager reviews are still pending');
    expect(refused.err).toContain('Bob Prompt (e2)');
    expect((await status()).phase).toBe('CALIBRATION');
  });

  it('reminds HR before the calibration due date, with the reviews still missing', async () => {
    await advanceTo(calibrationDue - 3 * DAY + HOUR);
    const reminders = (await newMail()).filter((mail) => mail.subject.startsWith('Reminder: Cal Q calibration due'));
    expect(reminders.map((mail) => mail.to)).toEqual(['hr@example.com']);
    expect(reminders[0].text).toContain('Bob Prompt (e2), manager: Maria Manager (m1)');
    expect(reminders[0].text).toContain('nothing is released until you do');
  });

  it('takes the reopened review late, during calibration', async () => {
    const fresh = sent.find((mail) => mail.subject.startsWith('Cal Q: please review Bob Prompt by'))!;
    const link = linkIn(fresh, '/forms/team');
    const late = await submitForm(link, { employeeId: 'e2', ...REVIEW, rating: '2' });
    expect(late.status).toBe(303);
    expect(late.html).toContain('HR is calibrating the ratings before releasing the results.');
    expect(late.html).toContain(
      'Your review is submitted, late: HR includes it in calibration. It can no longer be changed.',
    );
    expect(late.html).not.toContain('Submit changes');
    // Ann's on time, Bob's late; Maria's (HR reviews her) overdue.
    expect((await status()).counts.manager).toEqual({ pending: 0, submitted: 1, late: 1, overdue: 1 });
  });

  it('takes two adjustments: one by command, one from a file after its dry run; the manager is told each, with the reason', async () => {
    const byCommand = await run(
      'cycle',
      'adjust',
      cycleId,
      '--employee',
      'e1',
      '--rating',
      '5',
      '--reason',
      'Carried the launch for two teams',
    );
    expect(byCommand.code, byCommand.err).toBe(0);
    writeFileSync(join(dir.path, 'calibration.csv'), 'employeeId,rating,reason\ne2,3,In line with the team\n');
    const dry = await run('cycle', 'adjust', cycleId, '--csv', 'calibration.csv', '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('dry run: 1 would change, 0 unchanged, 0 refused; nothing saved');
    expect((await newMail()).map((mail) => mail.subject)).toEqual(["Cal Q: HR adjusted Ann Early's final rating"]);
    const applied = await run('cycle', 'adjust', cycleId, '--csv', 'calibration.csv');
    expect(applied.code, applied.err).toBe(0);
    const told = await newMail();
    expect(told.map((mail) => `${mail.to}|${mail.subject}`)).toEqual([
      "maria@example.com|Cal Q: HR adjusted Bob Prompt's final rating",
    ]);
    expect(told[0].text).toContain('In line with the team');
  });

  it('survives a restart during calibration: nothing lost, nothing sent twice', async () => {
    const before = await status();
    stack = await restartStack(stack, join(dir.path, 'data'));
    expect(await newMail()).toEqual([]);
    expect(await status()).toEqual(before);
    await advanceTo(calibrationDue + HOUR);
    const due = (await newMail()).filter((mail) => mail.subject.startsWith('Cal Q: calibration due today'));
    expect(due.map((mail) => mail.to)).toEqual(['hr@example.com']);
    // Only Maria's review (HR reviews her) is still missing now.
    expect(due[0].text).toContain('Maria Manager (m1), manager: HR');
    expect(due[0].text).not.toContain('Bob Prompt');
    // Past the due date, still nothing releases by itself.
    await advanceTo(calibrationDue + 5 * DAY);
    expect((await newMail()).filter((mail) => mail.subject.includes('your review result'))).toEqual([]);
    expect((await status()).phase).toBe('CALIBRATION');
  });

  it('releases when HR says so, once', async () => {
    const released = await run('cycle', 'release', cycleId, '--json');
    expect(released.code, released.err).toBe(0);
    expect(JSON.parse(released.out)).toEqual({ cycleId, phase: 'RELEASING', pendingReopened: [] });
    const results = (await newMail()).filter((mail) => mail.subject === 'Cal Q: your review result');
    expect(results.map((mail) => mail.to).sort()).toEqual(['ann@example.com', 'bob@example.com', 'maria@example.com']);
    const resultOf = (to: string) => results.find((mail) => mail.to === to)!.text;
    expect(resultOf('ann@example.com')).toContain('Final rating: 5 of 5 - Exceptional, set in calibration');
    expect(resultOf('bob@example.com')).toContain('Final rating: 3 of 5 - Meets expectations, set in calibration');
    expect(resultOf('bob@example.com')).not.toContain('In line with the team');
    expect(resultOf('maria@example.com')).toContain('HR will follow up');
    expect((await status()).phase).toBe('CLOSED');
    // After the release nothing is adjusted or reopened any more.
    expect(
      (await run('cycle', 'adjust', cycleId, '--employee', 'e1', '--rating', '4', '--reason', 'Too late')).code,
    ).toBe(1);
    const reopen = await run(
      'cycle',
      'extend',
      cycleId,
      '--employee',
      'm1',
      '--review',
      'manager',
      '--until',
      dateAfter(stack.clock.now(), 3),
    );
    expect(reopen.code).toBe(1);
    expect(reopen.err).toContain('a manager review can be reopened during the manager phase and calibration');
    const again = await hr(stack, 'POST', `/cycles/${cycleId}/release`, {});
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(`cycle ${cycleId} is closed: only a cycle in calibration is released by HR`);
    const audited = await actions();
    expect(audited).toEqual(
      expect.arrayContaining([
        'phase-changed',
        'review-reopened',
        'calibration-reminder',
        'calibration-due',
        'results-released',
        'cycle-closed',
      ]),
    );
    expect(audited.filter((action) => action === 'rating-adjusted')).toHaveLength(2);
  });

  it('sent no email twice', () => {
    // The reopened review's ladder tells Maria of its own deadline: same subject, another date.
    const overdue = sent.filter(
      (mail) => mail.to === 'maria@example.com' && mail.subject === 'Cal Q: 1 overdue review of your team',
    );
    expect(overdue).toHaveLength(2);
    expect(overdue[0].text).not.toBe(overdue[1].text);
    const keys = sent.map((mail) => `${mail.to}|${mail.subject}|${mail.text}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('calibrates by default when the settings say so, unless a launch opts out', async () => {
    expect((await hr(stack, 'PATCH', '/settings', { timings: { calibration: '7d' } })).status).toBe(200);
    const now = stack.clock.now();
    const dates = { selfDue: dateAfter(now, 7), managerDue: dateAfter(now, 14), allowOverlap: true };
    const byDefault = await hr(stack, 'POST', '/cycles', { name: 'Default calibrated', ...dates });
    expect(byDefault.status, JSON.stringify(byDefault.body)).toBe(201);
    expect(byDefault.body.calibrationDue).toBe(`${dateAfter(now, 21)}T23:59:59.000Z`);
    const optedOut = await hr(stack, 'POST', '/cycles', {
      name: 'Released by itself',
      ...dates,
      calibrationDue: false,
    });
    expect(optedOut.body.calibrationDue).toBeNull();
    const contradiction = await run(
      'cycle',
      'launch',
      '--name',
      'X',
      '--self-due',
      dates.selfDue,
      '--manager-due',
      dates.managerDue,
      '--calibration-due',
      dateAfter(now, 20),
      '--no-calibration',
    );
    expect(contradiction.code).toBe(2);
    expect(contradiction.err).toContain('--calibration-due and --no-calibration contradict each other');
    for (const launched of [byDefault, optedOut])
      expect((await hr(stack, 'POST', `/cycles/${launched.body.cycleId}/cancel`, {})).status).toBe(200);
  });
});
