import { DAY_MS, lastDayEndingBy } from './time.ts';

/**
 * Review-cycle rules. A cycle has two deadline phases (self-assessment, then manager review); each
 * pending item climbs the same ladder against its deadline: a reminder before it, the overdue mark and
 * an escalation to the manager at it, and an escalation to HR after a grace period. Results are released
 * when the manager phase's ladder has run out, so managers keep the grace period for late reviews.
 */
/**
 * A calibrated cycle (one launched with a calibration due date) enters CALIBRATION at the manager deadline
 * instead of releasing by itself: HR compares and adjusts ratings, and releases when ready.
 */
export type Phase = 'SELF_REVIEW' | 'MANAGER_REVIEW' | 'CALIBRATION' | 'RELEASING' | 'CLOSED' | 'CANCELLED';
export type ReviewKind = 'self' | 'manager';
export type LadderStep = 'REMINDER' | 'OVERDUE' | 'HR_ESCALATION';

export interface CycleTimings {
  /** How long before a deadline pending people are reminded. */
  reminderLeadMs: number;
  /** How long after a deadline HR is told about what is still pending. */
  hrGraceMs: number;
}

export const DEFAULT_TIMINGS: CycleTimings = { reminderLeadMs: 3 * DAY_MS, hrGraceMs: 2 * DAY_MS };

export interface CycleSchedule {
  selfDue: number;
  managerDue: number;
  timings: CycleTimings;
  /** How long after the release the one reminder to acknowledge the results goes. */
  acknowledgementReminderMs: number;
  /** Per-employee self-assessment deadlines that HR moved. */
  extensions: Record<string, number>;
  /** Set on a calibrated cycle: when HR means to have calibrated; results wait for HR's release. */
  calibrationDue?: number;
  /** When HR released a calibrated cycle's results: the acknowledgement period runs from then. */
  releasedAt?: number;
  /** Per-employee manager-review deadlines of reviews HR reopened. */
  reviewExtensions?: Record<string, number>;
}

/** What HR and participants may do to a cycle, phase by phase: the one table every route asks. */
export type CycleAction = 'submit-review' | 'reopen-review' | 'adjust-rating' | 'release';

const ALLOWED: Record<CycleAction, Phase[]> = {
  // Late reviews count until results are released: through the grace period, or all of calibration.
  'submit-review': ['MANAGER_REVIEW', 'CALIBRATION'],
  'reopen-review': ['MANAGER_REVIEW', 'CALIBRATION'],
  'adjust-rating': ['CALIBRATION'],
  release: ['CALIBRATION'],
};

export function allows(phase: Phase, action: CycleAction): boolean {
  return ALLOWED[action].includes(phase);
}

/** The phases an action is allowed in, for the error that refuses it. */
export function phasesAllowing(action: CycleAction): Phase[] {
  return ALLOWED[action];
}

export interface LadderProgress {
  remindedAt?: string;
  overdueAt?: string;
  hrEscalatedAt?: string;
}

export function ladderPoints(due: number, timings: CycleTimings): { step: LadderStep; at: number }[] {
  return [
    { step: 'REMINDER', at: due - timings.reminderLeadMs },
    { step: 'OVERDUE', at: due },
    { step: 'HR_ESCALATION', at: due + timings.hrGraceMs },
  ];
}

/**
 * The steps an item still pending at `now` owes, in ladder order. A reminder is only worth sending
 * before the deadline: an item that became due without one goes straight to the overdue step.
 */
export function stepsDue(due: number, progress: LadderProgress, now: number, timings: CycleTimings): LadderStep[] {
  const steps: LadderStep[] = [];
  if (!progress.remindedAt && now >= due - timings.reminderLeadMs && now < due) steps.push('REMINDER');
  if (!progress.overdueAt && now >= due) steps.push('OVERDUE');
  if (!progress.hrEscalatedAt && now >= due + timings.hrGraceMs) steps.push('HR_ESCALATION');
  return steps;
}

export function selfDueOf(schedule: CycleSchedule, employeeId: string): number {
  return schedule.extensions[employeeId] ?? schedule.selfDue;
}

export function reviewDueOf(schedule: CycleSchedule, employeeId: string): number {
  return schedule.reviewExtensions?.[employeeId] ?? schedule.managerDue;
}

/** A person's deadline in one phase: their own (an extension, a reopened review) or the cycle's. */
export function dueOf(schedule: CycleSchedule, kind: ReviewKind, employeeId: string): number {
  return kind === 'self' ? selfDueOf(schedule, employeeId) : reviewDueOf(schedule, employeeId);
}

