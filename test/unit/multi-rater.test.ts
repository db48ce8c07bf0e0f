import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#domain/cycle.ts';
import {
  checkPeerAssignment,
  MAX_PEER_REVIEWERS,
  upwardReviews,
  type DirectoryPerson,
  type UpwardCandidate,
} from '#domain/multi-rater.ts';

const DIRECTORY = new Map<string, DirectoryPerson>([
  ['e1', { active: true, name: 'Ann Early' }],
  ['e2', { active: true, name: 'Bob Prompt' }],
  ['e3', { active: true, name: 'Cleo Calm' }],
  ['e4', { active: true, name: 'Dan Deep' }],
  ['e5', { active: true, name: 'Eva Even' }],
  ['e6', { active: true, name: 'Finn Fast' }],
  ['e7', { active: true, name: 'Gus Good' }],
  ['x1', { active: false, name: 'Xena Left' }],
]);
const lookup = (id: string) => DIRECTORY.get(id);

/** The problems a call is refused with; fails when it is not refused with a RuleViolation. */
function problemsOf(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolation);
    return (error as RuleViolation).details;
  }
  throw new Error('expected a RuleViolation, the call was accepted');
}

describe('checkPeerAssignment', () => {
  it('accepts up to 5 active colleagues and adds them in the order asked', () => {
    expect(MAX_PEER_REVIEWERS).toBe(5);
    expect(checkPeerAssignment('e1', ['e4', 'e2', 'e3', 'e5', 'e6'], lookup)).toStrictEqual({
      added: ['e4', 'e2', 'e3', 'e5', 'e6'],
      alreadyAssigned: [],
      reviewers: ['e4', 'e2', 'e3', 'e5', 'e6'],
    });
  });

  it('refuses a sixth reviewer, naming the person and how many they would have', () => {
    expect(problemsOf(() => checkPeerAssignment('e1', ['e2', 'e3', 'e4', 'e5', 'e6', 'e7'], lookup))).toStrictEqual([
      'at most 5 reviewers per person: e1 would have 6',
    ]);
  });

  it('refuses none', () => {
    expect(problemsOf(() => checkPeerAssignment('e1', [], lookup))).toStrictEqual([
      'name at least one reviewer for e1',
    ]);
  });

  it('refuses the person as their own reviewer', () => {
    expect(problemsOf(() => checkPeerAssignment('e1', ['e2', 'e1'], lookup))).toStrictEqual([
      'e1 cannot review themself',
    ]);
  });

  it('refuses an id named twice, once however often it repeats', () => {
    expect(problemsOf(() => checkPeerAssignment('e1', ['e2', 'e3', 'e2', 'e2'], lookup))).toStrictEqual([
      'e2 is named more than once',
    ]);
  });

  it('refuses someone not in the directory and someone deactivated, naming each', () => {
    expect(problemsOf(() => checkPeerAssignment('e1', ['nobody', 'e2', 'x1'], lookup))).toStrictEqual([
      'no employee nobody in the directory',
      'x1 (Xena Left) is deactivated: only active people review',
    ]);
  });

  it('lists every problem at once, each naming its id', () => {
    expect(
      problemsOf(() => checkPeerAssignment('e1', ['e1', 'x1', 'ghost', 'e2', 'e2', 'e3', 'e4', 'e5', 'e6'], lookup)),
    ).toStrictEqual([
      'e1 cannot review themself',
      'x1 (Xena Left) is deactivated: only active people review',
      'no employee ghost in the directory',
      'e2 is named more than once',
      'at most 5 reviewers per person: e1 would have 7',
    ]);
  });

  describe('a second assignment of the same person', () => {
    it('adds to the first, without adding a reviewer already assigned twice', () => {
      expect(checkPeerAssignment('e1', ['e3', 'e4', 'e5'], lookup, ['e2', 'e3'])).toStrictEqual({
        added: ['e4', 'e5'],
        alreadyAssigned: ['e3'],
        reviewers: ['e2', 'e3', 'e4', 'e5'],
      });
    });

    it('changes nothing when repeated', () => {
      expect(checkPeerAssignment('e1', ['e2', 'e3'], lookup, ['e2', 'e3'])).toStrictEqual({
        added: [],
        alreadyAssigned: ['e2', 'e3'],
        reviewers: ['e2', 'e3'],
      });
    });

    it('counts the reviewers assigned before toward the limit of 5', () => {
      expect(problemsOf(() => checkPeerAssignment('e1', ['e5', 'e6', 'e7'], lookup, ['e2', 'e3', 'e4']))).toStrictEqual(
        ['at most 5 reviewers per person: e1 would have 6 (3 already assigned)'],
      );
      // Those asked again do not count twice: 5 in all is still fine.
      expect(checkPeerAssignment('e1', ['e4', 'e5', 'e6'], lookup, ['e2', 'e3', 'e4']).reviewers).toStrictEqual([
        'e2',
        'e3',
        'e4',
        'e5',
        'e6',
      ]);
    });
  });
});

const PARTICIPANTS: UpwardCandidate[] = [
  { employeeId: 'm1', name: 'Maria Manager', managerKey: 'HR' },
  { employeeId: 'e1', name: 'Ann Early', managerKey: 'm1' },
  { employeeId: 'e2', name: 'Bob Prompt', managerKey: 'm1' },
  { employeeId: 'o1', name: 'Otto Ops', managerKey: 'HR' },
  { employeeId: 'o2', name: 'Olga Ops', managerKey: 'o1' },
];

describe('upwardReviews', () => {
  it('gives an upward review to each participant with a manager, and none to those HR reviews', () => {
    expect(upwardReviews(PARTICIPANTS, 'HR')).toStrictEqual([
      { authorId: 'e1', managerKey: 'm1' },
      { authorId: 'e2', managerKey: 'm1' },
      { authorId: 'o2', managerKey: 'o1' },
    ]);
  });

  it('takes HR’s key as given, so a participant whose reviewer is that key is the one left out', () => {
    expect(upwardReviews(PARTICIPANTS, 'm1').map((review) => review.authorId)).toStrictEqual(['m1', 'o1', 'o2']);
  });

  it('gives the participants asked for, each once', () => {
    expect(upwardReviews(PARTICIPANTS, 'HR', ['o2', 'e1', 'o2'])).toStrictEqual([
      { authorId: 'o2', managerKey: 'o1' },
      { authorId: 'e1', managerKey: 'm1' },
    ]);
  });

  it('refuses to ask for one from someone without a manager, or not in the cycle, naming each', () => {
    expect(problemsOf(() => upwardReviews(PARTICIPANTS, 'HR', ['e1', 'm1', 'z9', 'o1']))).toStrictEqual([
      'm1 (Maria Manager) has no manager to review upward: HR reviews them',
      'z9 does not take part in this cycle',
      'o1 (Otto Ops) has no manager to review upward: HR reviews them',
    ]);
  });
});
