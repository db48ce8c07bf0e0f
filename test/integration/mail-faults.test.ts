import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  auditOf,
  dateAfter,
  DAY,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  PAST_NEXT_FLUSH,
  postForm,
  postReview,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';
import { startSesFaults, type SesFaults } from '../support/ses-faults.ts';

/**
 * Every email goes out exactly once, and no SES fault stops a cycle: 300-person launches under each fault
 * of an SES stand-in (refused, failing for some recipients, throttling, hanging), concurrent API calls
 * that each queue mail, and a cancel racing a launch. Deliveries are counted per recipient by the stand-in.
 */
const SIZE = 300;
const DEPARTMENTS = ['Refused', 'Failing', 'Throttled', 'Hanging', 'Cancelled'];
const address = (id: string) => `${id}@example.com`;
const membersOf = (department: string) => [
  `${department}-m`,
  ...Array.from({ length: SIZE - 1 }, (_, i) => `${department}-${i}`),
];
const TEAM = ['tm', 't1', 't2', 't3', 't4'];
const ACKS = ['a1', 'a2', 'a3'];
/** Emails per second for every sender together, as SES's quota would be. */
const RATE = 120;

/** The most sends that SES saw arrive within one second of the clock. */
function busiestSecond(arrivals: number[]): number {
  return Math.max(...[...Map.groupBy(arrivals, (at) => Math.floor(at / 1000)).values()].map((group) => group.length));
}

function roster(): string {
  const lines = ['employeeId,name,email,managerId,department'];
  for (const department of DEPARTMENTS) {
    const [manager, ...reports] = membersOf(department);
    lines.push(`${manager},${department} Manager,${address(manager)},,${department}`);
    for (const id of reports) lines.push(`${id},Person ${id},${address(id)},${manager},${department}`);
  }
  lines.push(
    `tm,Tara Lead,${address('tm')},,Team`,
    ...TEAM.slice(1).map((id) => `${id},Teammate ${id},${address(id)},tm,Team`),
  );
  lines.push(`am,Abe Lead,${address('am')},,Acks`, ...ACKS.map((id) => `${id},Acker ${id},${address(id)},am,Acks`));
  return `${lines.join('\n')}\n`;
}

