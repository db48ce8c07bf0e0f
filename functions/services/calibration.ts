import { addTallies, calibrationFigures, finalRatingOf, ratingFactsOf, tallyChange } from '#domain/calibration.ts';
import { countsEveryone } from '#domain/progress.ts';
import { nearestPoint } from '#domain/score.ts';
import { listPending, listRatings, ratingsPage, type RatingRecord } from '#store/assessments.ts';
import { listGroupCounters } from '#store/calibration.ts';
import { getCycle, type CycleRecord } from '#store/cycles.ts';
import { NotFound } from './errors.ts';
import { paged } from './lists.ts';

/**
 * HR's calibration view of a cycle. The first page (no cursor) carries the figures per manager and
 * department and who is still missing a review: the figures come from the tallies kept with each review
 * (store/calibration.ts), and the missing from the sparse index of pending reviews, so they read no
 * assessment. When the tallies do not add up to the cycle's count of reviews (a cycle reviewed before they
 * were kept, or a review racing this read) the figures are counted from the assessments instead, and
 * `source` says so. Every page carries participants in employeeId order, `nextCursor` while there are more.
 */
export async function calibrationView(cycleId: string, page: { limit: number; cursor?: string }) {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  const [ratings, overview] = await Promise.all([
    paged({ cycleId, list: 'calibration' }, page, (at) => ratingsPage(cycleId, at)),
    page.cursor === undefined ? figuresOf(cycle) : undefined,
  ]);
  return {
    cycleId,
    name: cycle.name,
    phase: cycle.phase,
    scale: cycle.scale.map(({ value, label }) => ({ value, label })),
    ...overview,
    participants: ratings.items.map((person) => participantOf(cycle, person)),
    ...(ratings.nextCursor ? { nextCursor: ratings.nextCursor } : {}),
  };
}

async function figuresOf(cycle: CycleRecord) {
  const [groups, missing] = await Promise.all([
    listGroupCounters(cycle.cycleId),
    listPending(cycle.cycleId, 'manager'),
  ]);
  const summarised = countsEveryone(cycle.participantCount, groups);
  const tallies = groups.filter((group) => group.reviewed > 0);
  return {
    source: summarised ? ('summaries' as const) : ('assessments' as const),
    figures: calibrationFigures(
      cycle.scale,
      summarised ? tallies : talliesFrom(cycle, await listRatings(cycle.cycleId)),
      missing,
    ),
    missing: missing
      .map(({ employeeId, name, department, managerName }) => ({ employeeId, name, department, managerName }))
      .sort((a, b) => a.managerName.localeCompare(b.managerName) || a.name.localeCompare(b.name)),
  };
}

/** The tallies counted from the assessments themselves: one per (manager, department), as the summaries keep them. */
function talliesFrom(cycle: CycleRecord, ratings: RatingRecord[]) {
  const reviewed = ratings.filter((person) => person.review);
  const groups = Map.groupBy(reviewed, (person) => JSON.stringify([person.managerKey, person.department]));
  return [...groups.values()].map((people) => ({
    managerKey: people[0]!.managerKey,
    managerName: people[0]!.managerName,
    department: people[0]!.department,
    ...addTallies(
      people.map((person) => tallyChange(cycle.scale, undefined, ratingFactsOf(person.review!, person.adjustment))),
    ),
  }));
}

function participantOf(cycle: CycleRecord, person: RatingRecord) {
  const final = person.review ? finalRatingOf(person.review, person.adjustment) : undefined;
  const point = final === undefined ? undefined : nearestPoint(cycle.scale, final);
  return {
    employeeId: person.employeeId,
    name: person.name,
    department: person.department,
    managerKey: person.managerKey,
    managerName: person.managerName,
    reviewMissing: person.reviewStatus !== 'SUBMITTED',
    managerRating: person.review?.rating ?? null,
    computedScore: person.review?.score.value ?? null,
    finalRating: final ?? null,
    finalPoint: point ? { value: point.value, label: point.label } : null,
    adjusted: person.adjustment !== undefined,
    adjustment: person.adjustment ?? null,
  };
}
