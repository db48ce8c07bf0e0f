import { describe, expect, it } from 'vitest';
import {
  acknowledgementEndsAt,
  acknowledgementReminderAt,
  allows,
  calibrationReminders,
  checkExtension,
  checkReviewReopening,
  checkLaunchDeadlines,
  DEFAULT_TIMINGS,
  MAX_CYCLE_MS,
  ladderPoints,
  nextCheckpoint,
  phaseAt,
  releaseAt,
  reviewAnswerWindow,
  reviewDueOf,
  RuleViolation,
  selfDueOf,
  stepsDue,
  type CycleAction,
  type CycleSchedule,
  type CycleTimings,
  type LadderProgress,
  type Phase,
} from '#domain/cycle.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

// A cycle launched on 1 Dec, self-assessments due end of 10 Dec Berlin, manager reviews end of 17 Dec Berlin.
const LAUNCH = at('2026-12-01T09:00:00Z');
const SELF_DUE = at('2026-12-10T22:59:59Z');
const MANAGER_DUE = at('2026-12-17T22:59:59Z');

function schedule(extensions: Record<string, number> = {}, timings: CycleTimings = DEFAULT_TIMINGS): CycleSchedule {
  return { selfDue: SELF_DUE, managerDue: MANAGER_DUE, timings, acknowledgementReminderMs: 5 * DAY, extensions };
}

function violation(action: () => void): RuleViolation {
  try {
    action();
  } catch (error) {
    if (error instanceof RuleViolation) return error;
    throw error;
  }
  throw new Error('expected a RuleViolation, nothing was thrown');
}

/** Starts at `from` and keeps taking the next checkpoint until there is none. */
function walk(plan: CycleSchedule, from: number): string[] {
  const seen: string[] = [];
  for (let now: number | undefined = nextCheckpoint(plan, from); now !== undefined; now = nextCheckpoint(plan, now)) {
    seen.push(new Date(now).toISOString());
    if (seen.length > 100) throw new Error(`nextCheckpoint does not terminate: ${seen.slice(0, 10).join(', ')}...`);
  }
  return seen;
}

describe('DEFAULT_TIMINGS', () => {
  it('reminds 3 days before and tells HR 2 days after a deadline', () => {
    expect(DEFAULT_TIMINGS).toStrictEqual({ reminderLeadMs: 3 * DAY, hrGraceMs: 2 * DAY });
  });
});

describe('ladderPoints', () => {
  it('puts the reminder lead before, the overdue mark at and HR escalation grace after the deadline', () => {
    expect(ladderPoints(SELF_DUE, DEFAULT_TIMINGS)).toStrictEqual([
      { step: 'REMINDER', at: at('2026-12-07T22:59:59Z') },
      { step: 'OVERDUE', at: at('2026-12-10T22:59:59Z') },
      { step: 'HR_ESCALATION', at: at('2026-12-12T22:59:59Z') },
    ]);
  });

  it('follows custom timings', () => {
    expect(ladderPoints(1_000_000, { reminderLeadMs: 1000, hrGraceMs: 250 })).toStrictEqual([
      { step: 'REMINDER', at: 999_000 },
      { step: 'OVERDUE', at: 1_000_000 },
      { step: 'HR_ESCALATION', at: 1_000_250 },
    ]);
  });
});

