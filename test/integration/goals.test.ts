import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goalsOwingSteps, runGoalWatch } from '../../functions/services/goals.ts';
import { DEFAULT_GOAL_TIMINGS } from '../../functions/domain/goals.ts';
import {
  addGoalByCli,
  clearMailbox,
  cli,
  restartStack,
  DAY,
  dateAfter,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

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
    const added = await cli(
      stack,
      dir.path,
      'goals',
      'add',
      '--employee',
      'e1',
      '--title',
      'Close 10 deals',
      '--due',
      due,
      '--weight',
      '60',
      '--target',
      '10 signed contracts',
      '--json',
    );
    expect(added.code, added.err).toBe(0);
    const goal = JSON.parse(added.out);
    expect(goal).toMatchObject({
      employeeId: 'e1',
      title: 'Close 10 deals',
      due,
      weight: 60,
      kind: 'performance',
      target: '10 signed contracts',
      state: 'OPEN',
      progress: 0,
    });
    expect(goal.dueAt).toBe(`${due}T23:59:59.000Z`);
    const development = await cli(
      stack,
      dir.path,
      'goals',
      'add',
      '--employee',
      'e1',
      '--title',
      'AWS certification',
      '--due',
      dateAfter(stack.clock.now(), 10),
      '--kind',
      'development',
      '--json',
    );
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
    const over = await cli(
      stack,
      dir.path,
      'goals',
      'add',
      '--employee',
      'e1',
      '--title',
      'Too much',
      '--due',
      due,
      '--weight',
      '41',
    );
    expect(over.code).toBe(1);
    expect(over.err).toContain('invalid goal');
    expect(over.err).toMatch(/would add up to 101; at most 100 \(40 left\)/);
    expect((await hr(stack, 'GET', '/employees/e1/goals')).body.goals).toHaveLength(2);
  });

  it('answers bad goals with a clear 4xx and stores nothing', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/employees/e1/goals', { title: '', due }, 400, 'title is required'],
      [
        '/employees/e1/goals',
        { title: 'x', due: dateAfter(stack.clock.now(), -1) },
        400,
        'due must not be in the past',
      ],
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

  it('emails the owner a link to their goals page, where check-ins are kept as history and 100 % marks a goal done', async () => {
    const set = (await mailbox(stack)).filter(
      (mail) => mail.to === 'ann@example.com' && mail.subject === 'New goal: Close 10 deals',
    );
    expect(set).toHaveLength(1);
    expect(set[0].text).toContain('Target: 10 signed contracts');
    const link = linkIn(set[0], '/forms/goals');
    const page = await (await fetch(link)).text();
    expect(page).toContain('<h1>Your goals</h1>');
    expect(page).toContain('Close 10 deals');

    // Each check-in is posted from a freshly opened page, as a person posting one after another would.
    const goals = (await hr(stack, 'GET', '/employees/e1/goals')).body.goals;
    const closeDeals = goals.find((g: any) => g.title === 'Close 10 deals').goalId;
    const first = await postForm(link, await openForm(link), {
      goalId: closeDeals,
      progress: '20',
      status: 'AT_RISK',
      note: 'Two <b>big</b> deals slipped',
    });
    expect(first.status).toBe(303);
    expect(first.html).toContain('Your check-in was saved.');
    expect(first.html).toContain('20%, At risk - Two &lt;b&gt;big&lt;/b&gt; deals slipped');
    const second = await postForm(link, await openForm(link), {
      goalId: closeDeals,
      progress: '40',
      status: 'ON_TRACK',
    });
    expect(second.html).toMatch(/40%, On track<\/li><li>.*20%, At risk/);
    const bad = await postForm(link, await openForm(link), { goalId: closeDeals, progress: '140', status: 'ON_TRACK' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Progress must be a whole number from 0 to 100');

    const playbookId = await addGoalByCli(stack, dir.path, {
      employee: 'e1',
      title: 'Write the playbook',
      due: dateAfter(stack.clock.now(), 8),
    });
    const done = await postForm(link, await openForm(link), {
      goalId: playbookId,
      progress: '100',
      status: 'ON_TRACK',
      note: 'Published',
    });
    expect(done.status).toBe(303);
    const again = await postForm(link, await openForm(link), {
      goalId: playbookId,
      progress: '100',
      status: 'ON_TRACK',
    });
    expect(again.status).toBe(409);
    const listed = (await hr(stack, 'GET', '/employees/e1/goals')).body.goals;
    expect(listed.map((g: any) => [g.title, g.state, g.progress, g.outcome, g.checkIns.length])).toEqual([
      ['Write the playbook', 'DONE', 100, 'met', 1],
      ['AWS certification', 'OPEN', 0, 'open', 0],
      ['Close 10 deals', 'OPEN', 40, 'open', 2],
    ]);
    // A goals link does not open the self-assessment form.
    const foreign = await fetch(`${stack.apiUrl}/forms/self?t=${new URL(link).searchParams.get('t')}`);
    expect(foreign.status).toBe(403);
  });

  it('takes check-ins and cancellations from HR or the manager through the CLI', async () => {
    const add = (title: string, days: number) =>
      addGoalByCli(stack, dir.path, { employee: 'e1', title, due: dateAfter(stack.clock.now(), days) });
    const rust = await add('Learn Rust', 40);
    await clearMailbox(stack);
    for (const status of ['AT_RISK', 'OFF_TRACK']) {
      const checkIn = await cli(
        stack,
        dir.path,
        'goals',
        'check-in',
        '--employee',
        'e1',
        '--goal',
        rust,
        '--progress',
        '10',
        '--status',
        status,
        '--note',
        'No time',
        '--json',
      );
      expect(checkIn.code, checkIn.err).toBe(0);
      expect(JSON.parse(checkIn.out).checkIns.at(-1)).toMatchObject({
        progress: 10,
        status,
        note: 'No time',
        by: 'hr:local-hr',
      });
    }
    // The second at-risk check-in in a row reaches the manager at once, a single time, saying who posted them.
    const told = await mailbox(stack);
    expect(told.map((mail) => [mail.to, mail.subject])).toEqual([
      ['maria@example.com', 'Ann Early\'s goal "Learn Rust" has been at risk twice in a row'],
    ]);
    expect(told[0].text).toContain("HR marked Ann Early's goal at risk or off track in two check-ins in a row:");
    const third = await cli(
      stack,
      dir.path,
      'goals',
      'check-in',
      '--employee',
      'e1',
      '--goal',
      rust,
      '--progress',
      '12',
      '--status',
      'AT_RISK',
    );
    expect(third.code, third.err).toBe(0);
    expect(await mailbox(stack)).toHaveLength(1);
    const old = await add('Old goal', 9);
    const cancelled = await cli(stack, dir.path, 'goals', 'cancel', '--employee', 'e1', '--goal', old, '--json');
    expect(JSON.parse(cancelled.out).state).toBe('CANCELLED');
    const again = await cli(stack, dir.path, 'goals', 'cancel', '--employee', 'e1', '--goal', old);
    expect(again.code).toBe(1);
    expect(again.err).toContain('only open goals can be cancelled');
    const bad = await cli(
      stack,
      dir.path,
      'goals',
      'check-in',
      '--employee',
      'e1',
      '--goal',
      rust,
      '--progress',
      'lots',
      '--status',
      'FINE',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('progress must be a whole number from 0 to 100');
    expect(bad.err).toContain('status must be ON_TRACK, AT_RISK or OFF_TRACK');
    expect(
      (await hr(stack, 'POST', `/employees/e1/goals/goal_unknown/check-ins`, { progress: 5, status: 'ON_TRACK' }))
        .status,
    ).toBe(404);
    expect((await hr(stack, 'POST', `/employees/e1/goals/not-a-goal/cancel`, {})).status).toBe(400);
  });

  it('finds through the open-goals index only the goals that owe a step', async () => {
    // "AWS certification" is due in 10 days, "Close 10 deals" in 20: neither is inside the 7-day reminder lead yet.
    expect(await goalsOwingSteps(stack.clock.now(), DEFAULT_GOAL_TIMINGS)).toEqual([]);
  });

  it('runs the goal watch once a day as the clock moves: reminder, missed to owner and manager, then HR, each once', async () => {
    await clearMailbox(stack);
    const subjects = async () => {
      const mails = (await mailbox(stack)).map((mail) => [mail.to, mail.subject]).sort();
      await clearMailbox(stack);
      return mails;
    };
    const runsBefore = stack.goalWatch.list().length;
    await stack.advance(5 * DAY);
    // Five days later: five daily runs, one reminder for the goal due in 10 days.
    expect(stack.goalWatch.list().length - runsBefore).toBe(5);
    expect(stack.goalWatch.list().every((execution) => execution.status === 'SUCCEEDED')).toBe(true);
    expect(await subjects()).toEqual([
      ['ann@example.com', expect.stringMatching(/^Reminder: your goal "AWS certification" is due /)],
    ]);

    await stack.advance(7 * DAY);
    expect(await subjects()).toEqual([
      ['ann@example.com', 'Your goal "AWS certification" was not met by its due date'],
      ['maria@example.com', 'Ann Early\'s goal "AWS certification" was not met by its due date'],
    ]);

    await stack.advance(7 * DAY);
    const later = await mailbox(stack);
    expect(later.map((mail) => [mail.to, mail.subject]).sort()).toEqual([
      ['ann@example.com', expect.stringMatching(/^Reminder: your goal "Close 10 deals" is due /)],
      ['hr@example.com', 'Missed goal still open: Ann Early (e1), "AWS certification"'],
    ]);
    const toHr = later.find((mail) => mail.to === 'hr@example.com')!;
    expect(toHr.text).toContain('manager: Maria Manager');
    expect(toHr.text).toContain('Recommended next step: a one-to-one');
    await clearMailbox(stack);

    // A rerun of the same day sends nothing, nor does a restart of the stack and the next day's run;
    // the escalated goal has left the open-goals index.
    expect(await runGoalWatch()).toEqual({ steps: 0, sent: 0 });
    stack = await restartStack(stack, join(dir.path, 'data'));
    await stack.advance(DAY);
    expect(stack.goalWatch.list().map((execution) => execution.status)).toEqual(['SUCCEEDED']);
    expect(await mailbox(stack)).toEqual([]);
    expect(await goalsOwingSteps(stack.clock.now(), DEFAULT_GOAL_TIMINGS)).toEqual([]);
    const listed = (await hr(stack, 'GET', '/employees/e1/goals')).body.goals;
    expect(listed.map((g: any) => [g.title, g.outcome])).toEqual([
      ['Write the playbook', 'met'],
      ['Old goal', 'cancelled'],
      ['AWS certification', 'missed'],
      ['Close 10 deals', 'open'],
      ['Learn Rust', 'open'],
    ]);
  });
});
