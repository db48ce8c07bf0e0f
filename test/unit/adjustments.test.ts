import { describe, expect, it } from 'vitest';
import {
  countPlan,
  MAX_REASON_LENGTH,
  parseAdjustmentFile,
  planAdjustments,
  type CalibrationParticipant,
} from '#domain/adjustments.ts';
import { finalResultOf } from '#domain/calibration.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { DEFAULT_SCALE } from '#domain/review-form.ts';

function refusalOf(text: string): string[] {
  try {
    parseAdjustmentFile(text);
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    expect(error.message).toBe('calibration file refused: nothing was changed');
    return error.details;
  }
  throw new Error('expected the file to be refused');
}

describe('parseAdjustmentFile', () => {
  it('reads each line with its line number in the file, blank lines skipped', () => {
    expect(
      parseAdjustmentFile('employeeId,rating,reason\ne1,4,Led the migration\n\ne2,2,"Missed targets, twice"\n'),
    ).toEqual([
      { line: 2, employeeId: 'e1', rating: '4', reason: 'Led the migration' },
      { line: 4, employeeId: 'e2', rating: '2', reason: 'Missed targets, twice' },
    ]);
  });

  it('takes the header in any case and order, with a BOM, semicolons and CRLF, and ignores other columns', () => {
    expect(parseAdjustmentFile('\uFEFFReason;Name;RATING;Employee ID\r\nLed it;Ann;4;e1\r\n')).toEqual([
      { line: 2, employeeId: 'e1', rating: '4', reason: 'Led it' },
    ]);
  });

  it('refuses a file without the header, naming the missing columns', () => {
    expect(refusalOf('e1,4,Led it\n')).toEqual([
      'line 1: the header must name the columns employeeId,rating,reason (any case), separated by commas, semicolons or tabs; missing: employeeId, rating, reason',
    ]);
    expect(refusalOf('employeeId,rating\ne1,4\n')[0]).toMatch(/missing: reason$/);
  });

  it('refuses an empty file, a header alone, and a broken quote, by line', () => {
    expect(refusalOf('')[0]).toMatch(/^line 1: the header must name/);
    expect(refusalOf('employeeId,rating,reason\n')).toEqual(['line 1: no adjustments after the header']);
    expect(refusalOf('employeeId,rating,reason\ne1,4,ok\ne2,3,"unterminated\n')[0]).toMatch(
      /^line \d+: not valid CSV: /,
    );
  });

  it('keeps a short line\u2019s missing fields empty, for the plan to refuse', () => {
    expect(parseAdjustmentFile('employeeId,rating,reason\ne1,4\n')).toEqual([
      { line: 2, employeeId: 'e1', rating: '4', reason: '' },
    ]);
  });
});

const score = (value: number, label: string) => ({ value, label, basis: 'goals' as const });
const participants = new Map<string, CalibrationParticipant>([
  [
    'e1',
    { employeeId: 'e1', name: 'Ann', reviewStatus: 'SUBMITTED', review: { score: score(3.4, 'Meets expectations') } },
  ],
  [
    'e2',
    {
      employeeId: 'e2',
      name: 'Bob',
      reviewStatus: 'SUBMITTED',
      review: { score: score(2, 'Partly meets expectations') },
      adjustment: { rating: 3, reason: 'Carried the team', by: 'hr:x', at: '2026-12-01T10:00:00.000Z', from: 2 },
    },
  ],
  ['e3', { employeeId: 'e3', name: 'Cid', reviewStatus: 'PENDING' }],
  [
    'e4',
    { employeeId: 'e4', name: 'Dee', reviewStatus: 'SUBMITTED', review: { score: score(4, 'Exceeds expectations') } },
  ],
]);
const plan = (lines: { employeeId: string; rating: number | string; reason: string; line?: number }[]) =>
  planAdjustments(lines, DEFAULT_SCALE, participants);

