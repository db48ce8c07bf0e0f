import { finalResultOf } from '#domain/calibration.ts';
import { statesAt } from '#domain/progress.ts';
import { buildReport, type AcknowledgementState, type PersonFacts } from '#domain/report.ts';
import { nowMs } from '#shared/clock.ts';
import { getAssessment, listAssessments, type AssessmentRecord } from '#store/assessments.ts';
import { getCycle, scheduleOf } from '#store/cycles.ts';
import { getEmployee } from '#store/employees.ts';
import { listGoalsOfPeriod } from '#store/goals.ts';
import { listParticipations } from '#store/history.ts';
import { NotFound } from './errors.ts';
import { hasResults } from './results.ts';
import { goalOutcomesOf, reviewState, selfState } from './status.ts';

function acknowledgementOf(assessment: AssessmentRecord): AcknowledgementState {
  if (!hasResults(assessment)) return 'no result';
  if (!assessment.acknowledgedAt) return 'unacknowledged';
  return assessment.acknowledgement?.disagree ? 'disagreed' : 'acknowledged';
}

/** HR's report of a cycle: the summary overall and per department, and one entry per person. */
export async function cycleReport(cycleId: string) {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  const [assessments, periodGoals] = await Promise.all([listAssessments(cycleId), listGoalsOfPeriod(cycle.period)]);
  const now = nowMs();
  const schedule = scheduleOf(cycle);
  const outcomes = Map.groupBy(goalOutcomesOf(periodGoals, assessments, now), (goal) => goal.employeeId);
  const people: PersonFacts[] = assessments
    .map((a) => ({
      employeeId: a.employeeId,
      name: a.name,
      department: a.department,
      manager: a.managerName,
      managerId: a.managerKey,
      self: selfState(a, schedule, statesAt(cycle.closedAt, now)),
      review: reviewState(a, schedule, statesAt(cycle.closedAt, now)),
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
    }))
    .sort((a, b) => a.department.localeCompare(b.department) || a.name.localeCompare(b.name));
  return {
    cycleId,
    name: cycle.name,
    period: cycle.period,
    phase: cycle.phase,
    settingsVersion: cycle.settingsVersion,
    scale: cycle.scale.map((point) => point.label),
    ...buildReport(
      people,
      cycle.scale.map((point) => point.label),
    ),
    people,
  };
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
        selfAssessment: selfState(assessment, scheduleOf(cycle), statesAt(cycle.closedAt, nowMs())),
        review: reviewState(assessment, scheduleOf(cycle), statesAt(cycle.closedAt, nowMs())),
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
