import { describe, expect, it } from 'vitest';
import { peerAnswersSchema, peerAssignmentOpen, peerReviewOpen } from '#domain/peer-review.ts';
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
