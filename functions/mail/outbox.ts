import { randomBytes } from 'node:crypto';
import { givesUp, retryDelayMs } from '#domain/delivery.ts';
import { emailSchema } from '#domain/employee.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import { config } from '#shared/config.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '#shared/observability.ts';
import { getCycle, type CycleRecord } from '#store/cycles.ts';
import { deactivatedAddresses, getEmployee } from '#store/employees.ts';
import { reserveSends } from '#store/send-rate.ts';
import { settingsInForce } from '#store/settings.ts';
import {
  claimMail,
  deferMail,
  dueOutboxPages,
  markClaim,
  queueMailOnce,
  releaseClaimed,
  saveOutcomes,
  type Claim,
  type MailKind,
  type MailRecord,
} from '#store/mail.ts';
import { consoleLink } from '#shared/links.ts';
import type { EmailContent } from './compose.ts';
import { deliveryFailure } from './messages.ts';
import { SendRateLimiter } from './send-rate.ts';
import { PermanentSendFailure, SEND_ATTEMPTS, sendEmail, TransientSendFailure } from './ses.ts';

/** A mail item must stay far below DynamoDB's 400 KB: beyond this many people, the per-person audit events name them. */
const MAX_ABOUT = 1000;

export function newMail(
  cycleId: string,
  mailId: string,
  kind: MailKind,
  to: string,
  about: string[],
  content: EmailContent,
): MailRecord {
  return {
    cycleId,
    mailId,
    kind,
    to,
    about: about.slice(0, MAX_ABOUT),
    ...content,
    status: 'PENDING',
    createdAt: nowIso(),
  };
}

/** How old the cycle's phase may be when a message is sent: once HR cancels, only the cancellation notes still go out. */
const PHASE_FRESH_MS = 500;
const STILL_SENT_WHEN_CANCELLED = new Set<MailKind>(['cancellation', 'delivery-failure']);
/**
 * This many failures in a row that were not throttling mean SES is down or unreachable: stop trying and leave
 * the rest queued. Throttling does not count: SES is there, and the client slows down by itself.
 */
const OUTAGE_AFTER = 5;
/** An API call sends what it queued while the person waits, within API Gateway's 30 s; the scheduled flusher sends the rest. */
const API_BUDGET_MS = 20_000;

/** One limiter per process, so the flushes of one process spend the shared window's reservations together. */
let limiter: SendRateLimiter | undefined;
function sendRate(): SendRateLimiter {
  limiter ??= new SendRateLimiter(config().SES_MAX_SEND_RATE, reserveSends);
  return limiter;
}

export interface FlushResult {
  sent: number;
  /** Refused by SES for good (or given up after a day of failing): reported to HR. */
  failed: number;
  /** SES could not take them now: still queued, tried again later. */
  deferred: number;
  /** True when the time budget ran out with mail still due; the next checkpoint carries on at once. */
  remaining: boolean;
}

export interface FlushOptions {
  /** Mail just queued, sent from memory before the outbox is read for anything else that is due. */
  first?: MailRecord[];
  /** The claim `first` was queued under (see queueClaim): it needs no claim write of its own. */
  claim?: Claim;
  /** Send only `first`: an API call sends what it queued, and a fresh launch's outbox holds nothing else. */
  onlyFirst?: boolean;
  /** The scope's cycle as the caller read it, and when (Date.now()): its sender name and first phase check come from it. */
  cycle?: { record: CycleRecord; readAt: number };
  budgetMs?: number;
}

/**
 * Sends a scope's queued mail (a cycle's, or the goal or feedback mail) exactly once as far as SES allows:
 * each message is claimed with a conditional write before it is sent, so concurrent flushers never send
 * the same one, and marked sent with SES's message id right after its own send. A sender that dies
 * between SES accepting a message and that mark leaves a claim whose lease runs out; the message is then
 * sent again, the one at-least-once window (at most the sends in flight at the crash).
 *
 * SES faults never fail the flush: a message SES refuses for good fails alone and HR gets one report; a
 * throttled, failing or unreachable SES leaves messages queued with a later retry time, and after a few
 * such failures in a row the flush stops trying and leaves the rest queued for the next one. Only the
 * table failing is thrown (the caller's retry, or the next flush, takes over).
 */
export async function flushOutbox(scope: string, options: FlushOptions = {}): Promise<FlushResult> {
  const flush = new Flush(scope, options.budgetMs ?? 10 * 60_000, options.claim, options.cycle);
  if (options.first?.length) await flush.send(options.first, options.claim);
  if (!options.onlyFirst) await flush.sendDue();
  await flush.reportFailures();
  const { result } = flush;
  if (result.deferred)
    logger.warn('SES could not take some mail now: it stays queued', {
      scope,
      deferred: result.deferred,
      reason: flush.lastTransientReason,
    });
  metrics.addMetric('EmailsSent', MetricUnit.Count, result.sent);
  metrics.addMetric('EmailsFailed', MetricUnit.Count, result.failed);
  metrics.addMetric('EmailsDeferred', MetricUnit.Count, result.deferred);
  return result;
}