describe('email under SES faults', () => {
  const dir = tempDir('perfcycle-mail-faults-');
  let faults: SesFaults;
  let stack: LocalStack;

  beforeAll(async () => {
    faults = await startSesFaults();
    stack = await startLocalStack({
      sesEndpoint: faults.url,
      sesMaxSendRate: RATE,
      mailTimings: { sendTimeoutMs: 3000, leaseSeconds: 30 },
    });
    faults.forwardTo(stack.mailUrl);
    const imported = await hr(stack, 'POST', '/employees/import', { csv: roster() });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  });
  // A failed test must not leave its fault behind for the next one.
  afterEach(async () => {
    faults.heal();
    await faults.accept().catch(() => undefined);
  });
  afterAll(async () => {
    await stack?.stop();
    await faults?.close();
    dir.remove();
  });

  async function launch(department: string): Promise<string> {
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: `${department} Q1`,
      selfDue: dateAfter(now, 14),
      managerDue: dateAfter(now, 24),
      department,
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    return launched.body.cycleId;
  }

  /** The cycle is still running: its phase is unchanged and its execution waits for the next checkpoint. */
  async function expectRunning(cycleId: string) {
    await stack.settled();
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.phase).toBe('SELF_REVIEW');
    const executions = stack.runner.list().filter((execution) => execution.name.startsWith(cycleId));
    expect(executions.at(-1)!.status).toBe('WAITING');
  }

  /** How many messages each of these recipients got since `since` (the stand-in's count), and the total to anyone else. */
  function deliveredTo(recipients: string[], since: Map<string, number>) {
    const counts = recipients.map((to) => (faults.delivered.get(to) ?? 0) - (since.get(to) ?? 0));
    return { counts: new Set(counts), total: counts.reduce((sum, n) => sum + n, 0) };
  }

  /** Lets the scheduled flusher run (the clock passes its next tick) until `done` or `rounds` runs. */
  async function flushUntil(done: () => boolean, rounds: number, step = PAST_NEXT_FLUSH) {
    for (let round = 0; round < rounds && !done(); round++) {
      await stack.advance(step);
      await stack.settled();
    }
  }

  // First, while no other cycle is running: moving the clock a month is cheap then.
  it('sends each acknowledgement email once when three people acknowledge their results at the same moment', async () => {
    const now = stack.clock.now();
    const cycleId = await launch('Acks');
    await stack.advance(Date.parse(`${dateAfter(now, 14)}T23:59:59Z`) + HOUR - stack.clock.now());
    await stack.settled();
    const request = (await mailbox(stack)).find(
      (mail) => mail.to === address('am') && mail.subject.startsWith('Acks Q1: please review your team'),
    )!;
    const team = linkIn(request, '/forms/team');
    for (const id of ACKS) {
      await postReview(team, id, { rating: '3', strengths: 'Calm', areasToImprove: 'Pace', comments: 'Steady' });
    }
    await stack.advance(Date.parse(`${dateAfter(now, 24)}T23:59:59Z`) + 3 * DAY - stack.clock.now());
    await stack.settled();
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.phase).toBe('CLOSED');
    const results = (await mailbox(stack)).filter(
      (mail) => ACKS.map(address).includes(mail.to) && mail.subject === 'Acks Q1: your review result',
    );
    expect(results).toHaveLength(3);
    const forms = await Promise.all(
      results.map(async (mail) => ({
        link: linkIn(mail, '/forms/results'),
        hidden: await openForm(linkIn(mail, '/forms/results')),
      })),
    );
    // Each with a comment, so that HR is emailed as well as the manager.
    const answers = await Promise.all(
      forms.map(({ link, hidden: fields }) => postForm(link, fields, { comment: 'Thanks' })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([303, 303, 303]);
    await stack.settled();
    const told = (await mailbox(stack)).filter(
      (mail) => mail.subject.startsWith('Acks Q1: Acker') && mail.subject.endsWith('acknowledged their appraisal'),
    );
    expect(told.map((mail) => `${mail.to}|${mail.subject}`).sort()).toEqual(
      ACKS.flatMap((id) => [
        `${address('am')}|Acks Q1: Acker ${id} acknowledged their appraisal`,
        `hr@example.com|Acks Q1: Acker ${id} acknowledged their appraisal`,
      ]).sort(),
    );
  });

  it('rides out an SES that refuses connections, and the scheduled flusher sends everything once it is back', async () => {
    const before = new Map(faults.delivered);
    await faults.refuse();
    const cycleId = await launch('Refused');
    await expectRunning(cycleId);
    expect(deliveredTo(membersOf('Refused').map(address), before).total).toBe(0);

    await faults.accept();
    const backAt = faults.accepted.length;
    await flushUntil(() => deliveredTo(membersOf('Refused').map(address), before).total === SIZE, 3);
    expect(deliveredTo(membersOf('Refused').map(address), before).counts).toEqual(new Set([1]));
    await expectRunning(cycleId);
    // The backlog goes out at the configured rate, not all at once (sends started at the end of one second
    // may arrive in the next: at most the 16 in flight).
    expect(busiestSecond(faults.accepted.slice(backAt).map((mail) => mail.at))).toBeLessThanOrEqual(RATE + 16);
  });

  it('keeps senders that share the table under one send rate together', async () => {
    const { SendRateLimiter } = await import('../../functions/mail/send-rate.ts');
    const { reserveSends } = await import('../../functions/store/send-rate.ts');
    const senders = [1, 2, 3].map(() => new SendRateLimiter(25, reserveSends));
    const starts: number[] = [];
    await Promise.all(
      senders.map((sender) =>
        Promise.all(
          Array.from({ length: 30 }, async () => {
            await sender.take();
            starts.push(Date.now());
          }),
        ),
      ),
    );
    expect(starts).toHaveLength(90);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(25);
  });

  it('fails only the message SES refuses for good, retries a recipient SES keeps failing, and reports each to HR by name', async () => {
    const before = new Map(faults.delivered);
    const [rejected, failing] = ['Failing-7', 'Failing-8'];
    faults.failFor([address(rejected)], { status: 400, type: 'MessageRejected' });
    faults.failFor([address(failing)], { status: 500, type: 'InternalFailure' });
    const others = membersOf('Failing').filter((id) => id !== rejected && id !== failing);
    const cycleId = await launch('Failing');
    await expectRunning(cycleId);
    expect(deliveredTo(others.map(address), before).counts).toEqual(new Set([1]));
    expect([faults.delivered.get(address(rejected)), faults.delivered.get(address(failing))]).toEqual([
      undefined,
      undefined,
    ]);
    const reports = async () =>
      (await mailbox(stack)).filter(
        (mail) => mail.to === 'hr@example.com' && mail.subject.includes('could not be delivered'),
      );
    const [rejection] = await reports();
    expect(rejection.subject).toBe('perfcycle: 1 email could not be delivered');
    expect(rejection.text).toContain(
      `Person ${rejected} (${rejected}) <${address(rejected)}> did not get the self-assessment invitation (MessageRejected:`,
    );
    expect(rejection.text).toContain('Correct the address in the HR system, re-import the directory');

    // The server error is retried as SES keeps failing for that one address, then given up after a day.
    await stack.advance(HOUR);
    await stack.settled();
    expect(await reports()).toHaveLength(1);
    await stack.advance(DAY);
    await stack.settled();
    const [, givenUp] = await reports();
    expect(givenUp.text).toContain(
      `Person ${failing} (${failing}) <${address(failing)}> did not get the self-assessment invitation (SES kept failing for a day: InternalFailure`,
    );
    const audit = (await auditOf(stack, cycleId)) as {
      action: string;
      about?: string[];
      details: { error?: string };
    }[];
    const failed = audit.filter((event) => event.action === 'mail-failed');
    expect(failed.map((event) => event.about)).toEqual([[rejected], [failing]]);
    expect(failed.map((event) => event.details.error)).toEqual([
      expect.stringMatching(/^MessageRejected: /),
      expect.stringMatching(/^SES kept failing for a day: InternalFailure/),
    ]);
    expect(deliveredTo(others.map(address), before).counts).toEqual(new Set([1]));
    await expectRunning(cycleId);
    faults.heal();
  });

  it('keeps sending through throttling of 70 % of calls, each message once', async () => {
    const before = new Map(faults.delivered);
    const people = membersOf('Throttled').map(address);
    faults.throttle(0.7);
    const cycleId = await launch('Throttled');
    await expectRunning(cycleId);
    const atLaunch = deliveredTo(people, before).total;
    expect(atLaunch).toBeGreaterThan(0);
    // While SES throttles, every run of the flusher gets more through, never one twice.
    await flushUntil(() => false, 3);
    const throttled = deliveredTo(people, before);
    expect(throttled.total).toBeGreaterThan(atLaunch);
    expect(Math.max(...throttled.counts)).toBe(1);
    await expectRunning(cycleId);
    // Once SES takes everything again, what is left goes within its retry pause (at most an hour).
    faults.heal();
    await flushUntil(() => deliveredTo(people, before).total === SIZE, 8);
    expect(deliveredTo(people, before).counts).toEqual(new Set([1]));
  });

  it('gives up on an SES that hangs within the send timeout, and sends each message once when it answers again', async () => {
    const before = new Map(faults.delivered);
    const people = membersOf('Hanging').map(address);
    faults.hang();
    const started = Date.now();
    const cycleId = await launch('Hanging');
    await expectRunning(cycleId);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(deliveredTo(people, before).total).toBe(0);
    faults.heal();
    await flushUntil(() => deliveredTo(people, before).total === SIZE, 5);
    expect(deliveredTo(people, before).counts).toEqual(new Set([1]));
  });

  it('answers feedback and goals while SES is down, stores them once, and delivers their mail when SES is back', async () => {
    const before = new Map(faults.delivered);
    await faults.refuse();
    const praise = await hr(stack, 'POST', '/feedback', {
      from: 't2',
      to: 't3',
      kind: 'constructive',
      text: 'Written while SES was down',
    });
    const goal = await hr(stack, 'POST', '/employees/t4/goals', {
      title: 'Set while SES was down',
      due: dateAfter(stack.clock.now(), 30),
      weight: 5,
    });
    expect([praise.status, goal.status]).toEqual([201, 201]);
    expect(deliveredTo(TEAM.map(address), before).total).toBe(0);
    await faults.accept();
    await flushUntil(() => deliveredTo(TEAM.map(address), before).total === 3, 3);
    // The constructive feedback reaches the recipient and the lead; the goal its owner; each once.
    expect(
      [address('t3'), address('tm'), address('t4')].map(
        (to) => (faults.delivered.get(to) ?? 0) - (before.get(to) ?? 0),
      ),
    ).toEqual([1, 1, 1]);
    expect(deliveredTo(TEAM.map(address), before).total).toBe(3);
  });

  it('sends each email of concurrent feedback posts and goal adds exactly once', async () => {
    const before = new Map(faults.delivered);
    const givers = ['t2', 't3', 't4', 'tm', 't2', 't3', 't4', 'tm', 't3', 't4'];
    const posts = await Promise.all(
      givers.map((from, i) => hr(stack, 'POST', '/feedback', { from, to: 't1', kind: 'praise', text: `Thanks #${i}` })),
    );
    expect(posts.map((post) => post.status)).toEqual(givers.map(() => 201));
    const due = dateAfter(stack.clock.now(), 30);
    const adds = await Promise.all(
      TEAM.flatMap((id) =>
        [1, 2].map((n) =>
          hr(stack, 'POST', `/employees/${id}/goals`, { title: `Goal ${n} of ${id}`, due, weight: 10 }),
        ),
      ),
    );
    expect(adds.map((add) => add.status)).toEqual(adds.map(() => 201));
    await stack.settled();
    const mails = (await mailbox(stack)).filter(
      (mail) =>
        TEAM.map(address).includes(mail.to) && (mail.text.includes('Thanks #') || mail.subject.includes('Goal ')),
    );
    const keys = mails.map((mail) => `${mail.to}|${mail.subject}|${/Thanks #\d/.exec(mail.text)?.[0] ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Each praise reaches the recipient, the lead and the three teammates; each goal its owner.
    expect(mails.filter((mail) => mail.text.includes('Thanks #'))).toHaveLength(10 * 5);
    expect(deliveredTo(TEAM.map(address), before).total).toBe(10 * 5 + TEAM.length * 2);
  });

  it('sends one cancellation note to each participant when HR cancels a cycle that is still sending its invitations', async () => {
    const people = membersOf('Cancelled').map(address);
    const before = new Map(faults.delivered);
    // A slow SES keeps the launch sending while HR cancels, so both send at once.
    faults.slow(40);
    const cycleId = await launch('Cancelled');
    while (!people.some((to) => faults.delivered.get(to))) await new Promise((done) => setTimeout(done, 20));
    const cancelled = await hr(stack, 'POST', `/cycles/${cycleId}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await stack.settled();
    await flushUntil(() => false, 1);
    const mails = (await mailbox(stack)).filter((mail) => people.includes(mail.to));
    const notes = mails.filter((mail) => mail.subject.includes('cancelled'));
    // On failure, say what became of the notes that did not arrive.
    const audited = (await auditOf(stack, cycleId)) as {
      action: string;
      details?: { kind?: string; to?: string };
    }[];
    const missing = people.filter((to) => !notes.some((note) => note.to === to));
    const fate = audited.filter(
      (event) => event.details?.kind === 'cancellation' && missing.includes(event.details.to!),
    );
    expect(notes.map((mail) => mail.to).sort(), JSON.stringify({ missing, fate })).toEqual([...people].sort());
    const keys = mails.map((mail) => `${mail.to}|${mail.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Some invitations went out before the cancel, the rest were dropped.
    expect(mails.length - notes.length).toBeGreaterThan(0);
    expect(mails.length - notes.length).toBeLessThan(SIZE);
    expect(deliveredTo(people, before).total).toBe(mails.length);
    faults.heal();
  });
});
