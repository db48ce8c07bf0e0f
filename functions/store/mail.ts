import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '#shared/concurrency.ts';
import {
  batchPut,
  batchPutEach,
  conditionalUpdate,
  conditionalUpdateReturning,
  db,
  keys,
  putOnce,
  queryAll,
  tableName,
  withoutKeys,
  type TransactItem,
} from './table.ts';

/** Every kind of email perfcycle sends, as stored on each mail. */
export const MAIL_KINDS = [
  'invitation',
  'self-reminder',
  'self-overdue',
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
  'cancellation',
  'delivery-failure',
  'goal-set',
  'goal-reminder',
  'goal-missed',
  'goal-at-risk',
  'goal-hr',
  'feedback',
  'praise-digest',
  'feedback-request',
  'rating-adjusted',
  'peer-invitation',
  'peer-reminder',
  'peer-nomination',
  'upward-invitation',
  'upward-reminder',
  'upward-result',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * An email of a cycle (or of the goal or feedback scope): queued (PENDING, in the outbox index) before it is
 * sent, claimed by one sender (SENDING, with a lease), then stored as SENT with SES's message id, FAILED or
 * DROPPED. The mail id is derived from what the email is about, so queuing it again is a no-op and a rerun
 * never sends a second copy. The stored record is also the audit entry of the email.
 *
 * The outbox index sorts each scope's unsent mail by when it next needs a sender: its queuing time, the
 * end of a claim's lease, or the time of the next attempt after a transient failure. A flusher reads
 * only what is due.
 */
export interface MailRecord {
  cycleId: string;
  mailId: string;
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** employeeIds the email concerns. */
  about: string[];
  /** DROPPED: still queued when the cycle was cancelled, or its recipient deactivated (`error` says so), so never sent. */
  status: 'PENDING' | 'SENDING' | 'SENT' | 'FAILED' | 'DROPPED';
  createdAt: string;
  sentAt?: string;
  /** SES's id of the message, once sent. */
  messageId?: string;
  error?: string;
  /** Sends that failed transiently so far, the first of them, the last error, and when to try again. */
  attempts?: number;
  firstFailedAt?: string;
  lastError?: string;
  nextAttemptAt?: string;
  /** The sender holding the claim, and until when (epoch ms, real time: a lease is about a live process). */
  claimedBy?: string;
  leaseUntil?: number;
}

/**
 * Where unsent mail waits in the outbox index: one partition for every scope, sorted by scope and then by when
 * it is due (an ISO instant), so a sender reads its scope's mail that is due now, and the scheduled flusher
 * finds the scopes holding any in as many reads as there are such scopes, however many cycles ever ran.
 */
function outboxSortKey(cycleId: string, mailId: string, at: string): string {
  return `${cycleId}#${at}#${mailId}`;
}

function outboxKey(cycleId: string, mailId: string, at: string) {
  return { ...keys.outbox, gsi2sk: outboxSortKey(cycleId, mailId, at) };
}

/**
 * A mail as stored: the keys, the state the outbox's conditions read, and everything else as one compressed
 * `body`. The text and HTML are most of a mail's bytes, and DynamoDB charges every write of the mail (queued,
 * claimed, its outcome) and of its outbox index entry per started KB: this way a mail fits in one.
 */
function storedMail(mail: MailRecord): Record<string, unknown> {
  const { cycleId, mailId, to, about, subject, text, html, ...state } = withoutKeys<MailRecord>(
    mail as unknown as Record<string, unknown>,
  );
  const id = `${cycleId}#${mailId}`;
  const body =
    compressedBodies.get(id) ??
    brotliCompressSync(JSON.stringify({ to, about, subject, text, html } satisfies MailBody), BROTLI);
  rememberBody(id, body);
  return { ...keys.mail(cycleId, mailId), ...state, body };
}

/**
 * Each mail's compressed body, by its ids, from when this process queued or claimed the mail until it stores the
 * outcome. The outcome rewrites the mail with the same body (a mail's id always names the same message), so a sender
 * compresses each mail once, not twice: a launch of 10,000 invitations would wait 1 to 5 s more. Bounded for the
 * mail a process leaves deferred.
 */
const compressedBodies = new Map<string, Uint8Array>();
const MAX_REMEMBERED_BODIES = 20_000;

function rememberBody(id: string, body: Uint8Array): void {
  compressedBodies.set(id, body);
  if (compressedBodies.size > MAX_REMEMBERED_BODIES) {
    const [oldest] = compressedBodies.keys();
    compressedBodies.delete(oldest!);
  }
}

/**
 * Quality 5 and a 16 KB window: about 0.1 ms a mail (0.5 ms on a loaded machine). Node's defaults (quality 11, a
 * 4 MB window) took 27 to 30 ms under load for 8% fewer bytes, which a launch of 10,000 invitations would wait for.
 */
const BROTLI = {
  params: {
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    [constants.BROTLI_PARAM_QUALITY]: 5,
    [constants.BROTLI_PARAM_LGWIN]: 14,
  },
};

type MailBody = Pick<MailRecord, 'to' | 'about' | 'subject' | 'text' | 'html'>;

/** The mail id a mail item's sort key holds. */
const mailIdOf = (sk: unknown) => String(sk).slice(keys.mail('', '').sk.length);

/** A stored mail as a record: its ids from its keys, its body uncompressed. */
function mailOf(item: Record<string, unknown>): MailRecord {
  const { pk, sk, body, ...state } = item;
  return {
    ...withoutKeys<Omit<MailRecord, 'cycleId' | 'mailId' | keyof MailBody>>(state),
    cycleId: keys.cycleIdOf(pk),
    mailId: mailIdOf(sk),
    ...(JSON.parse(brotliDecompressSync(body as Uint8Array).toString('utf8')) as MailBody),
  };
}

function mailItem(mail: MailRecord, dueAt = mail.createdAt): Record<string, unknown> {
  return { ...storedMail(mail), ...outboxKey(mail.cycleId, mail.mailId, dueAt) };
}

/**
 * A sender's hold on mail: its own id, until when (epoch ms, real time), and when (ISO, project clock) the outbox
 * offers the mail again. `marked`: the mail queued under it is stored outside the outbox index, where the claim's
 * marker (markClaim), written before it, stands for all of it.
 */
export interface Claim {
  owner: string;
  leaseUntil: number;
  dueAgainAt: string;
  marked?: boolean;
}

/** A new mail stored already claimed by the sender that queues it: nobody else can have it yet. */
function claimedItem(record: MailRecord, claim: Claim): Record<string, unknown> {
  const claimed: MailRecord = { ...record, status: 'SENDING', claimedBy: claim.owner, leaseUntil: claim.leaseUntil };
  return claim.marked ? storedMail(claimed) : mailItem(claimed, claim.dueAgainAt);
}

/**
 * A claim's marker: one outbox entry for all the mail a sender (a workflow step) stores claimed under a marked
 * claim, instead of an entry for each, written with each mail and removed with its outcome (two write units a
 * mail). Written before that mail; due when no invocation holding it can still run (`dueAt`). The sender removes
 * it once each of its mails has an outcome or is back in the outbox; if it dies first, the outbox offers the marker
 * when due, and a flush puts the mail still claimed under it into the outbox (indexMarked).
 */
export async function markClaim(cycleId: string, marker: { owner: string; dueAt: string; createdAt: string }) {
  const key = keys.claimMarker(cycleId, marker.owner);
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...key,
        ...outboxKey(cycleId, key.sk, marker.dueAt),
        owner: marker.owner,
        createdAt: marker.createdAt,
      },
    }),
  );
}

