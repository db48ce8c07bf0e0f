import { beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '#domain/time.ts';
import { runCheckpoint } from '#services/checkpoint.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { HR_EMAIL, launched, review, ROSTER, serviceTestEnv } from '../support/services.ts';

/**
 * The reminder ladder of each deadline (services/checkpoint.ts) on the in-memory store: a reminder to whoever
 * is still pending, at the deadline the manager (HR for people without one), after the grace period HR; each
 * once, however often the checkpoint runs. Default timings: reminders 3 days ahead, HR 2 days after.
 */
const clock = serviceTestEnv();
const SECOND = 1000;

/** A table that fails every ladder-step write, as after the mail of the step was queued. */
class CrashingStore extends MemoryStore {
  crashes = true;
  override async recordLadderStep(...args: Parameters<MemoryStore['recordLadderStep']>): Promise<boolean> {
    if (this.crashes) throw new Error('table unavailable');
    return super.recordLadderStep(...args);
  }
}

describe('the reminder ladder', () => {
  let store: MemoryStore;
  let cycleId: string;
  let selfDue: number;
  let managerDue: number;

  beforeEach(async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    store = new MemoryStore().addEmployees(...ROSTER);
    ({ cycleId, selfDue, managerDue } = await launched(store, {
      name: 'Q1 review',
      selfDue: '2027-01-18',
      managerDue: '2027-01-28',
    }));
    store.takeDelivered(); // the invitations: see launch.test.ts
  });

  /** Runs a checkpoint at `at` and answers the phase it reports and the mail it sent. */
  async function checkpointAt(at: number) {
    clock.set(at);
    const output = await runCheckpoint(cycleId, store);
    return { phase: output.phase, mail: store.takeDelivered() };
  }

  it('sends nothing before the reminder lead', async () => {
    expect(await checkpointAt(selfDue - 3 * DAY_MS - SECOND)).toEqual({ phase: 'SELF_REVIEW', mail: [] });
  });

  it('reminds whoever is still pending three days before the deadline, once', async () => {
    store.submit(cycleId, 'e1', 'self');
    const reminded = await checkpointAt(selfDue - 3 * DAY_MS);
    expect(reminded.phase).toBe('SELF_REVIEW');
    expect(reminded.mail).toEqual(
      ['bob@example.com', 'maria@example.com', 'otto@example.com'].map((to) => [
        to,
        expect.stringMatching(/^Reminder: Q1 review self-assessment due /),
      ]),
    );
    // The checkpoint queued its mail under a claim marker, and removed it once that mail was sent.
    expect(store.claimMarkers.size).toBe(0);
    expect(await checkpointAt(selfDue - 3 * DAY_MS + SECOND)).toEqual({ phase: 'SELF_REVIEW', mail: [] });
    expect(await checkpointAt(selfDue - DAY_MS)).toEqual({ phase: 'SELF_REVIEW', mail: [] });
    // One record of the step for the deadline, however many it reminded: the mails name them.
    expect(store.audit.filter((event) => event.action === 'self-reminder')).toEqual([
      expect.objectContaining({ details: { due: new Date(selfDue).toISOString(), people: 3 } }),
    ]);
    expect(
      [...store.mails.values()].filter((mail) => mail.kind === 'self-reminder').flatMap((mail) => mail.about),
    ).toEqual(expect.arrayContaining(['e2', 'm1', 'o1']));
  });

  it('at the deadline tells each manager (HR for those without one) who is overdue, and opens the manager phase', async () => {
    store.submit(cycleId, 'e1', 'self');
    const atDeadline = await checkpointAt(selfDue + SECOND);
    expect(atDeadline.phase).toBe('MANAGER_REVIEW');
    expect(atDeadline.mail).toEqual([
      [HR_EMAIL, 'Q1 review: 2 overdue self-assessments in your team'],
      [HR_EMAIL, expect.stringMatching(/^Q1 review: please review your team by /)],
      ['maria@example.com', 'Q1 review: 1 overdue self-assessment in your team'],
      ['maria@example.com', expect.stringMatching(/^Q1 review: please review your team by /)],
    ]);
    const toMaria = [...store.mails.values()].find((mail) => mail.kind === 'self-overdue' && mail.to !== HR_EMAIL);
    expect(toMaria?.text).toContain('Bob Late');
    expect(toMaria?.text).not.toContain('Ann Early');
    expect((await store.getCycle(cycleId))?.phase).toBe('MANAGER_REVIEW');
    expect(store.audit.filter((event) => event.action === 'phase-changed')).toHaveLength(1);
    // Nobody got a reminder before the deadline: an item that became due without one goes straight to overdue.
    expect(store.audit.filter((event) => event.action === 'self-reminder')).toEqual([]);
  });

  it('escalates to HR after the grace period with the names still outstanding, once', async () => {
    store.submit(cycleId, 'e1', 'self');
    await checkpointAt(selfDue - 3 * DAY_MS);
    await checkpointAt(selfDue + SECOND);
    store.submit(cycleId, 'm1', 'self'); // late, in the manager phase
    expect(await checkpointAt(selfDue + 2 * DAY_MS - SECOND)).toEqual({ phase: 'MANAGER_REVIEW', mail: [] });
    const escalated = await checkpointAt(selfDue + 2 * DAY_MS);
    expect(escalated.mail).toEqual([[HR_EMAIL, 'Q1 review: 2 self-assessments still outstanding']]);
    const toHr = [...store.mails.values()].find((mail) => mail.kind === 'self-hr');
    expect(toHr?.text).toContain('Bob Late');
    expect(toHr?.text).toContain('Otto Ops');
    expect(toHr?.text).not.toContain('Maria Manager (m1), manager');
    expect(await checkpointAt(selfDue + 2 * DAY_MS + SECOND)).toEqual({ phase: 'MANAGER_REVIEW', mail: [] });
  });

  it('runs the manager ladder against the manager deadline, then moves the cycle to release', async () => {
    await checkpointAt(selfDue + 2 * DAY_MS); // the whole self ladder, and the manager phase
    store.submit(cycleId, 'e1', 'review', review(4, 'A strong quarter.'));

    const reminded = await checkpointAt(managerDue - 3 * DAY_MS);
    expect(reminded.mail).toEqual([
      [HR_EMAIL, expect.stringMatching(/^Reminder: Q1 review team reviews due /)],
      ['maria@example.com', expect.stringMatching(/^Reminder: Q1 review team reviews due /)],
    ]);
    const overdue = await checkpointAt(managerDue + SECOND);
    expect(overdue.mail).toEqual([
      [HR_EMAIL, 'Q1 review: 2 overdue reviews of your team'],
      ['maria@example.com', 'Q1 review: 1 overdue review of your team'],
    ]);
    expect(overdue.phase).toBe('MANAGER_REVIEW');

    const released = await checkpointAt(managerDue + 2 * DAY_MS);
    expect(released).toEqual({
      phase: 'RELEASING',
      mail: [[HR_EMAIL, 'Q1 review: 3 manager reviews never submitted']],
    });
    expect((await store.getCycle(cycleId))?.phase).toBe('RELEASING');
  });

  it('sends nothing twice when every checkpoint runs again, and records each step of the deadline once', async () => {
    const points = [selfDue - 3 * DAY_MS, selfDue + SECOND, selfDue + 2 * DAY_MS, managerDue - 3 * DAY_MS];
    for (const at of points) {
      await checkpointAt(at);
      await checkpointAt(at);
    }
    const sent = [...store.mails.values()].map((mail) => mail.mailId);
    expect(new Set(sent).size).toBe(sent.length);
    expect([...store.mails.values()].every((mail) => mail.status === 'SENT')).toBe(true);
    const steps = store.audit
      .filter((event) => event.actor === 'system' && event.details?.people !== undefined)
      .map((event) => [event.action, event.details?.people]);
    // Four people, each through the self ladder's three steps and the review reminder: each step recorded once.
    expect(steps).toEqual([
      ['self-reminder', 4],
      ['self-overdue', 4],
      ['self-hr-escalation', 4],
      ['manager-reminder', 4],
    ]);
  });

  it('retried after a crash that left its mail queued, and sent by the outbox flusher once the dead sender’s lease ran out, sends it once', async () => {
    const crashing = new CrashingStore().addEmployees(...ROSTER);
    ({ cycleId, selfDue } = await launched(crashing, {
      name: 'Q1 review',
      selfDue: '2027-01-18',
      managerDue: '2027-01-28',
    }));
    crashing.takeDelivered();
    clock.set(selfDue - 3 * DAY_MS);
    await expect(runCheckpoint(cycleId, crashing)).rejects.toThrow('table unavailable');
    // Its mail was stored outside the outbox index: the claim marker it wrote first stays, standing for it there.
    expect([...crashing.claimMarkers]).toEqual([expect.stringMatching(new RegExp(`^${cycleId}#`))]);
    // The mail was queued claimed by the checkpoint's sender: the scheduled flusher leaves it to that sender
    // until its lease (MAIL_LEASE_SECONDS, 300 s) runs out, then sends it.
    await crashing.flushOutbox(cycleId);
    expect(crashing.takeDelivered()).toEqual([]);
    clock.advance(300_000);
    await crashing.flushOutbox(cycleId);
    expect(crashing.takeDelivered()).toHaveLength(4);
    crashing.crashes = false;
    await runCheckpoint(cycleId, crashing);
    expect(crashing.takeDelivered()).toEqual([]);
    expect(crashing.audit.filter((event) => event.action === 'self-reminder')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ people: 4 }) }),
    ]);
  });

  it('leaves a cycle that is no longer running alone', async () => {
    await store.movePhase(cycleId, 'SELF_REVIEW', 'CANCELLED', new Date(selfDue).toISOString());
    expect(await checkpointAt(selfDue + 3 * DAY_MS)).toEqual({ phase: 'CANCELLED', mail: [] });
  });
});

