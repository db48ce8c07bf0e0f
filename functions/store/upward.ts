import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { UpwardAnswer, UpwardCounts } from '#domain/anonymity.ts';
import type { Phase } from '#domain/cycle.ts';
import { phaseCheck, type PhaseChecked } from './cycles.ts';
import {
  batchGet,
  batchPut,
  conditionalUpdate,
  db,
  keys,
  queryAll,
  tableName,
  transactOnce,
  withoutKeys,
  type OnceOutcome,
} from './table.ts';

/**
 * Upward reviews (issue 14), stored so that nothing ties an answer to its author:
 * - the answer (`UPWARD#manager#random`) holds the answers and the rating, and nothing else: no author, no
 *   author key, no time, and a random id that says nothing of the order the answers came in;
 * - the marker (`UPWARDBY#authorKey`) holds nothing but its key: the author answered, never what or when;
 * - the manager's counter (`UPWARDCOUNT#manager`) counts the reports asked and the answers and ratings received.
 * The three are written in one transaction, so an answer is counted exactly once and never without its marker.
 */

/**
 * A manager's upward counts as stored, with the address the release mails: `asked` is fixed at launch, the rest
 * grows with each answer; `released` is set once the manager was told.
 */
export interface UpwardCounter extends UpwardCounts {
  managerEmail: string;
}

/** A stored upward answer, with the random id the release deletes it by. */
export type StoredUpward = UpwardAnswer & { answerId: string };

const enc = encodeURIComponent;
const answerPrefix = (managerKey: string) => `UPWARD#${enc(managerKey)}#`;

/** A manager's counter as the launch stores it, before any answer. */
export type NewUpwardCounter = Pick<
  UpwardCounter,
  'managerKey' | 'managerName' | 'managerEmail' | 'department' | 'asked'
>;

/**
 * The launch's counters, one per manager reviewed, with nothing answered yet. Stored with the participants,
 * before any invitation is queued: a rerun of the launch stores the same again, and nobody could answer yet.
 */
export function putUpwardCounters(cycleId: string, counters: NewUpwardCounter[]): Promise<void> {
  return batchPut(
    counters.map((counter) => ({
      ...keys.upwardCounter(cycleId, counter.managerKey),
      ...counter,
      answers: 0,
      ratings: 0,
      ratingSum: 0,
    })),
  );
}

/**
 * Stores an upward answer once per `marker` (the author's key): 'duplicate' when the author answered before,
 * 'refused' when the cycle no longer takes answers or the manager has no counter (nobody asked for this review).
 */
export function submitUpwardAnswer(
  cycle: PhaseChecked,
  managerKey: string,
  marker: string,
  answer: UpwardAnswer,
  phases: Phase[],
): Promise<OnceOutcome> {
  const { cycleId } = cycle;
  const rated = answer.rating !== undefined;
  return transactOnce(
    { Put: { Item: keys.upwardMarker(cycleId, marker), ConditionExpression: 'attribute_not_exists(pk)' } },
    [
      {
        Put: {
          Item: {
            pk: keys.cyclePartition(cycleId),
            sk: `${answerPrefix(managerKey)}${randomUUID()}`,
            answers: answer.answers,
            ...(rated ? { rating: answer.rating } : {}),
          },
        },
      },
      {
        Update: {
          Key: keys.upwardCounter(cycleId, managerKey),
          UpdateExpression: 'ADD answers :one, ratings :rated, ratingSum :rating',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':rated': rated ? 1 : 0, ':rating': answer.rating ?? 0 },
        },
      },
      phaseCheck(cycle, phases),
    ],
  );
}

/** Whether the author of `marker` answered: the marker exists. */
export async function hasAnsweredUpward(cycleId: string, marker: string): Promise<boolean> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.upwardMarker(cycleId, marker), ConsistentRead: true }),
  );
  return result.Item !== undefined;
}

/** Which of `markers` exist: who answered among those asked, and nothing of what they wrote. */
export async function answeredUpward(cycleId: string, markers: readonly string[]): Promise<Set<string>> {
  const prefix = keys.upwardMarker(cycleId, '').sk;
  // A marker holds nothing but its key.
  const found = await batchGet(markers.map((marker) => keys.upwardMarker(cycleId, marker)));
  return new Set(found.map((item) => String(item.sk).slice(prefix.length)));
}

export async function listUpwardCounters(cycleId: string): Promise<UpwardCounter[]> {
  const items = await queryAll<Record<string, unknown>>({
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.upwardCounterPrefix },
  });
  return items.map((item) => withoutKeys<UpwardCounter>(item));
}

/** One manager's counter: none when nobody was asked to review them in the cycle. */
export async function getUpwardCounter(cycleId: string, managerKey: string): Promise<UpwardCounter | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.upwardCounter(cycleId, managerKey), ConsistentRead: true }),
  );
  return result.Item ? withoutKeys<UpwardCounter>(result.Item) : undefined;
}

/** A manager's upward answers, in the order of their random ids: the order says nothing of who or when. */
export async function listUpwardAnswers(cycleId: string, managerKey: string): Promise<StoredUpward[]> {
  const items = await queryAll<Record<string, unknown> & UpwardAnswer>({
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': answerPrefix(managerKey) },
  });
  return items.map((item) => ({
    answerId: String(item.sk).slice(answerPrefix(managerKey).length),
    answers: item.answers,
    ...(item.rating === undefined ? {} : { rating: item.rating }),
  }));
}

/** Deletes answers that may reach nobody (too few to stay anonymous); deleting one gone already is no error. */
export async function deleteUpwardAnswers(cycleId: string, managerKey: string, answerIds: string[]): Promise<void> {
  for (let start = 0; start < answerIds.length; start += 25) {
    let requests = answerIds.slice(start, start + 25).map((answerId) => ({
      DeleteRequest: { Key: { pk: keys.cyclePartition(cycleId), sk: `${answerPrefix(managerKey)}${answerId}` } },
    }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 10) throw new Error(`BatchWriteItem left ${requests.length} deletes unprocessed`);
      const result = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      requests = (result.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
    }
  }
}

/** The manager was told (their mail is queued): HR may see the mean from now on. False when marked before. */
export function markUpwardReleased(cycleId: string, managerKey: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.upwardCounter(cycleId, managerKey),
    UpdateExpression: 'SET released = :yes',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(released)',
    ExpressionAttributeValues: { ':yes': true },
  });
}

/** A cancelled cycle's upward answers, deleted: the cycle releases nothing, so they may reach nobody. */
export async function discardUpwardAnswers(cycleId: string): Promise<void> {
  for (const counter of await listUpwardCounters(cycleId)) {
    const answers = await listUpwardAnswers(cycleId, counter.managerKey);
    await deleteUpwardAnswers(
      cycleId,
      counter.managerKey,
      answers.map((answer) => answer.answerId),
    );
  }
}