/** The ladder of everyone on the cycle's own deadline: `*` is no employeeId (employeeIdSchema), so no person's ladder. */
export const SHARED_LADDER = '*';

/**
 * The ladder a pending person climbs: the cycle's deadline and the shared ladder, or their own date (an extension,
 * a reopened review) and a ladder of their own. Own ladders keep a person extended to a date others were extended to
 * from being taken as reminded when those others were.
 */
export function ladderOf(
  schedule: CycleSchedule,
  kind: ReviewKind,
  employeeId: string,
): { due: number; scope: string } {
  const own = kind === 'self' ? schedule.extensions[employeeId] : schedule.reviewExtensions?.[employeeId];
  if (own !== undefined) return { due: own, scope: employeeId };
  return { due: kind === 'self' ? schedule.selfDue : schedule.managerDue, scope: SHARED_LADDER };
}

export function isCalibrated(schedule: CycleSchedule): schedule is CycleSchedule & { calibrationDue: number } {
  return schedule.calibrationDue !== undefined;
}

/**
 * When results are released: by themselves once the manager ladder has run out (deadline + grace, so late
 * reviews still count); in a calibrated cycle when HR releases them, planned for the calibration due date.
 */
export function releaseAt(schedule: CycleSchedule): number {
  if (schedule.releasedAt !== undefined) return schedule.releasedAt;
  return schedule.calibrationDue ?? schedule.managerDue + schedule.timings.hrGraceMs;
}

/** The one reminder to acknowledge the results: the last step of a cycle. */
export function acknowledgementReminderAt(schedule: CycleSchedule): number {
  return releaseAt(schedule) + schedule.acknowledgementReminderMs;
}

/**
 * The end of the acknowledgement period: the reminder leaves as long again as the release left before it,
 * to read the appraisal, acknowledge it, and accept (or, for the manager, confirm) the proposed goals.
 */
export function acknowledgementEndsAt(schedule: CycleSchedule): number {
  return acknowledgementReminderAt(schedule) + schedule.acknowledgementReminderMs;
}

/** Whether a person's answers to a form can be given now, changed now, or no longer. */
export type AnswerWindow = 'open' | 'editable' | 'closed';

/** The phases in which self-assessments are taken: until the release, late after the person's deadline. */
export const SELF_ANSWER_PHASES: Phase[] = ['SELF_REVIEW', 'MANAGER_REVIEW'];
export const REVIEW_PHASES: Phase[] = ALLOWED['submit-review'];

/**
 * A submitted self-assessment can be changed until the person's deadline: from then on their manager
 * reviews it, and must not find it changed under them.
 */
export function selfAnswerWindow(phase: Phase, submitted: boolean, now: number, selfDue: number): AnswerWindow {
  if (!SELF_ANSWER_PHASES.includes(phase)) return 'closed';
  if (!submitted) return 'open';
  return now <= selfDue ? 'editable' : 'closed';
}

/**
 * A submitted review can be changed until the manager phase ends: the version in force then is released, or
 * calibrated. In calibration a missing review is still taken (late), but a submitted one no longer changes
 * under HR's figures and adjustments.
 */
export const REVIEW_EDIT_PHASES: Phase[] = ['MANAGER_REVIEW'];

export function reviewAnswerWindow(phase: Phase, submitted: boolean): AnswerWindow {
  if (!REVIEW_PHASES.includes(phase)) return 'closed';
  if (!submitted) return 'open';
  return REVIEW_EDIT_PHASES.includes(phase) ? 'editable' : 'closed';
}

/** The phase a running cycle is in at `now`; closed and cancelled cycles stay where they are. */
/**
 * The phase a running cycle is in at `now`; closed and cancelled cycles stay where they are. A calibrated
 * cycle enters calibration at the manager deadline and stays there: only HR's release moves it on.
 */
export function phaseAt(schedule: CycleSchedule, now: number, current: Phase): Phase {
  if (current === 'CLOSED' || current === 'CANCELLED' || current === 'RELEASING' || current === 'CALIBRATION')
    return current;
  if (now < schedule.selfDue) return 'SELF_REVIEW';
  if (isCalibrated(schedule)) return now < schedule.managerDue ? 'MANAGER_REVIEW' : 'CALIBRATION';
  if (now < releaseAt(schedule)) return 'MANAGER_REVIEW';
  return 'RELEASING';
}

/** HR hears of a calibration's due date twice: a reminder lead before it, and on it. */
export function calibrationReminders(
  schedule: CycleSchedule & { calibrationDue: number },
): { step: 'CALIBRATION_REMINDER' | 'CALIBRATION_DUE'; at: number }[] {
  return [
    { step: 'CALIBRATION_REMINDER', at: schedule.calibrationDue - schedule.timings.reminderLeadMs },
    { step: 'CALIBRATION_DUE', at: schedule.calibrationDue },
  ];
}

