import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CycleSchedule, CycleTimings, Phase } from '#domain/cycle.ts';
import type { Competency, ScalePoint, TextQuestion } from '#domain/review-form.ts';
import type { ScoreWeights } from '#domain/score.ts';
import { logger } from '#shared/observability.ts';
import { checkingPhase, counterPhaseMoves, syncCounterPhases } from './progress.ts';
import {
  conditionalUpdate,
  db,
  keys,
  queryAll,
  tableName,
  transactOnce,
  type TransactItem,
  withoutKeys,
} from './table.ts';

export interface UpwardSnapshot {
  questions: TextQuestion[];
  threshold: number;
}

export interface CycleRecord {
  cycleId: string;
  name: string;
  department?: string;
  phase: Phase;
  selfDue: number;
  managerDue: number;
  timings: CycleTimings;
  extensions: Record<string, number>;
  /** A calibrated cycle's calibration due date: results then wait for HR's release. */
  calibrationDue?: number;
  /** When HR released a calibrated cycle's results, and which calibration reminders HR got. */
  releasedAt?: number;
  calibrationRemindedAt?: string;
  calibrationDueNotifiedAt?: string;
  /** Manager-review deadlines of reviews HR reopened, by employeeId (an empty map from the launch on). */
  reviewExtensions?: Record<string, number>;
  timeZone: string;
  /** The quarter under review (`2026-Q4`): its goals are rated on the forms and reported with the cycle. */
  period: string;
  /** The settings version the cycle was launched with, and what it copied from it. */
  settingsVersion: number;
  scale: ScalePoint[];
  selfQuestions: TextQuestion[];
  /** Peer reviews' questions and whether participants read peer answers with names (absent on cycles launched before issue 14). */
  peerQuestions?: TextQuestion[];
  peerFeedback?: 'anonymous' | 'named';
  competencies: Competency[];
  scoreWeights: ScoreWeights;
  /** A cycle with upward reviews (issue 14): the questions and the anonymity threshold in force at launch. */
  upward?: UpwardSnapshot;
  acknowledgementReminderMs: number;
  senderName: string;
  createdAt: string;
  createdBy: string;
  /** Set once every assessment and invitation of the launch is stored, so a rerun of the launch writes nothing twice. */
  participantCount?: number;
  managerPhaseOpenedAt?: string;
  /** The execution driving the cycle now, and how many have been started (restarts after an extension). */
  executionArn?: string;
  executionGeneration?: number;
  closedAt?: string;
  /** Set once the one reminder to unacknowledged results has gone out; the cycle then leaves the active index. */
  acknowledgementsRemindedAt?: string;
  /** Held while a calibration file too big for one transaction is applied (see store/adjustments.ts); `until` is epoch ms, real time. */
  adjustmentBatch?: { id: string; until: number };
  /**
   * The phase its phase item was last moved to, in the same transaction as the cycle item (phaseCheck): while it is
   * `phase`, the phase item is current. Absent on cycles launched before the item was kept, until their next move;
   * `true` from the version of 2 December 2026; different from `phase` after an older version's function moved the
   * cycle item alone during a deploy. Checks then read the cycle item.
   */
  phaseKept?: Phase | boolean;
  /**
   * The phase its department counters were last moved to, with the cycle item (store/progress.ts). Different from
   * `phase` after an older version's function moved the cycle during a deploy.
   */
  phaseOnCounters?: Phase;
  /**
   * Set by the launch once it has stored every department counter with the phase, when they all fit in the
   * transaction of a phase move: only then, and while `phaseOnCounters` is `phase`, does an answer that moves its
   * department's counts check the phase on that counter (phaseChecked). Absent on cycles launched before, or by an
   * older version's launch step during a deploy, or of more departments: their answers check the phase item.
   */
  countersCarryPhase?: true;
}

