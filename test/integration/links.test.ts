import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDeadline } from '../../functions/domain/time.ts';
import {
  addGoalByCli,
  cli,
  clearMailbox,
  DAY,
  dateAfter,
  HOUR,
  hr,
  launchFromRoster,
  linkIn,
  mailbox,
  postReview,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Emailed links live as long as what they are for, not a fixed number of days (issue 9): a cycle due in 150
 * days once sent invitations that answered 410 on day 121 while the self-assessment was still open.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Late,bob@example.com,m1,Sales
`;
const WEEK = 7 * DAY;

/** The expiry a link's token carries (its claims are base64url JSON before the signature). */
function expiryOf(link: string): number {
  const token = new URL(link).searchParams.get('t')!;
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).e;
}

async function open(link: string): Promise<{ status: number; title: string }> {
  const response = await fetch(link);
  return { status: response.status, title: /<h1>(.*?)<\/h1>/.exec(await response.text())?.[1] ?? '' };
}

describe('links live as long as their purpose', () => {
  const dir = tempDir('perfcycle-links-');
  let stack: LocalStack;
  let cycleId: string;
  let managerDate: string;
  let managerDue: number;
  let release: number;
  let acknowledgementEnds: number;
  let invitations: Mail[];
  let teamLink: string;
  let resultsLink: string;
  const advanceTo = (instant: number) => stack.advance(instant - stack.clock.now());
  async function newMail(): Promise<Mail[]> {
    await stack.settled();
    const mails = await mailbox(stack);
    await clearMailbox(stack);
    return mails;
  }
  const invitationOf = (address: string) => linkIn(invitations.find((mail) => mail.to === address)!, '/forms/self');

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    const cycle = await launchFromRoster(stack, dir.path, {
      roster: ROSTER,
      name: 'Long',
      selfDue: 150,
      managerDue: 160,
    });
    cycleId = cycle.cycleId;
    managerDate = cycle.managerDate;
    managerDue = cycle.managerDue;
    // Default timings: HR hears 2 days after the manager deadline, and the results are released then.
    release = managerDue + 2 * DAY;
    // The acknowledgement reminder 5 days after the release, and as long again to act on it.
    acknowledgementEnds = release + 10 * DAY;
    invitations = await newMail();
    expect(invitations.map((mail) => mail.to).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'maria@example.com',
    ]);
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('sends invitations that live until a week after the release, when late self-assessments stop', () => {
    for (const mail of invitations) expect(expiryOf(linkIn(mail, '/forms/self'))).toBe(release + WEEK);
  });

  it('opens the invitation on day 121 (a fixed 120-day link answered 410 here)', async () => {
    await stack.advance(121 * DAY);
    expect(await open(invitationOf('ann@example.com'))).toEqual({ status: 200, title: 'Self-assessment: Long' });
  });

  it('gives the reminder after an extension a link that lives as long, and the manager one to the end of the acknowledgement period', async () => {
    const extended = await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 'e2', until: managerDate });
    expect(extended.status).toBe(200);
    await advanceTo(managerDue - 3 * DAY + HOUR);
    const mails = await newMail();
    const reminder = mails.find(
      (mail) => mail.to === 'bob@example.com' && mail.subject.startsWith('Reminder: Long self-assessment'),
    )!;
    const reminderLink = linkIn(reminder, '/forms/self');
    expect(expiryOf(reminderLink)).toBe(release + WEEK);
    expect((await open(reminderLink)).status).toBe(200);

    teamLink = linkIn(
      mails.find(
        (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('Long: please review your team'),
      )!,
      '/forms/team',
    );
    expect(expiryOf(teamLink)).toBe(acknowledgementEnds + WEEK);
    await postReview(teamLink, 'e1', {
      rating: '3',
      strengths: 'Ships',
      areasToImprove: 'Estimates',
      comments: 'A steady half year',
    });
  });

  it('releases the results with a link that lives until a week after the acknowledgement period', async () => {
    await advanceTo(release + HOUR);
    const result = (await newMail()).find(
      (mail) => mail.to === 'ann@example.com' && mail.subject === 'Long: your review result',
    )!;
    expect(result.text).toContain(
      `Please read it and acknowledge it there by ${formatDeadline(acknowledgementEnds, 'UTC')};`,
    );
    resultsLink = linkIn(result, '/forms/results');
    expect(expiryOf(resultsLink)).toBe(acknowledgementEnds + WEEK);
    expect(await open(resultsLink)).toEqual({ status: 200, title: 'Your results: Long' });
    expect(await (await fetch(resultsLink)).text()).toContain(
      `Please acknowledge them by ${formatDeadline(acknowledgementEnds, 'UTC')}.`,
    );
    // After the release the team page still opens: it confirms the goals a review proposed.
    expect((await open(teamLink)).status).toBe(200);
  });

  it('answers the invitation with the closed page until a week after the release, then 410', async () => {
    await advanceTo(release + WEEK - HOUR);
    expect(await open(invitationOf('bob@example.com'))).toEqual({ status: 409, title: 'This review cycle is closed' });
    const reminder = (await newMail()).find(
      (mail) => mail.to === 'ann@example.com' && mail.subject === 'Reminder: please acknowledge your Long results',
    )!;
    expect(reminder.text).toContain(
      `is waiting for you to read and acknowledge it, by ${formatDeadline(acknowledgementEnds, 'UTC')}.`,
    );
    expect(expiryOf(linkIn(reminder, '/forms/results'))).toBe(acknowledgementEnds + WEEK);
    await advanceTo(release + WEEK + HOUR);
    expect(await open(invitationOf('bob@example.com'))).toEqual({ status: 410, title: 'This link has expired' });
    expect(await open(invitationOf('ann@example.com'))).toEqual({ status: 410, title: 'This link has expired' });
  });

  it('opens the results and the team page until a week after the acknowledgement period, then 410', async () => {
    await advanceTo(acknowledgementEnds + WEEK - HOUR);
    expect((await open(resultsLink)).status).toBe(200);
    expect((await open(teamLink)).status).toBe(200);
    await advanceTo(acknowledgementEnds + WEEK + HOUR);
    expect(await open(resultsLink)).toEqual({ status: 410, title: 'This link has expired' });
    expect(await open(teamLink)).toEqual({ status: 410, title: 'This link has expired' });
  });

  it('keeps a goals link until a week after the goal watch is done with the goal (HR, 7 days after the due date)', async () => {
    const dueDate = dateAfter(stack.clock.now(), 10);
    await addGoalByCli(stack, dir.path, { employee: 'e1', title: 'Ship pricing', due: dueDate });
    const link = linkIn((await newMail()).find((mail) => mail.subject === 'New goal: Ship pricing')!, '/forms/goals');
    const expires = Date.parse(`${dueDate}T23:59:59Z`) + WEEK + WEEK;
    expect(expiryOf(link)).toBe(expires);
    await advanceTo(expires - HOUR);
    expect(await open(link)).toEqual({ status: 200, title: 'Your goals' });
    await advanceTo(expires + HOUR);
    expect(await open(link)).toEqual({ status: 410, title: 'This link has expired' });
  });

  it('keeps a feedback request link for the 30 days the request is open, which its email names, and a week more', async () => {
    const requestedAt = stack.clock.now();
    expect((await cli(stack, dir.path, 'feedback', 'request', '--from', 'e1', '--to', 'e2')).code).toBe(0);
    const request = (await newMail()).find((mail) => mail.to === 'bob@example.com')!;
    const link = linkIn(request, '/forms/feedback');
    const closes = expiryOf(link) - WEEK;
    expect(closes - requestedAt).toBeGreaterThanOrEqual(30 * DAY);
    expect(closes - requestedAt).toBeLessThan(30 * DAY + HOUR);
    expect(request.text).toContain(`would like your feedback on their work, by ${formatDeadline(closes, 'UTC')}.`);
    await advanceTo(closes + WEEK - HOUR);
    expect(await open(link)).toEqual({ status: 200, title: 'Feedback for Ann Early' });
    await advanceTo(closes + WEEK + HOUR);
    expect(await open(link)).toEqual({ status: 410, title: 'This link has expired' });
  });
});
