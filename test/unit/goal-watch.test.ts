import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckIn } from '#domain/goals.ts';
import { DAY_MS } from '#domain/time.ts';
import { runGoalWatch } from '#services/goals.ts';
import type { GoalRecord } from '#store/goals.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { HR_EMAIL, ROSTER, serviceTestEnv } from '../support/services.ts';

/**
 * The daily goal watch (runGoalWatch in services/goals.ts) on the in-memory store: a reminder to the owner
 * 7 days before the due date, at the due date the owner and their manager (HR for people without one) hear
 * it was missed, 7 days later HR; each once, however often the watch runs. Two at-risk check-ins in a row
 * reach the manager before the due date.
 */
const clock = serviceTestEnv();
const DUE_AT = Date.parse('2027-01-14T23:59:59.000Z');

function goal(employeeId: string, title: string, changes: Partial<GoalRecord> = {}): GoalRecord {
  return {
    goalId: `goal_${title.toLowerCase().replaceAll(' ', '_')}`,
    employeeId,
    title,
    kind: 'performance',
    weight: 40,
    due: '2027-01-14',
    dueAt: DUE_AT,
    period: '2027-Q1',
    state: 'OPEN',
    progress: 20,
    checkIns: [],
    escalations: {},
    createdAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'hr:alice',
    ...changes,
  };
}

const atRisk = (at: string): CheckIn => ({ at, progress: 20, status: 'AT_RISK', by: 'employee:e1' });

describe('the goal watch', () => {
  let store: MemoryStore;

  beforeEach(() => {
    store = new MemoryStore()
      .addEmployees(...ROSTER)
      .putGoal(goal('e1', 'AWS certification'))
      .putGoal(goal('e1', 'Write the playbook', { state: 'DONE', progress: 100, doneAt: DUE_AT - 5 * DAY_MS }))
      .putGoal(goal('o1', 'Ops runbook'))
      .putGoal(goal('e2', 'Close 10 deals', { due: '2027-02-14', dueAt: Date.parse('2027-02-14T23:59:59.000Z') }));
  });

  /** Runs the watch on `day` at 09:00 UTC and answers its counts and the mail it sent. */
  async function watchOn(day: string) {
    clock.set(`${day}T09:00:00.000Z`);
    const counts = await runGoalWatch(store);
    return { ...counts, mail: store.takeDelivered() };
  }

  it('sends nothing while no goal is within the reminder lead', async () => {
    expect(await watchOn('2027-01-07')).toEqual({ steps: 0, sent: 0, mail: [] });
  });

  it('reminds the owners of open goals due within a week, once', async () => {
    expect(await watchOn('2027-01-08')).toEqual({
      steps: 2,
      sent: 2,
      mail: [
        ['ann@example.com', expect.stringMatching(/^Reminder: your goal "AWS certification" is due /)],
        ['otto@example.com', expect.stringMatching(/^Reminder: your goal "Ops runbook" is due /)],
      ],
    });
    expect(store.delivered).toEqual([]);
    expect(await watchOn('2027-01-08')).toEqual({ steps: 0, sent: 0, mail: [] });
    expect(await watchOn('2027-01-09')).toEqual({ steps: 0, sent: 0, mail: [] });
  });

  it('tells the owner and their manager of a missed goal, HR where there is no manager', async () => {
    await watchOn('2027-01-08');
    const missed = await watchOn('2027-01-15');
    expect(missed).toMatchObject({ steps: 2, sent: 4 });
    expect(missed.mail).toEqual([
      ['ann@example.com', 'Your goal "AWS certification" was not met by its due date'],
      [HR_EMAIL, 'Otto Ops\'s goal "Ops runbook" was not met by its due date'],
      ['maria@example.com', 'Ann Early\'s goal "AWS certification" was not met by its due date'],
      ['otto@example.com', 'Your goal "Ops runbook" was not met by its due date'],
    ]);
    expect(await watchOn('2027-01-16')).toEqual({ steps: 0, sent: 0, mail: [] });
  });

  it('escalates a goal still open after the grace period to HR, once, and then leaves it alone', async () => {
    await watchOn('2027-01-08');
    await watchOn('2027-01-15');
    expect(await watchOn('2027-01-21')).toEqual({ steps: 0, sent: 0, mail: [] });
    const escalated = await watchOn('2027-01-22');
    expect(escalated.mail).toEqual([
      [HR_EMAIL, 'Missed goal still open: Ann Early (e1), "AWS certification"'],
      [HR_EMAIL, 'Missed goal still open: Otto Ops (o1), "Ops runbook"'],
    ]);
    const toHr = [...store.mails.values()].find((mail) => mail.mailId === 'HR_ESCALATION#goal_aws_certification#hr');
    expect(toHr?.text).toContain('manager: Maria Manager (m1)');
    expect(toHr?.text).toContain('Recommended next step: a one-to-one');
    expect(await watchOn('2027-01-22')).toEqual({ steps: 0, sent: 0, mail: [] });
    // Fully escalated goals leave the open-goals index: the watch no longer reads them.
    expect((await store.listOpenGoalsDueBy(Date.parse('2027-12-31'))).map((open) => open.title)).toEqual([
      'Close 10 deals',
    ]);
  });

  it('recommends an improvement plan to HR when the owner missed a goal before', async () => {
    store.putGoal(
      goal('e1', 'Old goal', {
        due: '2026-11-30',
        dueAt: Date.parse('2026-11-30T23:59:59.000Z'),
        period: '2026-Q4',
        escalations: { MISSED: '2026-12-01T09:00:00.000Z', HR_ESCALATION: '2026-12-08T09:00:00.000Z' },
      }),
    );
    await watchOn('2027-01-22');
    const toHr = [...store.mails.values()].find((mail) => mail.mailId === 'HR_ESCALATION#goal_aws_certification#hr');
    expect(toHr?.text).toContain('Recommended next step: an improvement plan');
  });

  it('takes every step a goal owes at once when the watch did not run for weeks, each once', async () => {
    const late = await watchOn('2027-01-25');
    // The reminder is only worth sending before the due date: missed and HR are owed.
    expect(late.mail.filter(([, subject]) => subject.startsWith('Reminder'))).toEqual([]);
    expect(late.mail).toHaveLength(6);
    expect(await watchOn('2027-01-25')).toEqual({ steps: 0, sent: 0, mail: [] });
  });

  it('tells the manager when a goal was at risk twice in a row, before its due date', async () => {
    store.putGoal(
      goal('e2', 'Close 10 deals', {
        due: '2027-02-14',
        dueAt: Date.parse('2027-02-14T23:59:59.000Z'),
        checkIns: [atRisk('2027-02-01T10:00:00.000Z'), atRisk('2027-02-05T10:00:00.000Z')],
      }),
    );
    const flagged = await watchOn('2027-02-08');
    expect(flagged.mail).toContainEqual([
      'maria@example.com',
      'Bob Late\'s goal "Close 10 deals" has been at risk twice in a row',
    ]);
    expect((await watchOn('2027-02-09')).mail).toEqual([]);
  });

  it('sends nothing about goals that are done or cancelled, or whose owner left the directory', async () => {
    store.goals.clear();
    store
      .putGoal(goal('e1', 'Write the playbook', { state: 'DONE', progress: 100, doneAt: DUE_AT - DAY_MS }))
      .putGoal(goal('e1', 'Dropped', { state: 'CANCELLED' }))
      .putGoal(goal('gone', 'Orphan'));
    for (const day of ['2027-01-08', '2027-01-15', '2027-01-22'])
      expect(await watchOn(day)).toEqual({ steps: 0, sent: 0, mail: [] });
  });
});