describe('stepsDue', () => {
  const due = SELF_DUE;
  const reminderAt = due - 3 * DAY;
  const hrAt = due + 2 * DAY;
  const none: LadderProgress = {};
  const reminded: LadderProgress = { remindedAt: '2026-12-07T23:00:00.000Z' };
  const overdue: LadderProgress = { ...reminded, overdueAt: '2026-12-10T23:00:00.000Z' };
  const escalated: LadderProgress = { ...overdue, hrEscalatedAt: '2026-12-12T23:00:00.000Z' };

  it.each([
    ['long before the reminder', LAUNCH, []],
    ['1 ms before the reminder', reminderAt - 1, []],
    ['at the reminder', reminderAt, ['REMINDER']],
    ['1 ms after the reminder', reminderAt + 1, ['REMINDER']],
    ['1 ms before the deadline', due - 1, ['REMINDER']],
    ['at the deadline', due, ['OVERDUE']],
    ['1 ms after the deadline', due + 1, ['OVERDUE']],
    ['1 ms before HR escalation', hrAt - 1, ['OVERDUE']],
    ['at HR escalation', hrAt, ['OVERDUE', 'HR_ESCALATION']],
    ['1 ms after HR escalation', hrAt + 1, ['OVERDUE', 'HR_ESCALATION']],
  ] as const)('with nothing done yet, %s owes %j', (_, now, expected) => {
    expect(stepsDue(due, none, now, DEFAULT_TIMINGS)).toStrictEqual(expected);
  });

  it.each([
    ['at the reminder', reminderAt, []],
    ['1 ms before the deadline', due - 1, []],
    ['at the deadline', due, ['OVERDUE']],
    ['at HR escalation', hrAt, ['OVERDUE', 'HR_ESCALATION']],
  ] as const)('once reminded, %s owes %j', (_, now, expected) => {
    expect(stepsDue(due, reminded, now, DEFAULT_TIMINGS)).toStrictEqual(expected);
  });

  it.each([
    ['at the deadline', due, []],
    ['1 ms before HR escalation', hrAt - 1, []],
    ['at HR escalation', hrAt, ['HR_ESCALATION']],
    ['1 ms after HR escalation', hrAt + 1, ['HR_ESCALATION']],
  ] as const)('once marked overdue, %s owes %j', (_, now, expected) => {
    expect(stepsDue(due, overdue, now, DEFAULT_TIMINGS)).toStrictEqual(expected);
  });

  it('owes nothing once the whole ladder has been climbed', () => {
    expect(stepsDue(due, escalated, hrAt + 30 * DAY, DEFAULT_TIMINGS)).toStrictEqual([]);
  });

  it('does not send a late reminder to an item that became due without one', () => {
    expect(stepsDue(due, none, due, DEFAULT_TIMINGS)).not.toContain('REMINDER');
    expect(stepsDue(due, { hrEscalatedAt: '2026-12-12T23:00:00.000Z' }, hrAt + DAY, DEFAULT_TIMINGS)).toStrictEqual([
      'OVERDUE',
    ]);
  });

  it('uses the timings it is given', () => {
    const quick: CycleTimings = { reminderLeadMs: HOUR, hrGraceMs: 30 * 60_000 };
    expect(stepsDue(due, none, due - HOUR - 1, quick)).toStrictEqual([]);
    expect(stepsDue(due, none, due - HOUR, quick)).toStrictEqual(['REMINDER']);
    expect(stepsDue(due, none, due + 30 * 60_000 - 1, quick)).toStrictEqual(['OVERDUE']);
    expect(stepsDue(due, none, due + 30 * 60_000, quick)).toStrictEqual(['OVERDUE', 'HR_ESCALATION']);
  });

  it('climbs an extended deadline from its own date, not the cycle one', () => {
    const extended = at('2026-12-14T22:59:59Z');
    expect(stepsDue(extended, none, SELF_DUE, DEFAULT_TIMINGS)).toStrictEqual([]);
    expect(stepsDue(extended, none, extended - 3 * DAY - 1, DEFAULT_TIMINGS)).toStrictEqual([]);
    expect(stepsDue(extended, none, extended - 3 * DAY, DEFAULT_TIMINGS)).toStrictEqual(['REMINDER']);
    expect(stepsDue(extended, none, extended - 1, DEFAULT_TIMINGS)).toStrictEqual(['REMINDER']);
    expect(stepsDue(extended, none, extended, DEFAULT_TIMINGS)).toStrictEqual(['OVERDUE']);
    expect(stepsDue(extended, none, extended + 2 * DAY - 1, DEFAULT_TIMINGS)).toStrictEqual(['OVERDUE']);
    expect(stepsDue(extended, none, extended + 2 * DAY, DEFAULT_TIMINGS)).toStrictEqual(['OVERDUE', 'HR_ESCALATION']);
  });
});

describe('selfDueOf and releaseAt', () => {
  it('gives the cycle deadline to people without an extension and theirs to those with one', () => {
    const plan = schedule({ E7: at('2026-12-14T22:59:59Z') });
    expect(selfDueOf(plan, 'E7')).toBe(at('2026-12-14T22:59:59Z'));
    expect(selfDueOf(plan, 'E8')).toBe(SELF_DUE);
    expect(selfDueOf(plan, 'e7')).toBe(SELF_DUE);
  });

  it('releases results when the manager ladder has run out', () => {
    expect(releaseAt(schedule())).toBe(at('2026-12-19T22:59:59Z'));
    expect(releaseAt(schedule({}, { reminderLeadMs: DAY, hrGraceMs: HOUR }))).toBe(MANAGER_DUE + HOUR);
  });
});

