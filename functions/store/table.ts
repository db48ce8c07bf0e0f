import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { invalidCursor } from '#domain/cursor.ts';
import { config } from '#shared/config.ts';
import { forEachLimited, sleep } from '#shared/concurrency.ts';
import { observed } from '#shared/sdk-observer.ts';

/**
 * The one table. Every key shape lives here, so an access pattern can be read off in one place:
 *
 * | item        | pk             | sk               | gsi1 (sparse)              | gsi2 (sparse)                    | gsi3                          |
 * |-------------|----------------|------------------|----------------------------|----------------------------------|-------------------------------|
 * | employee    | EMP#id         | PROFILE          | EMAIL#address / employeeId | REPORTS#managerId / employeeId   | DIRECTORY / department#emp    |
 * | (leaver)    |                |                  |                            | LEAVERS / employeeId             |                               |
 * | cycle       | CYCLE#id       | META             |                            | CYCLES / createdAt               | CYCLES#ACTIVE / createdAt     |
 * | its phase   | CYCLE#id       | PHASE            |                            |                                  |                               |
 * | assessment  | CYCLE#id       | ASMT#employeeId  | (gsi5) SELF#cycle / employeeId | (gsi6) REVIEW#cycle / managerKey#emp | (gsi4) TEAM#cycle#managerKey / emp |
 * | (released)  |                |                  |                            | (gsi6) UNACK#cycle / employeeId  |                               |
 * | mail        | CYCLE#id       | MAIL#mailId      |                            | OUTBOX / cycle#dueAt#mailId      |                               |
 * | claim marker| CYCLE#id       | CLAIMS#owner     |                            | OUTBOX / cycle#dueAt#CLAIMS#owner |                              |
 * | audit event | CYCLE#id       | AUDIT#at#id      |                            |                                  | ESCALATIONS#cycle / sk (ladder mail) |
 * | goal        | EMP#id         | GOAL#goalId      | OPENGOALS / dueAt#goalId   |                                  | GOALS#period / emp#goalId     |
 * | goal counts | GOALCOUNT#period | DEPT#department |                            |                                  |                               |
 * | settings    | SETTINGS       | V#version        |                            |                                  |                               |
 * | feedback    | EMP#to         | FEEDBACK#at#id   |                            | PRAISE#week / team#at#id (digest)| RECOGNITION / at#id (praise)  |
 * | cycle of    | EMP#id         | CYCLE#at#cycleId |                            |                                  |                               |
 * | fb request  | FBREQ#id       | META             |                            |                                  |                               |
 * | digest week | DIGEST#week    | META             |                            |                                  |                               |
 * | send rate   | SENDRATE       | WINDOW           |                            |                                  |                               |
 * | form post   | SUBMISSION#id  | META             |                            |                                  |                               |
 * | draft       | CYCLE#id       | DRAFT#form#emp   |                            |                                  |                               |
 * | version     | CYCLE#id       | VERSION#form#emp#n |                          |                                  |                               |
 * | tally       | CYCLE#id       | TALLY#manager#dept |                          |                                  |                               |
 * | progress    | CYCLE#id       | PROGRESS#dept    |                            |                                  |                               |
 * | ladder      | CYCLE#id       | LADDER#form#due#scope |                       |                                  |                               |
 * | peer review | CYCLE#id       | PEER#emp#reviewer | PEERS#cycle / emp#reviewer (pending) |                        |                               |
 * | peer counts | CYCLE#id       | PEERCOUNT#manager#dept |                      |                                  |                               |
 * | nomination  | CYCLE#id       | PEERNOM#id       |                            |                                  |                               |
 * | upward      | CYCLE#id       | UPWARD#manager#random |                       |                                  |                               |
 * | upward by   | CYCLE#id       | UPWARDBY#authorKey |                          |                                  |                               |
 * | upward count| CYCLE#id       | UPWARDCOUNT#manager |                         |                                  |                               |
 * | api request | IDEM#scope     | REQUEST          |                            |                                  |                               |
 * | upgrade run | UPGRADE#runId  | SCAN             |                            |                                  |                               |
 *
 * gsi4 to gsi6 project only the keys (lib/data.ts): an assessment's lists are read there, then the assessments by
 * BatchGetItem, so each of its updates after launch writes to an index only when it enters or leaves a list.
 * An upward answer holds only its answers and rating, its marker only its key (store/upward.ts): neither names its author.
 * A leaver is an employee HR deactivated: their gsi2 moves from their manager's reports to LEAVERS until they are activated.
 * gsi5 holds self-assessments while pending, gsi6 manager reviews while pending and results until acknowledged, gsi1 goals while the goal watch still owes them a step, gsi2 mail not yet sent,
 * so deadline checks read what is pending, never the whole cycle.
 *
 * `expiresAt` (epoch seconds) is the table's TTL attribute: DynamoDB deletes an item some time after it, so
 * a reader must still treat an item past its `expiresAt` as gone. Only items meant to vanish carry it.
 */
