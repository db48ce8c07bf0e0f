import type { RatingGroup } from '#domain/calibration.ts';
import type { Phase } from '#domain/cycle.ts';
import { PROGRESS_COUNTS, type ProgressCounts } from '#domain/progress.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, keys, queryAll, queryPage, tableName, transactOnce, type TransactItem } from './table.ts';

/**
 * A cycle's progress counters (domain/progress.ts), kept at two levels so HR's views read a few small items
 * instead of every assessment: one item per department, and one per (manager, department), which is that
 * group's calibration tally (store/calibration.ts) carrying the same counts. The launch stores both with each
 * group's participants; every change of a counted state moves both in its own transaction.
 *
 * A department's item also carries the cycle's phase, moved with it (store/cycles.ts): an answer that moves its
 * department's counts checks the phase there, in the write it makes anyway, instead of in a check of its own.
 */
export type GroupProgress = RatingGroup & ProgressCounts;

type Adds = Partial<Record<string, number>>;

function groupsOf(people: RatingGroup[]) {
  const departments = new Map<string, number>();
  const teams = new Map<string, RatingGroup & { participants: number }>();
  for (const { department, managerKey, managerName } of people) {
    departments.set(department, (departments.get(department) ?? 0) + 1);
    const team = `${managerKey}#${department}`;
    const seen = teams.get(team);
    if (seen) seen.participants++;
    else teams.set(team, { managerKey, managerName, department, participants: 1 });
  }
  return { departments, teams: [...teams.values()] };
}

/** The counter items of a launched cycle: every group with its participants, nothing done yet, in `phase`. */
export function progressItems(cycleId: string, participants: RatingGroup[], phase: Phase): Record<string, unknown>[] {
  const { departments, teams } = groupsOf(participants);
  return [
    ...[...departments].map(([department, participants]) => ({
      ...keys.progress(cycleId, department),
      department,
      participants,
      phase,
    })),
    ...teams.map((team) => ({ ...keys.tally(cycleId, team.managerKey, team.department), ...team })),
  ];
}

/** One ADD of every non-zero count to an item (creating the counts, or the item, at zero). */
export function countsUpdate(key: Record<string, string>, set: Record<string, string>, adds: Adds): TransactItem[] {
  const moved = Object.entries(adds).filter(([, delta]) => delta);
  if (!moved.length) return [];
  const sets = Object.keys(set);
  return [
    {
      Update: {
        Key: key,
        UpdateExpression: `${sets.length ? `SET ${sets.map((name) => `#${name} = :${name}`).join(', ')} ` : ''}ADD ${moved.map((_, i) => `#count${i} :count${i}`).join(', ')}`,
        ExpressionAttributeNames: {
          ...Object.fromEntries(sets.map((name) => [`#${name}`, name])),
          ...Object.fromEntries(moved.map(([name], i) => [`#count${i}`, name])),
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(sets.map((name) => [`:${name}`, set[name]])),
          ...Object.fromEntries(moved.map(([, delta], i) => [`:count${i}`, delta])),
        },
      },
    },
  ];
}

/** The department's half of a progress move; the (manager, department) half goes with its tally (tallyUpdate). */
export function departmentProgressUpdate(cycleId: string, department: string, adds: Partial<ProgressCounts>) {
  return countsUpdate(keys.progress(cycleId, department), { department }, adds);
}

/** The update of a group's tally item: its rating counts and its progress counts, in one write (a transaction touches an item once). */
export function tallyUpdate(cycleId: string, group: RatingGroup, adds: Adds): TransactItem[] {
  return countsUpdate(
    keys.tally(cycleId, group.managerKey, group.department),
    { managerKey: group.managerKey, managerName: group.managerName, department: group.department },
    adds,
  );
}

/** Both halves of a progress move for a change that moves no rating (a self-assessment, an acknowledgement). */
export function progressMove(cycleId: string, group: RatingGroup, adds: Partial<ProgressCounts>): TransactItem[] {
  return [...departmentProgressUpdate(cycleId, group.department, adds), ...tallyUpdate(cycleId, group, adds)];
}

/** The keys of a cycle's department counters and the phase each carries. */
async function departmentCounters(cycleId: string): Promise<{ pk: string; sk: string; phase?: Phase }[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.progressPrefix },
    ProjectionExpression: 'pk, sk, phase',
    ConsistentRead: true,
  });
}

