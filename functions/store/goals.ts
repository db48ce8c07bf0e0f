import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  goalTallyMove,
  reportedInCycle,
  type CheckIn,
  type GoalFacts,
  type GoalKind,
  type GoalState,
  type GoalStep,
  type GoalTally,
} from '#domain/goals.ts';
import { countsUpdate } from './progress.ts';
import { writeOnce, type Submission } from './submissions.ts';
import {
  conditionalUpdate,
  db,
  keys,
  queryAll,
  queryPage,
  tableName,
  transactOnce,
  withoutKeys,
  type OnceOutcome,
  type TransactItem,
} from './table.ts';

/**
 * Goals live under their owner (`EMP#id` / `GOAL#goalId`). While a goal is open and not fully escalated
 * it also sits in the sparse open-goals index (gsi1, `OPENGOALS`, sorted by the end of its due day), so the
 * daily goal watch reads what is due, never the whole table. Every goal is listed under its period (gsi3,
 * `GOALS#2027-Q1`), so a review cycle reads the goals of its quarter in one query. An open goal whose latest
 * check-in says at risk or off track sits in the sparse at-risk index of its period (gsi2, `ATRISK#2027-Q1`, sorted
 * by its due instant): HR's list of goals at risk reads a page of those still before their due, not the quarter.
 *
 * The outcomes are counted per (period, department) (`GOALCOUNT#period` / `DEPT#department`, domain/goals.ts
 * GoalTally), so HR's summaries read one small item per department, not every goal: each write that changes a
 * goal's outcome (its creation, the check-in that completes it, its cancellation) moves its count in the same
 * transaction as its own conditional write, so a retry or a replayed post that changes nothing counts nothing.
 */
export interface GoalRecord {
  goalId: string;
  employeeId: string;
  title: string;
  kind: GoalKind;
  weight: number;
  target?: string;
  due: string;
  dueAt: number;
  period: string;
  state: GoalState;
  progress: number;
  checkIns: CheckIn[];
  escalations: Partial<Record<GoalStep, string>>;
  createdAt: string;
  createdBy: string;
  doneAt?: number;
  /** The owner's department when the goal was set: the one its outcome counts in for its whole life (none on goals set before it was kept). */
  department?: string;
}

/** What a goal's count depends on: none of it changes once the goal is set, but its state. */
type Counted = Pick<GoalRecord, 'period' | 'department' | 'dueAt'>;

/** The update moving a goal's count in its department's tally from how it stood to how it stands. */
function goalCountMove(
  goal: Counted,
  before: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'> | undefined,
  after: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'>,
): TransactItem[] {
  if (goal.department === undefined) return [];
  return countsUpdate(
    keys.goalCount(goal.period, goal.department),
    { period: goal.period, department: goal.department },
    goalTallyMove(before, after),
  );
}

export const OPEN_GOALS = 'OPENGOALS';

export function goalKey(employeeId: string, goalId: string) {
  return { pk: keys.employee(employeeId).pk, sk: `GOAL#${goalId}` };
}

/** The stored item of a new goal, in the open-goals index by the end of its due day. */
export function goalItem(goal: GoalRecord): Record<string, unknown> {
  return {
    ...goalKey(goal.employeeId, goal.goalId),
    gsi1pk: OPEN_GOALS,
    gsi1sk: `${new Date(goal.dueAt).toISOString()}#${goal.goalId}`,
    gsi3pk: periodPartition(goal.period),
    gsi3sk: `${goal.employeeId}#${goal.goalId}`,
    ...goal,
  };
}

function periodPartition(period: string): string {
  return `GOALS#${period}`;
}

function atRiskPartition(period: string): string {
  return `ATRISK#${period}`;
}

/** A goal's place in its period's at-risk index: by due instant, so a page of those not yet missed is a key range. */
function atRiskEntry(goal: Pick<GoalRecord, 'period' | 'dueAt' | 'employeeId' | 'goalId'>) {
  return {
    gsi2pk: atRiskPartition(goal.period),
    gsi2sk: `${new Date(goal.dueAt).toISOString()}#${goal.employeeId}#${goal.goalId}`,
  };
}

/** Stores a new goal and counts it; false when a goal with its id exists (one made from the same proposal meanwhile). */
export async function createGoal(goal: GoalRecord): Promise<boolean> {
  const put = { Put: { Item: goalItem(goal), ConditionExpression: 'attribute_not_exists(pk)' } };
  return (await transactOnce(put, goalCountMove(goal, undefined, goal))) === 'done';
}

