import { DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { IndexShape, TableState } from '#domain/upgrade.ts';
import type { PeerReviewRecord } from './peers.ts';
import { mapLimited } from '#shared/concurrency.ts';
import {
  conditionalDelete,
  conditionalPut,
  conditionalUpdate,
  db,
  keys,
  queryAll,
  tableClient,
  tableName,
} from './table.ts';

/**
 * The table's upgrade in place, for a stack deployed before the lists moved (services/upgrade.ts runs it): its
 * indexes as DynamoDB describes them, one index added, and the items stored before rewritten where they are listed.
 */

export async function describeTableState(): Promise<TableState> {
  const { Table } = await tableClient().send(new DescribeTableCommand({ TableName: tableName() }));
  return {
    status: Table?.TableStatus ?? 'UNKNOWN',
    indexes: (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      IndexName: index.IndexName ?? '',
      KeySchema: (index.KeySchema ?? []).map((key) => ({
        AttributeName: key.AttributeName ?? '',
        KeyType: key.KeyType ?? '',
      })),
      Projection: { ...index.Projection },
      IndexStatus: index.IndexStatus,
    })),
  };
}

/** Starts building an index (string keys, as every index of the table has); DynamoDB fills it from the items. */
export async function createIndex(index: IndexShape): Promise<void> {
  await tableClient().send(
    new UpdateTableCommand({
      TableName: tableName(),
      AttributeDefinitions: index.KeySchema.map((key) => ({ AttributeName: key.AttributeName, AttributeType: 'S' })),
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: index.IndexName,
            KeySchema: index.KeySchema.map((key) => ({
              AttributeName: key.AttributeName,
              KeyType: key.KeyType as 'HASH' | 'RANGE',
            })),
            Projection: {
              ProjectionType: index.Projection.ProjectionType as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
              ...(index.Projection.NonKeyAttributes ? { NonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
            },
          },
        },
      ],
    }),
  );
}

/** A rewrite of one item: what to set and remove, applied only while the attributes it was computed from are as read. */
export interface ItemRewrite {
  set: Record<string, unknown>;
  remove: string[];
  /** Each attribute the rewrite was computed from, as read (undefined: absent). */
  read: Record<string, unknown>;
}

/**
 * The two passes of an upgrade: before the functions' code is updated, while the old functions run, and after. The
 * first only adds (a deploy rolled back after it leaves the old version working on what it stored); the second
 * removes what the old version read and moves what only one version can read at a time.
 */
export type UpgradePass = 'before-code' | 'after-code';

/**
 * An assessment's lists: the old version kept its pending self-assessment in gsi1, its pending review or
 * unacknowledged result in gsi2 and its reviewer's team in gsi3; the code keeps them in gsi5, gsi6 and gsi4.
 */
const [OLD_LISTS, LISTS] = [
  [1, 2, 3],
  [4, 5, 6],
].map((numbers) => numbers.flatMap((n) => [`gsi${n}pk`, `gsi${n}sk`]));

/**
 * The lists an assessment is in, from its state, as the code keeps them (assessmentItem, submitAnswers,
 * markResultReleased and recordAcknowledgement in store/assessments.ts): from its state rather than from its
 * old keys, which an old function may have left behind the state during the deploy.
 */
function listsOf(assessment: Record<string, unknown>): Record<string, string> {
  const cycleId = keys.cycleIdOf(assessment.pk);
  const employeeId = String(assessment.employeeId);
  const managerKey = String(assessment.managerKey);
  const released = assessment.resultReleasedAt !== undefined && assessment.acknowledgedAt === undefined;
  return {
    gsi4pk: keys.team(cycleId, managerKey),
    gsi4sk: employeeId,
    ...(assessment.selfStatus === 'PENDING' ? { gsi5pk: keys.pendingSelf(cycleId), gsi5sk: employeeId } : {}),
    ...(assessment.reviewStatus === 'PENDING'
      ? { gsi6pk: keys.pendingReview(cycleId), gsi6sk: `${managerKey}#${employeeId}` }
      : released
        ? { gsi6pk: keys.unacknowledged(cycleId), gsi6sk: employeeId }
        : {}),
  };
}
const LIST_STATE = ['managerKey', 'selfStatus', 'reviewStatus', 'resultReleasedAt', 'acknowledgedAt'];

