import type { RatingAdjustment } from '#domain/calibration.ts';
import { phasesAllowing } from '#domain/cycle.ts';
import type { ScalePoint } from '#domain/review-form.ts';
import type { AssessmentRecord } from './assessments.ts';
import { auditItem, type Actor } from './audit.ts';
import { ratingMoves } from './calibration.ts';
import { phaseIn } from './cycles.ts';
import { queueMailWrite, type Claim, type MailRecord } from './mail.ts';
import { conditionalUpdate, keys, transactOnce, type OnceOutcome, type TransactItem } from './table.ts';

/**
 * HR's adjustments of final ratings, stored on the assessment beside the manager's review (which stays as
 * written), each with its audit event and the manager's email in one transaction.
 */
export interface AdjustmentWrite {
  employeeId: string;
  /** The person's assessment as planned against: calibration's tally moves from its ratings. */
  assessment: Pick<
    AssessmentRecord,
    'employeeId' | 'managerKey' | 'managerName' | 'department' | 'review' | 'reviewVersion' | 'adjustment'
  >;
  adjustment: RatingAdjustment;
  /** When the adjustment in force at planning was made (none: there was none): it must still be the one in force. */
  replaces?: string;
  /** The score of the manager's review, for the audit. */
  managerRating: number;
  /** The line of the calibration file, for the audit. */
  line?: number;
  mail: MailRecord;
}

/**
 * Three writes per adjustment, at most one tally item each (calibration's summaries) and the cycle's guard
 * fit DynamoDB's 100 items per transaction.
 */
export const ADJUSTMENTS_PER_TRANSACTION = 24;

const adjustable = () => phaseIn(phasesAllowing('adjust-rating'));

/**
 * Stores up to ADJUSTMENTS_PER_TRANSACTION adjustments together, or none ('refused'): each person must still
 * have a submitted review and the adjustment planned against, and the cycle must allow adjusting. `batch`
 * names the file holding the cycle (see claimAdjustmentBatch); without it, no file may hold it, so an
 * adjustment never lands between the transactions of a file.
 */
export function writeAdjustments(
  cycle: { cycleId: string; scale: ScalePoint[] },
  writes: AdjustmentWrite[],
  guard: { batch?: string; now: number },
  claim: Claim,
): Promise<OnceOutcome> {
  const { cycleId } = cycle;
  const phase = adjustable();
  const tallies = ratingMoves(
    cycle,
    writes.map(({ assessment, adjustment }) => ({ assessment, next: { adjustment } })),
  );
  const cycleCheck: TransactItem = guard.batch
    ? {
        ConditionCheck: {
          Key: keys.cycle(cycleId),
          ConditionExpression: `${phase.condition} AND adjustmentBatch.id = :batch`,
          ExpressionAttributeValues: { ...phase.values, ':batch': guard.batch },
        },
      }
    : {
        ConditionCheck: {
          Key: keys.cycle(cycleId),
          ConditionExpression: `${phase.condition} AND (attribute_not_exists(adjustmentBatch) OR adjustmentBatch.#until < :now)`,
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ...phase.values, ':now': guard.now },
        },
      };
  const items = writes.flatMap(
    ({ employeeId, adjustment, replaces, managerRating, line, mail }, index): TransactItem[] => [
      {
        Update: {
          Key: keys.assessment(cycleId, employeeId),
          UpdateExpression: 'SET adjustment = :adjustment',
          ConditionExpression: `reviewStatus = :submitted AND ${replaces ? 'adjustment.#at = :replaces' : 'attribute_not_exists(adjustment)'} AND ${tallies.conditions[index]!.condition}`,
          ...(replaces ? { ExpressionAttributeNames: { '#at': 'at' } } : {}),
          ExpressionAttributeValues: {
            ':adjustment': adjustment,
            ':submitted': 'SUBMITTED',
            ...(replaces ? { ':replaces': replaces } : {}),
            ...tallies.conditions[index]!.values,
          },
        },
      },
      {
        Put: {
          Item: auditItem({
            cycleId,
            at: adjustment.at,
            actor: adjustment.by as Actor,
            action: 'rating-adjusted',
            employeeId,
            details: {
              from: adjustment.from,
              to: adjustment.rating,
              reason: adjustment.reason,
              managerRating,
              ...(line !== undefined ? { line } : {}),
            },
          }),
        },
      },
      queueMailWrite(mail, claim),
    ],
  );
  return transactOnce(undefined, [...items, ...tallies.writes, cycleCheck]);
}

/**
 * Holds the cycle for one calibration file applied in several transactions, until `until` (epoch ms, real
 * time: a lease is about a live process) at most: single adjustments and other files are refused meanwhile,
 * so the file's plan stays true from its first transaction to its last. False when the cycle does not allow
 * adjusting or another file holds it.
 */
export function claimAdjustmentBatch(cycleId: string, batch: string, now: number, until: number): Promise<boolean> {
  const phase = adjustable();
  return conditionalUpdate({
    Key: keys.cycle(cycleId),
    UpdateExpression: 'SET adjustmentBatch = :batch',
    ConditionExpression: `${phase.condition} AND (attribute_not_exists(adjustmentBatch) OR adjustmentBatch.#until < :now)`,
    ExpressionAttributeNames: { '#until': 'until' },
    ExpressionAttributeValues: { ...phase.values, ':batch': { id: batch, until }, ':now': now },
  });
}

/** Lets go of the cycle once the file is applied (or failed); never another file's hold. */
export function releaseAdjustmentBatch(cycleId: string, batch: string): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.cycle(cycleId),
    UpdateExpression: 'REMOVE adjustmentBatch',
    ConditionExpression: 'adjustmentBatch.id = :batch',
    ExpressionAttributeValues: { ':batch': batch },
  });
}
