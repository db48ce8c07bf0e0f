import { batchPut, keys, putOnce, queryAll, withoutKeys } from './table.ts';

export type MailKind =
  | 'invitation'
  | 'self-reminder'
  | 'self-overdue'
  | 'self-hr'
  | 'manager-request'
  | 'review-reminder'
  | 'review-overdue'
  | 'review-hr'
  | 'result'
  | 'acknowledgement'
  | 'acknowledgement-reminder'
  | 'cancellation'
  | 'delivery-failure'
  | 'goal-set'
  | 'goal-reminder'
  | 'goal-missed'
  | 'goal-at-risk'
  | 'goal-hr'
  | 'feedback'
  | 'praise-digest'
  | 'feedback-request';

/**
 * An email of a cycle: queued (PENDING, in the outbox index) before it is sent, then stored as SENT or
 * FAILED. The mail id is derived from what the email is about, so queuing it again is a no-op and a rerun
 * never sends a second copy. The stored record is also the audit entry of the email.
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
  /** DROPPED: still queued when the cycle was cancelled, so never sent. */
  status: 'PENDING' | 'SENT' | 'FAILED' | 'DROPPED';
  createdAt: string;
  sentAt?: string;
  error?: string;
}

function mailItem(stored: MailRecord): Record<string, unknown> {
  // Records read back from the table carry their keys; drop them so a SENT mail leaves the outbox index.
  const record = withoutKeys<MailRecord>(stored as unknown as Record<string, unknown>);
  const outbox = record.status === 'PENDING' ? { gsi2pk: keys.outbox(record.cycleId), gsi2sk: `${record.createdAt}#${record.mailId}` } : {};
  return { ...keys.mail(record.cycleId, record.mailId), ...outbox, ...record };
}

/** Queues a mail unless one with the same id exists; false when it was queued (or sent) before. */
export function queueMailOnce(record: MailRecord): Promise<boolean> {
  return putOnce(mailItem(record));
}

/** Bulk queue for a launch, which guards against reruns itself (see CycleRecord.participantCount). */
export function queueMails(records: MailRecord[]): Promise<void> {
  return batchPut(records.map(mailItem));
}

export function listOutbox(cycleId: string): Promise<MailRecord[]> {
  return queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.outbox(cycleId) },
  });
}

/** Stores the outcome of sends; the records leave the outbox index. */
export function saveOutcomes(records: MailRecord[]): Promise<void> {
  return batchPut(records.map(mailItem));
}

export function listMails(cycleId: string): Promise<MailRecord[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'MAIL#' },
  });
}