/**
 * What an API call does once the data and the mail it queued are stored: send that mail while the person
 * waits, and never fail the call for it. Whatever is not sent now stays queued for the scheduled flusher
 * (mail queued under `claim` once its lease runs out).
 */
export async function sendQueuedNow(scope: string, queued: MailRecord[], claim?: Claim): Promise<void> {
  if (!queued.length) return;
  try {
    await flushOutbox(scope, { first: queued, claim, onlyFirst: true, budgetMs: API_BUDGET_MS });
  } catch (error) {
    logger.warn('queued mail left to the scheduled flusher', { scope, mails: queued.length, error: error as Error });
  }
}

function leaseMs(): number {
  return config().MAIL_LEASE_SECONDS * 1000;
}

/**
 * A claim for `owner` lasting `forMs`: its end in real time (a lease is about a live process), and when the
 * outbox, read on the project clock, offers the mail again.
 */
function claimFor(owner: string, forMs = leaseMs()): Claim {
  return { owner, leaseUntil: Date.now() + forMs, dueAgainAt: new Date(nowMs() + forMs).toISOString() };
}

function newOwner(): string {
  return `flush_${randomBytes(8).toString('hex')}`;
}

/**
 * A held claim is used without renewing it only while this much of its lease is left: more than one send can
 * take (every attempt timing out, backoff, waiting for the send rate and for the outcome's write).
 */
function sendMarginMs(): number {
  return SEND_ATTEMPTS * config().MAIL_SEND_TIMEOUT_MS + 60_000;
}

/**
 * The claim a sender queues new mail under, so it is claimed as it is stored (new mail: nobody else can hold
 * it) and sending it takes no claim write each. Its lease also covers the time the send rate needs for
 * `count` messages; a crash leaves them to the next flusher once it runs out.
 */
export function queueClaim(count = 0): Claim {
  const rate = config().SES_MAX_SEND_RATE;
  return claimFor(newOwner(), leaseMs() + (rate ? Math.ceil((count / rate) * 1000) : 0));
}

/** The longest an invocation can run (Lambda's limit): past it, the sender that wrote a claim marker is gone. */
const LONGEST_INVOCATION_MS = 15 * 60_000;

/**
 * The claim a workflow step queues its mail under outside the outbox index (store/mail.ts markClaim): a launch's
 * invitations, a checkpoint's reminders, a release's results. Their outbox entries cost two write units a mail;
 * the marker, four for all of them.
 */
export function markedQueueClaim(count = 0): Claim {
  return { ...queueClaim(count), marked: true };
}

/**
 * Writes `claim`'s marker, before any mail goes under it: due once the claim's lease has run out and no invocation
 * holding it can still run, so a flush never takes over mail its sender is still queueing or sending.
 */
export function markClaimed(scope: string, claim: Claim): Promise<void> {
  const dueAt = new Date(Date.parse(claim.dueAgainAt) + LONGEST_INVOCATION_MS).toISOString();
  return markClaim(scope, { owner: claim.owner, dueAt, createdAt: nowIso() });
}

/**
 * Writes outcomes as they come, many in one batch: while OUTCOME_WRITES_IN_FLIGHT writes are under way the next
 * ones gather, and each sender waits for its own. A sender takes its next message only once the last one's outcome
 * is stored, so what a crash can leave sent but unmarked stays within the sends in flight.
 */
class OutcomeWriter {
  private pending: { record: MailRecord; done: () => void; fail: (error: unknown) => void }[] = [];
  private writing = 0;

  save(record: MailRecord): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ record, done, fail });
      if (this.writing < OUTCOME_WRITES_IN_FLIGHT) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing++;
    while (this.pending.length) {
      const batch = this.pending.splice(0, 25);
      await saveOutcomes(batch.map((entry) => entry.record)).then(
        () => {
          for (const entry of batch) entry.done();
        },
        (error: unknown) => {
          for (const entry of batch) entry.fail(error);
        },
      );
    }
    this.writing--;
  }
}

/**
 * With one write at a time, a sender waited for the write under way and then for its own: the senders' time went
 * to waiting, not sending (each outcome a launch stores is two items: the mail and its audit event).
 */
const OUTCOME_WRITES_IN_FLIGHT = 4;