/** What an item stored by the old version needs in `pass`, or undefined when it is as the code keeps it. */
export function rewriteOf(item: Record<string, unknown>, pass: UpgradePass): ItemRewrite | undefined {
  const sk = String(item.sk);
  if (sk.startsWith('ASMT#')) {
    const lists = listsOf(item);
    const set = Object.fromEntries(Object.entries(lists).filter(([name, value]) => item[name] !== value));
    const remove =
      pass === 'after-code'
        ? [...OLD_LISTS, ...LISTS.filter((name) => !(name in lists))].filter((name) => item[name] !== undefined)
        : [];
    const read = Object.fromEntries([...OLD_LISTS, ...LISTS, ...LIST_STATE].map((name) => [name, item[name]]));
    return Object.keys(set).length || remove.length ? { set, remove, read } : undefined;
  }
  // Unsent mail waited in an outbox partition per scope (`OUTBOX#scope`, sorted `dueAt#mailId`); now all waits in
  // one, sorted `scope#dueAt#mailId`, which the old version cannot read: moved once it is gone. A claim or a retry
  // by one version of a mail the other queued moved only the sort key: each key is mended on its own.
  if (pass === 'after-code' && sk.startsWith('MAIL#') && item.gsi2pk !== undefined) {
    const scope = keys.cycleIdOf(item.pk);
    const sortKey = String(item.gsi2sk);
    const set = {
      ...(item.gsi2pk === keys.outbox.gsi2pk ? {} : keys.outbox),
      ...(sortKey.startsWith(`${scope}#`) ? {} : { gsi2sk: `${scope}#${sortKey}` }),
    };
    return Object.keys(set).length
      ? { set, remove: [], read: { gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk } }
      : undefined;
  }
  return undefined;
}

/**
 * Applies a rewrite while the item is as it was read; when it changed meanwhile (a function wrote it), reads it
 * again and rewrites what it is now. False when the item is gone or needs nothing any more.
 */
export async function applyRewrite(
  key: { pk: unknown; sk: unknown },
  rewrite: ItemRewrite,
  pass: UpgradePass,
): Promise<boolean> {
  let current: ItemRewrite | undefined = rewrite;
  for (let attempt = 0; current && attempt < 10; attempt++) {
    if (await conditionalUpdate(updateOf(key, current))) return true;
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
    );
    current = Item && rewriteOf(Item, pass);
  }
  if (current) throw new Error(`item ${String(key.pk)} ${String(key.sk)} kept changing while it was rewritten`);
  return false;
}

function updateOf(key: { pk: unknown; sk: unknown }, rewrite: ItemRewrite) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (attribute: string) => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const sets = Object.entries(rewrite.set).map(([attribute, value]) => {
    values[`:set_${attribute}`] = value;
    return `${name(attribute)} = :set_${attribute}`;
  });
  const conditions = Object.entries(rewrite.read).map(([attribute, value]) => {
    if (value === undefined) return `attribute_not_exists(${name(attribute)})`;
    values[`:read_${attribute}`] = value;
    return `${name(attribute)} = :read_${attribute}`;
  });
  const update = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    rewrite.remove.length ? `REMOVE ${rewrite.remove.map(name).join(', ')}` : '',
  ];
  return {
    Key: { pk: key.pk, sk: key.sk },
    UpdateExpression: update.filter(Boolean).join(' '),
    ConditionExpression: ['attribute_exists(pk)', ...conditions].join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

/** How far a run has come: where its scan goes on from, whether it is done, and what it rewrote. */
export interface UpgradeCursor {
  /** When the run's scan could first start (epoch ms): it waits for the old code's calls from then. */
  startedAt?: number;
  next?: Record<string, unknown>;
  /** The scan has been through the table. */
  through?: boolean;
  done: boolean;
  scanned: number;
  rewritten: number;
  /** Cycles whose peer counts are still kept per department alone: counted again once the scan has been through. */
  recount?: string[];
}

const isPeerReview = (sk: string) => sk.startsWith('PEER#');
const isPeerCount = (sk: string) => sk.startsWith(keys.peerCountPrefix);

/**
 * An old peer review names no manager (its counts were kept per department): it takes its participant's reviewer
 * from the assessment, as an assignment does now. False when it had one meanwhile.
 */
async function givePeerReviewItsManager(review: Record<string, unknown>): Promise<boolean> {
  const { Item: assessment } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: { pk: review.pk, sk: `ASMT#${review.employeeId}` },
      ConsistentRead: true,
    }),
  );
  if (!assessment) throw new Error(`peer review ${String(review.sk)} of ${String(review.pk)} has no assessment`);
  return conditionalUpdate({
    Key: { pk: review.pk, sk: review.sk },
    UpdateExpression: 'SET managerKey = :managerKey, managerName = :managerName',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(managerKey)',
    ExpressionAttributeValues: { ':managerKey': assessment.managerKey, ':managerName': assessment.managerName },
  });
}

/** A condition that a count is as it was read (or still absent). */
function countAsRead(count: Record<string, unknown> | undefined) {
  if (!count) return { ConditionExpression: 'attribute_not_exists(pk)' };
  const present = COUNT_NAMES.filter((name) => count[name] !== undefined);
  return {
    ConditionExpression: COUNT_NAMES.map((name) =>
      count[name] === undefined ? `attribute_not_exists(${name})` : `${name} = :read_${name}`,
    ).join(' AND '),
    ...(present.length
      ? { ExpressionAttributeValues: Object.fromEntries(present.map((name) => [`:read_${name}`, count[name]])) }
      : {}),
  };
}
const COUNT_NAMES = ['asked', 'answered'] as const;