/** The sender's own mail all has an outcome or is back in the outbox: its marker goes. */
export async function unmarkClaim(cycleId: string, owner: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.claimMarker(cycleId, owner) }));
}

const isMarker = (item: Record<string, unknown>) => String(item.sk).startsWith(keys.claimMarker('', '').sk);

/**
 * A marker fell due: its sender died with mail it stored claimed outside the outbox. That mail (still claimed by
 * it, read from the scope's mail: this happens only after a crash) joins the outbox, due when the marker was, and
 * is then claimed like any mail whose lease ran out; the marker goes.
 */
async function indexMarked(cycleId: string, marker: Record<string, unknown>): Promise<void> {
  const owner = String(marker.owner);
  const dueAt = String(marker.gsi2sk).split('#')[1]!;
  const left = await queryAll<{ sk: string }>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :mail)',
    FilterExpression: 'claimedBy = :owner AND attribute_not_exists(gsi2pk)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':mail': 'MAIL#', ':owner': owner },
    ProjectionExpression: 'sk',
    ConsistentRead: true,
  });
  await forEachLimited(left, 16, async ({ sk }) => {
    const mailId = mailIdOf(sk);
    await conditionalUpdate({
      Key: keys.mail(cycleId, mailId),
      UpdateExpression: 'SET gsi2pk = :outbox, gsi2sk = :due',
      ConditionExpression: 'claimedBy = :owner AND attribute_not_exists(gsi2pk)',
      ExpressionAttributeValues: {
        ':outbox': keys.outbox.gsi2pk,
        ':due': outboxSortKey(cycleId, mailId, dueAt),
        ':owner': owner,
      },
    });
  });
  await unmarkClaim(cycleId, owner);
}

/**
 * Queues a mail unless one with the same id exists; false when it was queued (or sent) before. Queued under
 * `claim`, it is stored claimed by the sender about to send it, which then needs no claim write of its own;
 * a mail queued before is not the caller's, and goes through a claim of its own.
 */