class Flush {
  readonly result: FlushResult = { sent: 0, failed: 0, deferred: 0, remaining: false };
  private readonly owner: string;
  private readonly stopAt: number;
  private readonly outcomes = new OutcomeWriter();
  private readonly tried = new Set<string>();
  private readonly failures: { mail: MailRecord; reason: string; givenUp: boolean }[] = [];
  private failuresInARow = 0;
  lastTransientReason?: string;
  private stopped = false;
  private senderName?: Promise<string>;
  private phase?: { readAt: number; cancelled: Promise<boolean> };
  private leavers?: Promise<Set<string>>;

  constructor(
    private readonly scope: string,
    budgetMs: number,
    claim?: Claim,
    cycle?: { record: CycleRecord; readAt: number },
  ) {
    this.stopAt = Date.now() + budgetMs;
    this.owner = claim?.owner ?? newOwner();
    if (cycle) {
      this.phase = { readAt: cycle.readAt, cancelled: Promise.resolve(cycle.record.phase === 'CANCELLED') };
      this.senderName = Promise.resolve(cycle.record.senderName);
    }
  }

  /**
   * Sends these (those not tried yet in this flush) with bounded concurrency, each sender taking the next message as
   * soon as it is done with one (no batch waits for its slowest), until SES is down or the time budget runs out;
   * `held`: they are queued under this claim.
   */
  async send(mails: MailRecord[], held?: Claim): Promise<void> {
    const untried = mails.filter((mail) => !this.tried.has(mail.mailId));
    await forEachLimited(untried, config().MAIL_CONCURRENCY, async (mail) => {
      if (this.stopped || this.result.remaining) return;
      if (Date.now() >= this.stopAt) this.result.remaining = true;
      else await this.deliver(mail, held);
    });
    // Stopped early (SES down, or out of time): what it holds and never tried goes back to the queue at once,
    // so the next flusher need not wait for the lease to run out.
    if (held) await releaseClaimed(untried.filter((mail) => !this.tried.has(mail.mailId)));
  }

  /** Reads the outbox for what is due and sends it, again until a read finds nothing this flush has not tried. */
  async sendDue(): Promise<void> {
    for (let fresh = 1; fresh && !this.stopped && !this.result.remaining; ) {
      fresh = 0;
      for await (const page of dueOutboxPages(this.scope, nowIso())) {
        const untried = page.filter((mail) => !this.tried.has(mail.mailId));
        fresh += untried.length;
        await this.send(untried);
        if (this.stopped || this.result.remaining) return;
      }
    }
  }

  /** Whether the scope is a cycle HR has cancelled, read at most PHASE_FRESH_MS ago (one read shared by the senders). */
  private cancelled(): Promise<boolean> {
    if (!this.phase || Date.now() - this.phase.readAt > PHASE_FRESH_MS) {
      this.phase = {
        readAt: Date.now(),
        cancelled: getCycle(this.scope).then((cycle) => cycle?.phase === 'CANCELLED'),
      };
    }
    return this.phase.cancelled;
  }

  /**
   * The addresses of deactivated people: read once per flush, and only by a flush that has mail to send. A
   * deactivation reaches the mail of flushes that start after it.
   */
  private deactivated(): Promise<Set<string>> {
    this.leavers ??= deactivatedAddresses();
    return this.leavers;
  }

  private async deliver(queued: MailRecord, held?: Claim): Promise<void> {
    if (this.stopped || this.tried.has(queued.mailId)) return;
    this.tried.add(queued.mailId);
    const now = nowMs();
    // A claim held since queuing is used as it is while enough of its lease is left; otherwise it is renewed.
    const mail =
      held && Date.now() < held.leaseUntil - sendMarginMs()
        ? { ...queued, status: 'SENDING' as const }
        : await claimMail(queued, { ...claimFor(this.owner), realNow: Date.now(), now: new Date(now).toISOString() });
    if (!mail) return; // sent already, someone else's, or not due yet
    const ids = { cycleId: mail.cycleId, mailId: mail.mailId, kind: mail.kind };
    if (!STILL_SENT_WHEN_CANCELLED.has(mail.kind) && (await this.cancelled())) {
      await this.outcomes.save({ ...mail, status: 'DROPPED' });
      return;
    }
    // A leaver gets nothing more, whatever was queued for them before HR deactivated them; the stored mail says why.
    if ((await this.deactivated()).has(mail.to.toLowerCase())) {
      await this.outcomes.save({ ...mail, status: 'DROPPED', sentAt: nowIso(), error: 'the recipient is deactivated' });
      logger.info('mail dropped: the recipient is deactivated', ids);
      return;
    }
    try {
      if (!emailSchema.safeParse(mail.to).success) throw new PermanentSendFailure('not a deliverable address');
      await sendRate().take();
      const messageId = await sendEmail(mail.to, mail, await this.sender());
      this.failuresInARow = 0;
      this.result.sent++;
      await this.outcomes.save({ ...mail, status: 'SENT', sentAt: nowIso(), messageId });
      logger.info('mail sent', ids);
    } catch (error) {
      if (error instanceof PermanentSendFailure) return this.fail(mail, error.message, false);
      if (!(error instanceof TransientSendFailure)) throw error;
      this.lastTransientReason = error.message;
      if (!error.throttled && ++this.failuresInARow >= OUTAGE_AFTER) this.stopped = true;
      const firstFailedAt = mail.firstFailedAt ? Date.parse(mail.firstFailedAt) : now;
      if (givesUp(firstFailedAt, now)) return this.fail(mail, `SES kept failing for a day: ${error.message}`, true);
      this.result.deferred++;
      const nextAttemptAt = new Date(now + retryDelayMs((mail.attempts ?? 0) + 1)).toISOString();
      await deferMail(mail, this.owner, { nextAttemptAt, error: error.message, now: new Date(now).toISOString() });
      logger.info('mail deferred', { ...ids, reason: error.message, nextAttemptAt });
    }
  }