describe('acknowledgementReminderAt and acknowledgementEndsAt', () => {
  it('reminds once the reminder interval after the release, and leaves as long again after the reminder', () => {
    expect(acknowledgementReminderAt(schedule())).toBe(at('2026-12-24T22:59:59Z'));
    expect(acknowledgementEndsAt(schedule())).toBe(at('2026-12-29T22:59:59Z'));
    const quick = { ...schedule({}, { reminderLeadMs: DAY, hrGraceMs: HOUR }), acknowledgementReminderMs: DAY };
    expect(acknowledgementReminderAt(quick)).toBe(MANAGER_DUE + HOUR + DAY);
    expect(acknowledgementEndsAt(quick)).toBe(MANAGER_DUE + HOUR + 2 * DAY);
  });

  it('does not move for an extension', () => {
    const extended = schedule({ E7: MANAGER_DUE });
    expect(acknowledgementReminderAt(extended)).toBe(acknowledgementReminderAt(schedule()));
    expect(acknowledgementEndsAt(extended)).toBe(acknowledgementEndsAt(schedule()));
  });
});

describe('phaseAt', () => {
  const release = at('2026-12-19T22:59:59Z');

  it.each([
    [LAUNCH, 'SELF_REVIEW'],
    [SELF_DUE - 1, 'SELF_REVIEW'],
    [SELF_DUE, 'MANAGER_REVIEW'],
    [SELF_DUE + 1, 'MANAGER_REVIEW'],
    [MANAGER_DUE, 'MANAGER_REVIEW'],
    [release - 1, 'MANAGER_REVIEW'],
    [release, 'RELEASING'],
    [release + 1, 'RELEASING'],
  ] as const)('a running cycle at %i is in %s', (now, expected) => {
    expect(phaseAt(schedule(), now, 'SELF_REVIEW')).toBe(expected);
    expect(phaseAt(schedule(), now, 'MANAGER_REVIEW')).toBe(expected);
  });

  it('keeps the manager phase going for the grace period after the manager deadline', () => {
    expect(phaseAt(schedule(), MANAGER_DUE + 2 * DAY - 1, 'MANAGER_REVIEW')).toBe('MANAGER_REVIEW');
  });

  it('does not let extensions hold back the manager phase', () => {
    expect(phaseAt(schedule({ E7: at('2026-12-14T22:59:59Z') }), SELF_DUE, 'SELF_REVIEW')).toBe('MANAGER_REVIEW');
  });

  it.each(['CLOSED', 'CANCELLED', 'RELEASING'] as const satisfies readonly Phase[])(
    'leaves a %s cycle where it is',
    (current) => {
      expect(phaseAt(schedule(), LAUNCH, current)).toBe(current);
      expect(phaseAt(schedule(), SELF_DUE, current)).toBe(current);
      expect(phaseAt(schedule(), release + DAY, current)).toBe(current);
    },
  );
});

