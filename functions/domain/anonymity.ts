import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { twoDecimals } from './score.ts';

/**
 * Anonymity of upward reviews (issue 14), built into what is stored and handed out rather than into a display
 * rule: an upward answer is stored with a keyed hash of its author in place of their id, reaches the manager
 * only once enough reports answered, and then shuffled and stripped of everything but the answers.
 */

/** With fewer answers, a manager could tell who wrote which (two reports, two answers): no setting goes below it. */
export const MIN_ANONYMITY_THRESHOLD = 3;

/** Whether `count` answers may reach the manager: at least the organisation's threshold, and never fewer than 3. */
export function releasableTo(count: number, threshold: number): boolean {
  // A threshold that is not a number makes Math.max NaN, and nothing is released.
  return count >= Math.max(MIN_ANONYMITY_THRESHOLD, threshold);
}

/** Answers held back: too few to keep their authors anonymous. `needed` is the threshold in force. */
export interface TooFewAnswers {
  tooFewAnswers: true;
  count: number;
  needed: number;
}

const tooFew = (count: number, threshold: number): TooFewAnswers => ({
  tooFewAnswers: true,
  count,
  needed: Math.max(MIN_ANONYMITY_THRESHOLD, threshold),
});

/** A whole number from 0 up to (not including) `max`: `crypto.randomInt`, or a stand-in that a test controls. */
export type RandomInt = (max: number) => number;

/** Fisher–Yates on a copy: every order is equally likely when `random` is uniform. */
function shuffle<T>(items: readonly T[], random: RandomInt): T[] {
  const shuffled = [...items];
  for (let last = shuffled.length - 1; last > 0; last--) {
    const pick = random(last + 1);
    [shuffled[last], shuffled[pick]] = [shuffled[pick], shuffled[last]];
  }
  return shuffled;
}

/** An upward answer as the manager reads it: the answers to the questions and the rating, nothing else. */
export interface UpwardAnswer {
  answers: Record<string, string>;
  rating?: number;
}

/**
 * What a manager receives of their reports' upward answers (`stored` may be the stored items, with whatever
 * else they hold): when at least the threshold answered, the answers in an order that says nothing of who wrote
 * them or when (a shuffle with `crypto.randomInt`, not the order they were submitted in), each copied down to its
 * answers and rating, so no author key, date or sort key leaves with them. Otherwise only that there were too few.
 * 'as-stored' keeps the order of the stored answers' random ids instead (store/upward.ts), which is as random and
 * stays the same from one reading of a page to the next.
 */
export function answersForManager(
  stored: readonly UpwardAnswer[],
  threshold: number,
  random: RandomInt | 'as-stored' = randomInt,
): { tooFewAnswers: false; answers: UpwardAnswer[] } | TooFewAnswers {
  if (!releasableTo(stored.length, threshold)) return tooFew(stored.length, threshold);
  const answers = stored.map(
    ({ answers, rating }): UpwardAnswer => ({ answers: { ...answers }, ...(rating === undefined ? {} : { rating }) }),
  );
  return { tooFewAnswers: false, answers: random === 'as-stored' ? answers : shuffle(answers, random) };
}

/** The running totals of the ratings a manager received in upward reviews. */
export interface RatingCounters {
  count: number;
  sum: number;
}

/**
 * A manager's upward mean for reports (two decimals), only when at least the threshold rated them: the mean of
 * two ratings would tell a manager of two reports both ratings. `count` counts ratings, not answers, so a mean
 * never rests on fewer ratings than the threshold even where some answers carry none.
 */
export function upwardMean(
  counters: RatingCounters,
  threshold: number,
): { tooFewAnswers: false; count: number; mean: number } | TooFewAnswers {
  if (!releasableTo(counters.count, threshold)) return tooFew(counters.count, threshold);
  return { tooFewAnswers: false, count: counters.count, mean: twoDecimals(counters.sum / counters.count) };
}