/**
 * The next instant after `now` at which something can fall due: a ladder step of the cycle's deadlines, of
 * an extended person's or of a reopened review's, the start of the manager phase, the release, or in a
 * calibrated cycle HR's calibration reminders (which, unlike a release, never move the cycle on). Undefined
 * once nothing is left.
 */
export function nextCheckpoint(schedule: CycleSchedule, now: number): number | undefined {
  const selfDeadlines = [schedule.selfDue, ...Object.values(schedule.extensions)];
  const reviewDeadlines = [schedule.managerDue, ...Object.values(schedule.reviewExtensions ?? {})];
  const ladders = [
    ...selfDeadlines.flatMap((due) => ladderPoints(due, schedule.timings).map((point) => point.at)),
    ...reviewDeadlines.flatMap((due) => ladderPoints(due, schedule.timings).map((point) => point.at)),
    schedule.selfDue,
  ];
  const points = isCalibrated(schedule)
    ? [...ladders, schedule.managerDue, ...calibrationReminders(schedule).map((reminder) => reminder.at)].filter(
        (at) => at > now,
      )
    : [...ladders, releaseAt(schedule)].filter((at) => at > now && at <= releaseAt(schedule));
  return points.length ? Math.min(...points) : undefined;
}

export class RuleViolation extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/**
 * A cycle's workflow is one Step Functions Standard execution, which AWS ends after one year: from launch to
 * the cycle's last step must fit in it, with a day to spare for that step's own sending and retries.
 */
export const MAX_CYCLE_MS = 364 * DAY_MS;

/**
 * Deadlines must be in the future and ordered, and the whole cycle must fit in one execution; all is
 * checked before anything is created. `timeZone` names the latest manager deadline that fits.
 */
export function checkLaunchDeadlines(schedule: CycleSchedule, now: number, timeZone: string): void {
  const { selfDue, managerDue, calibrationDue } = schedule;
  const problems: string[] = [];
  if (selfDue <= now) problems.push('selfDue must be in the future');
  if (managerDue <= selfDue) problems.push('managerDue must be after selfDue');
  if (calibrationDue !== undefined && calibrationDue <= managerDue)
    problems.push('calibrationDue must be after managerDue');
  const lastStep = acknowledgementReminderAt(schedule);
  if (lastStep - now > MAX_CYCLE_MS) {
    const latest = lastDayEndingBy(managerDue - (lastStep - now - MAX_CYCLE_MS), timeZone);
    problems.push(
      `the cycle would last ${Math.ceil((lastStep - now) / DAY_MS)} days from launch to its last step (the acknowledgement reminder after the manager deadline, the HR grace period and the release); ` +
        `a cycle's workflow is one AWS Step Functions Standard execution, limited to one year, so a cycle may last at most ${MAX_CYCLE_MS / DAY_MS} days: managerDue must be ${latest} or earlier`,
    );
  }
  if (problems.length) throw new RuleViolation('invalid deadlines', problems);
}

/**
 * An extension moves one pending self-assessment to a later deadline, at the latest the manager deadline: so
 * it never moves the release or the cycle's last step, and the cycle still fits in one execution.
 */
export function checkExtension(schedule: CycleSchedule, employeeId: string, until: number, now: number): void {
  const current = selfDueOf(schedule, employeeId);
  const problems: string[] = [];
  if (until <= now) problems.push('until must be in the future');
  if (until <= current) problems.push('until must be after the current deadline');
  if (until > schedule.managerDue)
    problems.push('until must not be after the manager deadline, so the manager can still review');
  if (problems.length) throw new RuleViolation('invalid extension', problems);
}

/**
 * Reopening one manager review gives it a deadline of its own. In a cycle that releases by itself the review
 * must come before the release; a calibrated cycle waits for HR, who is told of the review still pending.
 */
export function checkReviewReopening(schedule: CycleSchedule, employeeId: string, until: number, now: number): void {
  const problems: string[] = [];
  if (until <= now) problems.push('until must be in the future');
  if (until <= reviewDueOf(schedule, employeeId))
    problems.push('until must be after the current deadline of the review');
  if (!isCalibrated(schedule) && until >= releaseAt(schedule))
    problems.push('until must be before the results are released (the manager deadline and the HR grace period)');
  if (until - now > MAX_CYCLE_MS)
    problems.push(`until must be within ${MAX_CYCLE_MS / DAY_MS} days: a cycle's workflow waits at most that long`);
  if (problems.length) throw new RuleViolation('invalid reopening', problems);
}
