import { beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '#domain/time.ts';
import { releaseResults } from '#services/release.ts';
import type { GoalRecord } from '#store/goals.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { launched, review, ROSTER, serviceTestEnv } from '../support/services.ts';

/**
 * The release (services/release.ts) on the in-memory store: each participant gets their result once (the
 * review's headline and a link, or a note that HR follows up), then the cycle closes and the outcome of
 * each goal of its quarter is recorded.
 */
const clock = serviceTestEnv();
const RELEASED_AT = '2027-01-30T23:59:59.000Z';

function goal(employeeId: string, goalId: string, changes: Partial<GoalRecord>): GoalRecord {
  return {
    goalId,
    employeeId,
    title: goalId,
    kind: 'performance',
    weight: 50,
    due: '2027-01-15',
    dueAt: Date.parse('2027-01-15T23:59:59.000Z'),
    period: '2027-Q1',
    state: 'OPEN',
    progress: 0,
    checkIns: [],
    escalations: {},
    createdAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'hr:alice',
    department: 'Sales',
    ...changes,
  };
}

describe('releasing the results', () => {
  let store: MemoryStore;
  let cycleId: string;

  beforeEach(async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    store = new MemoryStore().addEmployees(...ROSTER);
    ({ cycleId } = await launched(store, { name: 'Q1 review', selfDue: '2027-01-18', managerDue: '2027-01-28' }));
    store.takeDelivered();
    store.submit(cycleId, 'e1', 'review', review(4, 'A strong quarter.'));
    store.submit(cycleId, 'e2', 'review', review(3, 'Steady.'));
    const bob = store.assessments.get(`${cycleId}#e2`);
    if (bob) bob.adjustment = { rating: 2, reason: 'Compared across teams', by: 'hr:alice', at: RELEASED_AT, from: 3 };
    await store.movePhase(cycleId, 'SELF_REVIEW', 'MANAGER_REVIEW', RELEASED_AT);
    await store.movePhase(cycleId, 'MANAGER_REVIEW', 'RELEASING', RELEASED_AT);
    clock.set(RELEASED_AT);
  });

  const resultTo = (to: string) => store.delivered.find((mail) => mail.to === to && mail.kind === 'result');

  it('sends each participant their result once and closes the cycle', async () => {
    const output = await releaseResults(cycleId, store);
    expect(output.phase).toBe('CLOSED');
    expect(output.acknowledgementReminderAt).toBeDefined();
    expect(store.takeDelivered()).toEqual(
      ['ann@example.com', 'bob@example.com', 'maria@example.com', 'otto@example.com'].map((to) => [
        to,
        'Q1 review: your review result',
      ]),
    );
    expect((await store.getCycle(cycleId))?.phase).toBe('CLOSED');
    expect(store.audit.filter((event) => event.action === 'cycle-closed')).toHaveLength(1);
    expect([...store.assessments.values()].every((assessment) => assessment.resultReleasedAt === RELEASED_AT)).toBe(
      true,
    );
    expect([...store.participations.values()].map((entry) => entry.employeeId).sort()).toEqual([
      'e1',
      'e2',
      'm1',
      'o1',
    ]);
  });

  it('gives the review’s headline and a link to the whole appraisal, HR’s rating where calibration set one, or says HR follows up', async () => {
    await releaseResults(cycleId, store);
    const ann = resultTo('ann@example.com')?.text;
    expect(ann).toContain('Maria Manager reviewed your performance');
    expect(ann).toContain('Final score: 4 of 5 - Exceeds expectations');
    expect(ann).toMatch(/https:\/\/perfcycle\.example\.com\/forms\/results\?t=\S+/);
    expect(resultTo('bob@example.com')?.text).toContain(
      'Final rating: 2 of 5 - Partly meets expectations, set in calibration',
    );
    const maria = resultTo('maria@example.com')?.text;
    expect(maria).toContain('HR will follow up');
    expect(maria).not.toContain('/forms/results');
  });

  it('sends nothing more when run again, and closes once', async () => {
    await releaseResults(cycleId, store);
    store.takeDelivered();
    expect((await releaseResults(cycleId, store)).phase).toBe('CLOSED');
    expect(store.delivered).toEqual([]);
    expect(store.audit.filter((event) => event.action === 'cycle-closed')).toHaveLength(1);
  });

  it('stays releasing while mail is still due, checks again at once, and sends only the rest next time', async () => {
    store.sendLimit = 3;
    const first = await releaseResults(cycleId, store);
    expect(first).toMatchObject({ phase: 'RELEASING', nextCheckAt: RELEASED_AT });
    expect((await store.getCycle(cycleId))?.phase).toBe('RELEASING');
    expect(store.takeDelivered()).toHaveLength(3);
    expect((await releaseResults(cycleId, store)).phase).toBe('CLOSED');
    expect(store.takeDelivered()).toHaveLength(1);
    expect([...store.mails.values()].filter((mail) => mail.kind === 'result')).toHaveLength(4);
  });

  it('records on closing how each goal of the quarter counted in one of the cycle’s departments stood', async () => {
    store
      .putGoal(goal('e1', 'met', { state: 'DONE', progress: 100, doneAt: Date.parse('2027-01-10T00:00:00Z') }))
      .putGoal(goal('e1', 'missed', {}))
      .putGoal(goal('e2', 'later', { due: '2027-03-20', dueAt: Date.parse('2027-03-20T23:59:59Z') }))
      .putGoal(goal('e2', 'last-quarter', { period: '2026-Q4' }))
      .putGoal(goal('e2', 'unknown-department', { department: undefined }))
      .putGoal(goal('o1', 'set-in-ops', { department: 'Ops' }))
      .putGoal(goal('x1', 'legal', { department: 'Legal' }));
    await releaseResults(cycleId, store);
    expect(
      store.audit
        .filter((event) => event.action.startsWith('goal-'))
        .map((event) => [event.employeeId, event.details?.goalId, event.action]),
    ).toEqual([
      ['e1', 'met', 'goal-met'],
      ['e1', 'missed', 'goal-missed'],
      ['e2', 'later', 'goal-open'],
      ['o1', 'set-in-ops', 'goal-missed'],
    ]);
  });

  it('leaves a cycle that is not releasing alone', async () => {
    await store.movePhase(cycleId, 'RELEASING', 'CANCELLED', RELEASED_AT);
    clock.advance(DAY_MS);
    expect((await releaseResults(cycleId, store)).phase).toBe('CANCELLED');
    expect(store.delivered).toEqual([]);
  });
});