describe('a cycle with its own timings and an extension', () => {
  it('reminds and escalates on the timings HR launched it with, and moves an extended person’s ladder to their date', async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    const store = new MemoryStore().addEmployees(...ROSTER);
    const { cycleId, selfDue } = await launched(store, {
      name: 'Timings Q1',
      selfDue: '2027-01-18',
      managerDue: '2027-01-28',
      reminderLead: 5 * DAY_MS,
      hrGrace: DAY_MS,
    });
    const extendedTo = selfDue + 8 * DAY_MS;
    const cycle = store.cycles.get(cycleId);
    if (cycle) cycle.extensions = { e1: extendedTo };
    store.takeDelivered();
    const run = async (at: number) => {
      clock.set(at);
      await runCheckpoint(cycleId, store);
      return store.takeDelivered().filter(([, subject]) => subject.includes('self-assessment'));
    };
    expect(await run(selfDue - 5 * DAY_MS - SECOND)).toEqual([]);
    expect((await run(selfDue - 5 * DAY_MS)).map(([to]) => to)).toEqual([
      'bob@example.com',
      'maria@example.com',
      'otto@example.com',
    ]);
    const overdue = await run(selfDue + SECOND);
    expect(overdue.map(([to, subject]) => `${to}: ${subject}`)).toEqual([
      `${HR_EMAIL}: Timings Q1: 2 overdue self-assessments in your team`,
      'maria@example.com: Timings Q1: 1 overdue self-assessment in your team',
    ]);
    expect(await run(selfDue + DAY_MS)).toEqual([[HR_EMAIL, 'Timings Q1: 3 self-assessments still outstanding']]);
    // Ann's own ladder, against her extended date.
    expect(await run(extendedTo - 5 * DAY_MS)).toEqual([
      ['ann@example.com', expect.stringMatching(/^Reminder: Timings Q1 self-assessment due Tue, 26 Jan 2027/)],
    ]);
    expect(await run(extendedTo + SECOND)).toEqual([
      ['maria@example.com', 'Timings Q1: 1 overdue self-assessment in your team'],
    ]);
  });
});

