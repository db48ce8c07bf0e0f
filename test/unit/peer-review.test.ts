import { describe, expect, it } from 'vitest';
import {
  peerAnswersForEmployee,
  peerAnswersSchema,
  peerAssignmentOpen,
  peerCompletion,
  peerReviewOpen,
} from '#domain/peer-review.ts';
import { DEFAULT_PEER_QUESTIONS, DEFAULT_SCALE } from '#domain/review-form.ts';

const DUE = Date.parse('2026-12-10T23:59:59Z');

describe('peer review windows', () => {
  it('assigns only in the self-assessment phase, before its deadline', () => {
    expect(peerAssignmentOpen('SELF_REVIEW', DUE - 1, DUE)).toBe(true);
    expect(peerAssignmentOpen('SELF_REVIEW', DUE, DUE)).toBe(false);
    for (const phase of ['MANAGER_REVIEW', 'CALIBRATION', 'RELEASING', 'CLOSED', 'CANCELLED'] as const)
      expect(peerAssignmentOpen(phase, DUE - 1, DUE)).toBe(false);
  });

  it('takes answers until the reviewed person\u2019s self deadline, which an extension may carry into the manager phase', () => {
    expect(peerReviewOpen('SELF_REVIEW', DUE, DUE)).toBe(true);
    expect(peerReviewOpen('SELF_REVIEW', DUE + 1, DUE)).toBe(false);
    expect(peerReviewOpen('MANAGER_REVIEW', DUE - 1, DUE)).toBe(true);
    expect(peerReviewOpen('CANCELLED', DUE - 1, DUE)).toBe(false);
    expect(peerReviewOpen('CALIBRATION', DUE - 1, DUE)).toBe(false);
  });
});

describe('peerAnswersSchema', () => {
  const schema = peerAnswersSchema(DEFAULT_SCALE, DEFAULT_PEER_QUESTIONS);
  const answers = { doesWell: ' Plans well ', doDifferently: 'Share drafts\r\nearlier' };

  it('takes an answer to each question, trimmed, and an optional rating on the scale', () => {
    expect(schema.parse({ answers, rating: '4' })).toEqual({
      answers: { doesWell: 'Plans well', doDifferently: 'Share drafts\nearlier' },
      rating: 4,
    });
    expect(schema.parse({ answers, rating: '' })).toEqual({
      answers: { doesWell: 'Plans well', doDifferently: 'Share drafts\nearlier' },
    });
  });

  it('refuses a missing answer or a rating off the scale, naming the question', () => {
    const refused = schema.safeParse({ answers: { doesWell: '  ', doDifferently: 'x' }, rating: '0' });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues.map((issue) => issue.message)).toEqual([
      'What does this person do well when working with you? is required',
      'Rating: choose one of 1, 2, 3, 4, 5, or no rating',
    ]);
    expect(schema.safeParse({ answers, rating: '3.5' }).success).toBe(false);
  });
});

describe('peerCompletion', () => {
  const count = (managerKey: string, managerName: string, department: string, asked: number, answered: number) => ({
    managerKey,
    managerName,
    department,
    asked,
    answered,
  });

  it('sums each department and each manager across the other, with their share answered, none asked as 0 %', () => {
    expect(
      peerCompletion(
        [
          count('m2', 'Zoe Lead', 'Sales', 3, 2),
          count('HR', 'HR', 'Sales', 1, 1),
          count('m1', 'Amir Boss', 'Ops', 0, 0),
          count('m2', 'Zoe Lead', 'Eng', 4, 4),
          count('m3', 'Amir Boss', 'Eng', 2, 0),
        ],
        'HR',
      ),
    ).toEqual({
      asked: 10,
      answered: 7,
      completion: 70,
      byDepartment: [
        { department: 'Eng', asked: 6, answered: 4, completion: 66.7 },
        { department: 'Ops', asked: 0, answered: 0, completion: 0 },
        { department: 'Sales', asked: 4, answered: 3, completion: 75 },
      ],
      // By name, two of the same name by key, and those HR reviews last, with no manager.
      byManager: [
        { managerKey: 'm1', managerName: 'Amir Boss', asked: 0, answered: 0, completion: 0 },
        { managerKey: 'm3', managerName: 'Amir Boss', asked: 2, answered: 0, completion: 0 },
        { managerKey: 'm2', managerName: 'Zoe Lead', asked: 7, answered: 6, completion: 85.7 },
        { managerKey: null, managerName: null, asked: 1, answered: 1, completion: 100 },
      ],
    });
    expect(peerCompletion([], 'HR')).toEqual({
      asked: 0,
      answered: 0,
      completion: 0,
      byDepartment: [],
      byManager: [],
    });
  });
});

describe('peerAnswersForEmployee', () => {
  const answered = [
    { reviewerName: 'Zed', answers: { doesWell: 'b' }, rating: 4 },
    { reviewerName: 'Amy', answers: { doesWell: 'a' } },
  ];

  it('leaves the names out unless named, in an order set by the answers, not by who answered first', () => {
    const anonymous = peerAnswersForEmployee(answered, 'anonymous');
    expect(anonymous).toEqual([{ answers: { doesWell: 'a' } }, { answers: { doesWell: 'b' }, rating: 4 }]);
    expect(JSON.stringify(anonymous)).not.toMatch(/Zed|Amy/);
    expect(peerAnswersForEmployee([...answered].reverse(), 'anonymous')).toEqual(anonymous);
    expect(peerAnswersForEmployee(answered, 'named').map((answer) => answer.reviewerName)).toEqual(['Zed', 'Amy']);
  });
});
