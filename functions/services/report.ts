import { finalResultOf } from '#domain/calibration.ts';
import { peerCompletion } from '#domain/peer-review.ts';
import { countsEveryone, personPhaseState, statesAt } from '#domain/progress.ts';
import {
  buildReport,
  countsByLabel,
  reportSummaries,
  type AcknowledgementState,
  type GroupCounts,
  type PersonFacts,
} from '#domain/report.ts';
import { nowMs } from '#shared/clock.ts';
import {
  assessmentsPage,
  getAssessment,
  HR_MANAGER_KEY,
  listAssessments,
  type AssessmentRecord,
} from '#store/assessments.ts';
import { listGroupCounters, type GroupCounters } from '#store/calibration.ts';
import { getCycle, scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { getEmployee } from '#store/employees.ts';
import { listGoalsOfPeriod, listGoalsOfPeriodBetween, type GoalRecord } from '#store/goals.ts';
import { listParticipations } from '#store/history.ts';
import { listPeerCounts } from '#store/peers.ts';
import { NotFound } from './errors.ts';
import { paged, type PageRequest } from './lists.ts';
import { hasResults } from './results.ts';
import {
  cycleOf,
  goalCountsIn,
  goalOutcomesOf,
  movedDeadlines,
  progressStatesOf,
  reportedGoalsOf,
  upwardStatus,
} from './status.ts';

function acknowledgementOf(assessment: AssessmentRecord): AcknowledgementState {
  if (!hasResults(assessment)) return 'no result';
  if (!assessment.acknowledgedAt) return 'unacknowledged';
  return assessment.acknowledgement?.disagree ? 'disagreed' : 'acknowledged';
}

/** Each participant's entry of the report at `now`, with the outcomes of their goals among `periodGoals`. */
export function peopleFacts(
  cycle: CycleRecord,
  assessments: AssessmentRecord[],
  periodGoals: GoalRecord[],
  now = nowMs(),
): PersonFacts[] {
  const at = statesAt(cycle.closedAt, now);
  const schedule = scheduleOf(cycle);
  const outcomes = Map.groupBy(goalOutcomesOf(periodGoals, assessments, now), (goal) => goal.employeeId);
  return assessments.map((a) => ({
    employeeId: a.employeeId,
    name: a.name,
    department: a.department,
    manager: a.managerName,
    managerId: a.managerKey,
    self: personPhaseState(schedule, 'self', a, at),
    review: personPhaseState(schedule, 'manager', a, at),
    ...(a.review
      ? { score: { value: a.review.score.value, label: a.review.score.label }, overallRating: a.review.rating }
      : {}),
    ...(a.review && a.adjustment
      ? {
          adjustedRating: {
            value: a.adjustment.rating,
            label: finalResultOf(a.review, cycle.scale, a.adjustment).label,
          },
        }
      : {}),
    goals: (outcomes.get(a.employeeId) ?? []).map((goal) => goal.outcome),
    acknowledgement: acknowledgementOf(a),
  }));
}

/**
 * HR's report of a cycle: completion and lateness per phase, final ratings, goal outcomes and results, overall
 * and per department, and calibration's before and after per department and reviewer. The figures come from
 * the counters of each (reviewer, department) group (store/calibration.ts) and the goal counters of each
 * department in the period (store/goals.ts), kept in the transactions that move them, and the few people whose
 * deadline HR moved. A cycle from before the counters, or one in mid-release (the counters count every reviewed
 * result as released once the release has begun, the report only those already released), is counted from its
 * assessments and the period's goals: `source` says which. Either way the goal outcomes are those of the goals the
 * cycle reports (domain/goals.ts reportedInCycle), by the department each counts in. Each person's entry, with
 * their own goals of the period, comes a page at a time (reportPeoplePage).
 */
export async function cycleReport(cycleId: string) {
  const cycle = await cycleOf(cycleId);
  const labels = cycle.scale.map((point) => point.label);
  const [groups, moved, peers, upward] = await Promise.all([
    listGroupCounters(cycleId),
    movedDeadlines(cycle),
    listPeerCounts(cycleId),
    upwardStatus(cycle),
  ]);
  const counted = cycle.phase !== 'RELEASING' && countsEveryone(cycle.participantCount, groups);
  const summaries = counted
    ? reportSummaries(
        groups.map((group) => groupCountsOf(cycle, group, moved)),
        await goalCountsIn(cycle.period, new Set(groups.map((group) => group.department)), nowMs()),
        labels,
      )
    : await reportRecounted(cycle, labels);
  return {
    cycleId,
    name: cycle.name,
    period: cycle.period,
    phase: cycle.phase,
    settingsVersion: cycle.settingsVersion,
    scale: labels,
    ...summaries,
    /** Peer review completion overall, per department and per manager, from the peer counters (kept with each assignment and answer). */
    peerReviews: peerCompletion(peers, HR_MANAGER_KEY),
    /** Upward completion per manager and department; a manager's mean only where the threshold is met, once released. */
    upward,
    source: counted ? ('counters' as const) : ('assessments' as const),
  };
}

/** The report's figures counted from every assessment and every goal of the period: a cycle without counters. */
export async function reportRecounted(cycle: CycleRecord, labels: string[], now = nowMs()) {
  const [assessments, periodGoals] = await Promise.all([
    listAssessments(cycle.cycleId),
    listGoalsOfPeriod(cycle.period),
  ]);
  const departments = new Set(assessments.map((a) => a.department));
  return buildReport(
    peopleFacts(cycle, assessments, periodGoals, now),
    reportedGoalsOf(periodGoals, departments, now),
    labels,
  );
}

type MovedDeadlines = Awaited<ReturnType<typeof movedDeadlines>>;

/** A group's counters as the report counts them: states now, results, ratings by label. */
function groupCountsOf(cycle: CycleRecord, group: GroupCounters, moved: MovedDeadlines): GroupCounts {
  const states = progressStatesOf(
    cycle,
    group,
    moved.filter((person) => person.managerKey === group.managerKey && person.department === group.department),
    statesAt(cycle.closedAt, nowMs()),
  );
  return {
    department: group.department,
    managerId: group.managerKey,
    manager: group.managerName,
    participants: group.participants,
    self: states.self,
    review: states.manager,
    before: countsByLabel(cycle.scale, group.before),
    after: countsByLabel(cycle.scale, group.after),
    adjusted: group.adjusted,
    unacknowledged: states.results.unacknowledged,
    disagreed: states.results.disagreed,
  };
}

/** A page of the report's entries, one per participant, in employeeId order: its assessments and those people's goals. */
async function peoplePageAt(cycle: CycleRecord, page: { limit: number; start?: Record<string, unknown> }) {
  const { items, next } = await assessmentsPage(cycle.cycleId, page);
  const goals = items.length
    ? await listGoalsOfPeriodBetween(cycle.period, items[0]!.employeeId, items.at(-1)!.employeeId)
    : [];
  return { items: peopleFacts(cycle, items, goals), ...(next ? { next } : {}) };
}

/** The report's per-person entries a page at a time (`?limit&cursor`), each page reading only its own people. */
export async function reportPeoplePage(cycleId: string, request: PageRequest) {
  const cycle = await cycleOf(cycleId);
  const page = await paged({ cycleId, list: 'report-people' }, request, (at) => peoplePageAt(cycle, at));
  return { people: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** Pages of 300: about what DynamoDB reads in its 1 MB a request anyway. */
const ALL_PEOPLE_PAGE = 300;

/** Every entry of the report, page after page, in employeeId order: the CSV served in one answer. */
export async function reportPeople(cycleId: string): Promise<PersonFacts[]> {
  const cycle = await cycleOf(cycleId);
  const people: PersonFacts[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await peoplePageAt(cycle, { limit: ALL_PEOPLE_PAGE, ...(start ? { start } : {}) });
    people.push(...page.items);
    start = page.next;
  } while (start);
  return people;
}
/** One person's appraisals across cycles, newest first. */
export async function personHistory(employeeId: string) {
  const participations = await listParticipations(employeeId);
  // Someone who left the directory keeps their history; an id that was never anyone's is a mistake.
  if (!participations.length && !(await getEmployee(employeeId))) throw new NotFound(`employee ${employeeId}`);
  const entries = await Promise.all(
    participations.map(async ({ cycleId }) => {
      const [cycle, assessment] = await Promise.all([getCycle(cycleId), getAssessment(cycleId, employeeId)]);
      if (!cycle || !assessment) return undefined;
      return {
        cycleId,
        name: cycle.name,
        period: cycle.period,
        closedAt: cycle.closedAt ?? null,
        manager: assessment.managerName,
        selfAssessment: personPhaseState(scheduleOf(cycle), 'self', assessment, statesAt(cycle.closedAt, nowMs())),
        review: personPhaseState(scheduleOf(cycle), 'manager', assessment, statesAt(cycle.closedAt, nowMs())),
        finalScore: assessment.review
          ? { value: assessment.review.score.value, label: assessment.review.score.label }
          : null,
        finalRating: assessment.review ? finalResultOf(assessment.review, cycle.scale, assessment.adjustment) : null,
        overallRating: assessment.review?.rating ?? null,
        goalRatings:
          assessment.review?.goalRatings.map(({ title, weight, rating }) => ({ title, weight, rating })) ?? [],
        acknowledgement: acknowledgementOf(assessment),
      };
    }),
  );
  return entries.filter((entry) => entry !== undefined);
}
