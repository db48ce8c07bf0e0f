import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../functions/domain/goals.ts';
import { defaultSettingsInput } from '../../functions/domain/settings.ts';
import {
  addGoalByCli,
  auditOf,
  cli,
  dateAfter,
  DAY,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  postReview,
  reportLink,
  restartStack,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';
import { expectCountersExact } from '../support/counters.ts';
import { expectReportExact } from '../support/report.ts';

/**
 * Issue 4 on the local stack: versioned settings (a running cycle keeps its version), the manager's full
 * appraisal with its computed score, the results page, acknowledgement, the manager confirming proposed
 * goals, and the one reminder to unacknowledged results, which survives a restart.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Never,cid@example.com,m1,Sales
`;
const CYCLE = 'Appraisal Q';

const FOUR_POINT = {
  ...defaultSettingsInput('UTC', 'Example Org'),
  scale: [
    { value: 4, label: 'Outstanding', description: 'Well beyond the role.' },
    { value: 1, label: 'Not yet', description: 'Below what the role needs.' },
    { value: 2, label: 'Solid', description: 'What the role needs.' },
    { value: 3, label: 'Strong', description: 'More than the role needs.' },
  ],
  competencies: [{ id: 'delivery', label: 'Delivery', description: 'Ships what was agreed.' }],
  selfQuestions: [
    { id: 'proudOf', label: 'What are you proud of?' },
    { id: 'needHelp', label: 'Where do you need help?' },
  ],
  timings: {
    reviewReminderLead: '2d',
    reviewHrGrace: '1d',
    goalReminderLead: '7d',
    goalHrGrace: '7d',
    acknowledgementReminder: '3d',
  },
  senderName: 'Acme People',
  scoreWeights: { goals: 50, competencies: 50 },
};

describe('settings, the appraisal and its acknowledgement', () => {
  const dataDir = tempDir('perfcycle-appraisal-');
  let stack: LocalStack;
  let cycleId: string;
  let period: string;
  let selfDue: number;
  let managerDue: number;
  let seen = 0;
  /** Mail that arrived since the last call. */
  const newMail = async (): Promise<Mail[]> => {
    const all = await mailbox(stack);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const moveTo = async (at: number) => {
    await stack.advance(at - stack.clock.now());
    await stack.settled();
  };
  const annGoalId = async () =>
    JSON.parse((await cli(stack, dataDir.path, 'goals', 'list', '--employee', 'e1', '--json')).out).goals.find(
      (goal: any) => goal.title === 'Ship pricing',
    ).goalId as string;
  const writeJson = (name: string, value: unknown) => writeFileSync(join(dataDir.path, name), JSON.stringify(value));

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dataDir.path, 'data') });
    writeFileSync(join(dataDir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dataDir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
  });
  afterAll(async () => {
    await stack?.stop();
    dataDir.remove();
  });

  it('starts from the defaults, version 0', async () => {
    const shown = await cli(stack, dataDir.path, 'settings', 'show', '--json');
    expect(shown.code, shown.err).toBe(0);
    const current = JSON.parse(shown.out);
    expect(current).toMatchObject({ version: 0, savedAt: null });
    expect(current.settings).toEqual(defaultSettingsInput('UTC', 'Example Org'));
  });

  it('refuses invalid settings with every reason and keeps the version in force', async () => {
    const invalid = {
      ...FOUR_POINT,
      scale: [FOUR_POINT.scale[0], { ...FOUR_POINT.scale[1], value: 4 }],
      scoreWeights: { goals: 50, competencies: 40 },
    };
    const refused = await hr(stack, 'PUT', '/settings', invalid);
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      'scale: scale must have 3 to 10 points',
      'scale: scale values must be unique: 4 appears more than once',
      'scoreWeights: scoreWeights.goals and scoreWeights.competencies must add up to 100',
    ]);
    writeJson('invalid.json', { ...FOUR_POINT, scale: FOUR_POINT.scale.map((point) => ({ ...point, label: '' })) });
    const viaCli = await cli(stack, dataDir.path, 'settings', 'set', '--file', 'invalid.json');
    expect(viaCli.code).toBe(1);
    expect(viaCli.err).toContain('scale.0.label: label is required');
    writeFileSync(join(dataDir.path, 'broken.json'), '{ "scale": [');
    const broken = await cli(stack, dataDir.path, 'settings', 'set', '--file', 'broken.json');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('broken.json is not JSON');
    expect((await cli(stack, dataDir.path, 'settings', 'set', '--file', 'missing.json')).err).toContain(
      'no such file: missing.json',
    );
    expect((await hr(stack, 'GET', '/settings')).body.version).toBe(0);
  });

  it('saves settings as a new version', async () => {
    writeJson('settings.json', FOUR_POINT);
    const saved = await cli(stack, dataDir.path, 'settings', 'set', '--file', 'settings.json', '--json');
    expect(saved.code, saved.err).toBe(0);
    expect(JSON.parse(saved.out)).toMatchObject({ version: 1, savedBy: expect.stringMatching(/^hr:/) });
    expect((await hr(stack, 'GET', '/settings')).body.settings).toEqual(FOUR_POINT);
  });

  it('launches a cycle with the version in force, which a later change does not touch', async () => {
    const now = stack.clock.now();
    // Goals of the quarter under review: Ann meets hers, Bob's falls due unmet before the manager phase.
    const annDue = dateAfter(now, 10);
    const annGoal = await addGoalByCli(stack, dataDir.path, {
      employee: 'e1',
      title: 'Ship pricing',
      due: annDue,
      weight: 60,
    });
    await addGoalByCli(stack, dataDir.path, {
      employee: 'e2',
      title: 'Close 5 deals',
      due: dateAfter(now, 3),
      weight: 100,
    });
    expect(
      (
        await cli(
          stack,
          dataDir.path,
          'goals',
          'check-in',
          '--employee',
          'e1',
          '--goal',
          annGoal,
          '--progress',
          '100',
          '--status',
          'ON_TRACK',
        )
      ).code,
    ).toBe(0);
    period = periodOf(annDue);
    const launched = await cli(
      stack,
      dataDir.path,
      'cycle',
      'launch',
      '--name',
      CYCLE,
      '--self-due',
      dateAfter(now, 7),
      '--manager-due',
      dateAfter(now, 14),
      '--period',
      period,
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    cycleId = JSON.parse(launched.out).cycleId;
    selfDue = Date.parse(`${dateAfter(now, 7)}T23:59:59Z`);
    managerDue = Date.parse(`${dateAfter(now, 14)}T23:59:59Z`);
    await stack.settled();

    writeJson('next.json', { ...defaultSettingsInput('UTC', 'Example Org'), senderName: 'Next Version' });
    expect(
      JSON.parse((await cli(stack, dataDir.path, 'settings', 'set', '--file', 'next.json', '--json')).out).version,
    ).toBe(2);

    const status = (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
    expect(status.settingsVersion).toBe(1);
    const invitations = (await newMail()).filter((mail) => mail.subject === `${CYCLE}: your self-assessment is open`);
    expect(invitations).toHaveLength(4);
    expect(new Set(invitations.map((mail) => mail.from))).toEqual(new Set(['"Acme People" <perfcycle@example.com>']));

    const form = await (
      await fetch(linkIn(invitations.find((mail) => mail.to === 'ann@example.com')!, '/forms/self'))
    ).text();
    expect(form.match(/name="overallRating"/g)).toHaveLength(4);
    expect(form).toContain('4 - Outstanding');
    expect(form).toContain('What are you proud of?');
    expect(form).not.toContain('What went well');
    expect(form).toContain('Well beyond the role.');
  });

  it('takes the self-assessment with the cycle\u2019s own questions', async () => {
    const invitation = (await mailbox(stack)).find(
      (mail) => mail.to === 'ann@example.com' && mail.subject === `${CYCLE}: your self-assessment is open`,
    )!;
    const link = linkIn(invitation, '/forms/self');
    const goalField = `goal-${await annGoalId()}`;
    const missing = await submitForm(link, { overallRating: '3', proudOf: 'The launch' });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('<li>Goal &quot;Ship pricing&quot;: choose a rating</li>');
    expect(missing.html).toContain('<li>Where do you need help? is required</li>');
    const offScale = await submitForm(link, {
      [goalField]: '4',
      overallRating: '5',
      proudOf: 'The launch',
      needHelp: 'Planning',
    });
    expect(offScale.html).toContain('<li>Overall performance: choose one of 1, 2, 3, 4</li>');
    const done = await submitForm(link, {
      [goalField]: '4',
      overallRating: '3',
      proudOf: 'The launch',
      needHelp: 'Planning',
    });
    expect(done.status).toBe(303);
    expect(done.html).toContain('<dt>What are you proud of?</dt><dd>The launch</dd>');
    expect(done.html).toContain('<dd>3 - Strong</dd>');
  });

  it('collects feedback during the cycle', async () => {
    expect(
      (
        await cli(
          stack,
          dataDir.path,
          'feedback',
          'give',
          '--from',
          'e2',
          '--to',
          'e1',
          '--kind',
          'praise',
          '--text',
          'Pricing page is great',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          stack,
          dataDir.path,
          'feedback',
          'give',
          '--from',
          'e3',
          '--to',
          'e1',
          '--kind',
          'constructive',
          '--text',
          'Loop me in earlier',
        )
      ).code,
    ).toBe(0);
    const mails = (await newMail()).map((mail) => `${mail.to}|${mail.subject}`).sort();
    expect(mails).toEqual([
      'ann@example.com|Bob Prompt recognised your work',
      'ann@example.com|Feedback from Cid Never',
      'bob@example.com|Recognition: Bob Prompt recognised Ann Early',
      'cid@example.com|Recognition: Bob Prompt recognised Ann Early',
      'maria@example.com|Private feedback for Ann Early from Cid Never',
      'maria@example.com|Recognition: Bob Prompt recognised Ann Early',
    ]);
  });

  it('takes the manager\u2019s full appraisal and computes the final score', async () => {
    await moveTo(selfDue + HOUR);
    const request = (await newMail()).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`),
    )!;
    const link = reportLink(linkIn(request, '/forms/team'), 'e1');
    const hidden = await openForm(link);
    const page = await (await fetch(link)).text();
    expect(page).toContain('<legend>Delivery</legend>');
    expect(page).toContain('<dt>What are you proud of?</dt><dd>The launch</dd>');
    expect(page).toContain('Praise from Bob Prompt: Pricing page is great');
    expect(page).toContain('Constructive (private) from Cid Never: Loop me in earlier');

    const base = {
      employeeId: 'e1',
      [`goal-${await annGoalId()}`]: '3',
      'competency-delivery': '4',
      rating: '3',
      strengths: 'Ships',
      areasToImprove: 'Estimates',
      comments: 'A strong quarter',
    };
    const proposals = {
      proposedGoal1Title: 'Lead pricing',
      proposedGoal1Due: dateAfter(stack.clock.now(), 60),
      proposedGoal1Weight: '40',
      proposedGoal2Title: 'Mentor Bob',
      proposedGoal2Due: dateAfter(stack.clock.now(), 70),
    };
    const badProposal = await postForm(link, hidden, {
      ...base,
      proposedGoal1Title: 'Lead pricing',
      proposedGoal1Due: dateAfter(stack.clock.now(), -2),
      proposedGoal1Weight: '140',
    });
    expect(badProposal.status).toBe(400);
    expect(badProposal.html).toContain('<li>Proposed goal 1: due must be in the future</li>');
    expect(badProposal.html).toContain('<li>Proposed goal 1: weight must be a whole number from 0 to 100</li>');
    expect(badProposal.html).toContain('value="Lead pricing"');

    const saved = await postForm(link, hidden, { ...base, ...proposals });
    expect(saved.status).toBe(303);
    // 50 % of the goal rating (3) and 50 % of the competency mean (4): 3.5, halfway, named by the point above.
    expect(saved.html).toContain('<dt>Final score</dt><dd>3.5 - Outstanding (from goals and competencies)</dd>');
    expect(saved.html).toContain('<dt>Delivery</dt><dd>4 - Outstanding</dd>');
    expect(saved.html).toContain(
      `Lead pricing (due ${proposals.proposedGoal1Due}, weight 40 %)\nMentor Bob (due ${proposals.proposedGoal2Due}, weight 0 %)`,
    );
    const bobGoal = JSON.parse((await cli(stack, dataDir.path, 'goals', 'list', '--employee', 'e2', '--json')).out)
      .goals[0].goalId;
    await postReview(linkIn(request, '/forms/team'), 'e2', {
      [`goal-${bobGoal}`]: '1',
      'competency-delivery': '2',
      rating: '2',
      strengths: 'Calm',
      areasToImprove: 'Pace',
      comments: 'Steady',
    });
  });

  it('releases each appraisal with a link to the results page', async () => {
    await moveTo(managerDue + DAY + HOUR);
    const results = (await newMail()).filter((mail) => mail.subject === `${CYCLE}: your review result`);
    expect(results.map((mail) => mail.to).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'cid@example.com',
      'maria@example.com',
    ]);
    const ann = results.find((mail) => mail.to === 'ann@example.com')!;
    expect(ann.from).toBe('"Acme People" <perfcycle@example.com>');
    expect(ann.text).toContain('Final score: 3.5 of 4 - Outstanding');
    expect(ann.text).toContain('Ship pricing (weight 60 %): 3 of 4 - Strong');
    expect(ann.text).toContain('Overall rating: 3 of 4 - Strong');
    const page = await (await fetch(linkIn(ann, '/forms/results'))).text();
    expect(page).toContain('<h1>Your results: Appraisal Q</h1>');
    expect(page).toContain('<dt>Strengths</dt><dd>Ships</dd>');
    expect(page).toContain('Add the proposed goals to my goals');
    const cid = results.find((mail) => mail.to === 'cid@example.com')!;
    expect(cid.text).toContain('HR will follow up');
    expect(() => linkIn(cid, '/forms/results')).toThrow();
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.results).toEqual({
      released: 2,
      acknowledged: 0,
      disagreed: 0,
      unacknowledged: 2,
    });
    expect(
      (await hr(stack, 'GET', `/cycles/${cycleId}/unacknowledged`)).body.unacknowledged.map((u: any) => [
        u.employeeId,
        u.name,
        u.manager,
      ]),
    ).toEqual([
      ['e1', 'Ann Early', 'Maria Manager'],
      ['e2', 'Bob Prompt', 'Maria Manager'],
    ]);
    await expectCountersExact(stack, cycleId);
  });

  it('takes Bob\u2019s acknowledgement once and tells his manager, not HR (no comment, no disagreement)', async () => {
    const result = (await mailbox(stack)).find(
      (mail) => mail.to === 'bob@example.com' && mail.subject === `${CYCLE}: your review result`,
    )!;
    const link = linkIn(result, '/forms/results');
    const hidden = await openForm(link);
    const tooLong = await postForm(link, hidden, { comment: 'x'.repeat(5001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('Your comment is longer than 5000 characters');
    const acknowledged = await postForm(link, hidden, { comment: '' });
    expect(acknowledged.status).toBe(303);
    expect(acknowledged.html).toContain('Thank you: your acknowledgement was sent to your manager.');
    // The same form again is recorded once; another page opened before the acknowledgement changes nothing.
    expect((await postForm(link, hidden, { comment: '' })).html).toContain('it was recorded once');
    expect(
      (await postForm(link, { ...hidden, submissionId: randomUUID() }, { comment: 'again', disagree: 'yes' })).status,
    ).toBe(409);
    const told = (await newMail()).filter(
      (mail) => mail.subject === `${CYCLE}: Bob Prompt acknowledged their appraisal`,
    );
    // Neither a comment nor a disagreement: the manager is told, HR sees it in the console and the report.
    expect(told.map((mail) => mail.to)).toEqual(['maria@example.com']);
    expect(told[0].text).toContain('They left no comment.');
  });

  it('lets the manager confirm Ann\u2019s proposed goals, once', async () => {
    const request = (await mailbox(stack)).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith(`${CYCLE}: please review your team`),
    )!;
    const team = linkIn(request, '/forms/team');
    expect(await (await fetch(team)).text()).toMatch(
      /Bob Prompt<\/a><\/th><td>[^<]+<\/td><td>Submitted on [^<]+<\/td><td>Acknowledged<\/td>/,
    );
    expect(await (await fetch(reportLink(team, 'e2'))).text()).toContain('Bob Prompt acknowledged the results.');
    const link = reportLink(team, 'e1');
    expect(await (await fetch(link)).text()).toContain('Ann Early has not acknowledged the results yet.');
    const hidden = await openForm(link);
    const confirmed = await postForm(link, hidden, { employeeId: 'e1', action: 'confirm-goals' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.html).toContain('The proposed goals are now goals');
    expect(confirmed.html).not.toContain('Make the proposed goals for Ann Early goals now');
    // A second press (a double click, a resent form) changes nothing.
    const again = await postForm(link, hidden, { employeeId: 'e1', action: 'confirm-goals' });
    expect(again.status).toBe(303);
    expect(again.html).toContain('There were no proposed goals left to confirm');
    const cid = await postForm(link, hidden, { employeeId: 'e3', action: 'confirm-goals' });
    expect(cid.html).toContain('There were no proposed goals left to confirm');
    const goals = JSON.parse((await cli(stack, dataDir.path, 'goals', 'list', '--employee', 'e1', '--json')).out).goals;
    expect(
      goals
        .filter((goal: any) => goal.createdBy.startsWith('manager:'))
        .map((goal: any) => [goal.title, goal.weight, goal.createdBy]),
    ).toEqual([
      ['Lead pricing', 40, 'manager:m1'],
      ['Mentor Bob', 0, 'manager:m1'],
    ]);
    const goalMails = (await newMail()).filter(
      (mail) => mail.to === 'ann@example.com' && mail.subject.startsWith('New goal:'),
    );
    expect(goalMails.map((mail) => mail.subject).sort()).toEqual(['New goal: Lead pricing', 'New goal: Mentor Bob']);
  });

  it('reminds Ann once, across a restart, and never Bob', async () => {
    stack = await restartStack(stack, join(dataDir.path, 'data'));
    const releasedAt = managerDue + DAY;
    await moveTo(releasedAt + 3 * DAY + 2 * HOUR);
    await moveTo(releasedAt + 10 * DAY);
    const reminders = (await newMail()).filter(
      (mail) => mail.subject === `Reminder: please acknowledge your ${CYCLE} results`,
    );
    expect(reminders.map((mail) => mail.to)).toEqual(['ann@example.com']);
    expect(linkIn(reminders[0], '/forms/results')).toContain('/forms/results?t=');
    const audit = (await auditOf(stack, cycleId)).map((event: any) => event.action);
    expect(audit.filter((action: string) => action === 'acknowledgements-reminded')).toHaveLength(1);
    expect(audit).toEqual(expect.arrayContaining(['results-acknowledged', 'proposed-goals-created']));
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.results.unacknowledged).toBe(1);
    expect(
      (await hr(stack, 'GET', `/cycles/${cycleId}/unacknowledged`)).body.unacknowledged.map((u: any) => u.employeeId),
    ).toEqual(['e1']);
    await expectCountersExact(stack, cycleId);

    // In the terminal: who has not acknowledged, and to whom each mail went.
    const status = await cli(stack, dataDir.path, 'cycle', 'status', cycleId);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(
      new RegExp(
        `results: 2 released, 1 acknowledged \\(\\d+ disagreeing\\), 1 not acknowledged\nwho has not: perfcycle cycle unacknowledged ${cycleId}$`,
      ),
    );
    const unacknowledged = await cli(stack, dataDir.path, 'cycle', 'unacknowledged', cycleId);
    expect(unacknowledged.out.trim()).toBe('e1  Ann Early (Sales), manager Maria Manager');
    const auditText = await cli(stack, dataDir.path, 'cycle', 'audit', cycleId, '--all');
    expect(auditText.code, auditText.err).toBe(0);
    const mailLines = auditText.out.split('\n').filter((line) => / mail-\w+ /.test(line));
    expect(mailLines.length).toBeGreaterThan(0);
    expect(mailLines.filter((line) => !/ to \S+@example\.com/.test(line))).toEqual([]);
    expect(mailLines.some((line) => line.includes('mail-sent') && line.includes(' to ann@example.com'))).toBe(true);
  });

  it('reports the cycle to HR, as JSON, in the terminal and as a CSV that opens in a spreadsheet', async () => {
    const report = (await hr(stack, 'GET', `/cycles/${cycleId}/report`)).body;
    expect(report).toMatchObject({
      cycleId,
      name: CYCLE,
      period,
      phase: 'CLOSED',
      settingsVersion: 1,
      scale: ['Not yet', 'Solid', 'Strong', 'Outstanding'],
    });
    expect(report.overall.self).toEqual({
      participants: 4,
      pending: 0,
      submitted: 1,
      late: 0,
      overdue: 3,
      completion: 25,
    });
    expect(report.overall.manager).toEqual({
      participants: 4,
      pending: 0,
      submitted: 2,
      late: 0,
      overdue: 2,
      completion: 50,
    });
    // Ann 3.5 -> Outstanding, Bob (goal 1, competency 2) 1.5 -> Solid; Maria and Cid have no review.
    expect(report.overall.ratings).toEqual({ 'Not yet': 0, Solid: 1, Strong: 0, Outstanding: 1, 'no rating': 2 });
    expect(report.overall.goals).toMatchObject({ met: 1, missed: 1, 'done-late': 0 });
    expect(report.overall).toMatchObject({ unacknowledged: 1, disagreed: 0 });
    expect(report.departments.map((d: any) => d.department)).toEqual(['Sales']);
    expect(report.source).toBe('counters');
    await expectReportExact(stack, cycleId);

    const viaCli = await cli(stack, dataDir.path, 'cycle', 'report', cycleId, '--csv', 'report.csv');
    expect(viaCli.code, viaCli.err).toBe(0);
    expect(viaCli.out).toContain(
      'everyone: 4 people; self 25% (0 late, 3 overdue); manager 50% (0 late, 2 overdue); goals 1 met, 0 done late, 1 missed; 1 unacknowledged',
    );
    expect(viaCli.out).toContain('wrote 4 rows to report.csv');
    const csv = readFileSync(join(dataDir.path, 'report.csv'), 'utf8');
    expect(
      csv.startsWith(
        '\uFEFFemployeeId,name,department,manager,self-assessment,manager review,final score,final rating,overall rating,goals met,goals done late,goals missed,goals open,acknowledgement,managerRating,finalRating,adjusted\r\n',
      ),
    ).toBe(true);
    const rows = csv.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(5);
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(['e1', 'e2', 'e3', 'm1']);
    expect(rows).toContain(
      'e1,Ann Early,Sales,Maria Manager,submitted,submitted,3.5,Outstanding,3,1,0,0,0,unacknowledged,3,3.5,no',
    );
    expect(rows).toContain(
      'e2,Bob Prompt,Sales,Maria Manager,overdue,submitted,1.5,Solid,2,0,0,1,0,acknowledged,2,1.5,no',
    );
    expect(rows).toContain('m1,Maria Manager,Sales,HR,overdue,overdue,,,,0,0,0,0,no result,,,');
  });

  it('shows one person\u2019s history across cycles', async () => {
    const history = await cli(stack, dataDir.path, 'employees', 'history', 'e1', '--json');
    expect(history.code, history.err).toBe(0);
    expect(JSON.parse(history.out).cycles).toEqual([
      expect.objectContaining({
        cycleId,
        name: CYCLE,
        period,
        finalScore: { value: 3.5, label: 'Outstanding' },
        overallRating: 3,
        acknowledgement: 'unacknowledged',
        goalRatings: [{ title: 'Ship pricing', weight: 60, rating: 3 }],
      }),
    ]);
    expect((await cli(stack, dataDir.path, 'employees', 'history', 'e1')).out).toContain(
      `${period}  ${CYCLE} (${cycleId}): 3.5 Outstanding, unacknowledged, reviewer Maria Manager`,
    );
  });

  it('answers bad report requests with a clear error', async () => {
    expect((await hr(stack, 'GET', '/cycles/cyc_0000000000000000/report')).status).toBe(404);
    expect((await hr(stack, 'GET', '/cycles/nope/report')).status).toBe(400);
    const format = await hr(stack, 'GET', `/cycles/${cycleId}/report?format=xml`);
    expect(format.status).toBe(400);
    expect(format.body.details).toEqual(['format must be json or csv']);
    expect((await hr(stack, 'GET', '/employees/ghost/history')).status).toBe(404);
    const unwritable = await cli(stack, dataDir.path, 'cycle', 'report', cycleId, '--csv', 'no/such/dir/report.csv');
    expect(unwritable.code).toBe(1);
    expect(unwritable.err).toContain('cannot write no/such/dir/report.csv');
  });

  it('sent every email of the quarter once', async () => {
    const all = await mailbox(stack);
    const keys = all.map((mail) => `${mail.to}|${mail.subject}|${mail.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    const count = (subject: string) => all.filter((mail) => mail.subject === subject).length;
    expect(count(`${CYCLE}: your self-assessment is open`)).toBe(4);
    expect(count(`${CYCLE}: your review result`)).toBe(4);
    expect(count(`Reminder: please acknowledge your ${CYCLE} results`)).toBe(1);
    expect(count(`${CYCLE}: Bob Prompt acknowledged their appraisal`)).toBe(1);
    expect(
      all
        .filter((mail) => mail.subject.startsWith(`${CYCLE}: please review your team`))
        .map((mail) => mail.to)
        .sort(),
    ).toEqual(['hr@example.com', 'maria@example.com']);
    expect(
      all
        .filter((mail) => mail.subject === 'Your goal "Close 5 deals" was not met by its due date')
        .map((mail) => mail.to),
    ).toEqual(['bob@example.com']);
    // Everything went out under the sender name of the settings in force when it was sent or launched.
    expect(new Set(all.map((mail) => mail.from))).toEqual(
      new Set(['"Acme People" <perfcycle@example.com>', '"Next Version" <perfcycle@example.com>']),
    );
  });
});
