import { ratingFactsOf, tallyChange, type RatingAdjustment, type RatingGroup, type Tally } from '#domain/calibration.ts';
import type { ScalePoint } from '#domain/review-form.ts';
import type { AssessmentRecord, StoredReview } from './assessments.ts';
import { keys, queryAll, type TransactItem } from './table.ts';

/**
 * Calibration's summaries: one tally item per (manager, department) of a cycle, counting the reviewed
 * people at each scale point before and after calibration, with the sums for the means. Every write that
 * changes a person's review or adjustment moves their tally in the same transaction (ratingMove), so HR's
 * figures read a few hundred small items instead of every assessment. Counts are flat attributes
 * (`b3`: manager's rating 3, `a3`: final rating nearest 3), so one ADD creates or moves them.
 */
type TallyItem = RatingGroup & { reviewed: number; beforeSum: number; afterSum: number } & Record<string, unknown>;

const COUNT = /^([ab])(\d+)$/;

function tallyOf(item: TallyItem): RatingGroup & Tally {
  const tally: RatingGroup & Tally = { managerKey: item.managerKey, managerName: item.managerName, department: item.department, reviewed: item.reviewed ?? 0, before: {}, after: {}, beforeSum: item.beforeSum ?? 0, afterSum: item.afterSum ?? 0 };
  for (const [name, count] of Object.entries(item)) {
    const match = COUNT.exec(name);
    if (match) tally[match[1] === 'b' ? 'before' : 'after'][Number(match[2])] = count as number;
  }
  return tally;
}

export async function listTallies(cycleId: string): Promise<(RatingGroup & Tally)[]> {
  const items = await queryAll<TallyItem>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.tallyPrefix },
  });
  return items.map(tallyOf);
}

/**
 * What a change of a person's review or adjustment adds to its transaction: the move of their tally (none
 * when no count moves), and the condition that the assessment still holds the review version and the
 * adjustment the move was computed from, so two changes racing cannot both move the same count.
 * The adjustment route uses it with `{ adjustment }`, a review submission with `{ review }`.
 */
export function ratingMove(
  cycle: { cycleId: string; scale: ScalePoint[] },
  assessment: Pick<AssessmentRecord, 'employeeId' | 'managerKey' | 'managerName' | 'department' | 'review' | 'reviewVersion' | 'adjustment'>,
  next: { review?: StoredReview; adjustment?: RatingAdjustment },
): { condition: string; values: Record<string, unknown>; writes: TransactItem[] } {
  const review = next.review ?? assessment.review;
  const adjustment = next.adjustment ?? assessment.adjustment;
  const change = tallyChange(cycle.scale, assessment.review && ratingFactsOf(assessment.review, assessment.adjustment), review && ratingFactsOf(review, adjustment));
  const conditions = [
    assessment.reviewVersion === undefined ? 'attribute_not_exists(reviewVersion)' : 'reviewVersion = :tallyVersion',
    assessment.adjustment === undefined ? 'attribute_not_exists(adjustment)' : 'adjustment.rating = :tallyAdjusted',
  ];
  const values = {
    ...(assessment.reviewVersion === undefined ? {} : { ':tallyVersion': assessment.reviewVersion }),
    ...(assessment.adjustment === undefined ? {} : { ':tallyAdjusted': assessment.adjustment.rating }),
  };
  const adds = Object.entries({
    reviewed: change.reviewed,
    beforeSum: change.beforeSum,
    afterSum: change.afterSum,
    ...Object.fromEntries(Object.entries(change.before).map(([point, count]) => [`b${point}`, count])),
    ...Object.fromEntries(Object.entries(change.after).map(([point, count]) => [`a${point}`, count])),
  }).filter(([, delta]) => delta !== 0);
  const writes: TransactItem[] = adds.length
    ? [
        {
          Update: {
            Key: keys.tally(cycle.cycleId, assessment.managerKey, assessment.department),
            UpdateExpression: `SET managerKey = :managerKey, managerName = :managerName, department = :department ADD ${adds.map((_, i) => `#count${i} :count${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(adds.map(([name], i) => [`#count${i}`, name])),
            ExpressionAttributeValues: {
              ':managerKey': assessment.managerKey,
              ':managerName': assessment.managerName,
              ':department': assessment.department,
              ...Object.fromEntries(adds.map(([, delta], i) => [`:count${i}`, delta])),
            },
          },
        },
      ]
    : [];
  return { condition: conditions.join(' AND '), values, writes };
}
