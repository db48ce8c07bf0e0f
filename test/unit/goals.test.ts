import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#domain/cycle.ts';
import {
  checkNewGoal,
  DEFAULT_GOAL_TIMINGS,
  fullyEscalated,
  goalStepsDue,
  outcomeOf,
  countOutcomes,
  goalTallyMove,
  goalTallyOf,
  isPeriod,
  outcomesOfTally,
  reportedInCycle,
  periodAt,
  periodBounds,
  periodOf,
  recommendedStep,
  type CheckIn,
  type GoalFacts,
} from '#domain/goals.ts';

const DAY = 86_400_000;
const due = Date.parse('2027-01-31T23:59:59Z');
const t = DEFAULT_GOAL_TIMINGS;

function goal(overrides: Partial<GoalFacts> = {}): GoalFacts {
  return { state: 'OPEN', dueAt: due, checkIns: [], escalations: {}, ...overrides };
}
const checkIn = (status: CheckIn['status'], progress = 50): CheckIn => ({
  at: '2027-01-10T10:00:00Z',
  progress,
  status,
});

describe('periodOf', () => {
  it.each([
    ['2027-01-01', '2027-Q1'],
    ['2027-03-31', '2027-Q1'],
    ['2027-04-01', '2027-Q2'],
    ['2027-12-31', '2027-Q4'],
  ])('%s is in %s', (date, period) => expect(periodOf(date)).toBe(period));

  it('refuses an impossible date', () => expect(() => periodOf('2027-02-30')).toThrow(RangeError));
});

describe('periodAt', () => {
  it.each([
    ['2026-12-31T22:30:00Z', 'UTC', '2026-Q4'],
    ['2026-12-31T23:30:00Z', 'Europe/Berlin', '2027-Q1'],
    ['2027-04-01T03:00:00Z', 'America/New_York', '2027-Q1'],
    ['2027-07-01T00:00:00Z', 'Pacific/Auckland', '2027-Q3'],
  ])('%s in %s is in %s (the quarter in that zone)', (instant, zone, period) =>
    expect(periodAt(Date.parse(instant), zone)).toBe(period),
  );
});

describe('periodBounds', () => {
  it.each([
    ['2027-Q1', 'UTC', '2027-01-01T00:00:00.000Z', '2027-03-31T23:59:59.000Z'],
    ['2026-Q4', 'Europe/Berlin', '2026-09-30T22:00:00.000Z', '2026-12-31T22:59:59.000Z'],
    ['2027-Q2', 'America/New_York', '2027-04-01T04:00:00.000Z', '2027-07-01T03:59:59.000Z'],
  ])('%s in %s runs from %s to %s', (period, zone, start, end) => {
    const bounds = periodBounds(period, zone);
    expect(new Date(bounds.start).toISOString()).toBe(start);
    expect(new Date(bounds.end).toISOString()).toBe(end);
  });

  it('refuses what is not a quarter', () => expect(() => periodBounds('2027-Q5', 'UTC')).toThrow(RangeError));
});

describe('isPeriod', () => {
  it.each(['2026-Q1', '2027-Q4'])('accepts %s', (text) => expect(isPeriod(text)).toBe(true));
  it.each(['2026-Q0', '2026-Q5', '2026Q1', '26-Q1', '2026-q1', ''])('refuses %j', (text) =>
    expect(isPeriod(text)).toBe(false),
  );
});

describe('countOutcomes', () => {
  it('counts every outcome, with zeros for the ones that did not happen', () => {
    expect(countOutcomes(['met', 'missed', 'met', 'done-late'])).toStrictEqual({
      open: 0,
      met: 2,
      'done-late': 1,
      missed: 1,
      cancelled: 0,
    });
  });
});

