import type { GoalsChoice } from '#domain/acknowledgement.ts';
import type { RatingAdjustment } from '#domain/calibration.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Phase, ReviewKind } from '#domain/cycle.ts';
import { REVIEW_TEXTS, type ReviewAnswers, type SelfAnswers } from '#domain/review-form.ts';
import type { FinalScore } from '#domain/score.ts';
import { auditItem, type AuditEvent } from './audit.ts';
import { submissionRecorded, type Submission } from './submissions.ts';
import { phaseChecked, type PhaseChecked } from './cycles.ts';
import { progressMove } from './progress.ts';
import {
  conditionalUpdate,
  db,
  keys,
  queryAll,
  queryPage,
  tableName,
  transactOnce,
  type OnceOutcome,
  type TransactItem,
} from './table.ts';

/** A manager's review with the final score computed from it when it was submitted. */
export type StoredReview = ReviewAnswers & { score: FinalScore };

/**
 * The review as the assessment keeps it: ratings, score and proposed goals, what lists, counts, calibration and
 * reports read. The texts would triple the item, and every later write of it (the acknowledgement, each ladder step,
 * the release) and each of its index copies is priced by its size.
 */
export type ReviewRatings = Omit<StoredReview, (typeof REVIEW_TEXTS)[number]['id']>;

/** What the assessment keeps of a review: the review without its texts, which only its version keeps. */
export function ratingsOf(review: StoredReview): ReviewRatings {
  const ratings: Partial<StoredReview> = { ...review };
  for (const { id } of REVIEW_TEXTS) delete ratings[id];
  return ratings as ReviewRatings;
}

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
  /** The version of the self-assessment in force: 1 for the first submission, one more for each edit. */
  selfVersion?: number;
  reviewStatus: 'PENDING' | 'SUBMITTED';
  reviewVersion?: number;
  reviewSubmittedAt?: string;
  reviewLate?: boolean;
  review?: ReviewRatings;
  resultReleasedAt?: string;
  acknowledgedAt?: string;
  acknowledgement?: Acknowledgement;
  /** The id of the post that acknowledged: the same post again is a duplicate, answered as recorded. */
  acknowledgedBy?: string;
  /** HR's adjustment of the final rating in calibration; the review keeps the manager's own ratings. */
  adjustment?: RatingAdjustment;
  /** When the manager's proposed goals became goals, and who made them so (the employee accepting, or the manager confirming). */
  proposedGoalsCreatedAt?: string;
  proposedGoalsCreatedBy?: string;
}

/**
 * An assessment with the answers in force, as submitted (read from their versions): what the pages that show
 * answers render. The assessment item itself keeps no self answers and only the review's ratings.
 */
export type AnsweredAssessment = AssessmentRecord & { selfAnswers?: SelfAnswers; review?: StoredReview };

/** The employee's answer to their released appraisal. */
export interface Acknowledgement {
  disagree: boolean;
  comment?: string;
  /** What the employee chose about the proposed goals (absent on acknowledgements stored before it was recorded). */
  goals?: GoalsChoice;
}

/** What HR's search of a list matches: the name and the employeeId, in lower case. */
export function searchTextOf(person: Pick<AssessmentRecord, 'name' | 'employeeId'>): string {
  return `${person.name} ${person.employeeId}`.toLowerCase();
}

/** The stored item of a new assessment: pending in both phases' indexes and listed under its reviewer's team. */
export function assessmentItem(record: AssessmentRecord): Record<string, unknown> {
  return {
    ...keys.assessment(record.cycleId, record.employeeId),
    gsi5pk: keys.pendingSelf(record.cycleId),
    gsi5sk: record.employeeId,
    gsi6pk: keys.pendingReview(record.cycleId),
    gsi6sk: `${record.managerKey}#${record.employeeId}`,
    gsi4pk: keys.team(record.cycleId, record.managerKey),
    gsi4sk: record.employeeId,
    searchText: searchTextOf(record),
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

/** One page of the cycle's participants in employeeId order, from `start` (the key the page before ended at). */
export function assessmentsPage(cycleId: string, page: { limit: number; start?: Record<string, unknown> }) {
  return queryPage<AssessmentRecord & Record<string, unknown>>(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'ASMT#' },
    },
    { ...page, keyNames: ['pk', 'sk'] },
  );
}