describe('a calibrated cycle', () => {
  it('enters calibration at the manager deadline, reminds HR of the due date a lead before it and on it, each once, and waits for HR', async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    const store = new MemoryStore().addEmployees(...ROSTER);
    const { cycleId, managerDue } = await launched(store, {
      name: 'Q1 calibrated',
      selfDue: '2027-01-18',
      managerDue: '2027-01-28',
      calibrationDue: '2027-02-04',
    });
    const calibrationDue = managerDue + 7 * DAY_MS;
    const run = async (at: number) => {
      clock.set(at);
      const output = await runCheckpoint(cycleId, store);
      return { output, mail: store.takeDelivered().filter(([, subject]) => subject.includes('calibration')) };
    };
    expect((await run(managerDue + SECOND)).output.phase).toBe('CALIBRATION');
    const reminder = await run(calibrationDue - 3 * DAY_MS);
    expect(reminder.mail).toEqual([[HR_EMAIL, expect.stringMatching(/^Reminder: Q1 calibrated calibration due /)]]);
    expect((await run(calibrationDue - 2 * DAY_MS)).mail).toEqual([]);
    const due = await run(calibrationDue);
    expect(due.mail).toEqual([[HR_EMAIL, expect.stringMatching(/^Q1 calibrated: calibration due today/)]]);
    expect(due.output).toMatchObject({ phase: 'CALIBRATION', awaitingRelease: true });
    expect((await run(calibrationDue + 5 * DAY_MS)).mail).toEqual([]);
    expect((await store.getCycle(cycleId))?.phase).toBe('CALIBRATION');
  });
});

