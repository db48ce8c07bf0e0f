import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goalsOwingSteps, runGoalWatch } from '../../functions/cycle/goals.ts';
import { DEFAULT_GOAL_TIMINGS } from '../../functions/domain/goals.ts';
import { clearMailbox, cli, DAY, dateAfter, hr, mailbox, startLocalStack, tempDir, type LocalStack } from '../support/local.ts';

/** Setting goals (issue 3, first part): through the CLI and the API, with the weight and date rules. */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
`;

describe('goals', () => {
  const dir = tempDir('perfcycle-goals-');
  let stack: LocalStack;
  let due: string;

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    due = dateAfter(stack.clock.now(), 20);
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('sets goals through the CLI and lists them with status and progress', async () => {
    const added = await cli(stack, dir.path, 'goals', 'add', '--employee', 'e1', '--title', 'Close 10 deals', '--due', due, '--weight', '60', '--target', '10 signed contracts', '--json');
    expect(added.code, added.err).toBe(0);
    const goal = JSON.parse(added.out);
    expect(goal).toMatchObject({ employeeId: 'e1', title: 'Close 10 deals', due, weight: 60, kind: 'performance', target: '10 signed contracts', state: 'OPEN', progress: 0 });
    expect(goal.dueAt).toBe(`${due}T23:59:59.000Z`);
    const development = await cli(stack, dir.path, 'goals', 'add', '--employee', 'e1', '--title', 'AWS certification', '--due', dateAfter(stack.clock.now(), 10), '--kind', 'development', '--json');
    expect(development.code, development.err).toBe(0);

    const listed = await cli(stack, dir.path, 'goals', 'list', '--employee', 'e1', '--json');
    expect(JSON.parse(listed.out).goals.map((g: any) => [g.title, g.kind, g.outcome, g.progress])).toEqual([
      ['AWS certification', 'development', 'open', 0],
      ['Close 10 deals', 'performance', 'open', 0],
    ]);
    const human = await cli(stack, dir.path, 'goals', 'list', '--employee', 'e1');
    expect(human.out).toContain('Close 10 deals');
  });

  it('refuses weights over 100 in one quarter and stores nothing', async () => {
    const over = await cli(stack, dir.path, 'goals', 'add', '--employee', 'e1', '--title', 'Too much', '--due', due, '--weight', '41');
    expect(over.code).toBe(1);
    expect(over.err).toContain('invalid goal');
    expect(over.err).toMatch(/would add up to 101; at most 100 \(40 left\)/);
    expect((await hr(stack, 'GET', '/employees/e1/goals')).body.goals).toHaveLength(2);
  });

  it('answers bad goals with a clear 4xx and stores nothing', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/employees/e1/goals', { title: '', due }, 400, 'title is required'],
      ['/employees/e1/goals', { title: 'x', due: dateAfter(stack.clock.now(), -1) }, 400, 'due must not be in the past'],
      ['/employees/e1/goals', { title: 'x', due: '2027-02-30' }, 400, 'due must be a date YYYY-MM-DD'],
      ['/employees/e1/goals', { title: 'x', due, weight: 101 }, 400, 'weight must be a whole number from 0 to 100'],
      ['/employees/e1/goals', { title: 'x', due, weight: '30' }, 400, 'weight must be a whole number from 0 to 100'],
      ['/employees/e1/goals', { title: 'x', due, kind: 'secret' }, 400, 'kind must be performance or development'],
      ['/employees/e1/goals', { title: 'x'.repeat(201), due }, 400, 'title is longer than 200 characters'],
      ['/employees/e1/goals', { title: 'x', due, owner: 'm1' }, 400, 'invalid request'],
      ['/employees/nobody/goals', { title: 'x', due }, 404, 'employee nobody not found'],
      ['/employees/%3Cscript%3E/goals', { title: 'x', due }, 400, 'invalid employeeId'],
    ];
    for (const [path, body, status, message] of cases) {
      const response = await hr(stack, 'POST', path, body);
      expect(response.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      expect([response.body.error, ...response.body.details].join('\n')).toContain(message);
    }
    expect((await hr(stack, 'GET', '/employees/e1/goals')).body.goals).toHaveLength(2);
    expect((await hr(stack, 'GET', '/employees/nobody/goals')).status).toBe(404);
    const unauthenticated = await fetch(`${stack.apiUrl}/employees/e1/goals`);
    expect(unauthenticated.status).toBe(401);
  });

  it('finds through the open-goals index only the goals that owe a step', async () => {
    const owing = async () =>
      (await goalsOwingSteps(stack.clock.now(), DEFAULT_GOAL_TIMINGS)).map(({ goal, steps }) => [goal.title, steps]).sort();
    // "AWS certification" is due in 10 days, "Close 10 deals" in 20: neither is inside the 7-day reminder lead yet.
    expect(await owing()).toEqual([]);
    await stack.advance(4 * DAY);
    expect(await owing()).toEqual([['AWS certification', ['REMINDER']]]);
    await stack.advance(7 * DAY);
    expect(await owing()).toEqual([['AWS certification', ['MISSED']]]);
  });

  it('emails the owner and the manager about a missed goal, then HR with the recommended step, each once', async () => {
    await clearMailbox(stack);
    expect(await runGoalWatch()).toMatchObject({ steps: 1, sent: 2 });
    const missed = await mailbox(stack);
    expect(missed.map((mail) => [mail.to, mail.subject]).sort()).toEqual([
      ['ann@example.com', 'Your goal "AWS certification" was not met by its due date'],
      ['maria@example.com', 'Ann Early\'s goal "AWS certification" was not met by its due date'],
    ]);
    expect(missed[0].text).toContain('Progress: 0%');
    await clearMailbox(stack);
    expect(await runGoalWatch()).toEqual({ steps: 0, sent: 0 });
    expect(await mailbox(stack)).toEqual([]);

    await stack.advance(7 * DAY);
    expect(await runGoalWatch()).toMatchObject({ steps: 2, sent: 2 });
    const later = await mailbox(stack);
    const toHr = later.find((mail) => mail.to === 'hr@example.com');
    expect(toHr?.subject).toBe('Missed goal still open: Ann Early, "AWS certification"');
    expect(toHr?.text).toContain('manager: Maria Manager');
    expect(toHr?.text).toContain('Recommended next step: a one-to-one');
    const reminder = later.find((mail) => mail.to === 'ann@example.com');
    expect(reminder?.subject).toMatch(/^Reminder: your goal "Close 10 deals" is due /);
    // Fully escalated, the missed goal has left the open-goals index.
    expect((await goalsOwingSteps(stack.clock.now(), DEFAULT_GOAL_TIMINGS)).map(({ goal }) => goal.title)).toEqual([]);
  });
});