/** HR's lists of people in a cycle, each a sparse index: pending in each phase, and released but not acknowledged. */
export type PeopleList = 'self-pending' | 'review-pending' | 'unacknowledged';

export interface PeopleFilter {
  department?: string;
  managerKey?: string;
  /** Part of a name or an employeeId, any case. */
  search?: string;
}

/** Whether a person is in what a filter of HR's lists asks for. */
export function matchesFilter(person: AssessmentRecord, filter: PeopleFilter): boolean {
  return (
    (filter.department === undefined || person.department === filter.department) &&
    (filter.managerKey === undefined || person.managerKey === filter.managerKey) &&
    (!filter.search || searchTextOf(person).includes(filter.search.toLowerCase()))
  );
}

/** Where a list of people is: its keys-only index, and its partition there. */
function peopleIndexOf(cycleId: string, list: PeopleList) {
  // Inside the function, so a bundle that never lists people holds none of these index names (test/infra/bundles.test.ts).
  return list === 'self-pending'
    ? { index: 'gsi5', partition: keys.pendingSelf(cycleId) }
    : {
        index: 'gsi6',
        partition: list === 'review-pending' ? keys.pendingReview(cycleId) : keys.unacknowledged(cycleId),
      };
}

/**
 * One page of a list of people, in its index's order, filtered; `keep` drops people after the read. The index
 * keeps only keys: the people are read as last written, and the filter applies to them, so someone who left the
 * list since the index was read (a submission) is left out.
 */
export function peoplePage(
  cycleId: string,
  list: PeopleList,
  filter: PeopleFilter,
  page: { limit: number; start?: Record<string, unknown> },
  keep: (assessment: AssessmentRecord) => boolean = () => true,
) {
  const { index, partition } = peopleIndexOf(cycleId, list);
  const values: Record<string, unknown> = { ':pk': partition };
  let keyCondition = `${index}pk = :pk`;
  // Pending reviews are sorted by reviewer: one reviewer's are a range of the index, not a filter.
  if (filter.managerKey !== undefined && list === 'review-pending') {
    keyCondition += ` AND begins_with(${index}sk, :manager)`;
    values[':manager'] = `${filter.managerKey}#`;
  }
  return queryPage<AssessmentRecord & Record<string, unknown>>(
    { IndexName: index, KeyConditionExpression: keyCondition, ExpressionAttributeValues: values },
    // As last written: someone who submitted a moment ago is not listed as still to do it.
    { ...page, keyNames: ['pk', 'sk', `${index}pk`, `${index}sk`], fromTable: { consistent: true } },
    (person) => person[`${index}pk`] === partition && matchesFilter(person, filter) && keep(person),
  );
}

/** Everyone still to submit in a phase: the keys from the phase's pending index, then the assessments. */
export async function listPending(cycleId: string, kind: ReviewKind): Promise<AssessmentRecord[]> {
  const { index, partition } = peopleIndexOf(cycleId, kind === 'self' ? 'self-pending' : 'review-pending');
  // Read eventually consistent, as the index is; someone who submitted since the index was read is not pending.
  const people = await queryAll<AssessmentRecord & Record<string, unknown>>(
    { IndexName: index, KeyConditionExpression: `${index}pk = :pk`, ExpressionAttributeValues: { ':pk': partition } },
    { consistent: false },
  );
  const status = kind === 'self' ? 'selfStatus' : 'reviewStatus';
  return people.filter((person) => person[status] === 'PENDING');
}

/** A ProjectionExpression of attribute paths (`review.rating`), each name through a placeholder (`name` is a reserved word). */
function projectionOf(paths: readonly string[]) {
  const parts = [...new Set(paths.flatMap((path) => path.split('.')))];
  return {
    ProjectionExpression: paths
      .map((path) =>
        path
          .split('.')
          .map((part) => `#${part}`)
          .join('.'),
      )
      .join(', '),
    ExpressionAttributeNames: Object.fromEntries(parts.map((part) => [`#${part}`, part])),
  };
}