export function scheduleOf(cycle: CycleRecord): CycleSchedule {
  return {
    selfDue: cycle.selfDue,
    managerDue: cycle.managerDue,
    timings: cycle.timings,
    acknowledgementReminderMs: cycle.acknowledgementReminderMs,
    extensions: cycle.extensions,
    ...(cycle.calibrationDue !== undefined ? { calibrationDue: cycle.calibrationDue } : {}),
    ...(cycle.releasedAt !== undefined ? { releasedAt: cycle.releasedAt } : {}),
    ...(cycle.reviewExtensions ? { reviewExtensions: cycle.reviewExtensions } : {}),
  };
}

/** What phaseCheck reads of a cycle record. */
export type PhaseChecked = Pick<
  CycleRecord,
  'cycleId' | 'phase' | 'phaseKept' | 'phaseOnCounters' | 'countersCarryPhase'
>;

const RUNNING: Phase[] = ['SELF_REVIEW', 'MANAGER_REVIEW', 'CALIBRATION', 'RELEASING'];

/**
 * A cycle's phase is also kept alone in a small item beside it (`phaseKept`), moved in the same transaction as the
 * cycle's own: what the transactions of answers check (phaseCheck). A check is charged by the size of the item it
 * reads, twice, and the cycle item holds the scale and the questions (over 1 KB) and grows with every extension.
 */
const phaseItem = (cycleId: string, phase: Phase): TransactItem => ({
  Put: { Item: { ...keys.cyclePhase(cycleId), phase } },
});

export async function createCycle(cycle: CycleRecord): Promise<void> {
  const created = await transactOnce(undefined, [
    {
      Put: {
        Item: {
          ...keys.cycle(cycle.cycleId),
          ...keys.activeCycles,
          gsi3sk: cycle.createdAt,
          ...keys.allCycles,
          gsi2sk: cycle.createdAt,
          ...cycle,
          phaseKept: cycle.phase,
          phaseOnCounters: cycle.phase,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    phaseItem(cycle.cycleId, cycle.phase),
  ]);
  if (created !== 'done') throw new Error(`cycle ${cycle.cycleId} exists already`);
}

/**
 * The cycle item, read strongly consistent unless `consistent` is false: half the read units, for a page behind an
 * emailed link that is only shown (services/submissions.ts openLink); its post reads the cycle again, consistently.
 */
export async function getCycle(cycleId: string, { consistent = true } = {}): Promise<CycleRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.cycle(cycleId), ConsistentRead: consistent }),
  );
  return result.Item as CycleRecord | undefined;
}

export async function markParticipantsWritten(cycleId: string, participantCount: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.cycle(cycleId),
      UpdateExpression: 'SET participantCount = :n',
      ExpressionAttributeValues: { ':n': participantCount },
    }),
  );
}

/**
 * Moves a cycle from one phase to the next only if it is still where the caller saw it: a cancel that
 * raced a checkpoint wins, and a retried checkpoint does not move the phase twice.
 * Returns false when the cycle had already moved.
 */
export function movePhase(cycleId: string, from: Phase, to: Phase, at: string): Promise<boolean> {
  const finished = to === 'CLOSED' || to === 'CANCELLED';
  // A closed cycle stays active until the acknowledgement reminder, so a restarted local stack still sends it.
  const leavesActive = to === 'CANCELLED';
  const sets: string[] = [];
  if (to === 'MANAGER_REVIEW') sets.push('managerPhaseOpenedAt = :at');
  if (finished) sets.push('closedAt = :at');
  return movePhaseWith(cycleId, to, {
    sets,
    // A cancelled cycle leaves the active-cycles index, so a restarted local stack does not resume it.
    ...(leavesActive ? { remove: 'gsi3pk, gsi3sk' } : {}),
    condition: 'phase = :from',
    values: { ':from': from, ...(sets.length ? { ':at': at } : {}) },
  });
}