describe('planAdjustments', () => {
  it('plans a change from the final rating in force: the score, or HR\u2019s earlier adjustment', () => {
    expect(plan([{ employeeId: 'e1', rating: 4, reason: ' Led the migration ' }])).toEqual([
      {
        employeeId: 'e1',
        outcome: 'change',
        from: 3.4,
        to: 4,
        reason: 'Led the migration',
        participant: participants.get('e1'),
      },
    ]);
    expect(plan([{ employeeId: 'e2', rating: '4', reason: 'More on reflection' }])).toMatchObject([
      { outcome: 'change', from: 3, to: 4 },
    ]);
  });

  it('is unchanged when the rating and reason are in force already, or the rating is the score and nothing was adjusted', () => {
    expect(plan([{ employeeId: 'e2', rating: 3, reason: 'Carried the team' }])).toEqual([
      { employeeId: 'e2', outcome: 'unchanged', rating: 3, reason: 'Carried the team' },
    ]);
    expect(plan([{ employeeId: 'e4', rating: '4', reason: 'Confirmed' }])).toMatchObject([
      { outcome: 'unchanged', rating: 4 },
    ]);
  });

  it('leaves a row of the calibration export as it was (the final rating at its scale point, no reason) unchanged, and refuses a changed one without a reason', () => {
    // e1's score 3.4 is exported as 3; e2's adjusted 3 as 3.
    expect(
      plan([
        { employeeId: 'e1', rating: '3', reason: '' },
        { employeeId: 'e2', rating: '3', reason: ' ' },
      ]),
    ).toMatchObject([
      { outcome: 'unchanged', rating: 3 },
      { outcome: 'unchanged', rating: 3 },
    ]);
    expect(plan([{ employeeId: 'e1', rating: '4', reason: '' }])).toMatchObject([
      { outcome: 'refused', problem: 'reason is required: say why the rating changes' },
    ]);
  });

  it('plans a new reason for the same adjusted rating as a change: the manager is told it', () => {
    expect(plan([{ employeeId: 'e2', rating: 3, reason: 'Also mentored two juniors' }])).toMatchObject([
      { outcome: 'change', from: 3, to: 3, reason: 'Also mentored two juniors' },
    ]);
  });

  it('refuses, with the reason, a rating off the scale, an empty or overlong reason, a bad id, all at once', () => {
    const refused = plan([
      { line: 2, employeeId: 'e1', rating: '7', reason: 'x' },
      { line: 3, employeeId: 'e2', rating: '3.5', reason: 'x' },
      { line: 4, employeeId: 'e3', rating: 'four', reason: '  ' },
      { line: 5, employeeId: 'e4', rating: 4, reason: 'r'.repeat(MAX_REASON_LENGTH + 1) },
      { line: 6, employeeId: 'bad id!', rating: '', reason: 'x' },
      { line: 7, employeeId: 'e9', rating: 4, reason: 'two\nlines' },
    ]);
    expect(
      refused.map((entry) => (entry.outcome === 'refused' ? [entry.line, entry.code, entry.problem] : entry)),
    ).toEqual([
      [2, 'invalid', 'rating "7" is not a point of the cycle\'s scale (1, 2, 3, 4, 5)'],
      [3, 'invalid', 'rating "3.5" is not a point of the cycle\'s scale (1, 2, 3, 4, 5)'],
      [
        4,
        'invalid',
        'rating "four" is not a point of the cycle\'s scale (1, 2, 3, 4, 5); reason is required: say why the rating changes',
      ],
      [5, 'invalid', `reason is longer than ${MAX_REASON_LENGTH} characters`],
      [
        6,
        'invalid',
        'employeeId: 1-64 letters, digits, dot, dash or underscore; rating "" is not a point of the cycle\'s scale (1, 2, 3, 4, 5)',
      ],
      [7, 'invalid', 'reason must not contain line breaks or control characters'],
    ]);
  });

  it('refuses someone not in the cycle, someone without a submitted review, and a second line for one person (any case)', () => {
    const refused = plan([
      { line: 2, employeeId: 'e9', rating: 3, reason: 'x' },
      { line: 3, employeeId: 'e3', rating: 3, reason: 'x' },
      { line: 4, employeeId: 'e1', rating: 4, reason: 'x' },
      { line: 5, employeeId: 'E1', rating: 2, reason: 'y' },
      { line: 6, employeeId: 'e4', rating: 9, reason: 'y' },
      { line: 7, employeeId: 'e4', rating: 5, reason: 'y' },
    ]);
    expect(
      refused.map((entry) => [
        entry.line,
        entry.outcome,
        entry.outcome === 'refused' ? `${entry.code}: ${entry.problem}` : '',
      ]),
    ).toEqual([
      [2, 'refused', 'not-participant: e9 is not a participant of this cycle'],
      [3, 'refused', 'no-review: e3 has no submitted manager review: there is no rating to adjust'],
      [4, 'change', ''],
      [5, 'refused', 'duplicate: E1 is adjusted twice in this file (first on line 4)'],
      [6, 'refused', 'invalid: rating "9" is not a point of the cycle\'s scale (1, 2, 3, 4, 5)'],
      [7, 'refused', 'duplicate: e4 is adjusted twice in this file (first on line 6)'],
    ]);
  });

  it('counts changes, unchanged and refused lines', () => {
    const lines = plan([
      { line: 2, employeeId: 'e1', rating: 4, reason: 'x' },
      { line: 3, employeeId: 'e2', rating: 3, reason: 'Carried the team' },
      { line: 4, employeeId: 'e9', rating: 3, reason: 'x' },
      { line: 5, employeeId: 'e4', rating: 5, reason: 'x' },
    ]);
    expect(countPlan(lines)).toEqual({ change: 2, unchanged: 1, refused: 1 });
  });
});

describe('finalResultOf', () => {
  const review = { score: score(3.4, 'Meets expectations') };
  it('is the score with its label until HR adjusts it, then HR\u2019s point of the scale, marked calibrated', () => {
    expect(finalResultOf(review, DEFAULT_SCALE)).toEqual({
      value: 3.4,
      label: 'Meets expectations',
      calibrated: false,
    });
    expect(finalResultOf(review, DEFAULT_SCALE, { rating: 5, reason: 'x', by: 'hr:x', at: 'now', from: 3.4 })).toEqual({
      value: 5,
      label: 'Exceptional',
      calibrated: true,
    });
  });
});