/** What calibration reads of an assessment: the person, their reviewer, and the ratings; never the answers. */
export type RatingRecord = Pick<
  AssessmentRecord,
  'employeeId' | 'name' | 'department' | 'managerKey' | 'managerName' | 'reviewStatus' | 'adjustment'
> & {
  review?: Pick<StoredReview, 'rating' | 'score'>;
};
const RATING_ATTRIBUTES = [
  'employeeId',
  'name',
  'department',
  'managerKey',
  'managerName',
  'reviewStatus',
  'review.rating',
  'review.score',
  'adjustment',
];
const ratingsQuery = (cycleId: string) => ({
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'ASMT#' },
  ...projectionOf(RATING_ATTRIBUTES),
});

/**
 * Every participant's ratings (the whole cycle, page by page). DynamoDB reads at most 1 MB a page, before the
 * projection: about 300 assessments with their answers. Asking for that many keeps each page bounded on
 * DynamoDB Local too, which otherwise reads the rest of the partition for every page (20 s instead of 1.2 s
 * for 10,000 assessments, measured).
 */
export function listRatings(cycleId: string): Promise<RatingRecord[]> {
  return queryAll({ ...ratingsQuery(cycleId), Limit: 300 });
}

/** One page of participants' ratings in employeeId order, from `start` (the key the page before ended at). */
export async function ratingsPage(
  cycleId: string,
  page: { limit: number; start?: Record<string, unknown> },
): Promise<{ items: RatingRecord[]; next?: Record<string, unknown> }> {
  const query = ratingsQuery(cycleId);
  // The page's keys come back too: the next page starts after the last one.
  const { ProjectionExpression, ExpressionAttributeNames } = projectionOf([...RATING_ATTRIBUTES, 'pk', 'sk']);
  const { items, next } = await queryPage<RatingRecord & Record<string, unknown>>(
    { ...query, ProjectionExpression, ExpressionAttributeNames },
    { ...page, keyNames: ['pk', 'sk'] },
  );
  return { items: items.map(({ pk: _pk, sk: _sk, ...rating }) => rating as RatingRecord), ...(next ? { next } : {}) };
}

/**
 * A reviewer's team: its keys from the keys-only index (an assessment's many updates never write there), then
 * the assessments themselves.
 */
export async function listTeam(cycleId: string, managerKey: string): Promise<AssessmentRecord[]> {
  return queryAll<AssessmentRecord & Record<string, unknown>>(
    {
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.team(cycleId, managerKey) },
    },
    // As last written: a reviewer going back to the team page after submitting a review sees it counted.
    { consistent: true },
  );
}

export async function getAssessment(cycleId: string, employeeId: string): Promise<AssessmentRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.assessment(cycleId, employeeId), ConsistentRead: true }),
  );
  return result.Item as AssessmentRecord | undefined;
}

/**
 * The two forms a cycle asks for, and where each keeps its state on the assessment. The answers are in the
 * versions; the assessment keeps only the review's ratings (`ratingsOf`), which lists and counts read.
 */
const ANSWER_ATTRIBUTES = {
  self: {
    status: 'selfStatus',
    at: 'selfSubmittedAt',
    late: 'selfLate',
    version: 'selfVersion',
    pendingIndex: 'gsi5',
  },
  review: {
    status: 'reviewStatus',
    at: 'reviewSubmittedAt',
    late: 'reviewLate',
    version: 'reviewVersion',
    pendingIndex: 'gsi6',
  },
} as const;

export type AnswerForm = keyof typeof ANSWER_ATTRIBUTES;

/** A version of a self-assessment or review as it was submitted: every version is kept, the latest counts. */
export interface AnswerVersion<T> {
  version: number;
  answers: T;
  late: boolean;
  /** The version this one replaced, when it is an edit. */
  replaces?: number;
}

