import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Phase } from '#domain/cycle.ts';
import type { PeerAnswers, PeerCount } from '#domain/peer-review.ts';
import { auditItem, type AuditEvent } from './audit.ts';
import { phaseCheck, type PhaseChecked } from './cycles.ts';
import { writeOnce, type Submission } from './submissions.ts';
import {
  conditionalUpdate,
  db,
  keys,
  queryAll,
  tableName,
  transactOnce,
  withoutKeys,
  type OnceOutcome,
  type TransactItem,
} from './table.ts';

/**
 * Peer reviews (issue 14): one item per (participant, reviewer) in the cycle's partition, so a participant's
 * reviews are one query; pending ones are also listed on gsi1 for the checkpoint's reminder. The asked and answered
 * counts of each (manager, department) of the people reviewed are one small item, moved in the transaction that
 * assigns or answers.
 */
export interface PeerReviewRecord {
  cycleId: string;
  /** The participant reviewed, and what their page names them by. */
  employeeId: string;
  name: string;
  department: string;
  /** Who reviews the participant (their manager, or HR), as at the assignment: the count the answer moves too. */
  managerKey: string;
  managerName: string;
  reviewerId: string;
  reviewerName: string;
  reviewerEmail: string;
  assignedAt: string;
  status: 'PENDING' | 'SUBMITTED';
  submittedAt?: string;
  /** When the answers were last changed, after the first submission. */
  editedAt?: string;
  answers?: Record<string, string>;
  rating?: number;
  remindedAt?: string;
}

/** The (manager, department) of a participant reviewed: whose peer count an assignment or an answer moves. */
type PeerGroup = Pick<PeerReviewRecord, 'managerKey' | 'managerName' | 'department'>;

function peerCountUpdate(cycleId: string, group: PeerGroup, add: 'asked' | 'answered', by: number): TransactItem {
  return {
    Update: {
      Key: keys.peerCount(cycleId, group.managerKey, group.department),
      UpdateExpression:
        'SET managerKey = :managerKey, managerName = :managerName, department = :department ADD #count :by',
      ExpressionAttributeNames: { '#count': add },
      ExpressionAttributeValues: {
        ':managerKey': group.managerKey,
        ':managerName': group.managerName,
        ':department': group.department,
        ':by': by,
      },
    },
  };
}

/**
 * Stores new peer reviews of one participant, each once, with their group's asked count and the audit entry,
 * all or nothing, and only while the cycle is in one of `phases`: 'refused' when the phase moved on or a
 * reviewer was assigned meanwhile (the caller reads again).
 */
export function putPeerReviews(
  cycle: PhaseChecked,
  reviews: PeerReviewRecord[],
  phases: Phase[],
  audit: AuditEvent,
): Promise<OnceOutcome> {
  const { cycleId } = cycle;
  return transactOnce(undefined, [
    phaseCheck(cycle, phases),
    ...reviews.map(
      (review): TransactItem => ({
        Put: {
          Item: {
            ...keys.peer(cycleId, review.employeeId, review.reviewerId),
            gsi1pk: keys.pendingPeers(cycleId),
            gsi1sk: `${review.employeeId}#${review.reviewerId}`,
            ...review,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    peerCountUpdate(cycleId, reviews[0], 'asked', reviews.length),
    { Put: { Item: auditItem(audit) } },
  ]);
}

/** A participant's peer reviews, answered or not: at most MAX_PEER_REVIEWERS items. */
export async function listPeerReviews(cycleId: string, employeeId: string): Promise<PeerReviewRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.peersOf(employeeId) },
  });
  return items.map((item) => withoutKeys<PeerReviewRecord>(item));
}

export async function getPeerReview(
  cycleId: string,
  employeeId: string,
  reviewerId: string,
): Promise<PeerReviewRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.peer(cycleId, employeeId, reviewerId), ConsistentRead: true }),
  );
  return result.Item ? withoutKeys<PeerReviewRecord>(result.Item) : undefined;
}