describe('nextCheckpoint', () => {
  it('walks a whole cycle from launch through every ladder point to the release', () => {
    expect(walk(schedule(), LAUNCH)).toStrictEqual([
      '2026-12-07T22:59:59.000Z', // self reminder
      '2026-12-10T22:59:59.000Z', // self deadline, manager phase starts
      '2026-12-12T22:59:59.000Z', // self HR escalation
      '2026-12-14T22:59:59.000Z', // manager reminder
      '2026-12-17T22:59:59.000Z', // manager deadline
      '2026-12-19T22:59:59.000Z', // manager HR escalation and release
    ]);
  });

  it('adds the ladder of every extended self-assessment to the walk', () => {
    const plan = schedule({ E7: at('2026-12-13T10:00:00Z'), E9: at('2026-12-16T12:00:00Z') });
    expect(walk(plan, LAUNCH)).toStrictEqual([
      '2026-12-07T22:59:59.000Z', // self reminder
      '2026-12-10T10:00:00.000Z', // E7 reminder
      '2026-12-10T22:59:59.000Z', // self deadline
      '2026-12-12T22:59:59.000Z', // self HR escalation
      '2026-12-13T10:00:00.000Z', // E7 deadline
      '2026-12-13T12:00:00.000Z', // E9 reminder
      '2026-12-14T22:59:59.000Z', // manager reminder
      '2026-12-15T10:00:00.000Z', // E7 HR escalation
      '2026-12-16T12:00:00.000Z', // E9 deadline
      '2026-12-17T22:59:59.000Z', // manager deadline
      '2026-12-18T12:00:00.000Z', // E9 HR escalation
      '2026-12-19T22:59:59.000Z', // release
    ]);
  });

  it('adds no instant for an extension to the manager deadline, whose ladder is the manager one', () => {
    // Its reminder, deadline and HR escalation coincide with the manager's, the last one with the release.
    const plan = schedule({ E7: MANAGER_DUE });
    expect(walk(plan, LAUNCH)).toStrictEqual(walk(schedule(), LAUNCH));
  });

  it('starts from wherever the cycle is, skipping points already behind it', () => {
    // Launched after the self reminder would have been due.
    expect(walk(schedule(), at('2026-12-09T08:00:00Z'))).toStrictEqual([
      '2026-12-10T22:59:59.000Z',
      '2026-12-12T22:59:59.000Z',
      '2026-12-14T22:59:59.000Z',
      '2026-12-17T22:59:59.000Z',
      '2026-12-19T22:59:59.000Z',
    ]);
  });

  it('is strictly after now at the exact boundaries', () => {
    const plan = schedule();
    expect(nextCheckpoint(plan, SELF_DUE - 1)).toBe(SELF_DUE);
    expect(nextCheckpoint(plan, SELF_DUE)).toBe(SELF_DUE + 2 * DAY);
    expect(nextCheckpoint(plan, SELF_DUE + 1)).toBe(SELF_DUE + 2 * DAY);
    expect(nextCheckpoint(plan, releaseAt(plan) - 1)).toBe(releaseAt(plan));
  });

  it('has nothing left at and after the release', () => {
    const plan = schedule({ E7: MANAGER_DUE });
    expect(nextCheckpoint(plan, releaseAt(plan))).toBeUndefined();
    expect(nextCheckpoint(plan, releaseAt(plan) + DAY)).toBeUndefined();
  });

  it('follows custom timings', () => {
    const plan = schedule({}, { reminderLeadMs: HOUR, hrGraceMs: 10 * 60_000 });
    expect(walk(plan, LAUNCH)).toStrictEqual([
      '2026-12-10T21:59:59.000Z',
      '2026-12-10T22:59:59.000Z',
      '2026-12-10T23:09:59.000Z',
      '2026-12-17T21:59:59.000Z',
      '2026-12-17T22:59:59.000Z',
      '2026-12-17T23:09:59.000Z',
    ]);
  });

  it('brings every step of every ladder due exactly at a checkpoint', () => {
    // Whatever the walk visits, the step it is for is due at that instant and was not 1 ms earlier.
    const extended = at('2026-12-13T10:00:00Z');
    const plan = schedule({ E7: extended });
    const checkpoints = new Set(walk(plan, LAUNCH).map((iso) => at(iso)));
    for (const due of [SELF_DUE, extended, MANAGER_DUE]) {
      for (const point of ladderPoints(due, plan.timings)) {
        expect(checkpoints.has(point.at), `${point.step} of ${new Date(due).toISOString()}`).toBe(true);
        expect(stepsDue(due, {}, point.at, plan.timings)).toContain(point.step);
        expect(stepsDue(due, {}, point.at - 1, plan.timings)).not.toContain(point.step);
      }
    }
  });
});