export async function getGoal(employeeId: string, goalId: string): Promise<GoalRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: goalKey(employeeId, goalId), ConsistentRead: true }),
  );
  return result.Item as GoalRecord | undefined;
}

export async function listGoals(employeeId: string): Promise<GoalRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.employee(employeeId).pk, ':prefix': 'GOAL#' },
  });
  return items.map((item) => withoutKeys<GoalRecord>(item)).sort((a, b) => a.dueAt - b.dueAt);
}

/** Every goal of a period (a calendar quarter such as `2027-Q1`), whatever its state, ordered by owner. */
export async function listGoalsOfPeriod(period: string): Promise<GoalRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk',
    ExpressionAttributeValues: { ':pk': periodPartition(period) },
  });
  return items.map((item) => withoutKeys<GoalRecord>(item));
}

/**
 * The goals of a period held by employees whose ids sort from `first` to `last`: a page of people's (it may hold
 * others' whose ids fall between). `#` ends an id in the index and sorts before every character an id may hold,
 * `$` right after it, so the range holds exactly the ids between.
 */
export async function listGoalsOfPeriodBetween(period: string, first: string, last: string): Promise<GoalRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :first AND :last',
    ExpressionAttributeValues: { ':pk': periodPartition(period), ':first': `${first}#`, ':last': `${last}$` },
  });
  return items.map((item) => withoutKeys<GoalRecord>(item));
}

/**
 * Open goals whose due instant is at most `untilMs`: what the daily goal watch looks at (due within the
 * reminder lead, or past due and not yet fully escalated). Reads the sparse index only, never the table.
 */
export async function listOpenGoalsDueBy(untilMs: number): Promise<GoalRecord[]> {
  return queryAll<GoalRecord>({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
    ExpressionAttributeValues: { ':pk': OPEN_GOALS, ':until': `${new Date(untilMs).toISOString()}#~` },
  });
}

/**
 * Records a goal-watch step on a still-open goal, once: reruns, retries and restarts find it taken. The
 * HR escalation is the last step, so the goal then leaves the open-goals index. False when already taken.
 */
export function recordGoalStep(employeeId: string, goalId: string, step: GoalStep, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: goalKey(employeeId, goalId),
    UpdateExpression: `SET escalations.#step = :at${step === 'HR_ESCALATION' ? ' REMOVE gsi1pk, gsi1sk' : ''}`,
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(escalations.#step) AND #state = :open',
    ExpressionAttributeNames: { '#step': step, '#state': 'state' },
    ExpressionAttributeValues: { ':at': at, ':open': 'OPEN' },
  });
}

/**
 * Appends a check-in to an open goal; the latest drives its progress, and 100 % marks it done (`done`: when, and
 * the goal as read before, whose count moves with it), so it leaves the open-goals index, which stops every
 * reminder and escalation. A check-in posted from a form is recorded once for its `submission` ('duplicate' for
 * the same post again). 'refused' when the goal is not open.
 */
export function addCheckIn(
  employeeId: string,
  goalId: string,
  checkIn: CheckIn,
  outcome: { done: { at: number; goal: Counted } } | { atRisk: Pick<GoalRecord, 'period' | 'dueAt'> } | undefined,
  submission?: Submission,
): Promise<OnceOutcome> {
  const done = outcome && 'done' in outcome ? outcome.done : undefined;
  const atRisk = outcome && 'atRisk' in outcome ? atRiskEntry({ ...outcome.atRisk, employeeId, goalId }) : undefined;
  // The latest check-in decides whether the goal is listed as at risk; a done goal leaves both indexes.
  const update = done
    ? 'SET checkIns = list_append(checkIns, :checkIn), progress = :progress, #state = :done, doneAt = :doneAt REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk'
    : atRisk
      ? 'SET checkIns = list_append(checkIns, :checkIn), progress = :progress, gsi2pk = :atRiskPk, gsi2sk = :atRiskSk'
      : 'SET checkIns = list_append(checkIns, :checkIn), progress = :progress REMOVE gsi2pk, gsi2sk';
  return writeOnce(submission, [
    {
      Update: {
        Key: goalKey(employeeId, goalId),
        UpdateExpression: update,
        ConditionExpression: 'attribute_exists(pk) AND #state = :open',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':checkIn': [checkIn],
          ':progress': checkIn.progress,
          ':open': 'OPEN',
          ...(done === undefined ? {} : { ':done': 'DONE', ':doneAt': done.at }),
          ...(atRisk === undefined ? {} : { ':atRiskPk': atRisk.gsi2pk, ':atRiskSk': atRisk.gsi2sk }),
        },
      },
    },
    ...(done === undefined
      ? []
      : goalCountMove(
          done.goal,
          { state: 'OPEN', dueAt: done.goal.dueAt },
          { state: 'DONE', dueAt: done.goal.dueAt, doneAt: done.at },
        )),
  ]);
}