export const keys = {
  employee: (employeeId: string) => ({ pk: `EMP#${employeeId}`, sk: 'PROFILE' }),
  directory: { gsi3pk: 'DIRECTORY' },
  /** The directory sorted by department (lower case, URI-encoded so it holds no `#`), then employeeId. */
  directoryEntry: (departmentKey: string, employeeId: string) => `${encodeURIComponent(departmentKey)}#${employeeId}`,
  leavers: { gsi2pk: 'LEAVERS' },
  cycle: (cycleId: string) => ({ pk: `CYCLE#${cycleId}`, sk: 'META' }),
  cyclePhase: (cycleId: string) => ({ pk: `CYCLE#${cycleId}`, sk: 'PHASE' }),
  activeCycles: { gsi3pk: 'CYCLES#ACTIVE' },
  cyclePartition: (cycleId: string) => `CYCLE#${cycleId}`,
  /** The cycle (or mail scope) whose partition `pk` is. */
  cycleIdOf: (pk: unknown) => String(pk).slice('CYCLE#'.length),
  allCycles: { gsi2pk: 'CYCLES' },
  recognition: { gsi3pk: 'RECOGNITION' },
  assessment: (cycleId: string, employeeId: string) => ({ pk: `CYCLE#${cycleId}`, sk: `ASMT#${employeeId}` }),
  pendingSelf: (cycleId: string) => `SELF#${cycleId}`,
  pendingReview: (cycleId: string) => `REVIEW#${cycleId}`,
  unacknowledged: (cycleId: string) => `UNACK#${cycleId}`,
  team: (cycleId: string, managerKey: string) => `TEAM#${cycleId}#${managerKey}`,
  mail: (cycleId: string, mailId: string) => ({ pk: `CYCLE#${cycleId}`, sk: `MAIL#${mailId}` }),
  /** Stands in the outbox for the mail one sender stored claimed outside it (store/mail.ts markClaim). */
  claimMarker: (cycleId: string, owner: string) => ({ pk: `CYCLE#${cycleId}`, sk: `CLAIMS#${owner}` }),
  /** Every scope's unsent mail, in one index partition sorted by scope, then due instant: see store/mail.ts. */
  outbox: { gsi2pk: 'OUTBOX' },
  audit: (cycleId: string, at: string, id: string) => ({ pk: `CYCLE#${cycleId}`, sk: `AUDIT#${at}#${id}` }),
  escalations: (cycleId: string) => `ESCALATIONS#${cycleId}`,
  settingsPartition: 'SETTINGS',
  reports: (managerId: string) => `REPORTS#${managerId}`,
  employeeEmail: (email: string) => `EMAIL#${email.toLowerCase()}`,
  feedback: (employeeId: string, at: string, feedbackId: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `FEEDBACK#${at}#${feedbackId}`,
  }),
  praiseWeek: (weekStart: string) => `PRAISE#${weekStart}`,
  feedbackRequest: (requestId: string) => ({ pk: `FBREQ#${requestId}`, sk: 'META' }),
  participation: (employeeId: string, releasedAt: string, cycleId: string) => ({
    pk: `EMP#${employeeId}`,
    sk: `CYCLE#${releasedAt}#${cycleId}`,
  }),
  digestWeek: (weekStart: string) => ({ pk: `DIGEST#${weekStart}`, sk: 'META' }),
  sendRate: { pk: 'SENDRATE', sk: 'WINDOW' },
  submission: (submissionId: string) => ({ pk: `SUBMISSION#${submissionId}`, sk: 'META' }),
  draft: (cycleId: string, form: string, employeeId: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `DRAFT#${form}#${employeeId}`,
  }),
  version: (cycleId: string, form: string, employeeId: string, version: number) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `VERSION#${form}#${employeeId}#${String(version).padStart(4, '0')}`,
  }),
  /** The ratings of one manager's reports in one department, counted as reviews come in (URI-encoded: no `#` inside). */
  tally: (cycleId: string, managerKey: string, department: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `TALLY#${encodeURIComponent(managerKey)}#${encodeURIComponent(department)}`,
  }),
  tallyPrefix: 'TALLY#',
  /** A department's progress counters in a cycle (URI-encoded: no `#` inside). */
  progress: (cycleId: string, department: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `PROGRESS#${encodeURIComponent(department)}`,
  }),
  progressPrefix: 'PROGRESS#',
  /** How far one deadline's reminder ladder climbed (store/ladder.ts): `scope` is the shared ladder or a person's own. */
  ladder: (cycleId: string, kind: string, due: number, scope: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `${keys.ladderPrefix(kind)}${String(due).padStart(15, '0')}#${scope}`,
  }),
  ladderPrefix: (kind: string) => `LADDER#${kind}#`,
  /** One reviewer's peer review of one participant (store/peers.ts); pending ones are also listed on gsi1. */
  peer: (cycleId: string, employeeId: string, reviewerId: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `PEER#${employeeId}#${reviewerId}`,
  }),
  peersOf: (employeeId: string) => `PEER#${employeeId}#`,
  /** A participant's nomination of peers, waiting for their manager's approval. */
  peerNomination: (cycleId: string, nominationId: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `PEERNOM#${nominationId}`,
  }),
  pendingPeers: (cycleId: string) => `PEERS#${cycleId}`,
  /** The peer reviews asked and answered of one manager's reports in one department (URI-encoded: no `#` inside). */
  peerCount: (cycleId: string, managerKey: string, department: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `PEERCOUNT#${encodeURIComponent(managerKey)}#${encodeURIComponent(department)}`,
  }),
  peerCountPrefix: 'PEERCOUNT#',
  /** That an author answered their upward review: `marker` is their authorKey (domain/anonymity.ts), never their id. */
  upwardMarker: (cycleId: string, marker: string) => ({ pk: `CYCLE#${cycleId}`, sk: `UPWARDBY#${marker}` }),
  /** A manager's upward counts in a cycle (URI-encoded: no `#` inside). */
  upwardCounter: (cycleId: string, managerKey: string) => ({
    pk: `CYCLE#${cycleId}`,
    sk: `UPWARDCOUNT#${encodeURIComponent(managerKey)}`,
  }),
  upwardCounterPrefix: 'UPWARDCOUNT#',
  /** The goal outcomes of one department in one period (store/goals.ts; URI-encoded: no `#` inside). */
  goalCount: (period: string, department: string) => ({
    pk: `GOALCOUNT#${period}`,
    sk: `DEPT#${encodeURIComponent(department)}`,
  }),
  goalCountPartition: (period: string) => `GOALCOUNT#${period}`,
  /** `scope`: a digest of who sent an Idempotency-Key, to which route, and the key. */
  apiRequest: (scope: string) => ({ pk: `IDEM#${scope}`, sk: 'REQUEST' }),
  settings: (version: number) => ({ pk: 'SETTINGS', sk: `V#${String(version).padStart(10, '0')}` }),
  /** How far one run of the table's upgrade has scanned (store/upgrade.ts): `runId` is CloudFormation's request. */
  upgradeRun: (runId: string) => ({ pk: `UPGRADE#${runId}`, sk: 'SCAN' }),
} as const;