describe('checkLaunchDeadlines', () => {
  const plan = (selfDue: number, managerDue: number): CycleSchedule => ({ ...schedule(), selfDue, managerDue });

  it('accepts future, ordered deadlines', () => {
    expect(() => checkLaunchDeadlines(schedule(), LAUNCH, 'Europe/Berlin')).not.toThrow();
    expect(() => checkLaunchDeadlines(plan(LAUNCH + 1, LAUNCH + 2), LAUNCH, 'Europe/Berlin')).not.toThrow();
  });

  it('refuses a self deadline that is not in the future', () => {
    for (const selfDue of [LAUNCH, LAUNCH - 1]) {
      const error = violation(() => checkLaunchDeadlines(plan(selfDue, MANAGER_DUE), LAUNCH, 'Europe/Berlin'));
      expect(error.message).toBe('invalid deadlines');
      expect(error.details).toStrictEqual(['selfDue must be in the future']);
    }
  });

  it('refuses a manager deadline that is not after the self deadline', () => {
    for (const managerDue of [SELF_DUE, SELF_DUE - 1]) {
      expect(
        violation(() => checkLaunchDeadlines(plan(SELF_DUE, managerDue), LAUNCH, 'Europe/Berlin')).details,
      ).toStrictEqual(['managerDue must be after selfDue']);
    }
  });

  it('reports both problems at once', () => {
    const error = violation(() => checkLaunchDeadlines(plan(LAUNCH - DAY, LAUNCH - 2 * DAY), LAUNCH, 'Europe/Berlin'));
    expect(error.name).toBe('RuleViolation');
    expect(error.details).toStrictEqual(['selfDue must be in the future', 'managerDue must be after selfDue']);
  });

  describe('one execution', () => {
    // With the default 2 days of HR grace and the reminder 5 days after the release, the last step comes 7 days after the manager deadline.
    const latestManagerDue = LAUNCH + MAX_CYCLE_MS - 7 * DAY;

    it('is 364 days: a Standard execution runs at most a year, and the last step keeps a day of it', () => {
      expect(MAX_CYCLE_MS).toBe(364 * DAY);
    });

    it('accepts a cycle whose last step comes exactly 364 days after launch', () => {
      const longest = plan(SELF_DUE, latestManagerDue);
      expect(acknowledgementReminderAt(longest) - LAUNCH).toBe(MAX_CYCLE_MS);
      expect(() => checkLaunchDeadlines(longest, LAUNCH, 'Europe/Berlin')).not.toThrow();
    });

    it('refuses one a millisecond longer, naming the limit and the latest manager deadline that fits', () => {
      const error = violation(() =>
        checkLaunchDeadlines(plan(SELF_DUE, latestManagerDue + 1), LAUNCH, 'Europe/Berlin'),
      );
      expect(error.message).toBe('invalid deadlines');
      // 2027-11-23 09:00 UTC is the latest instant; 22 Nov is the last Berlin day that has ended by then.
      expect(error.details).toStrictEqual([
        'the cycle would last 365 days from launch to its last step (the acknowledgement reminder after the manager deadline, the HR grace period and the release); ' +
          "a cycle's workflow is one AWS Step Functions Standard execution, limited to one year, so a cycle may last at most 364 days: managerDue must be 2027-11-22 or earlier",
      ]);
      expect(() =>
        checkLaunchDeadlines(plan(SELF_DUE, at('2027-11-22T22:59:59Z')), LAUNCH, 'Europe/Berlin'),
      ).not.toThrow();
      expect(
        violation(() => checkLaunchDeadlines(plan(SELF_DUE, at('2027-11-23T22:59:59Z')), LAUNCH, 'Europe/Berlin'))
          .details[0],
      ).toContain('managerDue must be 2027-11-22 or earlier');
    });

    it('counts the cycle\u2019s own HR grace and acknowledgement reminder', () => {
      const managerDue = latestManagerDue - 5 * DAY;
      expect(() => checkLaunchDeadlines(plan(SELF_DUE, managerDue), LAUNCH, 'UTC')).not.toThrow();
      const slow = {
        ...plan(SELF_DUE, managerDue),
        timings: { reminderLeadMs: 3 * DAY, hrGraceMs: 7 * DAY },
        acknowledgementReminderMs: 5 * DAY + 1,
      };
      expect(acknowledgementReminderAt(slow) - LAUNCH).toBe(MAX_CYCLE_MS + 1);
      expect(violation(() => checkLaunchDeadlines(slow, LAUNCH, 'UTC')).details[0]).toContain(
        'a cycle may last at most 364 days',
      );
    });

    it('refuses a self deadline in year 9999 with every problem at once', () => {
      const selfDue = at('9999-12-31T22:59:59Z');
      expect(
        violation(() => checkLaunchDeadlines(plan(selfDue, selfDue), LAUNCH, 'Europe/Berlin')).details,
      ).toStrictEqual([
        'managerDue must be after selfDue',
        expect.stringMatching(
          /^the cycle would last 2912116 days from launch .* managerDue must be 2027-11-22 or earlier$/,
        ),
      ]);
    });
  });
});