/** HR or the manager cancels an open goal: it leaves the open-goals index, so nothing more is sent about it. */
export async function cancelGoal(goal: GoalRecord, at: string): Promise<boolean> {
  const cancel: TransactItem = {
    Update: {
      Key: goalKey(goal.employeeId, goal.goalId),
      UpdateExpression: 'SET #state = :cancelled, cancelledAt = :at REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
      ConditionExpression: 'attribute_exists(pk) AND #state = :open',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':open': 'OPEN', ':at': at },
    },
  };
  const move = goalCountMove(goal, { state: 'OPEN', dueAt: goal.dueAt }, { state: 'CANCELLED', dueAt: goal.dueAt });
  return (await transactOnce(undefined, [cancel, ...move])) === 'done';
}

/** The goal tallies of a period, one small item per department: one request however many goals there are. */
export async function listGoalCounts(period: string): Promise<{ department: string; tally: GoalTally }[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.goalCountPartition(period) },
  });
  return items.map((item) => ({
    department: item.department as string,
    tally: Object.fromEntries(
      Object.entries(item).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    ),
  }));
}

/** The period's at-risk index from `now` on: the goals at risk not yet due (past it, a goal is missed). */
function atRiskBeforeDue(period: string, now: number) {
  return {
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk > :now',
    ExpressionAttributeValues: { ':pk': atRiskPartition(period), ':now': new Date(now).toISOString() },
  };
}

/** One page of the period's goals at risk (latest check-in at risk or off track) and not yet due at `now`, by due instant. */
export async function atRiskGoalsPage(
  period: string,
  now: number,
  page: { limit: number; start?: Record<string, unknown> },
): Promise<{ goals: GoalRecord[]; next?: Record<string, unknown> }> {
  const { items, next } = await queryPage<Record<string, unknown>>(atRiskBeforeDue(period, now), {
    ...page,
    keyNames: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
  });
  return { goals: items.map((item) => withoutKeys<GoalRecord>(item)), ...(next ? { next } : {}) };
}

/** How many goals of the period are at risk and not yet due: counted by the index, page by page of 1 MB of keys. */
export async function countAtRiskGoals(period: string, now: number): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const result = await db().send(
      new QueryCommand({
        ...atRiskBeforeDue(period, now),
        TableName: tableName(),
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += result.Count ?? 0;
    start = result.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Goals evaluated per request of the missed list: most goals of a period are not missed. */
const MISSED_READS = 100;

/**
 * One page of the period's goals missed at `now` (open, due by then) counted in one of `departments` (every
 * department when undefined; and in `department` when given), in the period index's order (by owner), from `start`.
 */
export async function missedGoalsPage(
  period: string,
  now: number,
  departments: ReadonlySet<string> | undefined,
  department: string | undefined,
  page: { limit: number; start?: Record<string, unknown> },
): Promise<{ goals: GoalRecord[]; next?: Record<string, unknown> }> {
  const { items, next } = await queryPage<Record<string, unknown>>(
    {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      FilterExpression: `#state = :open AND dueAt <= :now${department === undefined ? '' : ' AND department = :department'}`,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': periodPartition(period),
        ':open': 'OPEN',
        ':now': now,
        ...(department === undefined ? {} : { ':department': department }),
      },
    },
    { ...page, keyNames: ['pk', 'sk', 'gsi3pk', 'gsi3sk'], reads: MISSED_READS },
    departments && ((item) => reportedInCycle(item as { department?: string }, departments)),
  );
  return { goals: items.map((item) => withoutKeys<GoalRecord>(item)), ...(next ? { next } : {}) };
}