export async function queueMailOnce(record: MailRecord, claim?: Claim): Promise<boolean> {
  if (await putOnce(claim ? claimedItem(record, claim) : mailItem(record))) return true;
  // A put the SDK retried after its first try had landed finds the mail this sender just queued: its own, to send
  // from memory (stored outside the outbox under a marked claim, nothing else would send it).
  return claim !== undefined && (await claimHolder(record)) === claim.owner;
}

/** Who holds the mail's claim, if anyone. */
async function claimHolder(mail: Pick<MailRecord, 'cycleId' | 'mailId'>): Promise<string | undefined> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.mail(mail.cycleId, mail.mailId),
      ConsistentRead: true,
      ProjectionExpression: 'claimedBy',
    }),
  );
  return Item?.claimedBy as string | undefined;
}

/**
 * Queues a mail in the transaction that causes it; the transaction is refused when the id was queued before. Under
 * `claim`, as queueMailOnce: stored claimed by the sender that sends it next.
 */
export function queueMailWrite(record: MailRecord, claim?: Claim): TransactItem {
  return {
    Put: {
      Item: claim ? claimedItem(record, claim) : mailItem(record),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Bulk queue for a launch, which guards against reruns itself (see CycleRecord.participantCount), claimed as queueMailOnce does. */
export function queueMailsClaimed(records: MailRecord[], claim: Claim): Promise<void> {
  return batchPutEach(records, (record) => claimedItem(record, claim));
}

/** Gives up a claim held since queuing on mail this sender never tried: back in the queue, due now. */
export function releaseClaimed(records: MailRecord[]): Promise<void> {
  return batchPutEach(records, (record) => mailItem({ ...record, status: 'PENDING' }));
}

/**
 * The scope's unsent mail due by `now` (queued, a lease run out, a retry due), a page at a time, oldest
 * first. Whether it can really be taken is the claim's business. A claim marker due on the way puts its mail
 * into the outbox (indexMarked), due at the marker's time, so it is among what this read or the next finds.
 */
export async function* dueOutboxPages(cycleId: string, now: string): AsyncGenerator<MailRecord[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi2',
        // '$' sorts right after '#': every key `<scope>#<instant>#<mailId>` with instant <= now.
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :upTo',
        ExpressionAttributeValues: { ':pk': keys.outbox.gsi2pk, ':from': `${cycleId}#`, ':upTo': `${cycleId}#${now}$` },
        Limit: 250,
        ExclusiveStartKey,
      }),
    );
    const items = page.Items ?? [];
    for (const marker of items.filter(isMarker)) await indexMarked(cycleId, marker);
    yield items.filter((item) => !isMarker(item)).map(mailOf);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** The first entry of a scope's outbox: when it is due, and when its mail was queued. */
export interface FirstUnsent {
  dueAt: string;
  createdAt: string;
}

/**
 * The scope's unsent mail that is due first (one read of the outbox index, the body left compressed), or
 * undefined when nothing is unsent.
 */
export async function firstUnsentMail(cycleId: string): Promise<FirstUnsent | undefined> {
  return (await firstOutboxEntry({ after: `${cycleId}#`, before: `${cycleId}$` }))?.first;
}

/**
 * The first unsent mail of each scope that holds any, read by skipping from one scope to the next: one read
 * per such scope and one to find there is no other.
 */
export async function firstUnsentOfEachScope(): Promise<Map<string, FirstUnsent>> {
  const firsts = new Map<string, FirstUnsent>();
  for (let entry = await firstOutboxEntry(); entry; entry = await firstOutboxEntry({ after: `${entry.scope}$` }))
    // '$' sorts right after '#': past every entry of this scope.
    firsts.set(entry.scope, entry.first);
  return firsts;
}

/** The outbox's first entry after `after` (when given), and before `before` (when given). */
async function firstOutboxEntry(
  range: { after?: string; before?: string } = {},
): Promise<{ scope: string; first: FirstUnsent } | undefined> {
  const { after, before } = range;
  const sortKey = after && before ? ' AND gsi2sk BETWEEN :after AND :before' : after ? ' AND gsi2sk > :after' : '';
  const page = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: `gsi2pk = :pk${sortKey}`,
      ExpressionAttributeValues: {
        ':pk': keys.outbox.gsi2pk,
        ...(after ? { ':after': after } : {}),
        ...(before ? { ':before': before } : {}),
      },
      Limit: 1,
    }),
  );
  const [item] = page.Items ?? [];
  if (!item) return undefined;
  const [scope, dueAt] = String(item.gsi2sk).split('#');
  return { scope: scope!, first: { dueAt: dueAt!, createdAt: String(item.createdAt) } };
}

