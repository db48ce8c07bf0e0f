import { RuleViolation, type CycleSchedule } from './cycle.ts';
import { DAY_MS } from './time.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The mistakes HR makes when launching a cycle, caught before anything is created: a department typed
 * in another case or with spaces, a second cycle for the same people and quarter, and a manager deadline
 * so close to the self deadline that managers are asked to review and reminded at once.
 */

/** How a department is compared: case and surrounding spaces do not matter. */
export function departmentKey(department: string): string {
  return department.trim().toLowerCase();
}

/**
 * The directory's spelling of the department HR asked for, matched regardless of case and surrounding
 * spaces; a department nobody has is refused with the list of the existing ones.
 */
export function matchDepartment(departments: Iterable<string>, requested: string): string {
  const existing = [...new Set([...departments].map((department) => department.trim()).filter(Boolean))].sort((a, b) =>
    a.localeCompare(b),
  );
  const found = existing.find((department) => departmentKey(department) === departmentKey(requested));
  if (found !== undefined) return found;
  throw new RuleViolation('unknown department', [
    existing.length
      ? `nobody in the directory has department "${requested.trim()}"; the departments are: ${existing.map((department) => `"${department}"`).join(', ')}`
      : 'the directory is empty: import it first',
  ]);
}

export interface RunningCycle {
  cycleId: string;
  name: string;
  period: string;
  participantIds: ReadonlySet<string>;
}

/** The first running cycle of the same period that shares at least one participant with the launch, if any. */
export function overlappingCycle(
  period: string,
  participantIds: Iterable<string>,
  running: readonly RunningCycle[],
): { cycle: RunningCycle; shared: number } | undefined {
  const wanted = [...participantIds];
  for (const cycle of running) {
    if (cycle.period !== period) continue;
    const shared = wanted.filter((id) => cycle.participantIds.has(id)).length;
    if (shared) return { cycle, shared };
  }
  return undefined;
}

/** A readable duration for a warning: whole days, or hours under two days. */
function duration(ms: number): string {
  if (ms >= 2 * DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS} days`;
  const hours = Math.round(ms / HOUR_MS);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * What HR should know about a launch that is allowed: a manager deadline within the reminder lead of the
 * self deadline means the managers' reminder is due when (or before) their review opens, so they get
 * "please review" and "reminder" at once.
 */
export function launchWarnings(schedule: Pick<CycleSchedule, 'selfDue' | 'managerDue' | 'timings'>): string[] {
  const warnings: string[] = [];
  const gap = schedule.managerDue - schedule.selfDue;
  if (gap > 0 && gap <= schedule.timings.reminderLeadMs) {
    warnings.push(
      `the manager deadline is ${duration(gap)} after the self deadline, within the reminder lead of ${duration(schedule.timings.reminderLeadMs)}: ` +
        'managers will get the request to review and the reminder at the same time; move managerDue later or shorten reminderLead to avoid it',
    );
  }
  return warnings;
}
