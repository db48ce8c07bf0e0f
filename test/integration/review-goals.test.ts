import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCountersExact } from '../support/counters.ts';
import { expectReportExact } from '../support/report.ts';
import {
  addGoalByCli,
  auditOf,
  cli,
  DAY,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  reportLink,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Goals meet the review (issue 3, part 4): the forms of a cycle ask for a rating of each goal of the
 * quarter under review, and the cycle's status and audit report how each goal ended (met, done late,
 * missed, cancelled). The quarter is the one after today, so the test reads the same on any date.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;
const CYCLE = 'Goals review';

function nextQuarter(now: number): { start: number; period: string } {
  const today = new Date(now);
  const start = Date.UTC(today.getUTCFullYear(), (Math.floor(today.getUTCMonth() / 3) + 1) * 3, 1);
  const first = new Date(start);
  return { start, period: `${first.getUTCFullYear()}-Q${first.getUTCMonth() / 3 + 1}` };
}

describe('goals in the review cycle', () => {
  const dir = tempDir('perfcycle-review-goals-');
  let stack: LocalStack;
  let quarter: { start: number; period: string };
  let cycleId: string;
  const goalIds: Record<string, string> = {};
  /** Calendar day `n` of the quarter under review (0 is its first day), as YYYY-MM-DD. */
  const day = (n: number) => new Date(quarter.start + n * DAY).toISOString().slice(0, 10);
  const moveTo = async (n: number, hour = 12) => {
    await stack.advance(quarter.start + n * DAY + hour * HOUR - stack.clock.now());
    await stack.settled();
  };
  const addGoal = async (employee: string, title: string, due: string, weight: number) => {
    goalIds[title] = await addGoalByCli(stack, dir.path, { employee, title, due, weight });
  };
  const checkIn = async (employee: string, title: string, progress: number) => {
    const result = await cli(
      stack,
      dir.path,
      'goals',
      'check-in',
      '--employee',
      employee,
      '--goal',
      goalIds[title],
      '--progress',
      String(progress),
      '--status',
      'ON_TRACK',
    );
    expect(result.code, result.err).toBe(0);
  };
  const mailsWith = async (subject: string, to: string): Promise<Mail[]> =>
    (await mailbox(stack)).filter((mail) => mail.subject.startsWith(subject) && mail.to === to);

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    quarter = nextQuarter(stack.clock.now());
    await addGoal('e1', 'Ship billing', day(5), 60);
    await addGoal('e1', 'Mentor Bob', day(8), 40);
    await addGoal('e1', 'Later goal', day(100), 50);
    await addGoal('e2', 'Close deals', day(5), 100);
    await addGoal('e2', 'Old plan', day(6), 0);
    expect(
      (await cli(stack, dir.path, 'goals', 'cancel', '--employee', 'e2', '--goal', goalIds['Old plan'])).code,
    ).toBe(0);

    // Bob moves to Ops: his goals stay counted in Sales, where he was when they were set.
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER.replace(/(e2,.*),Sales/, '$1,Ops'));
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);

    await moveTo(3);
    // Met, three days early, from Ann's goals page; the same post again (a double click) changes nothing.
    const [goalSet] = await mailsWith('New goal: ', 'ann@example.com');
    const goalsPage = linkIn(goalSet, '/forms/goals');
    const hidden = await openForm(goalsPage);
    const done = { goalId: goalIds['Ship billing'], progress: '100', status: 'ON_TRACK' };
    for (const _post of [1, 2]) expect((await postForm(goalsPage, hidden, done)).status).toBe(303);
    await moveTo(9);
    await checkIn('e1', 'Mentor Bob', 100); // done a day after its due date; "Close deals" stays open and is missed
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('shows a goal\u2019s check-ins and escalations from the CLI', async () => {
    const history = await cli(stack, dir.path, 'goals', 'history', '--employee', 'e1', '--goal', goalIds['Mentor Bob']);
    expect(history.code, history.err).toBe(0);
    const lines = history.out.split('\n');
    expect(lines[0]).toBe(`Mentor Bob (${goalIds['Mentor Bob']}): 100%, done-late, due ${day(8)}`);
    expect(lines.filter((line) => / 100% {2}ON_TRACK/.test(line))).toHaveLength(1);
    expect(lines.some((line) => line.endsWith('reminder sent'))).toBe(true);
    expect(lines.some((line) => line.endsWith('missed sent'))).toBe(true);

    const unknown = await cli(stack, dir.path, 'goals', 'history', '--employee', 'e1', '--goal', 'goal_000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('goal goal_000000000000 of e1 not found');
  });

  it('refuses a period that is not a quarter and launches nothing', async () => {
    const refused = await hr(stack, 'POST', '/cycles', {
      name: CYCLE,
      selfDue: day(12),
      managerDue: day(16),
      period: 'Q1-2027',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toContain('period: period must be a quarter such as 2026-Q4');
    expect(await mailbox(stack).then((mails) => mails.filter((mail) => mail.subject.startsWith(CYCLE)))).toEqual([]);
  });

  it('launches a cycle for the quarter and reports how its goals ended', async () => {
    const launched = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      CYCLE,
      '--self-due',
      day(12),
      '--manager-due',
      day(16),
      '--period',
      quarter.period,
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    cycleId = JSON.parse(launched.out).cycleId;
    await stack.settled();

    const goals = (await hr(stack, 'GET', `/cycles/${cycleId}/goals`)).body;
    expect(goals.period).toBe(quarter.period);
    expect(goals.counts).toEqual({ open: 0, met: 1, 'done-late': 1, missed: 1, cancelled: 1 });
    expect(goals.departments).toEqual([{ department: 'Sales', counts: goals.counts }]);
    expect(goals.missed).toEqual([
      {
        employeeId: 'e2',
        name: 'Bob Prompt',
        manager: 'Maria Manager',
        department: 'Sales',
        goalId: goalIds['Close deals'],
        title: 'Close deals',
        due: day(5),
      },
    ]);
    await expectCountersExact(stack, cycleId);
    await expectReportExact(stack, cycleId);
    const report = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    expect(report.departments.map((d: any) => [d.department, d.goals])).toEqual([
      ['Ops', { open: 0, met: 0, 'done-late': 0, missed: 0, cancelled: 0 }],
      ['Sales', goals.counts],
    ]);
    const bob = (await hr(stack, 'GET', `/cycles/${cycleId}/report/people`)).body.people.find(
      (person: any) => person.employeeId === 'e2',
    );
    expect([bob.department, bob.goals.sort()]).toEqual(['Ops', ['cancelled', 'missed']]);
    const human = await cli(stack, dir.path, 'cycle', 'goals', cycleId);
    expect(human.out).toContain(`goals of ${quarter.period}: 0 open, 1 met, 1 done-late, 1 missed, 1 cancelled`);
    expect(human.out).toContain(`missed: Bob Prompt (e2, Sales): Close deals, due ${day(5)}`);
  });

  it('asks the employee to rate each goal of the quarter, and only those', async () => {
    const [invitation] = await mailsWith(`${CYCLE}: your self-assessment is open`, 'ann@example.com');
    const link = linkIn(invitation, '/forms/self');
    const hidden = await openForm(link);
    const form = await (await fetch(link)).text();
    expect(form).toContain(`Your goals of ${quarter.period}`);
    expect(form).toContain('<legend>Goal: Ship billing</legend>');
    expect(form).toContain('<legend>Goal: Mentor Bob</legend>');
    expect(form).toMatch(/Weight 40 % · due [^<]+ · progress 100 % · done late/);
    expect(form).not.toContain('Later goal');

    const answers = {
      overallRating: '4',
      wentWell: 'Billing shipped',
      toImprove: 'Plan mentoring',
      nextGoals: 'Pricing',
    };
    const unrated = await postForm(link, hidden, { ...answers, [`goal-${goalIds['Ship billing']}`]: '5' });
    expect(unrated.status).toBe(400);
    expect(unrated.html).toContain('<li>Goal &quot;Mentor Bob&quot;: choose a rating</li>');
    expect(unrated.html).not.toContain('Goal &quot;Ship billing&quot;: choose');

    const offScale = await postForm(link, hidden, {
      ...answers,
      [`goal-${goalIds['Ship billing']}`]: '5',
      [`goal-${goalIds['Mentor Bob']}`]: '6',
    });
    expect(offScale.status).toBe(400);
    expect(offScale.html).toContain('<li>Goal &quot;Mentor Bob&quot;: choose one of 1, 2, 3, 4, 5</li>');

    const submitted = await postForm(link, hidden, {
      ...answers,
      [`goal-${goalIds['Ship billing']}`]: '5',
      [`goal-${goalIds['Mentor Bob']}`]: '3',
    });
    expect(submitted.status).toBe(303);
    expect(submitted.html).toContain('<dt>Goal &quot;Ship billing&quot; (weight 60 %)</dt><dd>5 - Exceptional</dd>');
    expect(submitted.html).toContain(
      '<dt>Goal &quot;Mentor Bob&quot; (weight 40 %)</dt><dd>3 - Meets expectations</dd>',
    );

    const [bobInvitation] = await mailsWith(`${CYCLE}: your self-assessment is open`, 'bob@example.com');
    const bobForm = await (await fetch(linkIn(bobInvitation, '/forms/self'))).text();
    expect(bobForm).toContain('<legend>Goal: Close deals</legend>');
    expect(bobForm).not.toContain('Old plan');
  });

  it('asks the manager to rate each goal beside the employee\u2019s own rating', async () => {
    await moveTo(13);
    const [request] = await mailsWith(`${CYCLE}: please review your team`, 'maria@example.com');
    const team = linkIn(request, '/forms/team');
    const link = reportLink(team, 'e1');
    const hidden = await openForm(link);
    const page = await (await fetch(link)).text();
    expect(page).toContain(`<h2>Goals of ${quarter.period}</h2>`);
    expect(page).toContain(
      '<dt>Their rating of goal &quot;Ship billing&quot; (weight 60 %)</dt><dd>5 - Exceptional</dd>',
    );
    expect(page).toContain('<legend>Goal of Ann Early: Mentor Bob</legend>');
    expect(page).not.toContain('Close deals');
    const bobLink = reportLink(team, 'e2');
    expect(await (await fetch(bobLink)).text()).toContain('<legend>Goal of Bob Prompt: Close deals</legend>');

    const review = {
      employeeId: 'e1',
      rating: '4',
      strengths: 'Delivery',
      areasToImprove: 'Mentoring',
      comments: 'Strong quarter',
    };
    const unrated = await postForm(link, hidden, { ...review, [`goal-${goalIds['Ship billing']}`]: '4' });
    expect(unrated.status).toBe(400);
    expect(unrated.html).toContain('<li>Goal &quot;Mentor Bob&quot;: choose a rating</li>');
    // The refused review comes back with what was chosen.
    expect(unrated.html).toContain(`name="goal-${goalIds['Ship billing']}" value="4" checked`);

    const saved = await postForm(link, hidden, {
      ...review,
      [`goal-${goalIds['Ship billing']}`]: '4',
      [`goal-${goalIds['Mentor Bob']}`]: '2',
    });
    expect(saved.status).toBe(303);
    expect(saved.html).toContain(
      '<dt>Goal &quot;Mentor Bob&quot; (weight 40 %)</dt><dd>2 - Partly meets expectations</dd>',
    );
    // A rating of another report's goal is not a rating of this one.
    const bobHidden = await openForm(bobLink);
    const crossed = await postForm(bobLink, bobHidden, {
      employeeId: 'e2',
      rating: '3',
      strengths: 'Effort',
      areasToImprove: 'Closing',
      comments: 'Missed the deals',
      [`goal-${goalIds['Ship billing']}`]: '3',
    });
    expect(crossed.status).toBe(400);
    expect(crossed.html).toContain('<li>Goal &quot;Close deals&quot;: choose a rating</li>');
    expect(
      (
        await postForm(bobLink, bobHidden, {
          employeeId: 'e2',
          rating: '2',
          strengths: 'Effort',
          areasToImprove: 'Closing',
          comments: 'Missed the deals',
          [`goal-${goalIds['Close deals']}`]: '1',
        })
      ).status,
    ).toBe(303);
  });

  it('releases results with the goal ratings and records each goal\u2019s outcome in the audit once', async () => {
    await moveTo(19);
    const [result] = await mailsWith(`${CYCLE}: your review result`, 'ann@example.com');
    expect(result.text).toContain('Your goals:');
    expect(result.text).toContain('Ship billing (weight 60 %): 4 of 5 - Exceeds expectations');
    expect(result.text).toContain('Mentor Bob (weight 40 %): 2 of 5 - Partly meets expectations');
    expect(result.text).not.toContain('Later goal');
    const [bobResult] = await mailsWith(`${CYCLE}: your review result`, 'bob@example.com');
    expect(bobResult.text).toContain('Close deals (weight 100 %): 1 of 5 - Below expectations');

    const audit = (await auditOf(stack, cycleId)) as {
      action: string;
      employeeId?: string;
      details?: any;
    }[];
    const outcomes = audit
      .filter((event) => event.action.startsWith('goal-'))
      .map((event) => [event.action, event.employeeId, event.details.title]);
    expect(outcomes.sort()).toEqual([
      ['goal-cancelled', 'e2', 'Old plan'],
      ['goal-done-late', 'e1', 'Mentor Bob'],
      ['goal-met', 'e1', 'Ship billing'],
      ['goal-missed', 'e2', 'Close deals'],
    ]);
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.phase).toBe('CLOSED');
    expect((await hr(stack, 'GET', `/cycles/${cycleId}/goals`)).body.counts).toEqual({
      open: 0,
      met: 1,
      'done-late': 1,
      missed: 1,
      cancelled: 1,
    });
  });
});
