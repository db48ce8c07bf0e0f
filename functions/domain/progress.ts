import { type CycleSchedule, dueOf, type Phase, type ReviewKind } from './cycle.ts';

/**
 * A cycle's progress as counters (issue 13): per group of people (a department, or one manager's reports in
 * one department), how many take part and how many did what, each counted once, in the transaction that
 * does it. States that only time moves (overdue: still pending past one's deadline) are not counted but
 * derived from the counts, the deadlines and the few people whose deadline HR moved.
 */
/** A person's state in one phase: still to do, done on time or late, or past their deadline without it. */
export type PhaseState = 'pending' | 'submitted' | 'late' | 'overdue';

export const PROGRESS_COUNTS = [
  'participants',
  'selfSubmitted',
  'selfLate',
  'reviewSubmitted',
  'reviewLate',
  'acknowledged',
  'disagreed',
] as const;
export type ProgressCount = (typeof PROGRESS_COUNTS)[number];
export type ProgressCounts = Record<ProgressCount, number>;

export const noProgress = (): ProgressCounts =>
  Object.fromEntries(PROGRESS_COUNTS.map((count) => [count, 0])) as ProgressCounts;

export function addProgress(counts: ProgressCounts[]): ProgressCounts {
  const sum = noProgress();
  for (const each of counts) for (const name of PROGRESS_COUNTS) sum[name] += each[name] ?? 0;
  return sum;
}

/**
 * Whether a cycle's counters count everyone in it, so its views can be read from them: false for a cycle
 * launched before the counters were kept, whose views are counted from its assessments. While a launch is still
 * storing its participants (`participantCount` not yet set) there is nothing else to count.
 */
export function countsEveryone(participantCount: number | undefined, groups: Pick<ProgressCounts, 'participants'>[]) {
  return (
    participantCount === undefined || groups.reduce((sum, group) => sum + group.participants, 0) === participantCount
  );
}

/** The counts a first submission adds: on time or late. */
export function submissionCount(form: 'self' | 'review', late: boolean): Partial<ProgressCounts> {
  return { [form === 'self' ? (late ? 'selfLate' : 'selfSubmitted') : late ? 'reviewLate' : 'reviewSubmitted']: 1 };
}

/**
 * The instant a cycle's states are taken at: now, or when it ended (a cancel, or the close after the release),
 * since nobody becomes overdue in a cycle that no longer asks for anything.
 */
export function statesAt(closedAt: string | undefined, now: number): number {
  return closedAt === undefined ? now : Math.min(now, Date.parse(closedAt));
}

/** A person's state in a phase: submitted (on time or late), or pending, overdue once their deadline has passed. */
export function phaseStateOf(submitted: boolean, late: boolean | undefined, due: number, now: number): PhaseState {
  if (submitted) return late ? 'late' : 'submitted';
  return now >= due ? 'overdue' : 'pending';
}

/** What a person's state in a phase is read from. */
export interface PhasePerson {
  employeeId: string;
  selfStatus: 'PENDING' | 'SUBMITTED';
  selfLate?: boolean;
  reviewStatus: 'PENDING' | 'SUBMITTED';
  reviewLate?: boolean;
}

/** A person's state in one phase at `now`: overdue is still to submit at or past their own deadline in it. */
export function personPhaseState(
  schedule: CycleSchedule,
  kind: ReviewKind,
  person: PhasePerson,
  now: number,
): PhaseState {
  const [status, late] =
    kind === 'self' ? [person.selfStatus, person.selfLate] : [person.reviewStatus, person.reviewLate];
  return phaseStateOf(status === 'SUBMITTED', late, dueOf(schedule, kind, person.employeeId), now);
}

/**
 * The states of one phase in a group from its counts: everyone not submitted is pending, and overdue when past
 * the phase's deadline, except people with a deadline of their own (`moved`: each still-pending person's own
 * due date in this group), who are overdue past theirs.
 */
export function phaseStates(
  participants: number,
  submitted: number,
  late: number,
  due: number,
  moved: number[],
  now: number,
): Record<PhaseState, number> {
  const waiting = participants - submitted - late;
  const movedOverdue = moved.filter((own) => now >= own).length;
  const overdue = (now >= due ? waiting - moved.length : 0) + movedOverdue;
  return { pending: waiting - overdue, submitted, late, overdue };
}

/** Submitted on time or late, as a percentage of participants (one decimal). */
export function completionPercent(states: Record<PhaseState, number>, participants: number): number {
  return participants ? Math.round(((states.submitted + states.late) / participants) * 1000) / 10 : 0;
}

/**
 * Results released: every reviewed person's, once the release has begun (it releases everyone reviewed, and no
 * review is taken after it); acknowledged or not.
 */
export function resultStates(counts: ProgressCounts, phase: Phase) {
  const released = phase === 'RELEASING' || phase === 'CLOSED' ? counts.reviewSubmitted + counts.reviewLate : 0;
  return {
    released,
    acknowledged: counts.acknowledged,
    disagreed: counts.disagreed,
    unacknowledged: released - counts.acknowledged,
  };
}

/** What a participant's stored facts count for: the counters recounted from assessments (a cycle from before them, and the exactness check). */
export function progressOfPerson(person: {
  selfStatus: string;
  selfLate?: boolean;
  reviewStatus: string;
  reviewLate?: boolean;
  acknowledgedAt?: string;
  acknowledgement?: { disagree: boolean };
}): ProgressCounts {
  const counts = noProgress();
  counts.participants = 1;
  if (person.selfStatus === 'SUBMITTED') counts[person.selfLate ? 'selfLate' : 'selfSubmitted'] = 1;
  if (person.reviewStatus === 'SUBMITTED') counts[person.reviewLate ? 'reviewLate' : 'reviewSubmitted'] = 1;
  if (person.acknowledgedAt) {
    counts.acknowledged = 1;
    if (person.acknowledgement?.disagree) counts.disagreed = 1;
  }
  return counts;
}
