import { describe, expect, it } from 'vitest';
import { signCursor, verifyCursor } from '../../functions/domain/cursor.ts';
import { type CycleSchedule, DEFAULT_TIMINGS } from '../../functions/domain/cycle.ts';
import {
  countsEveryone,
  addProgress,
  noProgress,
  type PhasePerson,
  personPhaseState,
  phaseStates,
  progressOfPerson,
  resultStates,
  statesAt,
  submissionCount,
} from '../../functions/domain/progress.ts';

const DAY = 86_400_000;
const due = Date.parse('2026-12-14T23:59:59Z');

describe('a phase\u2019s states from its counters', () => {
  it('counts everyone not submitted as pending before the deadline and overdue after it', () => {
    expect(phaseStates(10, 3, 1, due, [], due - DAY)).toEqual({ pending: 6, submitted: 3, late: 1, overdue: 0 });
    expect(phaseStates(10, 3, 1, due, [], due)).toEqual({ pending: 0, submitted: 3, late: 1, overdue: 6 });
  });

  it('keeps someone whose own deadline is later pending past the phase\u2019s deadline, until theirs', () => {
    expect(phaseStates(10, 3, 1, due, [due + 3 * DAY], due + DAY)).toEqual({
      pending: 1,
      submitted: 3,
      late: 1,
      overdue: 5,
    });
    expect(phaseStates(10, 3, 1, due, [due + 3 * DAY], due + 3 * DAY)).toMatchObject({ pending: 0, overdue: 6 });
  });

  it('counts someone whose own deadline is earlier as overdue before the phase\u2019s deadline', () => {
    expect(phaseStates(10, 0, 0, due, [due - 2 * DAY], due - DAY)).toEqual({
      pending: 9,
      submitted: 0,
      late: 0,
      overdue: 1,
    });
  });

  it('takes the states of an ended cycle when it ended: nobody becomes overdue in a cancelled cycle', () => {
    const closedAt = new Date(due - DAY).toISOString();
    expect(statesAt(closedAt, due + 30 * DAY)).toBe(due - DAY);
    expect(statesAt(undefined, due + 30 * DAY)).toBe(due + 30 * DAY);
  });
});

describe('results from the counters', () => {
  const counts = { ...noProgress(), participants: 5, reviewSubmitted: 3, reviewLate: 1, acknowledged: 2, disagreed: 1 };

  it('releases every reviewed person\u2019s result once the release has begun, and none before', () => {
    expect(resultStates({ ...counts, acknowledged: 0, disagreed: 0 }, 'CALIBRATION')).toEqual({
      released: 0,
      acknowledged: 0,
      disagreed: 0,
      unacknowledged: 0,
    });
    expect(resultStates(counts, 'RELEASING')).toMatchObject({ released: 4 });
    expect(resultStates(counts, 'CLOSED')).toEqual({ released: 4, acknowledged: 2, disagreed: 1, unacknowledged: 2 });
  });

  it('recounts a person the way the transactions count them', () => {
    const people = [
      progressOfPerson({ selfStatus: 'SUBMITTED', selfLate: true, reviewStatus: 'PENDING' }),
      progressOfPerson({
        selfStatus: 'SUBMITTED',
        reviewStatus: 'SUBMITTED',
        acknowledgedAt: '2026-12-30T00:00:00Z',
        acknowledgement: { disagree: true },
      }),
      progressOfPerson({ selfStatus: 'PENDING', reviewStatus: 'SUBMITTED', reviewLate: true }),
    ];
    expect(addProgress(people)).toEqual({
      participants: 3,
      selfSubmitted: 1,
      selfLate: 1,
      reviewSubmitted: 1,
      reviewLate: 1,
      acknowledged: 1,
      disagreed: 1,
    });
    expect(submissionCount('self', true)).toEqual({ selfLate: 1 });
    expect(submissionCount('review', false)).toEqual({ reviewSubmitted: 1 });
  });
});