describe('peer reviewers', () => {
  it('get one reminder in the lead before the person\u2019s self deadline, none once answered, and no escalation', async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    const store = new MemoryStore().addEmployees(...ROSTER);
    const { cycleId, selfDue, managerDue } = await launched(store, {
      name: 'Q1 peers',
      selfDue: '2027-01-18',
      managerDue: '2027-01-28',
    });
    const peer = (reviewerId: string, reviewerName: string, status: 'PENDING' | 'SUBMITTED') => ({
      cycleId,
      employeeId: 'e1',
      name: 'Ann Early',
      department: 'Sales',
      managerKey: 'm1',
      managerName: 'Maria Manager',
      reviewerId,
      reviewerName,
      reviewerEmail: `${reviewerId}@example.com`,
      assignedAt: '2027-01-04T09:00:00.000Z',
      status,
    });
    store.putPeerReview(peer('e2', 'Bob Late', 'PENDING')).putPeerReview(peer('o1', 'Otto Ops', 'SUBMITTED'));
    store.takeDelivered();
    const peerMail = async (at: number) => {
      clock.set(at);
      await runCheckpoint(cycleId, store);
      return store.takeDelivered().filter(([, subject]) => subject.includes('peer review'));
    };
    expect(await peerMail(selfDue - 3 * DAY_MS - SECOND)).toEqual([]);
    expect(await peerMail(selfDue - 3 * DAY_MS)).toEqual([
      ['e2@example.com', expect.stringMatching(/^Reminder: your peer review of Ann Early is due Mon, 18 Jan 2027/)],
    ]);
    expect(await peerMail(selfDue - DAY_MS)).toEqual([]);
    expect(await peerMail(selfDue + SECOND)).toEqual([]);
    expect(await peerMail(selfDue + 3 * DAY_MS)).toEqual([]);
    expect(await peerMail(managerDue + SECOND)).toEqual([]);
  });
});
