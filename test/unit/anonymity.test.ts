import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  answersForManager,
  authorKey,
  MIN_ANONYMITY_THRESHOLD,
  releasableTo,
  upwardCompletion,
  upwardMean,
  upwardOutcome,
  type RandomInt,
} from '#domain/anonymity.ts';
import { signLink } from '#domain/tokens.ts';

const SECRET = 'link-secret-'.repeat(4);

describe('releasableTo: the threshold rule', () => {
  it('releases at the threshold and above, never below it', () => {
    expect(releasableTo(2, 3)).toBe(false);
    expect(releasableTo(3, 3)).toBe(true);
    expect(releasableTo(4, 5)).toBe(false);
    expect(releasableTo(5, 5)).toBe(true);
    expect(releasableTo(12, 5)).toBe(true);
  });

  it('never releases fewer than 3 answers, whatever threshold it is given', () => {
    expect(MIN_ANONYMITY_THRESHOLD).toBe(3);
    for (const threshold of [2, 1, 0, -5]) {
      expect(releasableTo(2, threshold)).toBe(false);
      expect(releasableTo(3, threshold)).toBe(true);
    }
    expect(releasableTo(0, 0)).toBe(false);
  });

  it('releases nothing under a threshold that is not a number', () => {
    expect(releasableTo(100, Number.NaN)).toBe(false);
  });
});

/** Stored upward answers as the store might hold them: each with its author key, date and sort key. */
const stored = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    pk: 'CYCLE#cyc_1',
    sk: `UPWARD#m1#${String(index).padStart(4, '0')}`,
    authorKey: `key-${index}`,
    submittedAt: `2026-12-0${index + 1}T10:00:00.000Z`,
    answers: { support: `answer ${index}`, change: `change ${index}` },
    rating: index + 1,
  }));

/**
 * A stand-in for `crypto.randomInt` that answers the given choices in turn (each must be below its `max`), so a
 * test can walk every sequence of choices a shuffle can make.
 */
function scripted(choices: number[]): RandomInt {
  const queue = [...choices];
  return (max) => {
    const choice = queue.shift();
    if (choice === undefined || choice >= max) throw new Error(`unexpected draw below ${max}`);
    return choice;
  };
}

const orderOf = (answers: { answers: Record<string, string> }[]) =>
  answers.map((answer) => answer.answers.support.slice(-1)).join('');