/** What a manager is given at the release: the answers with the mean where enough rated, or only that too few answered. */
export type UpwardOutcome = { tooFewAnswers: false; answers: UpwardAnswer[]; mean?: number } | TooFewAnswers;

/**
 * A manager's upward outcome, as their mail and their team page give it: the answers (answersForManager, in the
 * order `random` says) and the mean of the ratings (upwardMean) when enough rated too.
 */
export function upwardOutcome(
  stored: readonly UpwardAnswer[],
  counters: RatingCounters,
  threshold: number,
  random: RandomInt | 'as-stored' = randomInt,
): UpwardOutcome {
  const given = answersForManager(stored, threshold, random);
  const mean = upwardMean(counters, threshold);
  return given.tooFewAnswers || mean.tooFewAnswers ? given : { ...given, mean: mean.mean };
}

/** The mean of a manager's upward ratings on the cycle's scale, as their mail and their team page say it. */
export function upwardMeanLine(scale: readonly { value: number }[], mean: number): string {
  return `Mean rating: ${mean} of ${Math.max(...scale.map((point) => point.value))}`;
}

/** HKDF's label for the key that hashes authors: a key of its own, so no author key is ever a link's signature. */
const AUTHOR_KEY_INFO = 'perfcycle upward-author-key v1';

/**
 * Who wrote an upward answer, as it is stored: HMAC-SHA256 (base64url) over the cycle and the author, under a
 * key derived from the link secret. It counts each author once per cycle, yet without the secret no one can
 * tell whose it is, not even by hashing every id of the directory; and each cycle gives an author a different
 * key, so answers cannot be linked across cycles.
 */
export function authorKey(secret: string, cycleId: string, authorId: string): string {
  // The separator keeps ("c1", "2e") and ("c12", "e") apart; ids never hold it, and one that did is a bug.
  if (cycleId.includes('\0') || authorId.includes('\0')) throw new Error('an id holds a NUL character');
  const key = Buffer.from(hkdfSync('sha256', secret, '', AUTHOR_KEY_INFO, 32));
  return createHmac('sha256', key).update(`upward-author\0${cycleId}\0${authorId}`).digest('base64url');
}

/** A manager's upward counts as HR's view needs them (store/upward.ts keeps one per manager). */
export interface UpwardCounts {
  managerKey: string;
  managerName: string;
  department: string;
  /** Reports invited at launch, answers received, rated answers and the sum of their ratings (the mean rests on rated answers only). */
  asked: number;
  answers: number;
  ratings: number;
  ratingSum: number;
  /** Set by the release once the manager was told: the mean is shown to HR only then, and only above the threshold. */
  released?: boolean;
}

/**
 * What HR sees of a cycle's upward reviews: completion per manager and per department (answered of asked), and a
 * manager's mean only once released to them and only where enough rated them, as the manager saw it. Never an
 * answer, and nothing about any author.
 */
export function upwardCompletion(counters: readonly UpwardCounts[], threshold: number) {
  const managers = counters
    .map((counter) => {
      const mean = counter.released
        ? upwardMean({ count: counter.ratings, sum: counter.ratingSum }, threshold)
        : undefined;
      return {
        managerKey: counter.managerKey,
        managerName: counter.managerName,
        department: counter.department,
        asked: counter.asked,
        answered: counter.answers,
        mean: mean && !mean.tooFewAnswers ? mean.mean : null,
      };
    })
    .sort((a, b) => a.managerName.localeCompare(b.managerName) || a.managerKey.localeCompare(b.managerKey));
  const departments = [...Map.groupBy(managers, (manager) => manager.department)]
    .map(([department, of]) => ({
      department,
      asked: of.reduce((sum, manager) => sum + manager.asked, 0),
      answered: of.reduce((sum, manager) => sum + manager.answered, 0),
    }))
    .sort((a, b) => a.department.localeCompare(b.department));
  return { threshold: Math.max(MIN_ANONYMITY_THRESHOLD, threshold), managers, departments };
}