/**
 * Stores a submitted version of a form's answers, once for `submission`: the first (PENDING to SUBMITTED)
 * or an edit of exactly the version the editor had read, so two edits racing cannot both win. The same post
 * again is refused by that condition too, and told apart ('duplicate') by the version it stored, which carries
 * the post's id (answersPostRecorded): a one-time marker item would cost two write units more per submission.
 * The version is kept beside the assessment and the audit records it, in the same
 * transaction (the draft it came from goes stale by itself: store/submissions.ts getDraft), and only while the cycle is in one of `phases` (a release racing an edit
 * releases the version before it or refuses it, never misses it). `managerKey` restricts a review to that
 * report's reviewer. `also` adds a condition on the assessment and writes that go with it (a first submission
 * moves the progress counters, store/progress.ts; a review moves its manager's calibration tally, store/calibration.ts).
 */
export async function submitAnswers<T>(
  submission: Submission,
  cycle: PhaseChecked,
  employeeId: string,
  form: AnswerForm,
  entry: AnswerVersion<T>,
  audit: Omit<AuditEvent, 'cycleId' | 'at' | 'employeeId'>,
  phases: Phase[],
  managerKey?: string,
  also?: { condition?: string; values?: Record<string, unknown>; writes: TransactItem[] },
): Promise<OnceOutcome> {
  const { cycleId } = cycle;
  const attributes = ANSWER_ATTRIBUTES[form];
  const first = entry.replaces === undefined;
  const names: Record<string, string> = {
    '#status': attributes.status,
    '#at': attributes.at,
    '#version': attributes.version,
  };
  const values: Record<string, unknown> = {
    ':submitted': 'SUBMITTED',
    ':at': submission.at,
    ':version': entry.version,
  };
  let update = 'SET #status = :submitted, #at = :at, #version = :version';
  if (form === 'review') {
    update += ', review = :ratings';
    values[':ratings'] = ratingsOf(entry.answers as StoredReview);
  }
  let condition: string;
  if (first) {
    // The first submission records whether it was late and leaves the pending index; an edit keeps both as they were.
    condition = '#status = :pending';
    update += `, #late = :late REMOVE ${attributes.pendingIndex}pk, ${attributes.pendingIndex}sk`;
    Object.assign(names, { '#late': attributes.late });
    Object.assign(values, { ':pending': 'PENDING', ':late': entry.late });
  } else {
    condition = '#status = :submitted AND #version = :replaces';
    values[':replaces'] = entry.replaces;
  }
  if (managerKey !== undefined) {
    condition += ' AND managerKey = :manager';
    values[':manager'] = managerKey;
  }
  if (also?.condition) {
    condition += ` AND ${also.condition}`;
    Object.assign(values, also.values);
  }
  const writes: TransactItem[] = [
    {
      Update: {
        Key: keys.assessment(cycleId, employeeId),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    {
      Put: {
        Item: {
          ...keys.version(cycleId, form, employeeId, entry.version),
          ...entry,
          at: submission.at,
          by: submission.by,
          submission: submission.id,
        },
      },
    },
    {
      Put: {
        Item: auditItem({
          ...audit,
          cycleId,
          at: submission.at,
          employeeId,
          details: { ...audit.details, version: entry.version },
        }),
      },
    },
    ...(also?.writes ?? []),
  ];
  // The cycle's phase is checked, not written: a write to the cycle item (and its two index copies) per
  // submission would cost three times its size and make it the hot item of a deadline's rush.
  const outcome = await transactOnce(undefined, phaseChecked(cycle, phases, writes));
  if (outcome === 'refused' && (await answersPostRecorded(cycleId, form, employeeId, entry.version, submission.id)))
    return 'duplicate';
  return outcome;
}

/** Whether the post `submissionId` stored version `version` of these answers (a repeat of it is then a duplicate). */
export async function answersPostRecorded(
  cycleId: string,
  form: AnswerForm,
  employeeId: string,
  version: number,
  submissionId: string,
): Promise<boolean> {
  const result = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.version(cycleId, form, employeeId, version),
      ConsistentRead: true,
      ProjectionExpression: '#submission',
      ExpressionAttributeNames: { '#submission': 'submission' },
    }),
  );
  // A version stored before it carried its post's id: the post left a one-time marker instead.
  if (result.Item && result.Item.submission === undefined) return submissionRecorded(submissionId);
  return result.Item?.submission === submissionId;
}

/**
 * Whether the post `submissionId` is the one that acknowledged: an acknowledgement stored before `acknowledgedBy`
 * was kept is told by the one-time marker its post left.
 */
