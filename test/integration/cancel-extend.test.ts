import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDeadline } from '../../functions/domain/time.ts';
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
  openForm,
  postForm,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';
import { expectCountersExact } from '../support/counters.ts';

/**
 * Steering a running cycle: cancelling stops it for good (one note each, then silence, old links say so),
 * and an extension moves one person's reminder without touching anyone else's.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Never,cid@example.com,m1,Sales
`;
const PARTICIPANTS = ['ann@example.com', 'bob@example.com', 'cid@example.com', 'maria@example.com'];
const SELF_ANSWERS = {
  overallRating: '4',
  wentWell: 'Closed the big deal',
  toImprove: 'Documentation',
  nextGoals: 'Grow the pipeline',
};

describe('cancelling and extending a running cycle', () => {
  const dir = tempDir('perfcycle-cancel-extend-');
  let stack: LocalStack;

  async function newMail(): Promise<Mail[]> {
    await stack.settled();
    const mails = await mailbox(stack);
    await clearMailbox(stack);
    return mails;
  }
  const to = (mails: Mail[], address: string) => mails.filter((mail) => mail.to === address);
  const advanceTo = (instant: number) => stack.advance(instant - stack.clock.now());

  /** Launches a Sales cycle due in 14 / 24 days through the CLI; returns its id, deadlines and invitations. */
  async function launch(name: string) {
    const now = stack.clock.now();
    const selfDate = dateAfter(now, 14);
    const managerDate = dateAfter(now, 24);
    const launched = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      name,
      '--self-due',
      selfDate,
      '--manager-due',
      managerDate,
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    const invitations = await newMail();
    expect(invitations.map((mail) => mail.to).sort()).toEqual(PARTICIPANTS);
    return {
      cycleId: JSON.parse(launched.out).cycleId as string,
      selfDate,
      selfDue: Date.parse(`${selfDate}T23:59:59Z`),
      managerDue: Date.parse(`${managerDate}T23:59:59Z`),
      invitations,
    };
  }

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    const imported = await cli(stack, dir.path, 'employees', 'import', 'roster.csv');
    expect(imported.code, imported.err).toBe(0);
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  describe('cancel', () => {
    let cycle: Awaited<ReturnType<typeof launch>>;
    let openTab: Record<string, string>;
    const selfLink = (address: string) => linkIn(to(cycle.invitations, address)[0], '/forms/self');

    beforeAll(async () => {
      cycle = await launch('2026 Q4');
      // Ann submits; Bob opens his form in a tab and leaves it there.
      expect((await submitForm(selfLink('ann@example.com'), SELF_ANSWERS)).status).toBe(303);
      openTab = await openForm(selfLink('bob@example.com'));
      expect(openTab.formToken).toBeTruthy();
    });

    it('cancels through the CLI and sends each participant exactly one note', async () => {
      const cancelled = await cli(stack, dir.path, 'cycle', 'cancel', cycle.cycleId);
      expect(cancelled.code, cancelled.err).toBe(0);
      expect(cancelled.out).toBe(`cancelled ${cycle.cycleId}; 4 participants notified`);
      const notes = await newMail();
      expect(notes.map((mail) => mail.to).sort()).toEqual(PARTICIPANTS);
      for (const mail of notes) {
        expect(mail.subject).toBe('2026 Q4 has been cancelled');
        expect(mail.text).toContain('HR has cancelled the review cycle "2026 Q4"');
        expect(mail.html).not.toContain('/forms/');
      }
      expect(to(notes, 'cid@example.com')[0].text).toContain('Hello Cid Never,');
    });

    it('reports the cycle as CANCELLED and stops its workflow', async () => {
      const status = await cli(stack, dir.path, 'cycle', 'status', cycle.cycleId, '--json');
      expect(status.code, status.err).toBe(0);
      const body = JSON.parse(status.out);
      expect(body.phase).toBe('CANCELLED');
      expect(body.closedAt).toEqual(expect.any(String));
      expect(body.counts.self).toEqual({ pending: 3, submitted: 1, late: 0, overdue: 0 });
      expect((await cli(stack, dir.path, 'cycle', 'status', cycle.cycleId)).out).toContain(
        `2026 Q4 (${cycle.cycleId}): CANCELLED`,
      );
      const executions = stack.runner.list().filter((execution) => execution.name.startsWith(cycle.cycleId));
      expect(executions.length).toBeGreaterThan(0);
      for (const execution of executions) expect(['ABORTED', 'SUCCEEDED']).toContain(execution.status);
      const actions = (await auditOf(stack, cycle.cycleId)).map((event: any) => event.action);
      expect(actions).toContain('cycle-cancelled');
      expect(actions.filter((action: string) => action === 'mail-sent')).toHaveLength(8);
    });

    it('sends nothing more while 30 days pass, across every deadline of the cycle', async () => {
      const before = (await hr(stack, 'GET', `/cycles/${cycle.cycleId}`)).body;
      await stack.advance(30 * DAY);
      expect(stack.clock.now()).toBeGreaterThan(cycle.managerDue + 2 * DAY);
      expect(await newMail()).toEqual([]);
      const after = (await hr(stack, 'GET', `/cycles/${cycle.cycleId}`)).body;
      expect(after).toEqual(before);
      expect(after.counts.self.overdue).toBe(0);
      expect((await hr(stack, 'GET', `/cycles/${cycle.cycleId}/overdue?phase=self`)).body.overdue).toEqual([]);
      await expectCountersExact(stack, cycle.cycleId);
    });

    it('answers old links with a page saying the cycle was cancelled', async () => {
      for (const address of PARTICIPANTS) {
        const response = await fetch(selfLink(address));
        const html = await response.text();
        expect(response.status, address).toBe(410);
        expect(html).toContain('This review cycle was cancelled');
        expect(html).toContain('HR cancelled &quot;2026 Q4&quot;');
        expect(html).not.toContain('<form');
      }
      // The tab Bob left open before the cancellation cannot submit either.
      const late = await postForm(selfLink('bob@example.com'), openTab, SELF_ANSWERS);
      expect(late.status).toBe(410);
      expect(late.html).toContain('This review cycle was cancelled');
      expect((await hr(stack, 'GET', `/cycles/${cycle.cycleId}`)).body.counts.self).toEqual({
        pending: 3,
        submitted: 1,
        late: 0,
        overdue: 0,
      });
      expect(await newMail()).toEqual([]);
    });

    it('refuses to cancel or extend it again with 409', async () => {
      const again = await hr(stack, 'POST', `/cycles/${cycle.cycleId}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ error: `cycle ${cycle.cycleId} is cancelled`, details: [] });
      const viaCli = await cli(stack, dir.path, 'cycle', 'cancel', cycle.cycleId);
      expect(viaCli.code).toBe(1);
      expect(viaCli.err).toContain(`cycle ${cycle.cycleId} is cancelled`);
      const extend = await hr(stack, 'POST', `/cycles/${cycle.cycleId}/extensions`, {
        employeeId: 'e2',
        until: dateAfter(stack.clock.now(), 5),
      });
      expect(extend.status).toBe(409);
      expect(await newMail()).toEqual([]);
      const actions = (await auditOf(stack, cycle.cycleId)).map((event: any) => event.action);
      expect(actions.filter((action: string) => action === 'cycle-cancelled')).toHaveLength(1);
    });
  });

  describe('extend', () => {
    let cycle: Awaited<ReturnType<typeof launch>>;
    let until: string;
    let extendedDue: number;
    const reminders = (mails: Mail[]) =>
      mails.filter((mail) => mail.subject.startsWith('Reminder: 2026 Q1 self-assessment due '));

    beforeAll(async () => {
      cycle = await launch('2026 Q1');
      const bob = linkIn(to(cycle.invitations, 'bob@example.com')[0], '/forms/self');
      expect((await submitForm(bob, SELF_ANSWERS)).status).toBe(303);
    });

    it('refuses to extend someone who already submitted (409)', async () => {
      const response = await hr(stack, 'POST', `/cycles/${cycle.cycleId}/extensions`, {
        employeeId: 'e2',
        until: dateAfter(cycle.selfDue, 3),
      });
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ error: 'e2 has already submitted the self-assessment', details: [] });
      expect((await hr(stack, 'GET', `/cycles/${cycle.cycleId}`)).body.extensions).toEqual({});
    });

    it('extends e1 by five days before any reminder', async () => {
      until = dateAfter(cycle.selfDue, 5);
      extendedDue = Date.parse(`${until}T23:59:59Z`);
      const response = await hr(stack, 'POST', `/cycles/${cycle.cycleId}/extensions`, { employeeId: 'e1', until });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ cycleId: cycle.cycleId, employeeId: 'e1', until: `${until}T23:59:59.000Z` });
      expect(await newMail()).toEqual([]);
      const status = (await hr(stack, 'GET', `/cycles/${cycle.cycleId}`)).body;
      expect(status.extensions).toEqual({ e1: `${until}T23:59:59.000Z` });
    });

    it('at the original reminder time reminds the others but not e1', async () => {
      await advanceTo(cycle.selfDue - 3 * DAY + HOUR);
      const mails = await newMail();
      expect(
        reminders(mails)
          .map((mail) => mail.to)
          .sort(),
      ).toEqual(['cid@example.com', 'maria@example.com']);
      for (const mail of reminders(mails))
        expect(mail.subject).toBe(`Reminder: 2026 Q1 self-assessment due ${formatDeadline(cycle.selfDue, 'UTC')}`);
      expect(to(mails, 'ann@example.com')).toEqual([]);
    });

    it('leaves e1 out of the overdue notices at the original deadline', async () => {
      await advanceTo(cycle.selfDue + HOUR);
      const mails = await newMail();
      expect(to(mails, 'ann@example.com')).toEqual([]);
      const overdue = to(mails, 'maria@example.com').find((mail) => mail.subject.includes('overdue self-assessment'));
      expect(overdue?.text).toContain('Cid Never');
      expect(overdue?.text).not.toContain('Ann Early');
      const status = (await hr(stack, 'GET', `/cycles/${cycle.cycleId}`)).body;
      const overdueList = (await hr(stack, 'GET', `/cycles/${cycle.cycleId}/overdue?phase=self`)).body.overdue;
      expect(overdueList.map((o: any) => o.employeeId).sort()).toEqual(['e3', 'm1']);
      expect(status.counts.self).toEqual({ pending: 1, submitted: 1, late: 0, overdue: 2 });
      // e1's own deadline is later: pending, not overdue, in the counts as in the list.
      await expectCountersExact(stack, cycle.cycleId);
    });

    it('reminds e1 at the new reminder time, once, against the new date', async () => {
      await advanceTo(extendedDue - 3 * DAY - HOUR);
      expect(to(await newMail(), 'ann@example.com')).toEqual([]);
      await advanceTo(extendedDue - 3 * DAY + HOUR);
      const mails = await newMail();
      const annReminders = reminders(to(mails, 'ann@example.com'));
      expect(annReminders).toHaveLength(1);
      expect(annReminders[0].subject).toBe(
        `Reminder: 2026 Q1 self-assessment due ${formatDeadline(extendedDue, 'UTC')}`,
      );
      expect(reminders(mails).map((mail) => mail.to)).toEqual(['ann@example.com']);
      await stack.advance(HOUR);
      expect(reminders(await newMail())).toEqual([]);
    });
  });
  describe('custom timings', () => {
    it('reminds and escalates on the timings HR launched the cycle with', async () => {
      const now = stack.clock.now();
      const selfDate = dateAfter(now, 14);
      const selfDue = Date.parse(`${selfDate}T23:59:59Z`);
      const args = [
        '--name',
        'Timings Q4',
        '--self-due',
        selfDate,
        '--manager-due',
        dateAfter(now, 24),
        '--reminder-lead',
        '5d',
        '--hr-grace',
        '1d',
        // The extend section's cycle still runs for the same people; whether it reviews the same quarter depends
        // on today's date (from December on, both do), so this second cycle says it is intended.
        '--allow-overlap',
        '--json',
      ];
      const launched = await cli(stack, dir.path, 'cycle', 'launch', ...args);
      expect(launched.code, launched.err).toBe(0);
      expect(JSON.parse(launched.out)).toMatchObject({ reminderLeadMs: 5 * DAY, hrGraceMs: DAY });
      const ours = (mails: Mail[]) => mails.filter((mail) => mail.subject.includes('Timings Q4'));
      await newMail();

      await advanceTo(selfDue - 5 * DAY - HOUR);
      expect(ours(await newMail())).toEqual([]);
      await advanceTo(selfDue - 5 * DAY + HOUR);
      expect(
        ours(await newMail())
          .map((mail) => mail.to)
          .sort(),
      ).toEqual(PARTICIPANTS);
      await advanceTo(selfDue + DAY - HOUR);
      expect(
        ours(await newMail()).filter(
          (mail) => mail.to === 'hr@example.com' && mail.subject.includes('still outstanding'),
        ),
      ).toEqual([]);
      await advanceTo(selfDue + DAY + HOUR);
      const hrSummary = ours(await newMail()).filter(
        (mail) => mail.to === 'hr@example.com' && mail.subject.includes('still outstanding'),
      );
      expect(hrSummary.map((mail) => mail.subject)).toEqual(['Timings Q4: 4 self-assessments still outstanding']);
    });
  });
});
