import type { LadderProgress, LadderStep, ReviewKind } from '#domain/cycle.ts';
import { conditionalUpdate, keys, queryAll } from './table.ts';

/**
 * How far each deadline's reminder ladder has climbed in a cycle: one item per (form, deadline, ladder), the
 * ladder being the cycle's shared one or a person's own (domain/cycle.ts ladderOf). A step is recorded once for
 * everyone it concerned, after its mail was queued: one write per step and deadline, where recording it on each
 * person's assessment cost a write of the assessment and of its three index copies per person.
 */

/** Where a ladder's progress records each step. */
export const STEP_ATTRIBUTE: Record<LadderStep, keyof LadderProgress> = {
  REMINDER: 'remindedAt',
  OVERDUE: 'overdueAt',
  HR_ESCALATION: 'hrEscalatedAt',
};

/** The key of a ladder's progress in the map ladderProgress answers. */
export const ladderKey = (due: number, scope: string) => `${due}#${scope}`;

/** Every ladder of the form in the cycle, by ladderKey: one query, whatever the number of people. */
export async function ladderProgress(cycleId: string, kind: ReviewKind): Promise<Map<string, LadderProgress>> {
  const items = await queryAll<LadderProgress & { due: number; scope: string }>({
    // Strongly consistent: a rerun of the checkpoint must see the steps its first run recorded.
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.ladderPrefix(kind) },
  });
  return new Map(
    items.map(({ due, scope, remindedAt, overdueAt, hrEscalatedAt }) => [
      ladderKey(due, scope),
      { remindedAt, overdueAt, hrEscalatedAt },
    ]),
  );
}

/** Records that a ladder took a step, once: false when it was recorded before. */
export function recordLadderStep(
  cycleId: string,
  kind: ReviewKind,
  due: number,
  scope: string,
  step: LadderStep,
  at: string,
): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.ladder(cycleId, kind, due, scope),
    UpdateExpression: 'SET #step = :at, due = :due, #scope = :scope',
    ConditionExpression: 'attribute_not_exists(#step)',
    ExpressionAttributeNames: { '#step': STEP_ATTRIBUTE[step], '#scope': 'scope' },
    ExpressionAttributeValues: { ':at': at, ':due': due, ':scope': scope },
  });
}