  private async fail(mail: MailRecord, reason: string, givenUp: boolean): Promise<void> {
    this.result.failed++;
    this.failures.push({ mail, reason, givenUp });
    await this.outcomes.save({ ...mail, status: 'FAILED', sentAt: nowIso(), error: reason });
    logger.warn('mail failed', { cycleId: mail.cycleId, mailId: mail.mailId, kind: mail.kind, reason });
  }

  // A cycle's mail keeps the sender name it was launched with; goal and feedback mail use the one in force.
  private sender(): Promise<string> {
    this.senderName ??= (async () =>
      (await getCycle(this.scope))?.senderName ?? (await settingsInForce()).settings.senderName)();
    return this.senderName;
  }

  /** Sends HR one summary naming the people whose mail failed for good and what to fix (each failed mail is its own audit entry). */
  async reportFailures(): Promise<void> {
    // Never report a failed report: that would loop on a broken HR address.
    const reportable = this.failures.filter(({ mail }) => mail.kind !== 'delivery-failure');
    if (!reportable.length) return;
    const lines = await Promise.all(
      reportable.map(async ({ mail, reason, givenUp }) => {
        const fix = givenUp
          ? 'Check the address and SES\u2019s sending status, then tell them yourself.'
          : 'Correct the address in the HR system, re-import the directory, then tell them yourself.';
        return `${await recipientOf(mail)} did not get ${MAIL_PURPOSE[mail.kind]} (${reason}). ${fix}`;
      }),
    );
    const content = deliveryFailure(
      lines,
      (await getCycle(this.scope)) ? consoleLink.cycle(this.scope) : consoleLink.home(),
    );
    const report = newMail(
      this.scope,
      `delivery-failure#${nowMs()}#${this.owner}`,
      'delivery-failure',
      config().HR_EMAIL,
      [],
      content,
    );
    if (await queueMailOnce(report)) await this.send([report]);
  }
}

/** "Ann Early (e1) <ann@example>": who the failed email was for, by the directory when they are in it. */
async function recipientOf(mail: MailRecord): Promise<string> {
  const person = mail.about.length === 1 ? await getEmployee(mail.about[0]) : undefined;
  return person && person.email.toLowerCase() === mail.to.toLowerCase()
    ? `${person.name} (${person.employeeId}) <${mail.to}>`
    : `<${mail.to}>`;
}

const MAIL_PURPOSE: Record<MailKind, string> = {
  invitation: 'the self-assessment invitation',
  'self-reminder': 'a self-assessment reminder',
  'self-overdue': 'the overdue self-assessments notice',
  'self-hr': 'the overdue self-assessments summary',
  'manager-request': 'the request to review the team',
  'review-reminder': 'a manager review reminder',
  'review-overdue': 'the overdue reviews notice',
  'review-hr': 'the overdue reviews summary',
  'review-reopened': 'the reopened review request',
  'calibration-reminder': 'the calibration reminder',
  result: 'the review result',
  acknowledgement: 'an acknowledgement notice',
  'acknowledgement-reminder': 'the acknowledgement reminder',
  cancellation: 'the cancellation note',
  'delivery-failure': 'a delivery failure report',
  'goal-set': 'a new goal notice',
  'goal-reminder': 'a goal reminder',
  'goal-missed': 'a missed goal notice',
  'goal-at-risk': 'a goal at risk notice',
  'goal-hr': 'a goal escalation',
  feedback: 'a feedback email',
  'praise-digest': 'the weekly recognition digest',
  'peer-invitation': 'a peer review request',
  'peer-reminder': 'a peer review reminder',
  'peer-nomination': 'a request to approve peer reviewers',
  'feedback-request': 'a feedback request',
  'rating-adjusted': 'the notice of a rating HR adjusted in calibration',
  'upward-invitation': 'the invitation to review their manager',
  'upward-reminder': 'a reminder to review their manager',
  'upward-result': 'the upward review of a manager',
};
