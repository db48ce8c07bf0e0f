import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RuleViolation } from '#domain/cycle.ts';
import { DAY_MS, endOfDay } from '#domain/time.ts';
import { Conflict } from '#services/errors.ts';
import { launchCycle, launchParticipants, type LaunchRequest } from '#services/launch.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { HR_EMAIL, ROSTER, serviceTestEnv } from '../support/services.ts';

/**
 * HR's launch and the workflow's first task (services/launch.ts) on the in-memory store: a launch checks
 * everything before it creates anything, and the first task stores each active participant with their
 * reviewer and invites them, once.
 */
const clock = serviceTestEnv();
const CANCELLED_AT = '2027-01-05T00:00:00.000Z';
const Q1: LaunchRequest = { name: 'Q1 review', selfDue: '2027-01-18', managerDue: '2027-01-28' };

describe('launchCycle', () => {
  let store: MemoryStore;

  beforeEach(() => {
    clock.set('2027-01-04T09:00:00.000Z');
    store = new MemoryStore().addEmployees(...ROSTER);
  });

  /** What a refused launch must leave as it was: cycles, executions, audit and mail. */
  const stored = () => ({
    cycles: [...store.cycles.keys()],
    executions: store.executions.length,
    audit: store.audit.length,
    mails: store.mails.size,
  });

  async function refusal(request: LaunchRequest): Promise<RuleViolation> {
    const before = stored();
    const error = await launchCycle(request, 'hr:alice', store).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(stored()).toEqual(before);
    if (!(error instanceof RuleViolation)) throw new Error(`expected a refusal, got ${String(error)}`);
    return error;
  }

  it('creates the cycle with its deadlines at the end of their days, starts its workflow and audits the launch', async () => {
    const cycle = await launchCycle(Q1, 'hr:alice', store);
    expect(cycle).toMatchObject({
      name: 'Q1 review',
      phase: 'SELF_REVIEW',
      selfDue: endOfDay('2027-01-18', 'UTC'),
      managerDue: endOfDay('2027-01-28', 'UTC'),
      timings: { reminderLeadMs: 3 * DAY_MS, hrGraceMs: 2 * DAY_MS },
      period: '2027-Q1',
      createdBy: 'hr:alice',
      warnings: [],
    });
    expect(cycle.cycleId).toMatch(/^cyc_[0-9a-f]{16}$/);
    expect(store.executions).toEqual([{ cycleId: cycle.cycleId, generation: 0, executionArn: cycle.executionArn }]);
    expect(await store.getCycle(cycle.cycleId)).toMatchObject({
      executionArn: cycle.executionArn,
      executionGeneration: 0,
    });
    expect(store.audit).toEqual([
      expect.objectContaining({ action: 'cycle-launched', actor: 'hr:alice', details: { participants: 4 } }),
    ]);
    // The participants and their invitations are the workflow's first task.
    expect(store.assessments.size).toBe(0);
    expect(store.delivered).toEqual([]);
  });

  it('refuses deadlines in the past or out of order, naming each problem', async () => {
    const refused = await refusal({ ...Q1, selfDue: '2027-01-03', managerDue: '2027-01-02' });
    expect(refused.message).toBe('invalid deadlines');
    expect(refused.details).toEqual(['selfDue must be in the future', 'managerDue must be after selfDue']);
  });

  it('refuses a launch with nobody to review', async () => {
    store.employees.clear();
    expect((await refusal(Q1)).details).toEqual(['the directory is empty: import it first']);
    store.addEmployees({ ...ROSTER[4] });
    expect((await refusal(Q1)).details).toEqual(['everyone in the directory is deactivated: activate people first']);
  });

  it('refuses upward reviews where nobody has a manager to review, creating nothing', async () => {
    const refused = await refusal({ ...Q1, department: 'Ops', upward: true });
    expect(refused.message).toBe('no upward reviews');
    expect(refused.details).toEqual([
      'nobody in this cycle has a manager to review: HR reviews all 1 participants; launch without upward',
    ]);
  });

  it('snapshots the upward questions and the threshold in force at launch', async () => {
    const cycle = await launchCycle({ ...Q1, upward: true }, 'hr:alice', store);
    expect((await store.getCycle(cycle.cycleId))!.upward).toEqual({
      questions: store.settings.settings.upwardQuestions,
      threshold: 3,
    });
    const plain = await launchCycle({ ...Q1, allowOverlap: true }, 'hr:alice', store);
    expect((await store.getCycle(plain.cycleId))!.upward).toBeUndefined();
  });

  it('refuses an unknown department with the list of existing ones', async () => {
    const refused = await refusal({ ...Q1, department: 'Marketing' });
    expect(refused.message).toBe('unknown department');
    expect(refused.details).toEqual([
      'nobody in the directory has department "Marketing"; the departments are: "Ops", "Sales"',
    ]);
  });

  it('matches a department regardless of case and spaces, and takes only its active people', async () => {
    const cycle = await launchCycle({ ...Q1, department: ' sales ' }, 'hr:alice', store);
    expect(cycle.department).toBe('Sales');
    await launchParticipants(cycle.cycleId, store);
    expect([...store.assessments.values()].map((assessment) => assessment.employeeId)).toEqual(['e1', 'e2', 'm1']);
  });

  it('refuses a second cycle for the same people and quarter, naming the running one, unless HR says it is intended', async () => {
    const first = await launchCycle({ ...Q1, department: 'Sales' }, 'hr:alice', store);
    for (const department of [undefined, 'SALES']) {
      const refused = await refusal({ ...Q1, name: 'Again', ...(department ? { department } : {}) });
      expect(refused).toBeInstanceOf(Conflict);
      expect(refused.message).toBe('a running cycle already reviews these people for 2027-Q1');
      expect(refused.details.join('\n')).toContain(`"Q1 review" (${first.cycleId})`);
    }
    // Ops is nobody's overlap, another quarter neither, and HR may insist.
    await launchCycle({ ...Q1, name: 'Ops', department: 'Ops' }, 'hr:alice', store);
    await launchCycle({ ...Q1, name: 'Sales Q2', department: 'Sales', period: '2027-Q2' }, 'hr:alice', store);
    await launchCycle({ ...Q1, name: 'Sales again', department: 'Sales', allowOverlap: true }, 'hr:alice', store);
    expect(store.cycles.size).toBe(4);
    // A cancelled cycle is no overlap.
    const sales = [...store.cycles.values()].filter(
      (cycle) => cycle.department === 'Sales' && cycle.period === '2027-Q1',
    );
    for (const cycle of sales) await store.movePhase(cycle.cycleId, 'SELF_REVIEW', 'CANCELLED', CANCELLED_AT);
    await launchCycle({ ...Q1, name: 'Sales fresh', department: 'Sales' }, 'hr:alice', store);
  });

  it('launches with a warning when the manager deadline is within the reminder lead of the self deadline', async () => {
    const cycle = await launchCycle({ ...Q1, managerDue: '2027-01-20' }, 'hr:alice', store);
    expect(cycle.warnings).toHaveLength(1);
    expect(cycle.warnings[0]).toContain(
      'the manager deadline is 2 days after the self deadline, within the reminder lead of 3 days',
    );
    expect(store.audit[0].details?.warnings).toBe(cycle.warnings[0]);
  });
});