describe('releasing upward reviews', () => {
  let store: MemoryStore;
  let cycleId: string;
  const answer = (text: string, rating?: number) => ({
    answers: { support: text, clarity: `${text} clarity`, change: `${text} change` },
    ...(rating === undefined ? {} : { rating }),
  });

  beforeEach(async () => {
    clock.set('2027-01-04T09:00:00.000Z');
    store = new MemoryStore().addEmployees(
      ...ROSTER,
      { employeeId: 'e3', name: 'Eve Third', email: 'eve@example.com', managerId: 'm1', department: 'Sales' },
      { employeeId: 'o2', name: 'Oli Two', email: 'oli@example.com', managerId: 'o1', department: 'Ops' },
      { employeeId: 'o3', name: 'Ola Three', email: 'ola@example.com', managerId: 'o1', department: 'Ops' },
    );
    ({ cycleId } = await launched(store, {
      name: 'Q1 review',
      selfDue: '2027-01-18',
      managerDue: '2027-01-28',
      upward: true,
    }));
    store
      .answerUpward(cycleId, 'm1', 'k1', answer('Maria one', 4))
      .answerUpward(cycleId, 'm1', 'k2', answer('Maria two', 5))
      .answerUpward(cycleId, 'm1', 'k3', answer('Maria three', 3))
      .answerUpward(cycleId, 'o1', 'k4', answer('Otto one', 2))
      .answerUpward(cycleId, 'o1', 'k5', answer('Otto two', 1));
    store.takeDelivered();
    await store.movePhase(cycleId, 'SELF_REVIEW', 'MANAGER_REVIEW', RELEASED_AT);
    await store.movePhase(cycleId, 'MANAGER_REVIEW', 'RELEASING', RELEASED_AT);
    clock.set(RELEASED_AT);
  });

  const upwardTo = (to: string) => store.delivered.filter((mail) => mail.to === to && mail.kind === 'upward-result');

  it('invites each report with a manager, counting them per manager', async () => {
    expect([...store.upwardCounters.values()].map((c) => [c.managerKey, c.asked, c.answers])).toEqual([
      ['m1', 3, 3],
      ['o1', 2, 2],
    ]);
  });

  it('gives a manager with enough answers all of them and the mean; one with too few only that, and deletes them', async () => {
    await releaseResults(cycleId, store);
    const [maria] = upwardTo('maria@example.com');
    for (const text of ['Maria one', 'Maria two', 'Maria three']) expect(maria.text).toContain(text);
    expect(maria.text).toContain('Mean rating: 4 of 5');
    const [otto] = upwardTo('otto@example.com');
    expect(otto.text).toContain('2 answered, and at least 3 are needed');
    expect(store.delivered.filter((mail) => mail.text.includes('Otto one'))).toEqual([]);
    expect(await store.listUpwardAnswers(cycleId, 'o1')).toEqual([]);
    expect(await store.listUpwardAnswers(cycleId, 'm1')).toHaveLength(3);
  });

  it('tells each manager once, however often the release runs', async () => {
    await releaseResults(cycleId, store);
    await store.movePhase(cycleId, 'CLOSED', 'RELEASING', RELEASED_AT);
    await releaseResults(cycleId, store);
    expect(upwardTo('maria@example.com')).toHaveLength(1);
    expect(upwardTo('otto@example.com')).toHaveLength(1);
  });
});