/**
 * A cycle's peer counts from its peer reviews, per (manager, department) as they are kept now, in place of those
 * kept per department alone. Exact: a review is never deleted, and counts once asked and once answered. Each count
 * is written only while it is as read before the reviews were, and each old one deleted only while as read, so an
 * assignment or an answer landing meanwhile makes the cycle count again.
 */
export async function recountPeerCounts(cycleId: string): Promise<void> {
  const inCycle = <T>(prefix: string) =>
    queryAll<T & { pk: string; sk: string }>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': prefix },
      ConsistentRead: true,
    });
  for (let attempt = 0; attempt < 10; attempt++) {
    const counts = await inCycle<Record<string, unknown>>(keys.peerCountPrefix);
    const reviews =
      await inCycle<Pick<PeerReviewRecord, 'managerKey' | 'managerName' | 'department' | 'status'>>('PEER#');
    const groups = new Map<string, Record<string, unknown> & { sk: string; asked: number; answered: number }>();
    for (const review of reviews) {
      const key = keys.peerCount(cycleId, review.managerKey, review.department);
      const group = groups.get(key.sk) ?? {
        ...key,
        managerKey: review.managerKey,
        managerName: review.managerName,
        department: review.department,
        asked: 0,
        answered: 0,
      };
      group.asked += 1;
      if (review.status === 'SUBMITTED') group.answered += 1;
      groups.set(key.sk, group);
    }
    const asRead = (sk: unknown) => counts.find((count) => count.sk === sk);
    let held = true;
    for (const group of groups.values())
      held &&= await conditionalPut({ Item: group, ...countAsRead(asRead(group.sk)) });
    for (const old of counts.filter((count) => !groups.has(count.sk)))
      held &&= await conditionalDelete({ Key: { pk: old.pk, sk: old.sk }, ...countAsRead(old) });
    if (held) return;
  }
  throw new Error(`the peer counts of cycle ${cycleId} kept changing while they were counted again`);
}

/**
 * One page of the table's scan from `start`, each item that needs it rewritten (a few at once). Only assessments
 * and unsent mail (the only mail in the outbox index) come back.
 */
export async function rewritePage(
  start: Record<string, unknown> | undefined,
  pass: UpgradePass,
): Promise<{ next?: Record<string, unknown>; scanned: number; rewritten: number; recount: string[] }> {
  const page = await db().send(
    new ScanCommand({
      TableName: tableName(),
      ExclusiveStartKey: start,
      FilterExpression:
        'begins_with(sk, :assessment) OR (begins_with(sk, :mail) AND attribute_exists(gsi2pk)) OR ' +
        '((begins_with(sk, :peer) OR begins_with(sk, :peerCount)) AND attribute_not_exists(managerKey))',
      ExpressionAttributeValues: {
        ':assessment': 'ASMT#',
        ':mail': 'MAIL#',
        ':peer': 'PEER#',
        ':peerCount': keys.peerCountPrefix,
      },
      ConsistentRead: true,
    }),
  );
  const items = page.Items ?? [];
  const rewrites = items.flatMap((item) => {
    const rewrite = rewriteOf(item, pass);
    return rewrite ? [{ item, rewrite }] : [];
  });
  const applied = await mapLimited(rewrites, 16, ({ item, rewrite }) =>
    applyRewrite({ pk: item.pk, sk: item.sk }, rewrite, pass),
  );
  const reviews = items.filter((item) => isPeerReview(String(item.sk)) && item.managerKey === undefined);
  const managed = await mapLimited(reviews, 16, givePeerReviewItsManager);
  // Counted again only once the old version, which adds to them, is gone.
  const recount = items
    .filter((item) => pass === 'after-code' && isPeerCount(String(item.sk)) && item.managerKey === undefined)
    .map((item) => keys.cycleIdOf(item.pk));
  return {
    ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    scanned: page.ScannedCount ?? 0,
    rewritten: applied.filter(Boolean).length + managed.filter(Boolean).length,
    recount: [...new Set(recount)],
  };
}

/** How far run `runId` has come (nowhere yet: not done, from the start). */
export async function upgradeCursor(runId: string): Promise<UpgradeCursor> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.upgradeRun(runId), ConsistentRead: true }),
  );
  return (Item?.cursor as UpgradeCursor | undefined) ?? { done: false, scanned: 0, rewritten: 0 };
}

/** Keeps how far run `runId` has come, for its next step; gone a month after (the table's TTL). */
export async function saveUpgradeCursor(runId: string, cursor: UpgradeCursor, expiresAt: number): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...keys.upgradeRun(runId), cursor, expiresAt } }));
}