describe('goal tallies', () => {
  const states: Pick<GoalFacts, 'state' | 'dueAt' | 'doneAt'>[] = [
    { state: 'OPEN', dueAt: due },
    { state: 'OPEN', dueAt: due + DAY },
    { state: 'DONE', dueAt: due, doneAt: due - DAY },
    { state: 'DONE', dueAt: due, doneAt: due },
    { state: 'DONE', dueAt: due, doneAt: due + 1 },
    { state: 'CANCELLED', dueAt: due },
  ];

  it.each([due - 1, due, due + 1, due + DAY])('agrees with outcomeOf for every goal at %i', (now) => {
    for (const one of states)
      expect(outcomesOfTally([goalTallyOf(one)], now)).toStrictEqual(countOutcomes([outcomeOf(one, now)]));
    expect(outcomesOfTally(states.map(goalTallyOf), now)).toStrictEqual(
      countOutcomes(states.map((one) => outcomeOf(one, now))),
    );
  });

  it('counts an open goal as open until its due instant and missed from it on, with no write in between', () => {
    const tally = goalTallyOf({ state: 'OPEN', dueAt: due });
    expect(tally).toStrictEqual({ [`open${due}`]: 1 });
    expect(outcomesOfTally([tally], due - 1)).toMatchObject({ open: 1, missed: 0 });
    expect(outcomesOfTally([tally], due)).toMatchObject({ open: 0, missed: 1 });
  });

  it('counts a goal done at its due instant as met, and one done after it as done late', () => {
    expect(goalTallyOf({ state: 'DONE', dueAt: due, doneAt: due })).toStrictEqual({ met: 1 });
    expect(goalTallyOf({ state: 'DONE', dueAt: due, doneAt: due + 1 })).toStrictEqual({ doneLate: 1 });
  });

  it('moves a goal from its open bucket to its outcome, and a new goal into its bucket', () => {
    const open = { state: 'OPEN' as const, dueAt: due };
    expect(goalTallyMove(undefined, open)).toStrictEqual({ [`open${due}`]: 1 });
    expect(goalTallyMove(open, { ...open, state: 'DONE', doneAt: due + 5 })).toStrictEqual({
      doneLate: 1,
      [`open${due}`]: -1,
    });
    expect(goalTallyMove(open, { ...open, state: 'CANCELLED' })).toStrictEqual({ cancelled: 1, [`open${due}`]: -1 });
    expect(goalTallyMove(open, open)).toStrictEqual({});
  });

  it('adds the tallies of several departments, ignoring counts it does not know', () => {
    expect(
      outcomesOfTally(
        [
          { met: 2, [`open${due}`]: 1 },
          { doneLate: 1, cancelled: 3, [`open${due + DAY}`]: 2, other: 9 },
        ],
        due,
      ),
    ).toStrictEqual({ open: 2, met: 2, 'done-late': 1, missed: 1, cancelled: 3 });
  });
});

describe('reportedInCycle', () => {
  const departments = new Set(['Sales', 'Ops']);
  it('reports a goal counted in one of the cycle\u2019s departments, not another\u2019s nor one without a department', () => {
    expect(reportedInCycle({ department: 'Sales' }, departments)).toBe(true);
    expect(reportedInCycle({ department: 'Legal' }, departments)).toBe(false);
    expect(reportedInCycle({}, departments)).toBe(false);
  });
});

describe('checkNewGoal', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('returns the end of the due day in the organisation zone', () => {
    expect(checkNewGoal({ due: '2027-01-31', weight: 30 }, [], 'Europe/Berlin', now)).toBe(
      Date.parse('2027-01-31T22:59:59Z'),
    );
  });

  it('accepts weights that add up to exactly 100', () => {
    expect(() => checkNewGoal({ due: '2027-01-31', weight: 40 }, [30, 30], 'UTC', now)).not.toThrow();
  });

  it('refuses weights over 100 and says how much is left', () => {
    const error = (() => {
      try {
        checkNewGoal({ due: '2027-01-31', weight: 41 }, [30, 30], 'UTC', now);
      } catch (e) {
        return e as RuleViolation;
      }
    })();
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error?.details).toEqual(['weights of open goals in 2027-Q1 would add up to 101; at most 100 (40 left)']);
  });

  it('refuses a due date that has already ended, but takes today', () => {
    expect(() => checkNewGoal({ due: '2026-11-30', weight: 10 }, [], 'UTC', now)).toThrow('invalid goal');
    expect(checkNewGoal({ due: '2026-12-01', weight: 10 }, [], 'UTC', now)).toBe(Date.parse('2026-12-01T23:59:59Z'));
  });
});