let lowLevelClient: DynamoDBClient | undefined;
let client: DynamoDBDocumentClient | undefined;

/** The client beneath db(), for what the document client does not wrap: the table's own description and indexes. */
export function tableClient(): DynamoDBClient {
  lowLevelClient ??= observed(new DynamoDBClient({ endpoint: config().DYNAMODB_ENDPOINT, maxAttempts: 8 }), 'dynamodb');
  return lowLevelClient;
}

export function db(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(tableClient(), { marshallOptions: { removeUndefinedValues: true } });
  return client;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

/** Where the items of a query on an index that keeps only keys come from: the table, by BatchGetItem. */
export interface FromTable {
  /** Each item as last written (twice the price), for a page shown right after a change. */
  consistent?: boolean;
}

/** Every item a query matches, page by page; on an index that keeps only keys, read `fromTable` (batchGet). */
export async function queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>, fromTable?: FromTable): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...input, TableName: tableName(), ExclusiveStartKey }));
    const entries = (page.Items ?? []) as (Record<string, unknown> & { pk: string; sk: string })[];
    items.push(...((fromTable ? await batchGet(entries, fromTable) : entries) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** How many requests one page of a filtered list may take before it answers short, with a cursor to read on. */
const PAGE_READS = 4;

/**
 * One page of up to `limit` items a query matches (`keep` may drop some after the read), from `start`, and
 * the key to start the next page at (none at the end). The next page starts after the last item kept, so a
 * filter that keeps few items costs at most PAGE_READS requests per page however long the list is. Each request
 * evaluates `limit` items, or `reads` for a filter known to keep few (so fewer pages come back short or empty).
 * On an index that keeps only keys, `fromTable` reads the items each request found (one BatchGetItem): `keep`
 * then sees each as it is, and drops one gone since.
 */
export async function queryPage<T extends Record<string, unknown>>(
  input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
  page: {
    limit: number;
    start?: Record<string, unknown>;
    keyNames: readonly string[];
    reads?: number;
    fromTable?: FromTable;
  },
  keep: (item: T) => boolean = () => true,
): Promise<{ items: T[]; next?: Record<string, unknown> }> {
  const items: T[] = [];
  const keyOf = (entry: Record<string, unknown>) =>
    Object.fromEntries(page.keyNames.map((name) => [name, entry[name]]));
  const { start: given } = page;
  // A cursor signed before the list moved to another index (table-upgrade) names that index's keys.
  if (given && Object.keys(given).sort().join() !== [...page.keyNames].sort().join())
    throw invalidCursor(
      'the cursor is from an earlier version of this list',
      'read the list again from its first page, without a cursor',
    );
  let start = given;
  for (let reads = 0; reads < PAGE_READS; reads++) {
    const result = await db().send(
      new QueryCommand({
        ...input,
        TableName: tableName(),
        Limit: Math.max(page.limit, page.reads ?? 0),
        ExclusiveStartKey: start,
      }),
    );
    const entries = (result.Items ?? []) as (Record<string, unknown> & { pk: string; sk: string })[];
    const read = page.fromTable ? await itemsAt<T>(entries, page.fromTable) : (entries as unknown as T[]);
    for (const [index, item] of read.entries()) {
      if (!item || !keep(item)) continue;
      items.push(item);
      if (items.length === page.limit) {
        const more = index < read.length - 1 || result.LastEvaluatedKey !== undefined;
        // The index entry's keys: the item itself may have left the index since.
        return { items, ...(more ? { next: keyOf(entries[index]!) } : {}) };
      }
    }
    if (!result.LastEvaluatedKey) return { items };
    start = result.LastEvaluatedKey;
  }
  return { items, next: start };
}

const BATCH_SIZE = 25;
const BATCH_CONCURRENCY = 8;

/**
 * Puts items with BatchWriteItem, 25 at a time and a few batches in flight, retrying what DynamoDB hands
 * back as unprocessed with backoff until every item is stored.
 */
export function batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
  return batchPutEach(items, (item) => item);
}

/**
 * batchPut of the item `toItem` builds from each value, built just before its batch is written: building costly
 * items (a mail's compressed body) then overlaps the writes in flight, where building them all first held every
 * write up (a second for a launch's 10,000 invitations).
 */
export async function batchPutEach<T>(
  values: readonly T[],
  toItem: (value: T) => Record<string, unknown>,
): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < values.length; i += BATCH_SIZE) batches.push(values.slice(i, i + BATCH_SIZE));
  await forEachLimited(batches, BATCH_CONCURRENCY, async (batch) => {
    let requests = batch.map((value) => ({ PutRequest: { Item: toItem(value) } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      const result = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      requests = (result.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
      if (attempt > 10 && requests.length) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed`);
    }
  });
}

const BATCH_GET_SIZE = 100;

/**
 * The items at `itemKeys` that exist (a missing one is left out), in the order of their keys: BatchGetItem, 100
 * keys a request and a few requests in flight, retrying what DynamoDB hands back as unprocessed with backoff.
 */
export async function batchGet<T extends Record<string, unknown>>(
  itemKeys: readonly { pk: string; sk: string }[],
  options: FromTable = {},
): Promise<T[]> {
  return (await itemsAt<T>(itemKeys, options)).filter((item): item is T => item !== undefined);
}

/** The item at each key, as batchGet reads them, undefined where there is none. */
async function itemsAt<T extends Record<string, unknown>>(
  itemKeys: readonly { pk: string; sk: string }[],
  options: FromTable,
): Promise<(T | undefined)[]> {
  const found = new Map<string, T>();
  const id = (key: Record<string, unknown>) => `${key.pk}\u0000${key.sk}`;
  const batches: { pk: string; sk: string }[][] = [];
  for (let start = 0; start < itemKeys.length; start += BATCH_GET_SIZE)
    batches.push(itemKeys.slice(start, start + BATCH_GET_SIZE));
  await forEachLimited(batches, BATCH_CONCURRENCY, async (batch) => {
    let requested: Record<string, unknown>[] = batch.map(({ pk, sk }) => ({ pk, sk }));
    for (let attempt = 0; requested.length; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      if (attempt > 10) throw new Error(`BatchGetItem left ${requested.length} keys unprocessed`);
      const result = await db().send(
        // Each key once: BatchGetItem refuses a request that repeats one.
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: {
              Keys: [...new Map(requested.map((key) => [id(key), key])).values()],
              ...(options.consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
      );
      for (const item of (result.Responses?.[tableName()] ?? []) as T[]) found.set(id(item), item);
      requested = result.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    }
  });
  return itemKeys.map((key) => found.get(id(key)));
}

function isConditionFailure(error: unknown): boolean {
  const failure = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (failure?.name === 'ConditionalCheckFailedException') return true;
  // A transaction cancelled because one of its conditions did not hold.
  return (
    failure?.name === 'TransactionCanceledException' &&
    !!failure.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')
  );
}

/** One write of a transaction, without the table name (there is one table). */
export type TransactItem =
  | { Put: Omit<PutCommandInput, 'TableName'> }
  | { Update: Omit<UpdateCommandInput, 'TableName'> }
  | { Delete: Omit<DeleteCommandInput, 'TableName'> }
  | {
      ConditionCheck: {
        Key: Record<string, unknown>;
        ConditionExpression: string;
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Record<string, unknown>;
      };
    };

export type OnceOutcome = 'done' | 'duplicate' | 'refused';

const CONTENTION_RETRIES = 5;

/**
 * Runs a transaction whose first item is a one-time marker (a put of a key that must not exist yet) with
 * the writes it allows. 'duplicate' when the marker was stored before: the same thing was done already.
 * 'refused' when another condition did not hold. A concurrent transaction on the same items is waited out.
 * Without a marker (a caller with nothing to count once by) the writes are made together, or 'refused'.
 */
export async function transactOnce(marker: TransactItem | undefined, writes: TransactItem[]): Promise<OnceOutcome> {
  const TransactItems = [...(marker ? [marker] : []), ...writes].map((item) => {
    const [[kind, input]] = Object.entries(item);
    return { [kind]: { ...input, TableName: tableName() } };
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: TransactItems as never }));
      return 'done';
    } catch (error) {
      const reasons = (error as { name?: string; CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as { name?: string }).name !== 'TransactionCanceledException' || !reasons) throw error;
      if (marker && reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'refused';
      if (!reasons.some((reason) => reason.Code === 'TransactionConflict') || attempt >= CONTENTION_RETRIES)
        throw error;
      await sleep(20 * 2 ** attempt + Math.random() * 20);
    }
  }
}

/**
 * Runs an update guarded by a condition; false when the condition did not hold (the change was already
 * made, or the item is not in a state that allows it). Every state change of perfcycle goes through here.
 */
export function conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
  return guarded(() => db().send(new UpdateCommand({ ...input, TableName: tableName() })));
}

/** Like conditionalUpdate, answering the item as it is after the change (without its keys), or undefined when the condition did not hold. */
export async function conditionalUpdateReturning<T>(
  input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>,
): Promise<T | undefined> {
  let attributes: Record<string, unknown> | undefined;
  const updated = await guarded(async () => {
    attributes = (await db().send(new UpdateCommand({ ...input, TableName: tableName(), ReturnValues: 'ALL_NEW' })))
      .Attributes;
  });
  return updated && attributes ? withoutKeys<T>(attributes) : undefined;
}

/** Puts an item if its condition holds; false when it did not (someone else changed it first). */
export function conditionalPut(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
  return guarded(() => db().send(new PutCommand({ ...input, TableName: tableName() })));
}

/** Deletes an item if its condition holds; false when it did not (someone else changed it first). */
export function conditionalDelete(input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
  return guarded(() => db().send(new DeleteCommand({ ...input, TableName: tableName() })));
}

/** Stores an item unless one with its key exists; false when it did (a rerun, or someone else first). */
export function putOnce(item: Record<string, unknown>): Promise<boolean> {
  return conditionalPut({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
}

/** True when the write happened, false when its condition did not hold; any other failure is thrown. */
async function guarded(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** A stored item without its table and index keys: the record the code works with. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g1s,
    gsi2pk: _g2,
    gsi2sk: _g2s,
    gsi3pk: _g3,
    gsi3sk: _g3s,
    ...record
  } = item;
  return record as T;
}