/**
 * Records a reviewer's answers once for the post (`submission`): the first answer counts as answered and leaves
 * the pending index; a later one replaces it. 'refused' when the review is not in the state the caller read
 * (another post came first), 'duplicate' for the same post again.
 */
export function answerPeerReview(
  submission: Submission,
  review: PeerReviewRecord,
  answers: PeerAnswers,
): Promise<OnceOutcome> {
  const first = review.status === 'PENDING';
  const values = {
    ':answers': answers.answers,
    ':at': submission.at,
    ':status': review.status,
    ...(answers.rating === undefined ? {} : { ':rating': answers.rating }),
  };
  const sets = [
    'answers = :answers',
    ...(answers.rating === undefined ? [] : ['rating = :rating']),
    first ? 'submittedAt = :at, #status = :submitted' : 'editedAt = :at',
  ];
  const removes = [...(answers.rating === undefined ? ['rating'] : []), ...(first ? ['gsi1pk', 'gsi1sk'] : [])];
  return writeOnce(submission, [
    {
      Update: {
        Key: keys.peer(review.cycleId, review.employeeId, review.reviewerId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: first ? { ...values, ':submitted': 'SUBMITTED' } : values,
      },
    },
    ...(first ? [peerCountUpdate(review.cycleId, review, 'answered', 1)] : []),
  ]);
}

/** The cycle's peer reviews still unanswered, from the sparse index: the checkpoint's reminder reads only these. */
export async function listPendingPeerReviews(cycleId: string): Promise<PeerReviewRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.pendingPeers(cycleId) },
  });
  return items.map((item) => withoutKeys<PeerReviewRecord>(item));
}

/** The one reminder of a pending peer review went out; false when it had, or the review was answered meanwhile. */
export function markPeerReminded(review: PeerReviewRecord, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.peer(review.cycleId, review.employeeId, review.reviewerId),
    UpdateExpression: 'SET remindedAt = :at',
    ConditionExpression: 'attribute_not_exists(remindedAt) AND #status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':at': at, ':pending': 'PENDING' },
  });
}

/** Every (manager, department)'s peer counts: one small item each. */
export async function listPeerCounts(cycleId: string): Promise<PeerCount[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.peerCountPrefix },
  });
  return items.map((item) => ({
    managerKey: item.managerKey as string,
    managerName: item.managerName as string,
    department: item.department as string,
    asked: Number(item.asked ?? 0),
    answered: Number(item.answered ?? 0),
  }));
}

/** A participant's nomination of colleagues as peer reviewers, for their manager (or HR) to approve. */
export interface PeerNominationRecord {
  cycleId: string;
  nominationId: string;
  employeeId: string;
  name: string;
  managerKey: string;
  managerName: string;
  reviewers: { employeeId: string; name: string }[];
  at: string;
  status: 'PENDING' | 'APPROVED';
  approvedAt?: string;
}

/** Stores a nomination once for the post that made it ('duplicate' for the same post again), with its audit entry. */
export function putPeerNomination(
  submission: Submission,
  nomination: PeerNominationRecord,
  audit: AuditEvent,
): Promise<OnceOutcome> {
  return writeOnce(submission, [
    {
      Put: {
        Item: { ...keys.peerNomination(nomination.cycleId, nomination.nominationId), ...nomination },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { Item: auditItem(audit) } },
  ]);
}

export async function getPeerNomination(
  cycleId: string,
  nominationId: string,
): Promise<PeerNominationRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.peerNomination(cycleId, nominationId), ConsistentRead: true }),
  );
  return result.Item ? withoutKeys<PeerNominationRecord>(result.Item) : undefined;
}

/** The manager approved the nomination; false when it was approved before. */
export function markNominationApproved(nomination: PeerNominationRecord, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.peerNomination(nomination.cycleId, nomination.nominationId),
    UpdateExpression: 'SET #status = :approved, approvedAt = :at',
    ConditionExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':approved': 'APPROVED', ':pending': 'PENDING', ':at': at },
  });
}