/**
 * Moves the cycle item to phase `to` under `change.condition`, with `change`'s other sets and removals, and the
 * phase item with it in one transaction; a cycle launched before the phase item was kept gets one here. False
 * when the condition did not hold.
 */
async function movePhaseWith(
  cycleId: string,
  to: Phase,
  change: {
    sets: string[];
    remove?: string;
    condition: string;
    names?: Record<string, string>;
    values: Record<string, unknown>;
  },
): Promise<boolean> {
  const sets = ['phase = :to', 'phaseKept = :kept', 'phaseOnCounters = :kept', ...change.sets].join(', ');
  const outcome = await transactOnce(undefined, [
    {
      Update: {
        Key: keys.cycle(cycleId),
        UpdateExpression: `SET ${sets}${change.remove ? ` REMOVE ${change.remove}` : ''}`,
        ConditionExpression: change.condition,
        ...(change.names ? { ExpressionAttributeNames: change.names } : {}),
        ExpressionAttributeValues: { ...change.values, ':to': to, ':kept': to },
      },
    },
    phaseItem(cycleId, to),
    ...(await counterPhaseMoves(cycleId, to)),
  ]);
  // Counters a launch wrote meanwhile (or beyond one transaction) take the phase now in force. The move itself is
  // done: a failure here leaves them for the launch's own sync and the next move, and never fails the caller.
  await syncCounterPhases(cycleId).catch((error: unknown) =>
    logger.warn('department counters left behind the cycle\u2019s phase', { cycleId, to, error: error as Error }),
  );
  return outcome === 'done';
}

/**
 * The launch stored every department counter in the phase in force (syncCounterPhases after them), all of which
 * a phase move carries: from now on answers check the phase there. Only while the cycle is still in its first
 * phase: a cancel may have moved it meanwhile.
 */
export async function markCountersCarryPhase(cycleId: string): Promise<void> {
  await conditionalUpdate({
    Key: keys.cycle(cycleId),
    UpdateExpression: 'SET countersCarryPhase = :yes',
    ConditionExpression: 'phase = :self AND phaseOnCounters = :self',
    ExpressionAttributeValues: { ':yes': true, ':self': 'SELF_REVIEW' },
  });
}

/**
 * `writes` made only while the cycle is in one of `phases`: checked on the department counter among them, while the
 * counters carry the cycle's phase (a check of its own costs two write units an answer), else on the phase item.
 */
export function phaseChecked(cycle: PhaseChecked, phases: Phase[], writes: TransactItem[]): TransactItem[] {
  if (cycle.countersCarryPhase && cycle.phaseOnCounters === cycle.phase)
    for (const [at, write] of writes.entries()) {
      const checked = checkingPhase(write, cycle.cycleId, phases);
      if (checked) return writes.with(at, checked);
    }
  return [...writes, phaseCheck(cycle, phases)];
}

/** The check, in a transaction, that a cycle is in one of `phases`: on its phase item, while that is current. */
export function phaseCheck(cycle: PhaseChecked, phases: Phase[]): TransactItem {
  const inPhase = phaseIn(phases);
  return {
    ConditionCheck: {
      Key: cycle.phaseKept === cycle.phase ? keys.cyclePhase(cycle.cycleId) : keys.cycle(cycle.cycleId),
      ConditionExpression: inPhase.condition,
      ExpressionAttributeValues: inPhase.values,
    },
  };
}

/** Records a per-person deadline; refused once the cycle has left the self-assessment and manager phases. */
export async function setExtension(cycleId: string, employeeId: string, until: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.cycle(cycleId),
      UpdateExpression: 'SET extensions.#emp = :until',
      ConditionExpression: 'phase IN (:self, :manager)',
      ExpressionAttributeNames: { '#emp': employeeId },
      ExpressionAttributeValues: { ':until': until, ':self': 'SELF_REVIEW', ':manager': 'MANAGER_REVIEW' },
    }),
  );
}

