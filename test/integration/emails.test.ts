import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgementEndsAt, releaseAt } from '../../functions/domain/cycle.ts';
import { feedbackRequestClosesAt } from '../../functions/domain/feedback.ts';
import { endOfDay, formatDeadline } from '../../functions/domain/time.ts';
import { getCycle, scheduleOf } from '../../functions/store/cycles.ts';
import { listMails, MAIL_KINDS, type MailKind } from '../../functions/store/mail.ts';
import { db, keys, tableName } from '../../functions/store/table.ts';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expectValidEmailHtml } from '../support/email-html.ts';
import { startSesFaults, type SesFaults } from '../support/ses-faults.ts';
import {
  DAY,
  dateAfter,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  reportLink,
  startLocalStack,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Every kind of email, produced for real on the local stack (a cycle run to its end, a cancelled cycle, an
 * address SES refuses, goals, feedback): each one that asks for an action carries the link to do it, which
 * opens the right person's page, and the date by which, in the organisation's zone; HR's link to the console
 * page concerned; every HTML part passes html-validate with a mobile viewport.
 */
const TZ = 'Europe/Berlin';
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Never,cid@example.com,m1,Sales
o1,Olga Ops,olga@example.com,,Ops
o2,Zed Bounce,zed@example.com,o1,Ops
`;
const HR = 'hr@example.com';
const SELF_ANSWERS = {
  overallRating: '4',
  wentWell: 'Closed the big deal',
  toImprove: 'Documentation',
  nextGoals: 'Grow the pipeline',
};

type FormPath = Parameters<typeof linkIn>[1];
/** What an email asks of its reader: a form to fill by a date (the page shows `shows`), a console page for HR, or nothing. */
type Ask = { form: FormPath; by: number; shows: string } | { console: string } | 'informs';

describe('every email', () => {
  let stack: LocalStack;
  let faults: SesFaults;
  let sales: string;
  let ops: string;
  type Schedule = { selfDue: number; managerDue: number; release: number; acknowledgeBy: number };
  let schedule: Schedule;
  /** Each cycle's dates by its id: a mail is judged against the dates of the cycle it belongs to. */
  const schedules = new Map<string, Schedule>();
  const scheduleOfCycle = async (cycleId: string): Promise<Schedule> => {
    const stored = scheduleOf((await getCycle(cycleId))!);
    const dates = {
      selfDue: stored.selfDue,
      managerDue: stored.managerDue,
      release: releaseAt(stored),
      acknowledgeBy: acknowledgementEndsAt(stored),
    };
    schedules.set(cycleId, dates);
    return dates;
  };
  let calibrated: string;
  const goalDue = new Map<string, number>();
  let feedbackAnswerBy: number;
  let reopenedUntil = 0;
  const checked: { kind: MailKind; mail: Mail; ask: Ask }[] = [];
  let seen = 0;

  const greeted = (mail: Mail) => /^Hello (.+),$/m.exec(mail.text)![1];
  const firstListed = (mail: Mail) => /^ {2}- (.+?) \(/m.exec(mail.text)![1];
  const goalOf = (mail: Mail) => goalDue.get(/"([^"]+)"|New goal: (.+)$/.exec(mail.subject)!.slice(1).find(Boolean)!)!;
  const consolePage = (cycleId: string) => `${stack.apiUrl}/console#/cycles/${cycleId}`;

  /** Each kind's ask, for the mail at hand (some kinds ask only of some readers). */
  const ASKS: Record<MailKind, (mail: Mail, scope: string) => Ask> = {
    invitation: (mail, scope) => ({
      form: '/forms/self',
      by: schedules.get(scope)!.selfDue,
      shows: `${greeted(mail)}, please answer by`,
    }),
    'self-reminder': (mail, scope) => ({
      form: '/forms/self',
      by: schedules.get(scope)!.selfDue,
      shows: `${greeted(mail)}, please answer by`,
    }),
    // The manager is told; the person acts through their invitation.
    'self-overdue': () => 'informs',
    'self-hr': (_mail, scope) => ({ console: consolePage(scope) }),
    'manager-request': (mail, scope) => ({
      form: '/forms/team',
      by: schedules.get(scope)!.managerDue,
      shows: firstListed(mail),
    }),
    // A reopened review's reminder names its own deadline.
    'review-reminder': (mail, scope) => ({
      form: '/forms/team',
      by: mail.subject.endsWith(formatDeadline(reopenedUntil, TZ)) ? reopenedUntil : schedules.get(scope)!.managerDue,
      shows: firstListed(mail),
    }),
    // Overdue: still taken until the release.
    'review-overdue': (mail, scope) => ({
      form: '/forms/team',
      by: schedules.get(scope)!.release,
      shows: firstListed(mail),
    }),
    'review-hr': (_mail, scope) => ({ console: consolePage(scope) }),
    'review-reopened': (mail) => ({
      form: '/forms/team',
      by: reopenedUntil,
      shows: `Review of ${/please review (.+) by/.exec(mail.subject)![1]}`,
    }),
    'calibration-reminder': (_mail, scope) => ({ console: consolePage(scope) }),
    // Without a review there is nothing to read or acknowledge yet.
    result: (mail, scope) =>
      mail.text.includes('no rating yet')
        ? 'informs'
        : {
            form: '/forms/results',
            by: schedules.get(scope)!.acknowledgeBy,
            shows: `${greeted(mail)}, Maria Manager reviewed`,
          },
    acknowledgement: (mail, scope) => (mail.to === HR ? { console: consolePage(scope) } : 'informs'),
    'acknowledgement-reminder': (mail, scope) => ({
      form: '/forms/results',
      by: schedules.get(scope)!.acknowledgeBy,
      shows: `${greeted(mail)}, Maria Manager reviewed`,
    }),
    cancellation: () => 'informs',
    'delivery-failure': (_mail, scope) => ({ console: consolePage(scope) }),
    'goal-set': (mail) => ({ form: '/forms/goals', by: goalOf(mail), shows: `${greeted(mail)}, here are your goals` }),
    'goal-reminder': (mail) => ({
      form: '/forms/goals',
      by: goalOf(mail),
      shows: `${greeted(mail)}, here are your goals`,
    }),
    // The owner can still post 100 % until HR is told; the manager is told.
    'goal-missed': (mail) =>
      mail.subject.startsWith('Your goal')
        ? { form: '/forms/goals', by: goalOf(mail) + 7 * DAY, shows: `${greeted(mail)}, here are your goals` }
        : 'informs',
    'goal-at-risk': () => 'informs',
    'goal-hr': (mail) => ({
      console: `${stack.apiUrl}/console#/goals?period=${/period=([^\s"]+)/.exec(mail.text)![1]}`,
    }),
    feedback: () => 'informs',
    'praise-digest': () => 'informs',
    'feedback-request': (mail) => ({
      form: '/forms/feedback',
      by: feedbackAnswerBy,
      shows: `Feedback for ${/^(.+) asks for your feedback$/.exec(mail.subject)![1]}`,
    }),
    // The manager is told HR's reason; the review stays theirs.
    'rating-adjusted': () => 'informs',
    // A peer review closes with the reviewed person's self-assessment.
    'peer-invitation': (mail, scope) => ({
      form: '/forms/peer',
      by: schedules.get(scope)!.selfDue,
      shows: `Peer review of ${/peer feedback on (.+)$/.exec(mail.subject)![1]}`,
    }),
    // The manager approves a report's nomination of peers by the self deadline.
    'peer-nomination': (mail, scope) => ({
      form: '/forms/peer-approval',
      by: schedules.get(scope)!.selfDue,
      shows: `Peer reviewers of ${/: (.+) asks you to approve peer reviewers$/.exec(mail.subject)![1]}`,
    }),
    'peer-reminder': (mail, scope) => ({
      form: '/forms/peer',
      by: schedules.get(scope)!.selfDue,
      shows: `Peer review of ${/peer review of (.+) is due/.exec(mail.subject)![1]}`,
    }),
    'upward-invitation': (_mail, scope) => ({
      form: '/forms/upward',
      by: schedules.get(scope)!.selfDue,
      shows: 'Review of Maria Manager',
    }),
    'upward-reminder': (_mail, scope) => ({
      form: '/forms/upward',
      by: schedules.get(scope)!.selfDue,
      shows: 'Review of Maria Manager',
    }),
    // The manager reads the answers (or that too few answered) in the mail itself.
    'upward-result': () => 'informs',
  };

  /** The mail delivered since the last call, each checked now (before anyone acts on it) against its kind's ask. */
  async function receive(): Promise<Mail[]> {
    const all = await mailbox(stack);
    const fresh = all.slice(seen);
    seen = all.length;
    const scopes = [sales, ops, calibrated, 'goal-watch', 'feedback'].filter(Boolean);
    const stored = (
      await Promise.all(scopes.map(async (scope) => (await listMails(scope)).map((record) => ({ ...record, scope }))))
    ).flat();
    for (const mail of fresh) {
      const records = stored.filter((record) => record.to === mail.to && record.subject === mail.subject);
      const kinds = new Set(records.map((record) => record.kind));
      expect(kinds.size, `${mail.to}: ${mail.subject}`).toBe(1);
      const [kind] = kinds;
      const ask = ASKS[kind](mail, records[0].scope);
      await expectAsks(mail, ask);
      checked.push({ kind, mail, ask });
    }
    return fresh;
  }

  async function expectAsks(mail: Mail, ask: Ask): Promise<void> {
    const what = `${mail.to}: ${mail.subject}`;
    await expectValidEmailHtml(mail.html);
    // Before HR names another sender, mail comes from the organisation, not from the product.
    expect(mail.from, what).toBe('"Example Org" <perfcycle@example.com>');
    if (ask === 'informs') {
      expect(mail.html, what).not.toContain('/forms/');
      return;
    }
    if ('console' in ask) {
      expect(mail.text, what).toContain(`Open in the HR console: ${ask.console}`);
      expect(mail.html, what).toContain(`href="${ask.console.replaceAll('&', '&amp;')}"`);
      const page = await fetch(ask.console);
      expect(page.status, what).toBe(200);
      expect(await page.text(), what).toContain('<title>perfcycle');
      return;
    }
    const date = formatDeadline(ask.by, TZ);
    expect(mail.text, what).toContain(date);
    expect(mail.html, what).toContain(date);
    const link = linkIn(mail, ask.form);
    expect(mail.text, what).toContain(link);
    const page = await fetch(link);
    expect(page.status, what).toBe(200);
    const html = await page.text();
    expect(html, what).toContain(ask.shows.replaceAll("'", '&#39;'));
    if (ask.form === '/forms/feedback' || ask.form === '/forms/self' || ask.form === '/forms/peer')
      expect(html, what).toContain(date);
  }

  const of = (kind: MailKind, to?: string) =>
    checked.filter((entry) => entry.kind === kind && (!to || entry.mail.to === to)).map((entry) => entry.mail);
  const advanceTo = async (instant: number) => {
    await stack.advance(instant - stack.clock.now());
    await stack.settled();
    return receive();
  };
  const goalsOf = async (employeeId: string) =>
    (await hr(stack, 'GET', `/employees/${employeeId}/goals`)).body.goals as { goalId: string; title: string }[];
  /** The goal ratings a form asks for: every goal of the person (fields the form does not ask for are ignored). */
  const goalRatings = async (employeeId: string) =>
    Object.fromEntries((await goalsOf(employeeId)).map((goal) => [`goal-${goal.goalId}`, '3']));

  beforeAll(async () => {
    faults = await startSesFaults();
    stack = await startLocalStack({ sesEndpoint: faults.url, orgTimeZone: TZ });
    faults.forwardTo(stack.mailUrl);
    expect((await hr(stack, 'POST', '/employees/import', { csv: ROSTER })).status).toBe(200);
    expect((await hr(stack, 'PATCH', '/settings', { recognition: 'weekly-digest' })).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.stop();
    await faults?.close();
  });

  it('every kind is classified: a new kind of mail fails here until it says what it asks', () => {
    expect(Object.keys(ASKS).sort()).toEqual([...MAIL_KINDS].sort());
  });

  it('goals: set, at risk (saying HR marked it), with the owner\u2019s link', async () => {
    const now = stack.clock.now();
    for (const [employeeId, title, days] of [
      ['e1', 'Close 10 deals', 10],
      ['e2', 'Learn Rust', 40],
    ] as const) {
      const due = dateAfter(now, days);
      expect((await hr(stack, 'POST', `/employees/${employeeId}/goals`, { title, due, weight: 50 })).status).toBe(201);
      goalDue.set(title, endOfDay(due, TZ));
    }
    const [rust] = await goalsOf('e2');
    for (const status of ['AT_RISK', 'OFF_TRACK'])
      expect(
        (await hr(stack, 'POST', `/employees/e2/goals/${rust.goalId}/check-ins`, { progress: 10, status })).status,
      ).toBe(200);
    await receive();
    expect(
      of('goal-set')
        .map((mail) => mail.to)
        .sort(),
    ).toEqual(['ann@example.com', 'bob@example.com']);
    const [atRisk] = of('goal-at-risk', 'maria@example.com');
    expect(atRisk.text).toContain("HR marked Bob Prompt's goal at risk or off track in two check-ins in a row:");
  });

  it('feedback: a request with its link and answer date, praise', async () => {
    const requested = await hr(stack, 'POST', '/feedback/requests', {
      from: 'e1',
      to: ['e2'],
      message: 'How was my demo?',
    });
    expect(requested.status).toBe(201);
    feedbackAnswerBy = feedbackRequestClosesAt(Date.parse(requested.body.at));
    expect(
      (await hr(stack, 'POST', '/feedback', { from: 'e2', to: 'e1', kind: 'praise', text: 'Great demo' })).status,
    ).toBe(201);
    await receive();
    const [request] = of('feedback-request', 'bob@example.com');
    expect(request.text).toContain(
      `Ann Early would like your feedback on their work, by ${formatDeadline(feedbackAnswerBy, TZ)}.`,
    );
    expect(of('feedback', 'ann@example.com')).toHaveLength(1);
  });

  it('launches two cycles: invitations, a refused address reported to HR, a cancellation', async () => {
    const now = stack.clock.now();
    faults.failFor(['zed@example.com'], { status: 400, type: 'MessageRejected' });
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Sales 2026',
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
      department: 'Sales',
      upward: true,
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    sales = launched.body.cycleId;
    schedule = await scheduleOfCycle(sales);
    expect(schedule.selfDue).toBe(endOfDay(dateAfter(now, 14), TZ));
    const opsLaunch = await hr(stack, 'POST', '/cycles', {
      name: 'Ops 2026',
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
      department: 'Ops',
    });
    expect(opsLaunch.status, JSON.stringify(opsLaunch.body)).toBe(201);
    ops = opsLaunch.body.cycleId;
    await scheduleOfCycle(ops);
    await stack.settled();
    await receive();
    expect(
      of('invitation')
        .map((mail) => mail.to)
        .sort(),
    ).toEqual(['ann@example.com', 'bob@example.com', 'cid@example.com', 'maria@example.com', 'olga@example.com']);
    // HR asks Bob for a peer review of Ann.
    expect((await hr(stack, 'POST', `/cycles/${sales}/peers`, { employeeId: 'e1', reviewers: ['e2'] })).status).toBe(
      200,
    );
    await receive();
    expect(of('peer-invitation')[0].text).toContain('HR asks you for a short peer review of Ann Early');
    // Ann asks for a second peer reviewer from her self-assessment page; Maria is asked to approve.
    const annSelf = linkIn(of('invitation', 'ann@example.com')[0], '/forms/self');
    const nominations = new URL(
      /href="([^"]*\/forms\/peer-nominations\?t=[^"]+)"/
        .exec(await (await fetch(annSelf)).text())![1]
        .replaceAll('&amp;', '&'),
      annSelf,
    ).toString();
    expect((await postForm(nominations, await openForm(nominations), { colleagues: 'cid@example.com' })).status).toBe(
      303,
    );
    await receive();
    expect(of('peer-nomination', 'maria@example.com')[0].text).toContain('Cid Never (e3)');
    const [failure] = of('delivery-failure');
    expect(failure.text).toContain('Zed Bounce (o2) <zed@example.com> did not get the self-assessment invitation');

    expect((await hr(stack, 'POST', `/cycles/${ops}/cancel`, {})).status).toBe(200);
    await stack.settled();
    await receive();
    expect(of('cancellation').map((mail) => mail.to)).toEqual(['olga@example.com']);
  });

  it('runs the cycle and the goal watch to the end: every reminder, escalation and result', async () => {
    for (const [employeeId, to] of [
      ['e1', 'ann@example.com'],
      ['e2', 'bob@example.com'],
    ]) {
      const [invitation] = of('invitation', to);
      const submitted = await postForm(
        linkIn(invitation, '/forms/self'),
        await openForm(linkIn(invitation, '/forms/self')),
        { ...SELF_ANSWERS, ...(await goalRatings(employeeId)) },
      );
      expect(submitted.status, submitted.html).toBe(303);
      const [upward] = of('upward-invitation', to);
      const reviewed = await postForm(
        linkIn(upward, '/forms/upward'),
        await openForm(linkIn(upward, '/forms/upward')),
        {
          support: 'Makes time for me',
          clarity: 'Clear goals',
          change: 'Fewer meetings',
          upwardRating: '4',
        },
      );
      expect(reviewed.status, reviewed.html).toBe(303);
    }
    await advanceTo(schedule.selfDue - 3 * DAY + HOUR);
    // Only the report who has not reviewed their manager is reminded to.
    expect(of('upward-reminder').map((mail) => mail.to)).toEqual(['cid@example.com']);
    const [goalReminder] = of('goal-reminder', 'ann@example.com');
    expect(goalReminder.text).toContain(
      'If it is done, post a check-in at 100 % on your goals page: that marks it done and stops the reminders.',
    );
    expect(
      of('self-reminder')
        .map((mail) => mail.to)
        .sort(),
    ).toEqual(['cid@example.com', 'maria@example.com']);
    // Bob never answered his peer review of Ann: one reminder, and nothing at the deadline.
    expect(of('peer-reminder').map((mail) => mail.to)).toEqual(['bob@example.com']);

    await advanceTo(schedule.selfDue + HOUR);
    expect(of('self-overdue', 'maria@example.com')[0].text).toContain('Cid Never (e3)');
    await advanceTo(schedule.selfDue + 2 * DAY + HOUR);
    const [selfHr] = of('self-hr');
    expect(selfHr.text).toContain('Cid Never (e3), manager: Maria Manager (m1)');
    expect(selfHr.text).toContain('Maria Manager (m1), manager: HR');

    const [request] = of('manager-request', 'maria@example.com');
    for (const employeeId of ['e1', 'e2']) {
      const report = reportLink(linkIn(request, '/forms/team'), employeeId);
      const reviewed = await postForm(report, await openForm(report), {
        employeeId,
        rating: '4',
        strengths: 'Closing',
        areasToImprove: 'Delegating',
        comments: 'A good quarter',
        ...(await goalRatings(employeeId)),
      });
      expect(reviewed.status, reviewed.html).toBe(303);
    }
    // HR adjusts a rating in calibration; until the calibration workflow lands, the cycle is put in that phase by hand and back.
    const setPhase = (phase: string) =>
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.cycle(sales),
          UpdateExpression: 'SET phase = :phase',
          ExpressionAttributeValues: { ':phase': phase },
        }),
      );
    await setPhase('CALIBRATION');
    expect(
      (
        await hr(stack, 'POST', `/cycles/${sales}/adjustments`, {
          employeeId: 'e1',
          rating: 5,
          reason: 'Closed the biggest deal of the year',
        })
      ).status,
    ).toBe(200);
    await receive();
    expect(of('rating-adjusted', 'maria@example.com')[0].text).toContain(
      "HR's reason: Closed the biggest deal of the year",
    );
    await setPhase('MANAGER_REVIEW');
    await advanceTo(schedule.managerDue - 3 * DAY + HOUR);
    await advanceTo(schedule.managerDue + HOUR);
    await advanceTo(schedule.release + HOUR);
    expect(of('review-hr')[0].text).toContain('Cid Never (e3), manager: Maria Manager (m1)');
    expect(of('result').length).toBe(4);
    // Two of three reports answered, below the threshold of 3: the manager is told so, and reads none of it.
    const [upwardResult] = of('upward-result', 'maria@example.com');
    expect(upwardResult.text).toContain('2 answered, and at least 3 are needed');
    expect(upwardResult.text).not.toContain('Fewer meetings');

    const [annResult] = of('result', 'ann@example.com');
    const acknowledged = await postForm(
      linkIn(annResult, '/forms/results'),
      await openForm(linkIn(annResult, '/forms/results')),
      // With a comment, so HR is emailed too (with the console's link) besides her manager.
      { comment: 'Thank you, agreed' },
    );
    expect(acknowledged.status, acknowledged.html).toBe(303);
    await receive();
    expect(
      of('acknowledgement')
        .map((mail) => mail.to)
        .sort(),
    ).toEqual([HR, 'maria@example.com']);
    await advanceTo(schedule.release + 5 * DAY + HOUR);
    expect(of('acknowledgement-reminder').map((mail) => mail.to)).toEqual(['bob@example.com']);
  });

  it('runs a calibrated cycle into calibration: a reopened review and HR\u2019s calibration reminders', async () => {
    faults.heal();
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Ops review',
      selfDue: dateAfter(now, 3),
      managerDue: dateAfter(now, 6),
      calibrationDue: dateAfter(now, 12),
      department: 'Ops',
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    calibrated = launched.body.cycleId;
    const dates = await scheduleOfCycle(calibrated);
    await stack.settled();
    await receive();
    await advanceTo(dates.managerDue + HOUR);
    expect((await hr(stack, 'GET', `/cycles/${calibrated}`)).body.phase).toBe('CALIBRATION');
    const until = dateAfter(stack.clock.now(), 3);
    reopenedUntil = endOfDay(until, TZ);
    expect(
      (await hr(stack, 'POST', `/cycles/${calibrated}/extensions`, { employeeId: 'o2', until, review: 'manager' }))
        .status,
    ).toBe(200);
    await stack.settled();
    await receive();
    expect(of('review-reopened').map((mail) => mail.to)).toEqual(['olga@example.com']);
    await advanceTo(dates.release - 3 * DAY + HOUR);
    const [reminder] = of('calibration-reminder');
    expect(reminder.to).toBe(HR);
    expect(reminder.text).toContain('Zed Bounce (o2), manager: Olga Ops (o1)');
  });

  it('produced every kind of email for real, each checked against what it asks', () => {
    expect([...new Set(checked.map((entry) => entry.kind))].sort()).toEqual([...MAIL_KINDS].sort());
    expect(
      of('goal-missed')
        .map((mail) => mail.to)
        .sort(),
    ).toEqual(['ann@example.com', 'maria@example.com']);
    expect(of('goal-hr')[0].text).toContain(
      'The goal of Ann Early (e1) is past its due date and still open after the grace period (manager: Maria Manager (m1)).',
    );
    expect(of('praise-digest').length).toBeGreaterThan(0);
    // Every kind that asks for an action was met at least once.
    const asking = new Set(checked.filter((entry) => entry.ask !== 'informs').map((entry) => entry.kind));
    expect([...asking].sort()).toEqual(
      [
        'invitation',
        'self-reminder',
        'self-hr',
        'manager-request',
        'review-reminder',
        'review-overdue',
        'review-hr',
        'review-reopened',
        'calibration-reminder',
        'result',
        'acknowledgement',
        'acknowledgement-reminder',
        'delivery-failure',
        'goal-set',
        'goal-reminder',
        'goal-missed',
        'goal-hr',
        'feedback-request',
        'peer-invitation',
        'peer-reminder',
        'peer-nomination',
        'upward-invitation',
        'upward-reminder',
      ].sort(),
    );
  });
});
