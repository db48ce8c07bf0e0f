import { describe, expect, it } from 'vitest';
import { RuleViolation } from '../../functions/domain/cycle.ts';
import { launchWarnings, matchDepartment, overlappingCycle } from '../../functions/domain/launch-checks.ts';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

function refusal(run: () => unknown): RuleViolation {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolation);
    return error as RuleViolation;
  }
  throw new Error('expected a refusal');
}

describe('matchDepartment', () => {
  const departments = ['Sales', 'Ops', 'Sales', 'Customer Success'];
  it('matches regardless of case and surrounding spaces, answering the directory\u2019s spelling', () => {
    expect(matchDepartment(departments, 'sales')).toBe('Sales');
    expect(matchDepartment(departments, '  SALES ')).toBe('Sales');
    expect(matchDepartment(departments, 'customer success')).toBe('Customer Success');
    expect(matchDepartment([' Ops '], 'ops')).toBe('Ops');
  });
  it('refuses a department nobody has, listing the existing ones once each, sorted', () => {
    const error = refusal(() => matchDepartment(departments, 'Marketing'));
    expect(error.message).toBe('unknown department');
    expect(error.details).toEqual([
      'nobody in the directory has department "Marketing"; the departments are: "Customer Success", "Ops", "Sales"',
    ]);
  });
  it('does not match on a part of a name', () => {
    expect(() => matchDepartment(departments, 'Sale')).toThrow(RuleViolation);
    expect(() => matchDepartment(departments, 'Customer')).toThrow(RuleViolation);
  });
  it('says the directory is empty when it is', () => {
    expect(refusal(() => matchDepartment([], 'Sales')).details).toEqual(['the directory is empty: import it first']);
  });
});

describe('overlappingCycle', () => {
  const running = [
    { cycleId: 'cyc_a', name: 'Sales Q4', period: '2026-Q4', participantIds: new Set(['e1', 'e2']) },
    { cycleId: 'cyc_b', name: 'Ops Q3', period: '2026-Q3', participantIds: new Set(['o1']) },
  ];
  it('finds a running cycle of the same period sharing participants, and how many', () => {
    expect(overlappingCycle('2026-Q4', ['e2', 'e3'], running)).toEqual({ cycle: running[0], shared: 1 });
    expect(overlappingCycle('2026-Q4', ['e1', 'e2', 'o1'], running)).toEqual({ cycle: running[0], shared: 2 });
  });
  it('lets a launch through for other people or another period', () => {
    expect(overlappingCycle('2026-Q4', ['o1', 'e3'], running)).toBeUndefined();
    expect(overlappingCycle('2027-Q1', ['e1', 'e2'], running)).toBeUndefined();
    expect(overlappingCycle('2026-Q4', ['e1'], [])).toBeUndefined();
  });
});

describe('launchWarnings', () => {
  const selfDue = Date.UTC(2026, 11, 10, 23, 59, 59);
  const timings = { reminderLeadMs: 3 * DAY, hrGraceMs: 2 * DAY };
  it('warns when the manager deadline is within the reminder lead of the self deadline', () => {
    const warnings = launchWarnings({ selfDue, managerDue: selfDue + 2 * DAY, timings });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'the manager deadline is 2 days after the self deadline, within the reminder lead of 3 days',
    );
    expect(warnings[0]).toContain('the request to review and the reminder at the same time');
    expect(launchWarnings({ selfDue, managerDue: selfDue + 3 * DAY, timings })).toHaveLength(1);
    expect(
      launchWarnings({
        selfDue,
        managerDue: selfDue + 24 * HOUR,
        timings: { ...timings, reminderLeadMs: 36 * HOUR },
      })[0],
    ).toContain('24 hours after the self deadline, within the reminder lead of 36 hours');
  });
  it('is silent when managers get their reminder after their review opens', () => {
    expect(launchWarnings({ selfDue, managerDue: selfDue + 3 * DAY + HOUR, timings })).toEqual([]);
    expect(launchWarnings({ selfDue, managerDue: selfDue + 10 * DAY, timings })).toEqual([]);
  });
});
