import type { GoalsChoice } from '#domain/acknowledgement.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LadderProgress, LadderStep, ReviewKind } from '#domain/cycle.ts';
import type { ReviewAnswers, SelfAnswers } from '#domain/review-form.ts';
import type { FinalScore } from '#domain/score.ts';
import { conditionalUpdate, conditionalUpdateCounting, db, keys, queryAll, tableName } from './table.ts';

/** A manager's review with the final score computed from it when it was submitted. */
export type StoredReview = ReviewAnswers & { score: FinalScore };

/** Who reviews a participant: their manager's employeeId, or HR for people at the top. */
export const HR_MANAGER_KEY = 'HR';

export interface AssessmentRecord {
  cycleId: string;
  employeeId: string;
  name: string;
  email: string;
  department: string;
  managerKey: string;
  managerName: string;
  managerEmail: string;
  selfStatus: 'PENDING' | 'SUBMITTED';
  selfSubmittedAt?: string;
  selfLate?: boolean;
  selfAnswers?: SelfAnswers;
  selfRemindedAt?: string;
  selfOverdueAt?: string;
  selfHrEscalatedAt?: string;
  reviewStatus: 'PENDING' | 'SUBMITTED';
  reviewSubmittedAt?: string;
  reviewLate?: boolean;
  review?: StoredReview;
  reviewRemindedAt?: string;
  reviewOverdueAt?: string;
  reviewHrEscalatedAt?: string;
  resultReleasedAt?: string;
  acknowledgedAt?: string;
  acknowledgement?: Acknowledgement;
  /** When the manager's proposed goals became goals, and who made them so (the employee accepting, or the manager confirming). */
  proposedGoalsCreatedAt?: string;
  proposedGoalsCreatedBy?: string;
}

/** The employee's answer to their released appraisal. */
export interface Acknowledgement {
  disagree: boolean;
  comment?: string;
  /** What the employee chose about the proposed goals (absent on acknowledgements stored before it was recorded). */
  goals?: GoalsChoice;
}

const STEP_ATTRIBUTE: Record<ReviewKind, Record<LadderStep, keyof AssessmentRecord>> = {
  self: { REMINDER: 'selfRemindedAt', OVERDUE: 'selfOverdueAt', HR_ESCALATION: 'selfHrEscalatedAt' },
  manager: { REMINDER: 'reviewRemindedAt', OVERDUE: 'reviewOverdueAt', HR_ESCALATION: 'reviewHrEscalatedAt' },
};

const STATUS_ATTRIBUTE: Record<ReviewKind, 'selfStatus' | 'reviewStatus'> = { self: 'selfStatus', manager: 'reviewStatus' };

export function ladderProgress(assessment: AssessmentRecord, kind: ReviewKind): LadderProgress {
  const attributes = STEP_ATTRIBUTE[kind];
  return {
    remindedAt: assessment[attributes.REMINDER] as string | undefined,
    overdueAt: assessment[attributes.OVERDUE] as string | undefined,
    hrEscalatedAt: assessment[attributes.HR_ESCALATION] as string | undefined,
  };
}

/** The stored item of a new assessment: pending in both phases' indexes and listed under its reviewer's team. */
export function assessmentItem(record: AssessmentRecord): Record<string, unknown> {
  return {
    ...keys.assessment(record.cycleId, record.employeeId),
    gsi1pk: keys.pendingSelf(record.cycleId),
    gsi1sk: record.employeeId,
    gsi2pk: keys.pendingReview(record.cycleId),
    gsi2sk: `${record.managerKey}#${record.employeeId}`,
    gsi3pk: keys.team(record.cycleId, record.managerKey),
    gsi3sk: record.employeeId,
    ...record,
  };
}

export function listAssessments(cycleId: string): Promise<AssessmentRecord[]> {
  return queryAll({
    // Strongly consistent: a cancel racing the launch must see every participant the launch has just written.
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'ASMT#' },
  });
}

