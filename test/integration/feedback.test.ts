import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekStartOf } from '../../functions/domain/feedback.ts';
import { periodAt } from '../../functions/domain/goals.ts';
import { defaultSettingsInput } from '../../functions/domain/settings.ts';
import {
  addGoalByCli,
  cli,
  dateAfter,
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
 * Continuous feedback on the local stack: praise is public (the person, their manager and their team, at
 * once or in a weekly digest), constructive feedback private (the person and their manager, never a
 * digest); colleagues answer a request through an emailed link; the manager's review page lists the
 * feedback of the quarter.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Quiet,cid@example.com,m1,Sales
m2,Max Other,max@example.com,,Ops
x1,Xena Far,xena@example.com,m2,Ops
`;

describe('continuous feedback', () => {
  const dir = tempDir('perfcycle-feedback-');
  let stack: LocalStack;
  let seen = 0;
  let startedAt: number;
  const newMail = async (): Promise<Mail[]> => {
    const all = await mailbox(stack);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const give = (from: string, to: string, kind: string, text: string) =>
    cli(stack, dir.path, 'feedback', 'give', '--from', from, '--to', to, '--kind', kind, '--text', text, '--json');
  const recipients = (mails: Mail[]) => mails.map((mail) => mail.to).sort();

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    await newMail();
    startedAt = stack.clock.now();
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('sends praise to the person, their manager and their team, once each', async () => {
    const given = await give('e2', 'e1', 'praise', 'Great demo to the customer');
    expect(given.code, given.err).toBe(0);
    expect(JSON.parse(given.out)).toMatchObject({
      fromId: 'e2',
      toId: 'e1',
      kind: 'praise',
      text: 'Great demo to the customer',
    });
    const mails = await newMail();
    expect(recipients(mails)).toEqual(['ann@example.com', 'bob@example.com', 'cid@example.com', 'maria@example.com']);
    expect(mails.find((mail) => mail.to === 'ann@example.com')!.subject).toBe('Bob Prompt recognised your work');
    for (const mail of mails.filter((m) => m.to !== 'ann@example.com')) {
      expect(mail.subject).toBe('Recognition: Bob Prompt recognised Ann Early');
      expect(mail.text).toContain('Great demo to the customer');
    }
  });

  it('keeps constructive feedback between the person and their manager', async () => {
    expect((await give('x1', 'e1', 'constructive', 'Send the agenda before meetings')).code).toBe(0);
    const mails = await newMail();
    expect(recipients(mails)).toEqual(['ann@example.com', 'maria@example.com']);
    expect(mails.find((mail) => mail.to === 'ann@example.com')!.subject).toBe('Feedback from Xena Far');
    expect(mails.find((mail) => mail.to === 'maria@example.com')!.subject).toBe(
      'Private feedback for Ann Early from Xena Far',
    );
    expect(mails.every((mail) => mail.text.includes('Send the agenda before meetings'))).toBe(true);
  });

  it('refuses bad feedback with the reason and sends nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ from: 'e1', to: 'e1', kind: 'praise', text: 'Me!' }, 400, 'from and to are the same person'],
      [{ from: 'e1', to: 'nobody', kind: 'praise', text: 'Hi' }, 404, 'employee nobody not found'],
      [{ from: 'e1', to: 'e2', kind: 'kudos', text: 'Hi' }, 400, 'kind must be praise or constructive'],
      [{ from: 'e1', to: 'e2', kind: 'praise', text: '   ' }, 400, 'text is required'],
      [{ from: 'e1', to: 'e2', kind: 'praise', text: 'x'.repeat(2001) }, 400, 'text is longer than 2000 characters'],
      [{ from: 'e1', to: 'e2', kind: 'praise', text: 'bell\u0007' }, 400, 'text must not contain control characters'],
      [{ from: 'e1', to: 'e2', kind: 'praise', text: 'Hi', extra: true }, 400, 'Unrecognized key'],
      [{ from: 'e1', to: ['e2'], message: 'x' }, 400, 'kind'],
    ];
    for (const [body, status, message] of cases) {
      const response = await hr(stack, 'POST', '/feedback', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect([response.body.error, ...response.body.details].join(' ')).toContain(message);
    }
    const viaCli = await give('e1', 'e2', 'kudos', 'Hi');
    expect(viaCli.code).toBe(1);
    expect(viaCli.err).toContain('kind must be praise or constructive');
    const requests: [unknown, number, string][] = [
      [{ from: 'e1', to: [] }, 400, 'name at least one colleague'],
      [{ from: 'e1', to: ['e1'] }, 400, 'ask colleagues, not yourself'],
      [{ from: 'e1', to: ['e2', 'ghost'] }, 400, 'no employee ghost in the directory'],
      [{ from: 'e1', to: Array.from({ length: 11 }, (_, i) => `c${i}`) }, 400, 'at most 10 colleagues per request'],
    ];
    for (const [body, status, message] of requests) {
      const response = await hr(stack, 'POST', '/feedback/requests', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body.details.join(' ')).toContain(message);
    }
    expect(await newMail()).toEqual([]);
  });

  it('collects feedback from colleagues through an emailed link, once each', async () => {
    const asked = await cli(
      stack,
      dir.path,
      'feedback',
      'request',
      '--from',
      'e1',
      '--to',
      'e2,x1',
      '--message',
      'How did the launch go?',
      '--json',
    );
    expect(asked.code, asked.err).toBe(0);
    const requests = await newMail();
    expect(recipients(requests)).toEqual(['bob@example.com', 'xena@example.com']);
    expect(
      requests.every(
        (mail) => mail.subject === 'Ann Early asks for your feedback' && mail.text.includes('How did the launch go?'),
      ),
    ).toBe(true);

    const xenaLink = linkIn(requests.find((mail) => mail.to === 'xena@example.com')!, '/forms/feedback');
    const page = await (await fetch(xenaLink)).text();
    expect(page).toContain('<h1>Feedback for Ann Early</h1>');
    const hidden = await openForm(xenaLink);
    const empty = await postForm(xenaLink, hidden, { kind: 'constructive', text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('Your feedback is required');
    const noKind = await postForm(xenaLink, hidden, { text: 'Plan earlier' });
    expect(noKind.html).toContain('Choose praise or constructive feedback');
    // A second tab with the same form, to be sent after the first.
    const otherTab = await openForm(xenaLink);
    const sent = await postForm(xenaLink, hidden, { kind: 'constructive', text: 'Plan the rollout earlier' });
    expect(sent.status).toBe(303);
    expect(sent.html).toContain('Thank you: your feedback was sent');
    // The other tab's answer is refused: a colleague answers a request once.
    const again = await postForm(xenaLink, otherTab, { kind: 'praise', text: 'Changed my mind' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('Plan the rollout earlier');
    const told = await newMail();
    expect(recipients(told)).toEqual(['ann@example.com', 'maria@example.com']);
    expect(
      told.every((mail) => mail.text.includes('Plan the rollout earlier') && !mail.text.includes('Changed my mind')),
    ).toBe(true);

    // Bob's link does not answer for Xena, and Ann's own link is not a feedback link.
    const bobLink = linkIn(requests.find((mail) => mail.to === 'bob@example.com')!, '/forms/feedback');
    expect((await fetch(bobLink)).status).toBe(200);
    const tampered = new URL(bobLink);
    tampered.searchParams.set('t', `${tampered.searchParams.get('t')!.slice(0, -2)}xx`);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('lets an employee ask colleagues from their goals page, by email address', async () => {
    await addGoalByCli(stack, dir.path, {
      employee: 'e3',
      title: 'Run the Q-end review',
      due: dateAfter(stack.clock.now(), 30),
    });
    const goalMail = (await newMail()).find((mail) => mail.to === 'cid@example.com')!;
    const link = linkIn(goalMail, '/forms/goals');
    const hidden = await openForm(link);
    const unknown = await postForm(link, hidden, {
      action: 'request-feedback',
      colleagues: 'ann@example.com\nnobody@example.com',
      message: '',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('Nobody in the directory has the address nobody@example.com');
    expect(unknown.html).toContain('ann@example.com\nnobody@example.com</textarea>');
    const malformed = await postForm(link, hidden, {
      action: 'request-feedback',
      colleagues: 'ann@example.com, not-an-email',
      message: '',
    });
    expect(malformed.html).toContain('Not an email address: not-an-email');
    const self = await postForm(link, hidden, {
      action: 'request-feedback',
      colleagues: 'CID@example.com',
      message: '',
    });
    expect(self.html).toContain('ask colleagues, not yourself');
    expect(await newMail()).toEqual([]);
    const sent = await postForm(link, hidden, {
      action: 'request-feedback',
      colleagues: 'Ann@Example.com; bob@example.com',
      message: 'Quick one',
    });
    expect(sent.status).toBe(303);
    expect(sent.html).toContain('Your request was sent: each colleague gets an email with a link to answer it.');
    expect(recipients(await newMail())).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('in weekly-digest mode, sends each team one digest of the week\u2019s praise and never constructive feedback', async () => {
    writeFileSync(
      join(dir.path, 'digest.json'),
      JSON.stringify({ ...defaultSettingsInput('UTC', 'Example Org'), recognition: 'weekly-digest' }),
    );
    expect((await cli(stack, dir.path, 'settings', 'set', '--file', 'digest.json')).code).toBe(0);
    const weekOfPraise = weekStartOf(stack.clock.now(), 'UTC');
    expect((await give('e3', 'e2', 'praise', 'Saved the quarter-end close')).code).toBe(0);
    expect((await give('e1', 'e2', 'constructive', 'Answer emails faster')).code).toBe(0);
    expect((await give('m2', 'x1', 'praise', 'Great on-call week')).code).toBe(0);
    const now = await newMail();
    // Praise reaches its recipient at once; the team waits for the digest. Constructive: recipient and manager.
    expect(now.map((mail) => `${mail.to}|${mail.subject}`).sort()).toEqual([
      'bob@example.com|Cid Quiet recognised your work',
      'bob@example.com|Feedback from Ann Early',
      'maria@example.com|Private feedback for Bob Prompt from Ann Early',
      'xena@example.com|Max Other recognised your work',
    ]);

    // The daily run of next Monday (06:00 UTC) sends the digests of this week.
    const nextMonday = Date.parse(`${weekOfPraise}T06:00:00Z`) + 7 * DAY;
    await stack.advance(nextMonday + HOUR - stack.clock.now());
    await stack.settled();
    const digests = (await newMail()).filter(
      (mail) => mail.subject === `Recognition in your team, week of ${weekOfPraise}`,
    );
    expect(recipients(digests)).toEqual([
      'ann@example.com',
      'bob@example.com',
      'cid@example.com',
      'maria@example.com',
      'max@example.com',
      'xena@example.com',
    ]);
    const sales = digests.find((mail) => mail.to === 'maria@example.com')!;
    expect(sales.text).toContain('Cid Quiet recognised Bob Prompt: Saved the quarter-end close');
    expect(sales.text).not.toContain('Answer emails faster');
    expect(sales.text).not.toContain('Great on-call week');
    expect(digests.find((mail) => mail.to === 'xena@example.com')!.text).toContain(
      'Max Other recognised Xena Far: Great on-call week',
    );

    await stack.advance(2 * DAY);
    await stack.settled();
    expect((await newMail()).filter((mail) => mail.subject.startsWith('Recognition in your team'))).toEqual([]);
  });

  it('shows the quarter\u2019s feedback on the manager\u2019s review page', async () => {
    const now = stack.clock.now();
    const launched = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      'Feedback Q',
      '--self-due',
      dateAfter(now, 1),
      '--manager-due',
      dateAfter(now, 5),
      '--period',
      periodAt(startedAt, 'UTC'),
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    await stack.advance(2 * DAY);
    await stack.settled();
    const request = (await newMail()).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('Feedback Q: please review your team'),
    )!;
    const ann = await (await fetch(reportLink(linkIn(request, '/forms/team'), 'e1'))).text();
    expect(ann).toContain('Praise from Bob Prompt: Great demo to the customer');
    expect(ann).toContain('Constructive (private) from Xena Far: Send the agenda before meetings');
    expect(ann).toContain('Constructive (private) from Xena Far: Plan the rollout earlier');
  });
});