/**
 * Claims a mail for one sender: it was queued and is due, its last claim's lease has run out (that sender
 * died), or the sender already holds it and renews the lease. Answers the mail as stored, or undefined when someone else holds it, it is not due yet, or
 * it is already sent. The claimed mail moves in the outbox index to when its lease ends.
 */
export async function claimMail(
  mail: Pick<MailRecord, 'cycleId' | 'mailId'>,
  claim: Claim & { realNow: number; now: string },
): Promise<MailRecord | undefined> {
  const claimed = await conditionalUpdateReturning<Record<string, unknown>>({
    Key: keys.mail(mail.cycleId, mail.mailId),
    // A mail stored outside the outbox under a claim marker joins it: a new claim is its own.
    UpdateExpression:
      'SET #status = :sending, claimedBy = :owner, leaseUntil = :lease, gsi2pk = :outbox, gsi2sk = :dueAgain',
    ConditionExpression:
      '(#status = :pending AND (attribute_not_exists(nextAttemptAt) OR nextAttemptAt <= :now)) OR (#status = :sending AND (leaseUntil < :realNow OR claimedBy = :owner))',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':sending': 'SENDING',
      ':pending': 'PENDING',
      ':owner': claim.owner,
      ':lease': claim.leaseUntil,
      ':realNow': claim.realNow,
      ':now': claim.now,
      ':dueAgain': outboxSortKey(mail.cycleId, mail.mailId, claim.dueAgainAt),
      ':outbox': keys.outbox.gsi2pk,
    },
  });
  if (!claimed) return undefined;
  // Its outcome is stored next, with the same body.
  rememberBody(`${mail.cycleId}#${mail.mailId}`, claimed.body as Uint8Array);
  // The answer comes without its keys, which hold the ids.
  return mailOf({ ...claimed, ...keys.mail(mail.cycleId, mail.mailId) });
}

/**
 * Stores how claimed mail ended (SENT with SES's id, FAILED, DROPPED), a batch at a time; it leaves the
 * outbox index. Unconditional: only the claim's holder writes an outcome, and it does so well within its lease.
 */
export function saveOutcomes(records: MailRecord[]): Promise<void> {
  return batchPut(
    records.flatMap((stored) => {
      const { claimedBy: _owner, leaseUntil: _lease, nextAttemptAt: _next, ...record } = stored;
      const item = storedMail(record);
      compressedBodies.delete(`${record.cycleId}#${record.mailId}`);
      return [item, mailAuditItem(record)];
    }),
  );
}

/** The reminder ladder's emails: HR pages through them as the escalations sent. */
const LADDER_KINDS = new Set<MailKind>([
  'self-reminder',
  'self-overdue',
  'self-hr',
  'review-reminder',
  'review-overdue',
  'review-hr',
]);

/**
 * A mail's outcome as an event of its scope's audit, so the audit is one list in time order that HR pages
 * through. Keyed by the mail, so saving the outcome again stores the same event; a ladder email is also listed
 * in the index of escalations sent.
 */
function mailAuditItem(mail: MailRecord): Record<string, unknown> {
  const at = mail.sentAt ?? mail.createdAt;
  const key = keys.audit(mail.cycleId, at, `mail#${mail.mailId}`);
  return {
    ...key,
    ...(LADDER_KINDS.has(mail.kind) ? { gsi3pk: keys.escalations(mail.cycleId), gsi3sk: key.sk } : {}),
    cycleId: mail.cycleId,
    at,
    actor: 'system',
    action: `mail-${mail.status.toLowerCase()}`,
    details: {
      kind: mail.kind,
      mailId: mail.mailId,
      to: mail.to,
      subject: mail.subject,
      ...(mail.error ? { error: mail.error } : {}),
    },
    about: mail.about,
  };
}

/** A transient failure: the mail goes back to the queue, due again at `nextAttemptAt`. */
export function deferMail(
  mail: MailRecord,
  owner: string,
  retry: { nextAttemptAt: string; error: string; now: string },
): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.mail(mail.cycleId, mail.mailId),
    UpdateExpression:
      'SET #status = :pending, nextAttemptAt = :next, gsi2pk = :outbox, gsi2sk = :dueAgain, lastError = :error, firstFailedAt = if_not_exists(firstFailedAt, :now), attempts = if_not_exists(attempts, :zero) + :one REMOVE claimedBy, leaseUntil',
    ConditionExpression: 'claimedBy = :owner',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':pending': 'PENDING',
      ':next': retry.nextAttemptAt,
      ':dueAgain': outboxSortKey(mail.cycleId, mail.mailId, retry.nextAttemptAt),
      ':outbox': keys.outbox.gsi2pk,
      ':error': retry.error,
      ':now': retry.now,
      ':zero': 0,
      ':one': 1,
      ':owner': owner,
    },
  });
}
export async function listMails(cycleId: string): Promise<MailRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'MAIL#' },
  });
  return items.map(mailOf);
}