describe('checkExtension', () => {
  const now = at('2026-12-09T12:00:00Z');

  it('accepts a later deadline up to and including the manager deadline', () => {
    expect(() => checkExtension(schedule(), 'E7', SELF_DUE + 1, now)).not.toThrow();
    expect(() => checkExtension(schedule(), 'E7', MANAGER_DUE, now)).not.toThrow();
  });

  it('never moves the cycle\u2019s last step, so a cycle that fits one execution still does', () => {
    const longest: CycleSchedule = { ...schedule(), managerDue: LAUNCH + MAX_CYCLE_MS - 7 * DAY };
    expect(() => checkExtension(longest, 'E7', longest.managerDue, now)).not.toThrow();
    expect(acknowledgementReminderAt({ ...longest, extensions: { E7: longest.managerDue } })).toBe(
      LAUNCH + MAX_CYCLE_MS,
    );
    expect(violation(() => checkExtension(longest, 'E7', longest.managerDue + 1, now)).details).toStrictEqual([
      'until must not be after the manager deadline, so the manager can still review',
    ]);
  });

  it('refuses a deadline after the manager deadline', () => {
    expect(violation(() => checkExtension(schedule(), 'E7', MANAGER_DUE + 1, now)).details).toStrictEqual([
      'until must not be after the manager deadline, so the manager can still review',
    ]);
  });

  it('refuses a deadline that is not after the current one', () => {
    for (const until of [SELF_DUE, SELF_DUE - HOUR]) {
      const error = violation(() => checkExtension(schedule(), 'E7', until, now));
      expect(error.message).toBe('invalid extension');
      expect(error.details).toStrictEqual(['until must be after the current deadline']);
    }
  });

  it('measures a second extension against the first one', () => {
    const plan = schedule({ E7: at('2026-12-14T22:59:59Z') });
    expect(violation(() => checkExtension(plan, 'E7', at('2026-12-12T22:59:59Z'), now)).details).toStrictEqual([
      'until must be after the current deadline',
    ]);
    expect(() => checkExtension(plan, 'E7', at('2026-12-14T22:59:59Z') + 1, now)).not.toThrow();
    // Someone else is still measured against the cycle deadline.
    expect(() => checkExtension(plan, 'E8', at('2026-12-12T22:59:59Z'), now)).not.toThrow();
  });

  it('refuses a deadline that is not in the future', () => {
    const late = SELF_DUE + DAY;
    expect(violation(() => checkExtension(schedule(), 'E7', late, late)).details).toStrictEqual([
      'until must be in the future',
    ]);
    expect(() => checkExtension(schedule(), 'E7', late + 1, late)).not.toThrow();
  });

  it('reports every problem at once', () => {
    expect(violation(() => checkExtension(schedule(), 'E7', SELF_DUE, SELF_DUE + DAY)).details).toStrictEqual([
      'until must be in the future',
      'until must be after the current deadline',
    ]);
  });
});

