import {
  addTallies,
  ratingFactsOf,
  tallyChange,
  type RatingAdjustment,
  type RatingGroup,
  type Tally,
} from '#domain/calibration.ts';
import type { ProgressCounts } from '#domain/progress.ts';
import type { ScalePoint } from '#domain/review-form.ts';
import type { AssessmentRecord, StoredReview } from './assessments.ts';
import { departmentProgressUpdate, progressCountsOf, tallyUpdate } from './progress.ts';
import { keys, queryAll } from './table.ts';

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
  const tally: RatingGroup & Tally = {
    managerKey: item.managerKey,
    managerName: item.managerName,
    department: item.department,
    reviewed: item.reviewed ?? 0,
    before: {},
    after: {},
    beforeSum: item.beforeSum ?? 0,
    afterSum: item.afterSum ?? 0,
  };
  for (const [name, count] of Object.entries(item)) {
    const match = COUNT.exec(name);
    if (match) tally[match[1] === 'b' ? 'before' : 'after'][Number(match[2])] = count as number;
  }
  return tally;
}

const tallyItems = (cycleId: string) =>
  queryAll<TallyItem>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': keys.tallyPrefix },
  });

/** A (manager, department) group's every count: its ratings, its progress, and how many of its ratings HR adjusted. */
export type GroupCounters = RatingGroup & Tally & ProgressCounts & { adjusted: number };

/** Every group's counters, the reviewed or not: HR's report reads the cycle from these few items. */
export async function listGroupCounters(cycleId: string): Promise<GroupCounters[]> {
  return (await tallyItems(cycleId)).map((item) => ({
    ...tallyOf(item),
    ...progressCountsOf(item),
    adjusted: Number(item.adjusted ?? 0),
  }));
}

type Rated = Pick<
  AssessmentRecord,
  'employeeId' | 'managerKey' | 'managerName' | 'department' | 'review' | 'reviewVersion' | 'adjustment'
>;

interface Move {
  condition: string;
  values: Record<string, unknown>;
  group: RatingGroup;
  change: Tally;
  /** The change of the group's count of reviewed people whose final rating is HR's (the report's `adjusted`). */
  adjusted: number;
}

const adjustedOf = (review: unknown, adjustment: unknown) => (review && adjustment ? 1 : 0);

function moveOf(
  scale: ScalePoint[],
  assessment: Rated,
  next: { review?: StoredReview; adjustment?: RatingAdjustment },
): Move {
  const review = next.review ?? assessment.review;
  const adjustment = next.adjustment ?? assessment.adjustment;
  const change = tallyChange(
    scale,
    assessment.review && ratingFactsOf(assessment.review, assessment.adjustment),
    review && ratingFactsOf(review, adjustment),
  );
  const conditions = [
    assessment.reviewVersion === undefined ? 'attribute_not_exists(reviewVersion)' : 'reviewVersion = :tallyVersion',
    assessment.adjustment === undefined ? 'attribute_not_exists(adjustment)' : 'adjustment.rating = :tallyAdjusted',
  ];
  const values = {
    ...(assessment.reviewVersion === undefined ? {} : { ':tallyVersion': assessment.reviewVersion }),
    ...(assessment.adjustment === undefined ? {} : { ':tallyAdjusted': assessment.adjustment.rating }),
  };
  return {
    condition: conditions.join(' AND '),
    values,
    group: {
      managerKey: assessment.managerKey,
      managerName: assessment.managerName,
      department: assessment.department,
    },
    change,
    adjusted: adjustedOf(review, adjustment) - adjustedOf(assessment.review, assessment.adjustment),
  };
}

/** A tally change as counts of the tally item (`b3`, `a3`, sums, adjusted), with `progress` counts moved in the same write. */
function tallyAdds(change: Tally, adjusted: number, progress: Partial<ProgressCounts> = {}): Record<string, number> {
  return {
    reviewed: change.reviewed,
    adjusted,
    beforeSum: change.beforeSum,
    afterSum: change.afterSum,
    ...Object.fromEntries(Object.entries(change.before).map(([point, count]) => [`b${point}`, count])),
    ...Object.fromEntries(Object.entries(change.after).map(([point, count]) => [`a${point}`, count])),
    ...progress,
  };
}

/**
 * What a change of a person's review or adjustment adds to its transaction: the move of their tally (none
 * when no count moves), and the condition that the assessment still holds the review version and the
 * adjustment the move was computed from, so two changes racing cannot both move the same count.
 */
export function ratingMove(
  cycle: { cycleId: string; scale: ScalePoint[] },
  assessment: Rated,
  next: { review?: StoredReview; adjustment?: RatingAdjustment },
  progress?: Partial<ProgressCounts>,
) {
  const move = moveOf(cycle.scale, assessment, next);
  return {
    condition: move.condition,
    values: move.values,
    writes: [
      ...tallyUpdate(cycle.cycleId, move.group, tallyAdds(move.change, move.adjusted, progress)),
      ...(progress ? departmentProgressUpdate(cycle.cycleId, move.group.department, progress) : []),
    ],
  };
}

/**
 * Several people's moves in one transaction (a calibration file's): each person's condition, and one write
 * per tally item, since a transaction may touch an item only once.
 */
export function ratingMoves(
  cycle: { cycleId: string; scale: ScalePoint[] },
  changes: { assessment: Rated; next: { adjustment: RatingAdjustment } }[],
) {
  const moves = changes.map(({ assessment, next }) => moveOf(cycle.scale, assessment, next));
  const byGroup = new Map<string, { group: RatingGroup; change: Tally; adjusted: number }>();
  for (const { group, change, adjusted } of moves) {
    const key = `${group.managerKey}#${group.department}`;
    const seen = byGroup.get(key);
    byGroup.set(
      key,
      seen
        ? { group, change: addTallies([seen.change, change]), adjusted: seen.adjusted + adjusted }
        : { group, change, adjusted },
    );
  }
  return {
    conditions: moves.map(({ condition, values }) => ({ condition, values })),
    writes: [...byGroup.values()].flatMap(({ group, change, adjusted }) =>
      tallyUpdate(cycle.cycleId, group, tallyAdds(change, adjusted)),
    ),
  };
}