describe('answersForManager: shuffled, stripped, and only at the threshold', () => {
  it('gives each of the 6 orders of 3 answers for exactly one of the 6 draws a shuffle can make', () => {
    const orders: string[] = [];
    for (const first of [0, 1, 2])
      for (const second of [0, 1]) {
        const given = answersForManager(stored(3), 3, scripted([first, second]));
        if (given.tooFewAnswers) throw new Error('expected the answers');
        orders.push(orderOf(given.answers));
      }
    expect(orders.toSorted()).toStrictEqual(['012', '021', '102', '120', '201', '210']);
  });

  it('with crypto.randomInt, gives every order of 3 answers about as often over 60,000 runs', () => {
    const counts = new Map<string, number>();
    for (let run = 0; run < 60_000; run++) {
      const given = answersForManager(stored(3), 3);
      if (given.tooFewAnswers) throw new Error('expected the answers');
      const order = orderOf(given.answers);
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect([...counts.keys()].toSorted()).toStrictEqual(['012', '021', '102', '120', '201', '210']);
    // 10,000 expected each, give or take 91 (one standard deviation); swapping with any place instead of Fisher–Yates
    // gives 8,889 or 11,111 to each order, far outside this.
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('carries the answers and the rating and nothing else: no author key, date or sort key', () => {
    const given = answersForManager(stored(4), 3, scripted([0, 0, 0]));
    if (given.tooFewAnswers) throw new Error('expected the answers');
    expect(given.answers).toHaveLength(4);
    for (const answer of given.answers) expect(Object.keys(answer).toSorted()).toStrictEqual(['answers', 'rating']);
    expect(given.answers.map((answer) => answer.rating).toSorted()).toStrictEqual([1, 2, 3, 4]);
    const text = JSON.stringify(given);
    for (const leak of ['key-', 'UPWARD#', 'CYCLE#', '2026-12-']) expect(text).not.toContain(leak);
  });

  it('copies the answers: changing what the manager got changes nothing stored', () => {
    const items = stored(3);
    const given = answersForManager(items, 3, scripted([0, 0]));
    if (given.tooFewAnswers) throw new Error('expected the answers');
    given.answers[0].answers.support = 'changed';
    expect(items.map((item) => item.answers.support)).toStrictEqual(['answer 0', 'answer 1', 'answer 2']);
  });

  it('leaves out a rating that was not given', () => {
    const items = stored(3).map(({ rating, ...item }) => item);
    const given = answersForManager(items, 3, scripted([0, 0]));
    if (given.tooFewAnswers) throw new Error('expected the answers');
    for (const answer of given.answers) expect(Object.keys(answer)).toStrictEqual(['answers']);
  });

  it('below the threshold gives no answer at all, only how many there were and how many it takes', () => {
    expect(answersForManager(stored(2), 3)).toStrictEqual({ tooFewAnswers: true, count: 2, needed: 3 });
    expect(answersForManager(stored(4), 5)).toStrictEqual({ tooFewAnswers: true, count: 4, needed: 5 });
    expect(answersForManager(stored(2), 1)).toStrictEqual({ tooFewAnswers: true, count: 2, needed: 3 });
    expect(answersForManager([], 3)).toStrictEqual({ tooFewAnswers: true, count: 0, needed: 3 });
  });
});

describe('upwardOutcome: what the manager\u2019s mail and team page give', () => {
  it('gives the answers with the mean where enough rated, and the answers alone where too few rated', () => {
    const shuffled = upwardOutcome(stored(3), { count: 3, sum: 6 }, 3, scripted([0, 0]));
    expect(shuffled).toMatchObject({ tooFewAnswers: false, mean: 2 });
    const unrated = upwardOutcome(stored(3), { count: 2, sum: 3 }, 3, scripted([0, 0]));
    expect(unrated.tooFewAnswers).toBe(false);
    expect(unrated).not.toHaveProperty('mean');
    expect(upwardOutcome(stored(2), { count: 2, sum: 3 }, 3)).toStrictEqual({
      tooFewAnswers: true,
      count: 2,
      needed: 3,
    });
  });

  it('as stored keeps the order of the stored random ids, still stripped to the answers and the rating', () => {
    const given = upwardOutcome(stored(4), { count: 4, sum: 10 }, 3, 'as-stored');
    if (given.tooFewAnswers) throw new Error('expected the answers');
    expect(given.answers.map((answer) => answer.answers.support)).toStrictEqual([
      'answer 0',
      'answer 1',
      'answer 2',
      'answer 3',
    ]);
    for (const answer of given.answers) expect(Object.keys(answer).toSorted()).toStrictEqual(['answers', 'rating']);
    expect(given.mean).toBe(2.5);
  });
});

describe('upwardMean', () => {
  it('answers the mean of the ratings, to two decimals, once the threshold rated', () => {
    expect(upwardMean({ count: 3, sum: 11 }, 3)).toStrictEqual({ tooFewAnswers: false, count: 3, mean: 3.67 });
    expect(upwardMean({ count: 8, sum: 36 }, 5)).toStrictEqual({ tooFewAnswers: false, count: 8, mean: 4.5 });
  });

  it('answers too few below the threshold, and never for fewer than 3 ratings', () => {
    expect(upwardMean({ count: 2, sum: 9 }, 3)).toStrictEqual({ tooFewAnswers: true, count: 2, needed: 3 });
    expect(upwardMean({ count: 4, sum: 16 }, 5)).toStrictEqual({ tooFewAnswers: true, count: 4, needed: 5 });
    expect(upwardMean({ count: 2, sum: 10 }, 2)).toStrictEqual({ tooFewAnswers: true, count: 2, needed: 3 });
    expect(upwardMean({ count: 0, sum: 0 }, 3)).toStrictEqual({ tooFewAnswers: true, count: 0, needed: 3 });
  });
});

describe('authorKey: the keyed hash that stands for an upward answer’s author', () => {
  it('is the same for the same secret, cycle and author: an author is counted once', () => {
    expect(authorKey(SECRET, 'cyc_1', 'e1')).toBe(authorKey(SECRET, 'cyc_1', 'e1'));
    expect(authorKey(SECRET, 'cyc_1', 'e1')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs per author, per cycle and per secret, also where plain concatenation would not', () => {
    const keys = [
      authorKey(SECRET, 'cyc_1', 'e1'),
      authorKey(SECRET, 'cyc_1', 'e2'),
      authorKey(SECRET, 'cyc_2', 'e1'),
      authorKey(SECRET, 'cyc_1e', '1'),
      authorKey(`${SECRET}x`, 'cyc_1', 'e1'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is none of the plain hashes someone could compute from the ids', () => {
    const key = authorKey(SECRET, 'cyc_1', 'e1');
    for (const message of ['e1', 'cyc_1e1', 'upward-author\0cyc_1\0e1'])
      for (const encoding of ['hex', 'base64url'] as const) {
        expect(key).not.toBe(createHash('sha256').update(message).digest(encoding));
        // Not the link secret used directly either: the key is derived, so nothing here is a link's MAC.
        expect(key).not.toBe(createHmac('sha256', SECRET).update(message).digest(encoding));
      }
  });

  it('cannot be matched to a person without the secret, even by hashing every id of the directory', () => {
    const directory = Array.from({ length: 500 }, (_, index) => `e${index}`);
    const stored = new Set(['e17', 'e204', 'e399'].map((id) => authorKey(SECRET, 'cyc_1', id)));
    for (const guess of ['', 'wrong-secret', SECRET.slice(0, -1), SECRET.toUpperCase()])
      for (const id of directory) expect(stored.has(authorKey(guess, 'cyc_1', id))).toBe(false);
    // With the secret the same search finds them: the test above could fail.
    expect(directory.filter((id) => stored.has(authorKey(SECRET, 'cyc_1', id)))).toStrictEqual(['e17', 'e204', 'e399']);
  });

  it('is not a signature of any link signed with the same secret', () => {
    const link = signLink({ cycleId: 'cyc_1', personId: 'e1', purpose: 'self', expiresAt: 1 }, SECRET);
    const signature = link.split('.')[1];
    expect(authorKey(SECRET, 'cyc_1', 'e1')).not.toBe(signature);
    expect(authorKey(SECRET, link.split('.')[0], '')).not.toBe(signature);
  });

  it('refuses an id holding the separator', () => {
    expect(() => authorKey(SECRET, 'cyc_1\0e', '1')).toThrow('NUL');
  });
});

describe('upwardCompletion: what HR sees of upward reviews', () => {
  const counter = (managerKey: string, department: string, asked: number, answers: number, ratings: number[]) => ({
    managerKey,
    managerName: `Manager ${managerKey}`,
    department,
    asked,
    answers,
    ratings: ratings.length,
    ratingSum: ratings.reduce((sum, rating) => sum + rating, 0),
  });

  it('counts answered of asked per manager and per department', () => {
    const view = upwardCompletion(
      [counter('m2', 'Ops', 4, 1, [2]), counter('m1', 'Sales', 5, 3, [4, 5, 3]), counter('m3', 'Sales', 2, 2, [1, 1])],
      3,
    );
    expect(view.managers.map((m) => [m.managerKey, m.answered, m.asked])).toEqual([
      ['m1', 3, 5],
      ['m2', 1, 4],
      ['m3', 2, 2],
    ]);
    expect(view.departments).toEqual([
      { department: 'Ops', asked: 4, answered: 1 },
      { department: 'Sales', asked: 7, answered: 5 },
    ]);
  });

  it('shows a mean only once released, and only where at least the threshold rated', () => {
    const before = upwardCompletion([counter('m1', 'Sales', 5, 3, [4, 5, 3])], 3);
    expect(before.managers[0].mean).toBeNull();
    const after = upwardCompletion(
      [
        { ...counter('m1', 'Sales', 5, 3, [4, 5, 3]), released: true },
        { ...counter('m2', 'Sales', 5, 3, [4, 5]), released: true },
        { ...counter('m3', 'Sales', 2, 2, [1, 1]), released: true },
      ],
      3,
    );
    expect(after.managers.map((m) => m.mean)).toEqual([4, null, null]);
  });

  it('holds no answer and nothing of any author: only the counts per manager', () => {
    const view = upwardCompletion([{ ...counter('m1', 'Sales', 3, 3, [4, 4, 4]), released: true }], 2);
    expect(view.threshold).toBe(3);
    expect(Object.keys(view.managers[0]).sort()).toEqual([
      'answered',
      'asked',
      'department',
      'managerKey',
      'managerName',
      'mean',
    ]);
  });
});