describe('a calibrated cycle', () => {
  const CALIBRATION_DUE = at('2026-12-24T22:59:59Z');
  const calibrated = (more: Partial<CycleSchedule> = {}): CycleSchedule => ({
    ...schedule(),
    calibrationDue: CALIBRATION_DUE,
    ...more,
  });

  it('enters calibration at the manager deadline and stays there whatever the clock says: only HR releases', () => {
    expect(phaseAt(calibrated(), MANAGER_DUE - 1, 'MANAGER_REVIEW')).toBe('MANAGER_REVIEW');
    expect(phaseAt(calibrated(), MANAGER_DUE + 1, 'MANAGER_REVIEW')).toBe('CALIBRATION');
    // Past the release a cycle without calibration would have reached, and long past the calibration due date.
    expect(phaseAt(calibrated(), MANAGER_DUE + DEFAULT_TIMINGS.hrGraceMs + HOUR, 'MANAGER_REVIEW')).toBe('CALIBRATION');
    expect(phaseAt(calibrated(), CALIBRATION_DUE + 90 * DAY, 'CALIBRATION')).toBe('CALIBRATION');
    expect(phaseAt(schedule(), MANAGER_DUE + DEFAULT_TIMINGS.hrGraceMs + HOUR, 'MANAGER_REVIEW')).toBe('RELEASING');
  });

  it('plans the release for the calibration due date, and counts the acknowledgement period from HR\u2019s actual release', () => {
    expect(releaseAt(calibrated())).toBe(CALIBRATION_DUE);
    const released = CALIBRATION_DUE + 10 * DAY;
    expect(releaseAt(calibrated({ releasedAt: released }))).toBe(released);
    expect(acknowledgementEndsAt(calibrated({ releasedAt: released }))).toBe(released + 10 * DAY);
  });

  it('allows each action in its phases only', () => {
    const phases: Phase[] = ['SELF_REVIEW', 'MANAGER_REVIEW', 'CALIBRATION', 'RELEASING', 'CLOSED', 'CANCELLED'];
    const allowed = (action: CycleAction) => phases.filter((phase) => allows(phase, action));
    expect(allowed('submit-review')).toEqual(['MANAGER_REVIEW', 'CALIBRATION']);
    expect(allowed('reopen-review')).toEqual(['MANAGER_REVIEW', 'CALIBRATION']);
    expect(allowed('adjust-rating')).toEqual(['CALIBRATION']);
    expect(allowed('release')).toEqual(['CALIBRATION']);
  });

  it('checks the manager ladder, reopened reviews and HR\u2019s two calibration reminders, then has nothing left: the execution ends', () => {
    const lead = DEFAULT_TIMINGS.reminderLeadMs;
    expect(calibrationReminders(calibrated() as CycleSchedule & { calibrationDue: number })).toEqual([
      { step: 'CALIBRATION_REMINDER', at: CALIBRATION_DUE - lead },
      { step: 'CALIBRATION_DUE', at: CALIBRATION_DUE },
    ]);
    // After the manager ladder's HR step (deadline + grace), the next point is HR's reminder, then the due date.
    expect(nextCheckpoint(calibrated(), MANAGER_DUE + DEFAULT_TIMINGS.hrGraceMs)).toBe(CALIBRATION_DUE - lead);
    expect(nextCheckpoint(calibrated(), CALIBRATION_DUE - lead)).toBe(CALIBRATION_DUE);
    expect(nextCheckpoint(calibrated(), CALIBRATION_DUE)).toBeUndefined();
    // A review reopened until after the calibration due date keeps the workflow waiting for its ladder.
    const reopenedUntil = CALIBRATION_DUE + 5 * DAY;
    const reopened = calibrated({ reviewExtensions: { e2: reopenedUntil } });
    expect(reviewDueOf(reopened, 'e2')).toBe(reopenedUntil);
    expect(reviewDueOf(reopened, 'e1')).toBe(MANAGER_DUE);
    expect(nextCheckpoint(reopened, CALIBRATION_DUE)).toBe(reopenedUntil - lead);
    expect(nextCheckpoint(reopened, reopenedUntil + DEFAULT_TIMINGS.hrGraceMs)).toBeUndefined();
  });

  it('takes a missing review in calibration, late, but no longer changes a submitted one', () => {
    expect(reviewAnswerWindow('MANAGER_REVIEW', true)).toBe('editable');
    expect(reviewAnswerWindow('CALIBRATION', false)).toBe('open');
    expect(reviewAnswerWindow('CALIBRATION', true)).toBe('closed');
    expect(reviewAnswerWindow('RELEASING', false)).toBe('closed');
  });

  it('refuses a calibration due date that is not after the manager deadline', () => {
    expect(
      violation(() => checkLaunchDeadlines(calibrated({ calibrationDue: MANAGER_DUE }), LAUNCH, 'Europe/Berlin'))
        .details,
    ).toEqual(['calibrationDue must be after managerDue']);
    expect(() => checkLaunchDeadlines(calibrated(), LAUNCH, 'Europe/Berlin')).not.toThrow();
  });

  it('reopens a review to a later date: before the release where the cycle releases by itself, any time within a year where HR releases', () => {
    const now = MANAGER_DUE + HOUR;
    expect(violation(() => checkReviewReopening(schedule(), 'e2', MANAGER_DUE, now)).details).toEqual([
      'until must be in the future',
      'until must be after the current deadline of the review',
    ]);
    expect(violation(() => checkReviewReopening(schedule(), 'e2', releaseAt(schedule()), now)).details).toEqual([
      'until must be before the results are released (the manager deadline and the HR grace period)',
    ]);
    expect(() => checkReviewReopening(schedule(), 'e2', releaseAt(schedule()) - HOUR, now)).not.toThrow();
    expect(() => checkReviewReopening(calibrated(), 'e2', CALIBRATION_DUE + 30 * DAY, now)).not.toThrow();
    expect(violation(() => checkReviewReopening(calibrated(), 'e2', now + MAX_CYCLE_MS + DAY, now)).details).toEqual([
      `until must be within ${MAX_CYCLE_MS / DAY} days: a cycle's workflow waits at most that long`,
    ]);
  });
});