describe('goalStepsDue', () => {
  it('owes nothing well before the due date', () => {
    expect(goalStepsDue(goal(), due - t.reminderLeadMs - 1, t)).toEqual([]);
  });

  it('reminds from the lead time until the due day ends', () => {
    expect(goalStepsDue(goal(), due - t.reminderLeadMs, t)).toEqual(['REMINDER']);
    expect(goalStepsDue(goal(), due - 1, t)).toEqual(['REMINDER']);
    expect(goalStepsDue(goal({ escalations: { REMINDER: 'x' } }), due - 1, t)).toEqual([]);
  });

  it('marks the goal missed when the due day has ended, without a late reminder', () => {
    expect(goalStepsDue(goal(), due, t)).toEqual(['MISSED']);
    expect(goalStepsDue(goal({ escalations: { REMINDER: 'x' } }), due, t)).toEqual(['MISSED']);
  });

  it('escalates to HR after the grace period, once', () => {
    expect(goalStepsDue(goal({ escalations: { MISSED: 'x' } }), due + t.hrGraceMs - 1, t)).toEqual([]);
    expect(goalStepsDue(goal({ escalations: { MISSED: 'x' } }), due + t.hrGraceMs, t)).toEqual(['HR_ESCALATION']);
    expect(goalStepsDue(goal({ escalations: { MISSED: 'x', HR_ESCALATION: 'y' } }), due + 30 * DAY, t)).toEqual([]);
  });

  it('owes everything at once to a goal first seen long after its due date', () => {
    expect(goalStepsDue(goal(), due + t.hrGraceMs, t)).toEqual(['MISSED', 'HR_ESCALATION']);
  });

  it('stops for a goal that is done or cancelled', () => {
    expect(goalStepsDue(goal({ state: 'DONE' }), due + 30 * DAY, t)).toEqual([]);
    expect(goalStepsDue(goal({ state: 'CANCELLED' }), due - 1, t)).toEqual([]);
  });

  it('flags two at-risk or off-track check-ins in a row to the manager, once', () => {
    const early = due - 20 * DAY;
    expect(goalStepsDue(goal({ checkIns: [checkIn('AT_RISK')] }), early, t)).toEqual([]);
    expect(goalStepsDue(goal({ checkIns: [checkIn('AT_RISK'), checkIn('ON_TRACK')] }), early, t)).toEqual([]);
    expect(
      goalStepsDue(goal({ checkIns: [checkIn('AT_RISK'), checkIn('ON_TRACK'), checkIn('OFF_TRACK')] }), early, t),
    ).toEqual([]);
    expect(
      goalStepsDue(goal({ checkIns: [checkIn('ON_TRACK'), checkIn('AT_RISK'), checkIn('OFF_TRACK')] }), early, t),
    ).toEqual(['AT_RISK_FLAG']);
    expect(
      goalStepsDue(
        goal({ checkIns: [checkIn('AT_RISK'), checkIn('AT_RISK')], escalations: { AT_RISK_FLAG: 'x' } }),
        early,
        t,
      ),
    ).toEqual([]);
  });

  it('does not flag a streak once the goal is missed: the missed notice says more', () => {
    expect(goalStepsDue(goal({ checkIns: [checkIn('AT_RISK'), checkIn('AT_RISK')] }), due, t)).toEqual(['MISSED']);
  });
});

describe('outcomes and next steps', () => {
  it('tells met, done late, missed, open and cancelled apart', () => {
    expect(outcomeOf(goal({ state: 'DONE', doneAt: due }), due + DAY)).toBe('met');
    expect(outcomeOf(goal({ state: 'DONE', doneAt: due + 1 }), due + DAY)).toBe('done-late');
    expect(outcomeOf(goal(), due)).toBe('missed');
    expect(outcomeOf(goal(), due - 1)).toBe('open');
    expect(outcomeOf(goal({ state: 'CANCELLED' }), due + DAY)).toBe('cancelled');
  });

  it('leaves the watch once done, cancelled or escalated to HR', () => {
    expect(fullyEscalated(goal())).toBe(false);
    expect(fullyEscalated(goal({ escalations: { MISSED: 'x' } }))).toBe(false);
    expect(fullyEscalated(goal({ escalations: { HR_ESCALATION: 'x' } }))).toBe(true);
    expect(fullyEscalated(goal({ state: 'DONE' }))).toBe(true);
  });

  it('recommends a one-to-one first and an improvement plan on repeat misses', () => {
    expect(recommendedStep(0)).toBe('one-to-one');
    expect(recommendedStep(1)).toBe('improvement-plan');
  });
});
