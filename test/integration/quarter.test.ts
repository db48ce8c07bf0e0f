import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditOf,
  cli,
  clearMailbox,
  openForm,
  postForm,
  reportLink,
  restartStack,
  DAY,
  dateAfter,
  hr,
  HOUR,
  linkIn,
  mailbox,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';
import { expectCountersExact } from '../support/counters.ts';

/**
 * A whole quarter on the local stack: import, launch, invitations, on-time, late and missing
 * self-assessments, an extension, a restart in the middle, the manager phase, release and close.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
m2,Mark Lead,mark@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Never,cid@example.com,m1,Sales
e4,Dee Ontime,dee@example.com,m2,Sales
e5,Eve Late,eve@example.com,m2,Sales
e6,Fay Extended,fay@example.com,m2,Sales
`;

const SELF_ANSWERS = {
  overallRating: '4',
  wentWell: 'Closed the big deal',
  toImprove: 'Documentation',
  nextGoals: 'Grow the pipeline',
};

describe('a quarter on the local stack', () => {
  const dir = tempDir('perfcycle-quarter-');
  let stack: LocalStack;
  let cycleId: string;
  let selfDue: number;
  let managerDue: number;
  const sent: Mail[] = [];

  /** Mail since the last call, kept in `sent` too so the whole quarter can be checked for duplicates. */
  async function newMail(): Promise<Mail[]> {
    const mails = await mailbox(stack);
    await clearMailbox(stack);
    sent.push(...mails);
    return mails;
  }
  const to = (mails: Mail[], address: string) => mails.filter((mail) => mail.to === address);
  const advanceTo = (instant: number) => stack.advance(instant - stack.clock.now());

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('imports the directory and launches a cycle that invites every participant', async () => {
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    const imported = await cli(stack, dir.path, 'employees', 'import', 'roster.csv', '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({
      imported: 8,
      created: 8,
      updated: 0,
      unchanged: 0,
      encoding: 'UTF-8',
      separator: ',',
      sample: [],
    });
    const again = await cli(stack, dir.path, 'employees', 'import', 'roster.csv', '--json');
    expect(JSON.parse(again.out)).toEqual({
      imported: 8,
      created: 0,
      updated: 0,
      unchanged: 8,
      encoding: 'UTF-8',
      separator: ',',
      sample: [],
    });

    const now = stack.clock.now();
    const selfDate = dateAfter(now, 14);
    const managerDate = dateAfter(now, 24);
    selfDue = Date.parse(`${selfDate}T23:59:59Z`);
    managerDue = Date.parse(`${managerDate}T23:59:59Z`);
    const launched = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      '2026 Q4',
      '--self-due',
      selfDate,
      '--manager-due',
      managerDate,
      '--json',
    );
    expect(launched.code).toBe(0);
    cycleId = JSON.parse(launched.out).cycleId;
    expect(cycleId).toMatch(/^cyc_[0-9a-f]{16}$/);
    await stack.settled();

    const invitations = await newMail();
    expect(invitations).toHaveLength(8);
    for (const mail of invitations) {
      expect(mail.subject).toBe('2026 Q4: your self-assessment is open');
      expect(mail.text).toContain(`${selfDate.split('-')[0]}`);
      expect(linkIn(mail, '/forms/self')).toMatch(new RegExp(`^${stack.apiUrl}/forms/self\\?t=`));
    }
    expect(to(invitations, 'cid@example.com')[0].text).toContain('Hello Cid Never,');
  });

  it('takes self-assessments on time, and a page opened before a submission overwrites nothing', async () => {
    const invitations = sent.filter((mail) => mail.subject.endsWith('your self-assessment is open'));
    // Ann opens her form in a second tab before submitting in the first.
    const annLink = linkIn(to(invitations, 'ann@example.com')[0], '/forms/self');
    const secondTab = await openForm(annLink);
    for (const address of [
      'ann@example.com',
      'bob@example.com',
      'dee@example.com',
      'maria@example.com',
      'mark@example.com',
    ]) {
      const result = await submitForm(linkIn(to(invitations, address)[0], '/forms/self'), SELF_ANSWERS);
      expect(result.status).toBe(303);
      expect(result.html).toContain('Thank you: your self-assessment is submitted');
    }
    const second = await postForm(annLink, secondTab, { ...SELF_ANSWERS, overallRating: '1' });
    expect(second.status).toBe(409);
    expect(second.html).toContain('nothing from this page was saved');
    const reopened = await (await fetch(annLink)).text();
    expect(reopened).toContain('value="4" checked');
    expect(reopened).not.toContain('value="1" checked');

    const status = await hr(stack, 'GET', `/cycles/${cycleId}`);
    expect(status.body.phase).toBe('SELF_REVIEW');
    expect(status.body.counts.self).toEqual({ pending: 3, submitted: 5, late: 0, overdue: 0 });
  });

  it('reminds whoever is still pending three days before the deadline, once', async () => {
    await advanceTo(selfDue - 3 * DAY + HOUR);
    const reminders = await newMail();
    expect(reminders.map((mail) => mail.to).sort()).toEqual(['cid@example.com', 'eve@example.com', 'fay@example.com']);
    for (const mail of reminders) expect(mail.subject).toMatch(/^Reminder: 2026 Q4 self-assessment due /);
    await stack.advance(HOUR);
    expect(await newMail()).toEqual([]);
  });

  it('moves an extended person\u2019s ladder to the new date', async () => {
    const until = dateAfter(selfDue, 3);
    const extended = await cli(
      stack,
      dir.path,
      'cycle',
      'extend',
      cycleId,
      '--employee',
      'e6',
      '--until',
      until,
      '--json',
    );
    expect(extended.code).toBe(0);
    expect(JSON.parse(extended.out).until).toBe(`${until}T23:59:59.000Z`);
    await stack.settled();
    // Her new reminder falls three days before the new date, which is the old deadline.
    expect(await newMail()).toEqual([]);
  });

  it('at the deadline tells each manager about their overdue reports and opens the manager phase', async () => {
    await advanceTo(selfDue + HOUR);
    const mails = await newMail();
    const overdueToMaria = to(mails, 'maria@example.com').find((mail) =>
      mail.subject.includes('overdue self-assessment'),
    );
    expect(overdueToMaria?.subject).toBe('2026 Q4: 1 overdue self-assessment in your team');
    expect(overdueToMaria?.text).toContain('Cid Never');
    const overdueToMark = to(mails, 'mark@example.com').find((mail) =>
      mail.subject.includes('overdue self-assessment'),
    );
    expect(overdueToMark?.text).toContain('Eve Late');
    expect(overdueToMark?.text).not.toContain('Fay Extended');
    // Fay's reminder against her extended deadline went out at the old deadline.
    expect(to(mails, 'fay@example.com').map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/^Reminder: 2026 Q4 self-assessment due /),
    ]);
    const requests = mails.filter((mail) => mail.subject.startsWith('2026 Q4: please review your team'));
    expect(requests.map((mail) => mail.to).sort()).toEqual(['hr@example.com', 'maria@example.com', 'mark@example.com']);
    expect(to(requests, 'maria@example.com')[0].text).toMatch(/Ann Early[\s\S]*Bob Prompt[\s\S]*Cid Never/);

    const status = await hr(stack, 'GET', `/cycles/${cycleId}`);
    expect(status.body.phase).toBe('MANAGER_REVIEW');
    expect(status.body.counts.self).toEqual({ pending: 1, submitted: 5, late: 0, overdue: 2 });
    const overdue = await hr(stack, 'GET', `/cycles/${cycleId}/overdue?phase=self`);
    expect(overdue.body.overdue.map((o: any) => o.employeeId).sort()).toEqual(['e3', 'e5']);
    await expectCountersExact(stack, cycleId);
  });

  it('accepts a late self-assessment and records it as late', async () => {
    const invitation = sent.find((mail) => mail.to === 'eve@example.com' && mail.subject.endsWith('is open'))!;
    const result = await submitForm(linkIn(invitation, '/forms/self'), SELF_ANSWERS);
    expect(result.status).toBe(303);
    expect(result.html).toContain('(after the deadline)');
  });

  it('restarts in the middle of the cycle without losing or repeating anything', async () => {
    const before = (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
    stack = await restartStack(stack, join(dir.path, 'data'));
    expect(await newMail()).toEqual([]);
    const after = (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
    expect(after).toEqual(before);
    await expectCountersExact(stack, cycleId);
  });

  it('escalates to HR after the grace period, with the names still outstanding', async () => {
    await advanceTo(selfDue + 2 * DAY + HOUR);
    const mails = await newMail();
    const summary = to(mails, 'hr@example.com');
    expect(summary.map((mail) => mail.subject)).toEqual(['2026 Q4: 1 self-assessment still outstanding']);
    expect(summary[0].text).toContain('Cid Never (e3), manager: Maria Manager (m1)');
    expect(summary[0].text).not.toContain('Eve Late');
  });

  it('lets managers review their reports', async () => {
    const request = sent.find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('2026 Q4: please review your team'),
    )!;
    const team = linkIn(request, '/forms/team');
    const overview = await (await fetch(team)).text();
    expect(overview).toMatch(/Ann Early<\/a><\/th><td>Submitted<\/td><td>Not started<\/td>/);
    expect(overview).toMatch(/Cid Never<\/a><\/th><td>Not submitted \(overdue\)<\/td>/);
    expect(await (await fetch(reportLink(team, 'e1'))).text()).toContain('Closed the big deal');
    expect(await (await fetch(reportLink(team, 'e3'))).text()).toContain('Self-assessment not submitted (overdue)');
    for (const employeeId of ['e1', 'e2']) {
      const result = await submitForm(reportLink(team, employeeId), {
        employeeId,
        rating: '5',
        strengths: 'Closing',
        areasToImprove: 'Delegating',
        comments: `Great quarter, ${employeeId}`,
      });
      expect(result.status).toBe(303);
      expect(result.html).toContain('Your review is submitted.');
    }
    // Another team's report: refused before anything about them is read.
    const foreign = await postForm(team, await openForm(reportLink(team, 'e1')), {
      employeeId: 'e4',
      rating: '1',
      strengths: 'x',
      areasToImprove: 'y',
      comments: 'not mine',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.html).not.toContain('Dee Ontime');
    const markRequest = sent.find(
      (mail) => mail.to === 'mark@example.com' && mail.subject.startsWith('2026 Q4: please review your team'),
    )!;
    expect(
      (
        await submitForm(reportLink(linkIn(markRequest, '/forms/team'), 'e4'), {
          employeeId: 'e4',
          rating: '3',
          strengths: 'Steady',
          areasToImprove: 'Speed',
          comments: 'Solid',
        })
      ).status,
    ).toBe(303);
  });

  it('runs the manager ladder and releases results at the end', async () => {
    await advanceTo(managerDue - 3 * DAY + HOUR);
    const midPhase = await newMail();
    // Fay's extended deadline passed on the way: her manager, then HR, heard about her.
    const fayOverdue = to(midPhase, 'mark@example.com').find(
      (m) => m.subject === '2026 Q4: 1 overdue self-assessment in your team',
    );
    expect(fayOverdue?.text).toContain('Fay Extended');
    expect(
      to(midPhase, 'hr@example.com').find((m) => m.subject === '2026 Q4: 1 self-assessment still outstanding')?.text,
    ).toContain('Fay Extended (e6), manager: Mark Lead (m2)');
    const reviewReminders = midPhase.filter((m) => m.subject.startsWith('Reminder: 2026 Q4 team reviews due'));
    expect(reviewReminders.map((m) => m.to).sort()).toEqual([
      'hr@example.com',
      'maria@example.com',
      'mark@example.com',
    ]);
    expect(to(reviewReminders, 'maria@example.com')[0].text).toContain('Cid Never');
    expect(to(reviewReminders, 'maria@example.com')[0].text).not.toContain('Ann Early');
    expect(to(reviewReminders, 'mark@example.com')[0].text).toMatch(
      /Eve Late[\s\S]*Fay Extended|Fay Extended[\s\S]*Eve Late/,
    );

    await advanceTo(managerDue + HOUR);
    const overdue = await newMail();
    expect(to(overdue, 'mark@example.com').map((m) => m.subject)).toContain('2026 Q4: 2 overdue reviews of your team');

    await advanceTo(managerDue + 2 * DAY + HOUR);
    const closing = await newMail();
    const hrSummary = to(closing, 'hr@example.com').find((m) => m.subject.includes('never submitted'));
    expect(hrSummary?.text).toContain('Cid Never (e3), manager: Maria Manager (m1)');
    const results = closing.filter((mail) => mail.subject === '2026 Q4: your review result');
    expect(results).toHaveLength(8);
    const ann = to(results, 'ann@example.com')[0];
    expect(ann.text).toContain('Overall rating: 5 of 5 - Exceptional');
    // No goals and no competencies: the final score is the overall rating.
    expect(ann.text).toContain('Final score: 5 of 5 - Exceptional');
    expect(linkIn(ann, '/forms/results')).toContain('/forms/results?t=');
    expect(ann.text).toContain('Great quarter, e1');
    expect(to(results, 'cid@example.com')[0].text).toContain('HR will follow up');

    const status = (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
    expect(status.phase).toBe('CLOSED');
    expect(status.counts.self).toEqual({ pending: 0, submitted: 5, late: 1, overdue: 2 });
    expect(status.counts.manager).toEqual({ pending: 0, submitted: 3, late: 0, overdue: 5 });
    // After the whole quarter (on-time, late and missing submissions, an extension, a restart, the release):
    // what HR reads from the counters is what a count of every assessment gives.
    await expectCountersExact(stack, cycleId);
  });

  it('sent no email twice and audited every one', async () => {
    const keys = sent.map((mail) => `${mail.to}|${mail.subject}|${mail.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    const audit = await auditOf(stack, cycleId);
    const mailEvents = audit.filter((event: any) => event.action === 'mail-sent');
    expect(mailEvents).toHaveLength(sent.length);
    expect(audit.map((event: any) => event.action)).toEqual(
      expect.arrayContaining([
        'cycle-launched',
        'self-assessment-submitted',
        'deadline-extended',
        'phase-changed',
        'manager-review-submitted',
        'cycle-closed',
      ]),
    );
  });
});
