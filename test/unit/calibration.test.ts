import { describe, expect, it } from 'vitest';
import {
  addTallies,
  adjustmentRows,
  calibrationFigures,
  emptyTally,
  finalRatingOf,
  pointStep,
  ratingFactsOf,
  tallyChange,
  type RatingAdjustment,
  type RatingFacts,
  type RatingGroup,
  type Tally,
} from '#domain/calibration.ts';
import type { ScalePoint } from '#domain/review-form.ts';

const scaleOf = (...values: number[]): ScalePoint[] =>
  values.map((value) => ({ value, label: `p${value}`, description: `point ${value}` }));
const THREE = scaleOf(1, 2, 3);
const FIVE = scaleOf(1, 2, 3, 4, 5);
const TEN = scaleOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

const review = (rating: number, score: number) => ({
  rating,
  score: { value: score, label: '', basis: 'goals' as const },
});
const adjustment = (rating: number, from: number): RatingAdjustment => ({
  rating,
  reason: 'calibrated',
  by: 'hr:1',
  at: '2026-12-01T00:00:00.000Z',
  from,
});

/** The tally of one group from its people's facts, as the summaries add them up one review at a time. */
const tallyOf = (scale: ScalePoint[], facts: RatingFacts[]) =>
  addTallies(facts.map((f) => tallyChange(scale, undefined, f)));
const group = (
  managerKey: string,
  department: string,
  scale: ScalePoint[],
  facts: RatingFacts[],
): RatingGroup & Tally => ({
  managerKey,
  managerName: `Manager ${managerKey}`,
  department,
  ...tallyOf(scale, facts),
});
const same = (rating: number): RatingFacts => ({ before: rating, after: rating });

describe('the ratings calibration counts', () => {
  it('before is the computed score, what the person gets without calibration; after is HR\u2019s adjustment, else that score', () => {
    expect(ratingFactsOf(review(3, 3.45))).toEqual({ before: 3.45, after: 3.45 });
    expect(ratingFactsOf(review(3, 3.45), adjustment(2, 3.45))).toEqual({ before: 3.45, after: 2 });
    expect(finalRatingOf(review(3, 3.45), adjustment(2, 3.45))).toBe(2);
  });

  it('counts the final rating at its nearest point (halfway up) and keeps the exact sums', () => {
    expect(tallyChange(FIVE, undefined, { before: 3, after: 3.5 })).toEqual({
      reviewed: 1,
      before: { 3: 1 },
      after: { 4: 1 },
      beforeSum: 3,
      afterSum: 3.5,
    });
    expect(tallyChange(FIVE, undefined, { before: 3, after: 3.49 })).toEqual({
      reviewed: 1,
      before: { 3: 1 },
      after: { 3: 1 },
      beforeSum: 3,
      afterSum: 3.49,
    });
  });

  it('an edit moves the person from the old points to the new ones and leaves what did not move out', () => {
    expect(tallyChange(FIVE, { before: 3, after: 3.2 }, { before: 4, after: 3.4 })).toEqual({
      reviewed: 0,
      before: { 3: -1, 4: 1 },
      after: {},
      beforeSum: 1,
      afterSum: 0.2,
    });
    expect(tallyChange(FIVE, { before: 2, after: 2.1 }, undefined)).toEqual({
      reviewed: -1,
      before: { 2: -1 },
      after: { 2: -1 },
      beforeSum: -2,
      afterSum: -2.1,
    });
    // Submitted, edited twice, adjusted: the tally is the one of the final state.
    const steps = [
      undefined,
      { before: 2, after: 2.3 },
      { before: 4, after: 3.7 },
      { before: 4, after: 4.1 },
      { before: 4, after: 2 },
    ];
    const moved = addTallies(steps.slice(1).map((to, i) => tallyChange(FIVE, steps[i], to)));
    expect(moved).toEqual({ reviewed: 1, before: { 2: 0, 4: 1 }, after: { 2: 1, 4: 0 }, beforeSum: 4, afterSum: 2 });
  });

  it('one scale point is the average step of the scale', () => {
    expect(pointStep(THREE)).toBe(1);
    expect(pointStep(TEN)).toBe(1);
    expect(pointStep(scaleOf(0, 25, 50, 75, 100))).toBe(25);
  });
});