/** A condition that the cycle item is in one of `phases`, for a write guarded by the cycle's phase. */
export function phaseIn(phases: Phase[]): { condition: string; values: Record<string, Phase> } {
  return {
    condition: `phase IN (${phases.map((_, index) => `:phase${index}`).join(', ')})`,
    values: Object.fromEntries(phases.map((phase, index) => [`:phase${index}`, phase])),
  };
}

/** A reopened manager review's deadline; refused once the cycle no longer takes reviews. */
export function setReviewExtension(
  cycleId: string,
  employeeId: string,
  until: number,
  phases: Phase[],
): Promise<boolean> {
  const inPhase = phaseIn(phases);
  return conditionalUpdate({
    Key: keys.cycle(cycleId),
    UpdateExpression: 'SET reviewExtensions.#emp = :until',
    ConditionExpression: inPhase.condition,
    ExpressionAttributeNames: { '#emp': employeeId },
    ExpressionAttributeValues: { ':until': until, ...inPhase.values },
  });
}

/**
 * HR releases a calibrated cycle's results: once, only from calibration, and never while a file of
 * adjustments holds the cycle (`now` in real time, as the hold's end is), which it would cut short.
 */
export function markReleaseRequested(cycleId: string, at: number, now: number): Promise<boolean> {
  return movePhaseWith(cycleId, 'RELEASING', {
    sets: ['releasedAt = :at'],
    condition: 'phase = :calibration AND (attribute_not_exists(adjustmentBatch) OR adjustmentBatch.#until < :now)',
    names: { '#until': 'until' },
    values: { ':calibration': 'CALIBRATION', ':at': at, ':now': now },
  });
}

/** One of HR's calibration reminders went out; false when it had before. */
export function markCalibrationReminder(
  cycleId: string,
  attribute: 'calibrationRemindedAt' | 'calibrationDueNotifiedAt',
  at: string,
): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.cycle(cycleId),
    UpdateExpression: 'SET #step = :at',
    ConditionExpression: 'attribute_not_exists(#step) AND phase = :calibration',
    ExpressionAttributeNames: { '#step': attribute },
    ExpressionAttributeValues: { ':at': at, ':calibration': 'CALIBRATION' },
  });
}

export function isRunning(cycle: CycleRecord): boolean {
  return RUNNING.includes(cycle.phase);
}

export async function recordExecution(cycleId: string, executionArn: string, generation: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.cycle(cycleId),
      UpdateExpression: 'SET executionArn = :arn, executionGeneration = :generation',
      ExpressionAttributeValues: { ':arn': executionArn, ':generation': generation },
    }),
  );
}

/** The acknowledgement reminder went out: nothing is left for the cycle's workflow, so it leaves the active index. */
export function markAcknowledgementsReminded(cycleId: string, at: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.cycle(cycleId),
    UpdateExpression: 'SET acknowledgementsRemindedAt = :at REMOVE gsi3pk, gsi3sk',
    ConditionExpression: 'phase = :closed AND attribute_not_exists(acknowledgementsRemindedAt)',
    ExpressionAttributeValues: { ':at': at, ':closed': 'CLOSED' },
  });
}

/** Cycles whose workflow still has work (the active index): a few at any time, read without a scan. */
export function listActiveCycles(): Promise<CycleRecord[]> {
  return cyclesIndexed('gsi3', keys.activeCycles.gsi3pk, true);
}

/** Every cycle, newest first (a handful a year). */
export function listCycles(): Promise<CycleRecord[]> {
  return cyclesIndexed('gsi2', keys.allCycles.gsi2pk, false);
}

/** The cycles of one index partition, sorted by creation. */
async function cyclesIndexed(index: 'gsi2' | 'gsi3', partition: string, oldestFirst: boolean): Promise<CycleRecord[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk`,
    ExpressionAttributeValues: { ':pk': partition },
    ScanIndexForward: oldestFirst,
  });
  return items.map((item) => withoutKeys<CycleRecord>(item));
}