export function acknowledgedByPost(
  assessment: Pick<AssessmentRecord, 'acknowledgedBy'>,
  submissionId: string,
): Promise<boolean> {
  return assessment.acknowledgedBy === undefined
    ? submissionRecorded(submissionId)
    : Promise.resolve(assessment.acknowledgedBy === submissionId);
}

/** One version of a person's answers to a form, as submitted. */
export async function getAnswerVersion<T>(
  cycleId: string,
  form: AnswerForm,
  employeeId: string,
  version: number,
): Promise<AnswerVersion<T> | undefined> {
  // Eventually consistent: a version is written once and never changed, and the page asking names one it has seen.
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.version(cycleId, form, employeeId, version) }),
  );
  return result.Item as AnswerVersion<T> | undefined;
}

/** Every version of a person's answers to a form, oldest first. */
export function listAnswerVersions<T>(
  cycleId: string,
  form: AnswerForm,
  employeeId: string,
): Promise<(AnswerVersion<T> & { at: string; by: string })[]> {
  const { pk, sk } = keys.version(cycleId, form, employeeId, 0);
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': sk.slice(0, sk.lastIndexOf('#') + 1) },
  });
}

/** Releases a person's result; one with an appraisal to acknowledge joins the index of unacknowledged results. */
export function markResultReleased(
  cycleId: string,
  employeeId: string,
  at: string,
  awaitsAcknowledgement: boolean,
): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: `SET resultReleasedAt = :at${awaitsAcknowledgement ? ', gsi6pk = :unacknowledged, gsi6sk = :employeeId' : ''}`,
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(resultReleasedAt)',
    ExpressionAttributeValues: {
      ':at': at,
      ...(awaitsAcknowledgement ? { ':unacknowledged': keys.unacknowledged(cycleId), ':employeeId': employeeId } : {}),
    },
  });
}

/**
 * The employee acknowledges a released result, once, with its audit event and the move of the progress
 * counters, in one transaction: 'duplicate' for the same post again (the assessment keeps the id of the post that
 * acknowledged, so no one-time marker item is written), 'refused' when another post acknowledged it already. The
 * result leaves the index of unacknowledged results.
 */
export async function recordAcknowledgement(
  submission: Submission,
  assessment: Pick<AssessmentRecord, 'cycleId' | 'employeeId' | 'department' | 'managerKey' | 'managerName'>,
  acknowledgement: Acknowledgement,
  audit: Omit<AuditEvent, 'cycleId' | 'at' | 'employeeId'>,
): Promise<OnceOutcome> {
  const { cycleId, employeeId } = assessment;
  const outcome = await transactOnce(undefined, [
    {
      Update: {
        Key: keys.assessment(cycleId, employeeId),
        UpdateExpression:
          'SET acknowledgedAt = :at, acknowledgement = :ack, acknowledgedBy = :by REMOVE gsi6pk, gsi6sk',
        ConditionExpression: 'attribute_exists(resultReleasedAt) AND attribute_not_exists(acknowledgedAt)',
        ExpressionAttributeValues: { ':at': submission.at, ':ack': acknowledgement, ':by': submission.id },
      },
    },
    { Put: { Item: auditItem({ ...audit, cycleId, at: submission.at, employeeId }) } },
    ...progressMove(cycleId, assessment, { acknowledged: 1, disagreed: acknowledgement.disagree ? 1 : 0 }),
  ]);
  if (outcome !== 'refused') return outcome;
  const stored = await getAssessment(cycleId, employeeId);
  return stored?.acknowledgedAt && (await acknowledgedByPost(stored, submission.id)) ? 'duplicate' : 'refused';
}

export function markProposedGoalsCreated(
  cycleId: string,
  employeeId: string,
  by: string,
  at: string,
): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.assessment(cycleId, employeeId),
    UpdateExpression: 'SET proposedGoalsCreatedAt = :at, proposedGoalsCreatedBy = :by',
    ConditionExpression: 'attribute_exists(resultReleasedAt) AND attribute_not_exists(proposedGoalsCreatedAt)',
    ExpressionAttributeValues: { ':at': at, ':by': by },
  });
}