describe('calibrationFigures', () => {
  it('on a 5-point scale: counts, means and deviations per manager and department; the manager more than a point away is flagged', () => {
    const tallies = [
      group('m1', 'Sales', FIVE, [same(5), same(5), { before: 5, after: 4.6 }]),
      group('m2', 'Sales', FIVE, [same(3), same(2)]),
      group('m2', 'Support', FIVE, [same(3)]),
      group('m3', 'Support', FIVE, [same(2), { before: 2, after: 3 }]),
    ];
    const missing = [{ managerKey: 'm3', managerName: 'Manager m3', department: 'Support' }];
    const figures = calibrationFigures(FIVE, tallies, missing);
    // Cycle: before 5+5+5+3+2+3+2+2 = 27 / 8 = 3.375; after 5+5+4.6+3+2+3+2+3 = 27.6 / 8 = 3.45.
    expect(figures.overall).toEqual({
      key: 'all',
      name: 'Everyone',
      reviewed: 8,
      missing: 1,
      before: { counts: [0, 3, 2, 0, 3], mean: 3.38, deviation: 0, outlier: false },
      after: { counts: [0, 2, 3, 0, 3], mean: 3.45, deviation: 0, outlier: false },
    });
    const managers = Object.fromEntries(figures.managers.map((m) => [m.key, m]));
    expect(managers.m1.before).toEqual({ counts: [0, 0, 0, 0, 3], mean: 5, deviation: 1.63, outlier: true });
    expect(managers.m1.after).toEqual({ counts: [0, 0, 0, 0, 3], mean: 4.87, deviation: 1.42, outlier: true });
    // m2 spans two departments: counted once per manager, once in each department.
    expect(managers.m2).toMatchObject({
      reviewed: 3,
      missing: 0,
      before: { counts: [0, 1, 2, 0, 0], mean: 2.67, deviation: -0.71, outlier: false },
    });
    expect(managers.m3).toMatchObject({
      reviewed: 2,
      missing: 1,
      before: { mean: 2, deviation: -1.38, outlier: true },
      after: { mean: 2.5, deviation: -0.95, outlier: false },
    });
    expect(figures.departments.map((d) => [d.key, d.reviewed, d.missing, d.before.mean, d.before.outlier])).toEqual([
      ['Sales', 5, 0, 4, false],
      ['Support', 3, 1, 2.33, true],
    ]);
  });

  it('on a 3-point scale, one point is 1: a deviation of exactly one point is not flagged', () => {
    const figures = calibrationFigures(
      THREE,
      [group('a', 'D', THREE, [same(3), same(3)]), group('b', 'D', THREE, [same(1), same(1)])],
      [],
    );
    expect(figures.overall.before).toEqual({ counts: [2, 0, 2], mean: 2, deviation: 0, outlier: false });
    expect(figures.managers.map((m) => [m.key, m.before.deviation, m.before.outlier])).toEqual([
      ['a', 1, false],
      ['b', -1, false],
    ]);
  });

  it('on a 10-point scale, counts line up with the ten points; a manager with only missing reviews is listed without a mean', () => {
    const figures = calibrationFigures(
      TEN,
      [group('a', 'D', TEN, [same(9), same(10)]), group('b', 'D', TEN, [same(6), same(5), same(5)])],
      [{ managerKey: 'c', managerName: 'Manager c', department: 'E' }],
    );
    expect(figures.overall.before.counts).toEqual([0, 0, 0, 0, 2, 1, 0, 0, 1, 1]);
    expect(figures.overall.before.mean).toBe(7);
    const [a, b, c] = figures.managers;
    expect([a.key, a.before.mean, a.before.deviation, a.before.outlier]).toEqual(['a', 9.5, 2.5, true]);
    expect([b.key, b.before.mean, b.before.deviation, b.before.outlier]).toEqual(['b', 5.33, -1.67, true]);
    expect(c).toEqual({
      key: 'c',
      name: 'Manager c',
      reviewed: 0,
      missing: 1,
      before: { counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], mean: null, deviation: null, outlier: false },
      after: { counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], mean: null, deviation: null, outlier: false },
    });
    expect(figures.departments.map((d) => [d.key, d.reviewed, d.missing])).toEqual([
      ['D', 5, 0],
      ['E', 0, 1],
    ]);
  });

  it('a cycle without any review has no means and flags nobody', () => {
    const figures = calibrationFigures(FIVE, [], [{ managerKey: 'm', managerName: 'M', department: 'D' }]);
    expect(figures.overall).toMatchObject({ reviewed: 0, missing: 1, before: { mean: null, outlier: false } });
    expect(emptyTally()).toEqual({ reviewed: 0, before: {}, after: {}, beforeSum: 0, afterSum: 0 });
  });
});

describe('the adjustment CSV', () => {
  it('pre-fills each reviewed person\u2019s final rating at its nearest point, with an empty reason; missing reviews have no row', () => {
    expect(
      adjustmentRows([
        { employeeId: 'e1', finalPoint: { value: 4 } },
        { employeeId: 'e2', finalPoint: null },
      ]),
    ).toEqual([['e1', '4', '']]);
  });
});