describe('launchParticipants', () => {
  let store: MemoryStore;
  let cycleId: string;

  beforeEach(async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    store = new MemoryStore().addEmployees(...ROSTER);
    ({ cycleId } = await launchCycle(Q1, 'hr:alice', store));
  });

  it('stores every active participant, pending, with their reviewer (HR for people without a manager)', async () => {
    await launchParticipants(cycleId, store);
    expect(
      [...store.assessments.values()].map((a) => [
        a.employeeId,
        a.managerKey,
        a.managerEmail,
        a.selfStatus,
        a.reviewStatus,
      ]),
    ).toEqual([
      ['e1', 'm1', 'maria@example.com', 'PENDING', 'PENDING'],
      ['e2', 'm1', 'maria@example.com', 'PENDING', 'PENDING'],
      ['m1', 'HR', HR_EMAIL, 'PENDING', 'PENDING'],
      ['o1', 'HR', HR_EMAIL, 'PENDING', 'PENDING'],
    ]);
    expect((await store.getCycle(cycleId))?.participantCount).toBe(4);
    expect(store.audit.at(-1)).toMatchObject({ action: 'participants-snapshotted', details: { participants: 4 } });
  });

  it('invites each of them once, with a link to their self-assessment', async () => {
    const output = await launchParticipants(cycleId, store);
    expect(output).toMatchObject({ cycleId, phase: 'SELF_REVIEW' });
    const invitations = store.delivered.map((mail) => [mail.to, mail.subject]);
    expect(invitations).toEqual(
      ['ann@example.com', 'bob@example.com', 'maria@example.com', 'otto@example.com'].map((to) => [
        to,
        'Q1 review: your self-assessment is open',
      ]),
    );
    expect(store.delivered[0].text).toMatch(/https:\/\/perfcycle\.example\.com\/forms\/self\?t=\S+/);
  });

  it('reads the cycle once, and sends the invitations it queued from memory without reading the outbox for more', async () => {
    const getCycle = vi.spyOn(store, 'getCycle');
    const flushOutbox = vi.spyOn(store, 'flushOutbox');
    await launchParticipants(cycleId, store);
    expect(getCycle).toHaveBeenCalledTimes(1);
    expect(flushOutbox).toHaveBeenCalledTimes(1);
    const [, options] = flushOutbox.mock.calls[0];
    expect(options?.onlyFirst).toBe(true);
    expect(options?.cycle?.record).toEqual(await getCycle.mock.results[0].value);
    expect(options?.first?.map((mail) => mail.to)).toEqual(store.delivered.map((mail) => mail.to));
  });

  it('run again reads the outbox for what an earlier run left queued', async () => {
    await launchParticipants(cycleId, store);
    const flushOutbox = vi.spyOn(store, 'flushOutbox');
    await launchParticipants(cycleId, store);
    expect(flushOutbox.mock.calls[0][1]).toMatchObject({ first: [], onlyFirst: false });
  });

  it('run again (an execution resuming the cycle) writes nothing again, sends nothing and checks at once', async () => {
    await launchParticipants(cycleId, store);
    store.submit(cycleId, 'e1', 'self');
    store.takeDelivered();
    const audited = store.audit.length;
    const again = await launchParticipants(cycleId, store);
    expect(store.delivered).toEqual([]);
    expect(store.audit).toHaveLength(audited);
    expect(store.assessments.get(`${cycleId}#e1`)?.selfStatus).toBe('SUBMITTED');
    expect(again.nextCheckAt).toBe(new Date(clock.advance(0)).toISOString());
  });

  it('leaves a cycle that is no longer running alone', async () => {
    await store.movePhase(cycleId, 'SELF_REVIEW', 'CANCELLED', CANCELLED_AT);
    expect((await launchParticipants(cycleId, store)).phase).toBe('CANCELLED');
    expect(store.assessments.size).toBe(0);
    expect(store.delivered).toEqual([]);
  });
});