describe('whether the counters count everyone', () => {
  it('holds when the groups add up to the participants, or while the launch has not said how many there are', () => {
    expect(countsEveryone(5, [{ participants: 3 }, { participants: 2 }])).toBe(true);
    expect(countsEveryone(undefined, [])).toBe(true);
  });

  it('fails for a cycle from before the counters, whose groups count fewer people or none', () => {
    expect(countsEveryone(5, [{ participants: 3 }])).toBe(false);
    expect(countsEveryone(5, [])).toBe(false);
  });
});

describe('list cursors', () => {
  const secret = 'a secret for the test';
  const place = { cycleId: 'cyc_0123456789abcdef', list: 'overdue?phase=self' };
  const key = { pk: 'CYCLE#cyc_0123456789abcdef', sk: 'ASMT#e4', gsi1pk: 'SELF#cyc_0123456789abcdef', gsi1sk: 'e4' };

  it('gives back the key it was signed with, for the same cycle and list', () => {
    expect(verifyCursor(signCursor(place, key, secret), place, secret)).toEqual(key);
  });

  it('refuses a cursor whose position was changed, one signed with another secret, and garbage', () => {
    const [body, mac] = signCursor(place, key, secret).split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const moved = Buffer.from(JSON.stringify({ ...payload, k: { ...key, sk: 'ASMT#zz' } })).toString('base64url');
    for (const cursor of [`${moved}.${mac}`, signCursor(place, key, 'another secret'), 'garbage', '', 'a.b.c'])
      expect(() => verifyCursor(cursor, place, secret), cursor).toThrow(
        expect.objectContaining({ message: 'invalid cursor' }),
      );
  });

  it('refuses a cursor of another cycle or another list, saying which', () => {
    const cursor = signCursor(place, key, secret);
    expect(() => verifyCursor(cursor, { ...place, cycleId: 'cyc_fedcba9876543210' }, secret)).toThrow(
      expect.objectContaining({ details: expect.arrayContaining([expect.stringContaining('another cycle')]) }),
    );
    expect(() => verifyCursor(cursor, { ...place, list: 'overdue?phase=manager' }, secret)).toThrow(
      expect.objectContaining({ details: expect.arrayContaining([expect.stringContaining('another list')]) }),
    );
  });
});

describe('a person\u2019s state in a phase', () => {
  const schedule: CycleSchedule = {
    selfDue: due,
    managerDue: due + 10 * DAY,
    timings: DEFAULT_TIMINGS,
    acknowledgementReminderMs: 7 * DAY,
    extensions: { ext: due + 3 * DAY },
    reviewExtensions: { reopened: due + 20 * DAY },
  };
  const person = (employeeId: string, submitted: Partial<PhasePerson> = {}): PhasePerson => ({
    employeeId,
    selfStatus: 'PENDING',
    reviewStatus: 'PENDING',
    ...submitted,
  });

  it('is overdue from the deadline itself, pending just before it', () => {
    expect(personPhaseState(schedule, 'self', person('ann'), due - 1)).toBe('pending');
    expect(personPhaseState(schedule, 'self', person('ann'), due)).toBe('overdue');
  });

  it('reads each person\u2019s own deadline in each phase: an extension, a reopened review', () => {
    expect(personPhaseState(schedule, 'self', person('ext'), due + DAY)).toBe('pending');
    expect(personPhaseState(schedule, 'self', person('ext'), due + 3 * DAY)).toBe('overdue');
    expect(personPhaseState(schedule, 'manager', person('ann'), due + 10 * DAY)).toBe('overdue');
    expect(personPhaseState(schedule, 'manager', person('reopened'), due + 10 * DAY)).toBe('pending');
  });

  it('is submitted, or late, once submitted, whatever the time', () => {
    expect(personPhaseState(schedule, 'self', person('ann', { selfStatus: 'SUBMITTED' }), due + DAY)).toBe('submitted');
    const late = person('ann', { reviewStatus: 'SUBMITTED', reviewLate: true });
    expect(personPhaseState(schedule, 'manager', late, due)).toBe('late');
    expect(personPhaseState(schedule, 'self', late, due)).toBe('overdue');
  });
});
