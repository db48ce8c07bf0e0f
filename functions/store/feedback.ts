import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackKind } from '#domain/feedback.ts';
import { writeOnce, type Submission } from './submissions.ts';
import { db, keys, putOnce, queryAll, tableName, type OnceOutcome } from './table.ts';

/**
 * Feedback lives under its recipient (`EMP#to` / `FEEDBACK#at#id`), so a review reads a person's feedback
 * of a period in one query. Praise meant for a weekly digest is also listed by week (gsi2,
 * `PRAISE#weekStart` / `team#at#id`); constructive feedback never is.
 */
export interface FeedbackRecord {
  feedbackId: string;
  fromId: string;
  fromName: string;
  toId: string;
  kind: FeedbackKind;
  text: string;
  at: string;
  /** Set when the feedback answered a colleague's request. */
  requestId?: string;
}

export async function saveFeedback(
  feedback: FeedbackRecord,
  digest?: { weekStart: string; team: string },
): Promise<void> {
  const index = {
    ...(digest
      ? { gsi2pk: keys.praiseWeek(digest.weekStart), gsi2sk: `${digest.team}#${feedback.at}#${feedback.feedbackId}` }
      : {}),
    // Praise is public: HR's console lists the latest across the organisation. Constructive feedback never is.
    ...(feedback.kind === 'praise' ? { ...keys.recognition, gsi3sk: `${feedback.at}#${feedback.feedbackId}` } : {}),
  };
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.feedback(feedback.toId, feedback.at, feedback.feedbackId), ...index, ...feedback },
    }),
  );
}

/** A person's feedback given between two instants (ISO-8601), oldest first. */
export async function listFeedbackFor(employeeId: string, fromIso: string, toIso: string): Promise<FeedbackRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': keys.employee(employeeId).pk,
      ':from': `FEEDBACK#${fromIso}`,
      ':to': `FEEDBACK#${toIso}~`,
    },
  });
  return items.map(feedbackOf);
}

/** The praise of one week that waits for a digest, with the team it belongs to. */
export async function listPraiseOfWeek(weekStart: string): Promise<(FeedbackRecord & { team: string })[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.praiseWeek(weekStart) },
  });
  return items.map((item) => ({ ...feedbackOf(item), team: String(item.gsi2sk).split('#')[0] }));
}

/** The latest praise across the organisation, newest first. */
export async function listRecentPraise(limit: number): Promise<FeedbackRecord[]> {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.recognition.gsi3pk },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map(feedbackOf);
}

function feedbackOf(item: Record<string, unknown>): FeedbackRecord {
  const { feedbackId, fromId, fromName, toId, kind, text, at, requestId } = item as unknown as FeedbackRecord;
  return { feedbackId, fromId, fromName, toId, kind, text, at, ...(requestId ? { requestId } : {}) };
}

/** An employee's request for feedback from colleagues; each colleague answers it once. */
export interface FeedbackRequestRecord {
  requestId: string;
  requesterId: string;
  colleagueIds: string[];
  message?: string;
  at: string;
  /** Each colleague's answer, recorded before it is delivered so that it is delivered exactly as given. */
  answered: Record<string, RecordedAnswer>;
}

export interface RecordedAnswer {
  feedbackId: string;
  at: string;
  kind: FeedbackKind;
  text: string;
}

/** Stores a new request; one asked from the goals page is stored once for its `submission` ('duplicate' for the same post again). */
export function saveFeedbackRequest(request: FeedbackRequestRecord, submission?: Submission): Promise<OnceOutcome> {
  return writeOnce(submission, [
    {
      Put: {
        Item: { ...keys.feedbackRequest(request.requestId), ...request },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
}

export async function getFeedbackRequest(requestId: string): Promise<FeedbackRequestRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.feedbackRequest(requestId), ConsistentRead: true }),
  );
  return result.Item as FeedbackRequestRecord | undefined;
}

/**
 * Records a colleague's answer once, with the submission of the form it came from: 'duplicate' for the same
 * post again, 'refused' when they had answered already (from another page).
 */
export function markRequestAnswered(
  submission: Submission,
  requestId: string,
  colleagueId: string,
  answer: RecordedAnswer,
): Promise<OnceOutcome> {
  return writeOnce(submission, [
    {
      Update: {
        Key: keys.feedbackRequest(requestId),
        UpdateExpression: 'SET answered.#colleague = :answer',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answered.#colleague)',
        ExpressionAttributeNames: { '#colleague': colleagueId },
        ExpressionAttributeValues: { ':answer': answer },
      },
    },
  ]);
}

export async function digestWeekSent(weekStart: string): Promise<boolean> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.digestWeek(weekStart), ConsistentRead: true }),
  );
  return result.Item !== undefined;
}

/** Marks a week's digests as sent, once; false when an earlier run sent them. */
export function claimDigestWeek(weekStart: string, at: string): Promise<boolean> {
  return putOnce({ ...keys.digestWeek(weekStart), weekStart, at });
}