/** A transaction holds at most this many actions: a phase move's own two, and this many department counters. */
export const COUNTERS_IN_A_MOVE = 98;

/**
 * The writes that move a cycle's department counters to `to`, for the transaction that moves its phase; a cycle of
 * more departments than fit moves the rest right after (syncCounterPhases).
 */
export async function counterPhaseMoves(cycleId: string, to: Phase): Promise<TransactItem[]> {
  const counters = await departmentCounters(cycleId);
  return counters.slice(0, COUNTERS_IN_A_MOVE).map(({ pk, sk }) => ({
    Update: {
      Key: { pk, sk },
      UpdateExpression: 'SET phase = :phase',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':phase': to },
    },
  }));
}

/**
 * Gives each department counter of the cycle the phase in force (its phase item's), each only while that is still
 * in force: after a phase move (the counters beyond one transaction, or written meanwhile by a launch), and after a
 * launch writes its counters (a cancel may have moved the phase meanwhile). Of two racing, the later sees the other.
 */
export async function syncCounterPhases(cycleId: string): Promise<void> {
  const [current, counters] = await Promise.all([
    db().send(new GetCommand({ TableName: tableName(), Key: keys.cyclePhase(cycleId), ConsistentRead: true })),
    departmentCounters(cycleId),
  ]);
  const phase = current.Item?.phase as Phase | undefined;
  if (!phase) return;
  for (const { pk, sk } of counters.filter((counter) => counter.phase !== phase)) {
    const moved = await transactOnce(undefined, [
      {
        ConditionCheck: {
          Key: keys.cyclePhase(cycleId),
          ConditionExpression: 'phase = :phase',
          ExpressionAttributeValues: { ':phase': phase },
        },
      },
      {
        Update: {
          Key: { pk, sk },
          UpdateExpression: 'SET phase = :phase',
          ExpressionAttributeValues: { ':phase': phase },
        },
      },
    ]);
    // The phase moved again meanwhile: that move brings the counters along.
    if (moved !== 'done') return;
  }
}

/**
 * `write` (a department counter's update) made only while the cycle is in one of `phases`, by the phase the counter
 * carries; undefined when `write` is no department counter's.
 */
export function checkingPhase(write: TransactItem, cycleId: string, phases: Phase[]): TransactItem | undefined {
  const update = 'Update' in write ? write.Update : undefined;
  if (
    !update ||
    !String(update.Key?.sk).startsWith(keys.progressPrefix) ||
    update.Key?.pk !== keys.cyclePartition(cycleId)
  )
    return undefined;
  const values = Object.fromEntries(phases.map((phase, index) => [`:counterPhase${index}`, phase]));
  const inPhase = `phase IN (${Object.keys(values).join(', ')})`;
  return {
    Update: {
      ...update,
      ConditionExpression: update.ConditionExpression ? `(${update.ConditionExpression}) AND ${inPhase}` : inPhase,
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values },
    },
  };
}

/** The progress counts an item (a department's, or a group's tally) carries; those never moved are 0. */
export const progressCountsOf = (item: Record<string, unknown>): ProgressCounts =>
  Object.fromEntries(PROGRESS_COUNTS.map((name) => [name, Number(item[name] ?? 0)])) as ProgressCounts;

/** Every department's counters: one small item per department, so one request for any cycle size. */
export async function listDepartmentProgress(cycleId: string): Promise<(ProgressCounts & { department: string })[]> {
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.progressPrefix },
  });
  return items.map((item) => ({ department: item.department as string, ...progressCountsOf(item) }));
}

/** One page of the (manager, department) groups' counters, in the tally items' key order (by reviewer), from `start`. */
export async function teamProgressPage(
  cycleId: string,
  department: string | undefined,
  page: { limit: number; start?: Record<string, unknown> },
): Promise<{ groups: GroupProgress[]; next?: Record<string, unknown> }> {
  const { items, next } = await queryPage<Record<string, unknown>>(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.cyclePartition(cycleId),
        ':prefix': keys.tallyPrefix,
        ...(department !== undefined ? { ':department': department } : {}),
      },
      ...(department !== undefined ? { FilterExpression: 'department = :department' } : {}),
    },
    { ...page, keyNames: ['pk', 'sk'] },
  );
  return {
    groups: items.map((item) => ({
      managerKey: item.managerKey as string,
      managerName: item.managerName as string,
      department: item.department as string,
      ...progressCountsOf(item),
    })),
    ...(next ? { next } : {}),
  };
}