export function listPending(cycleId: string, kind: ReviewKind): Promise<AssessmentRecord[]> {
  const [index, partition] = kind === 'self' ? ['gsi1', keys.pendingSelf(cycleId)] : ['gsi2', keys.pendingReview(cycleId)];
  return queryAll({
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk`,
    ExpressionAttributeValues: { ':pk': partition },
  });
}

export function listTeam(cycleId: string, managerKey: string): Promise<AssessmentRecord[]> {
  return queryAll({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.team(cycleId, managerKey) },
  });
}

export async function getAssessment(cycleId: string, employeeId: string): Promise<AssessmentRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.assessment(cycleId, employeeId), ConsistentRead: true }),
  );
  return result.Item as AssessmentRecord | undefined;
}

/** PENDING to SUBMITTED exactly once; false for a second submission. */
export function submitSelf(cycleId: string, employeeId: string, answers: SelfAnswers, at: string, late: boolean): Promise<boolean> {
  return conditionalUpdateCounting(
    {
      Key: keys.assessment(cycleId, employeeId),
      UpdateExpression: 'SET selfStatus = :submitted, selfSubmittedAt = :at, selfLate = :late, selfAnswers = :answers REMOVE gsi1pk, gsi1sk',
      ConditionExpression: 'selfStatus = :pending',
      ExpressionAttributeValues: { ':submitted': 'SUBMITTED', ':pending': 'PENDING', ':at': at, ':late': late, ':answers': answers },
    },
    { Key: keys.cycle(cycleId), attribute: 'selfSubmitted' },
  );
}

/** A manager's review of one report, once, and only by that report's reviewer. */
export function submitReview(
  cycleId: string,
  employeeId: string,
  managerKey: string,
  review: StoredReview,
  at: string,
  late: boolean,
): Promise<boolean> {
  return conditionalUpdateCounting(
    {
      Key: keys.assessment(cycleId, employeeId),
      UpdateExpression: 'SET reviewStatus = :submitted, reviewSubmittedAt = :at, reviewLate = :late, review = :review REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'reviewStatus = :pending AND managerKey = :manager',
      ExpressionAttributeValues: { ':submitted': 'SUBMITTED', ':pending': 'PENDING', ':at': at, ':late': late, ':review': review, ':manager': managerKey },
    },
    { Key: keys.cycle(cycleId), attribute: 'reviewsSubmitted' },
  );
}

/**
 * Records that a ladder step was taken for a still-pending item. The condition makes every step happen at
 * most once, whatever reruns, retries or restarts do; false means it was taken before or the item is done.
 */
export function recordStep(cycleId: string, employeeId: string, kind: ReviewKind, step: LadderStep, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: 'SET #step = :at',
    ConditionExpression: 'attribute_not_exists(#step) AND #status = :pending',
    ExpressionAttributeNames: { '#step': STEP_ATTRIBUTE[kind][step], '#status': STATUS_ATTRIBUTE[kind] },
    ExpressionAttributeValues: { ':at': at, ':pending': 'PENDING' },
  });
}

/** After an extension the person's ladder starts again against the new deadline. */
export function restartSelfLadder(cycleId: string, employeeId: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: 'REMOVE selfRemindedAt, selfOverdueAt, selfHrEscalatedAt',
    ConditionExpression: 'selfStatus = :pending',
    ExpressionAttributeValues: { ':pending': 'PENDING' },
  });
}

export function markResultReleased(cycleId: string, employeeId: string, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: 'SET resultReleasedAt = :at',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(resultReleasedAt)',
    ExpressionAttributeValues: { ':at': at },
  });
}

/** The employee acknowledges a released result, once. */
export function recordAcknowledgement(cycleId: string, employeeId: string, acknowledgement: Acknowledgement, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: 'SET acknowledgedAt = :at, acknowledgement = :ack',
    ConditionExpression: 'attribute_exists(resultReleasedAt) AND attribute_not_exists(acknowledgedAt)',
    ExpressionAttributeValues: { ':at': at, ':ack': acknowledgement },
  });
}

export function markProposedGoalsCreated(cycleId: string, employeeId: string, by: string, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: 'SET proposedGoalsCreatedAt = :at, proposedGoalsCreatedBy = :by',
    ConditionExpression: 'attribute_exists(resultReleasedAt) AND attribute_not_exists(proposedGoalsCreatedAt)',
    ExpressionAttributeValues: { ':at': at, ':by': by },
  });
}
