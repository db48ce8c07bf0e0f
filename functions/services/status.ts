import { selfDueOf } from '#domain/cycle.ts';
import { countOutcomes, outcomeOf } from '#domain/goals.ts';
import { countStates, type PhaseState } from '#domain/report.ts';
import { attentionText } from '#domain/workflow-health.ts';
import { nowMs } from '#shared/clock.ts';
import { listGoalsOfPeriod, type GoalRecord } from '#store/goals.ts';
import { listAssessments, type AssessmentRecord } from '#store/assessments.ts';
import { listAuditEvents } from '#store/audit.ts';
import { getCycle, scheduleOf } from '#store/cycles.ts';
import { listMails } from '#store/mail.ts';
import { NotFound } from './errors.ts';
import { hasResults } from './results.ts';
import { workflowHealthOf } from './steer.ts';

export function selfState(a: AssessmentRecord): PhaseState {
  return a.selfStatus === 'SUBMITTED' ? (a.selfLate ? 'late' : 'submitted') : a.selfOverdueAt ? 'overdue' : 'pending';
}

export function reviewState(a: AssessmentRecord): PhaseState {
  return a.reviewStatus === 'SUBMITTED'
    ? a.reviewLate
      ? 'late'
      : 'submitted'
    : a.reviewOverdueAt
      ? 'overdue'
      : 'pending';
}

/**
 * HR's view of a cycle: phase, whether its workflow needs HR's attention (and how to fix it), deadlines,
 * counts by state for each phase, and who is overdue.
 */
export async function cycleStatus(cycleId: string) {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  const [assessments, periodGoals, workflow] = await Promise.all([
    listAssessments(cycleId),
    listGoalsOfPeriod(cycle.period),
    workflowHealthOf(cycle),
  ]);
  const goals = goalOutcomesOf(periodGoals, assessments, nowMs());
  const schedule = scheduleOf(cycle);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    cycleId,
    name: cycle.name,
    department: cycle.department ?? null,
    phase: cycle.phase,
    needsAttention: workflow.state === 'stalled' ? attentionText(cycleId, workflow.problem) : null,
    timeZone: cycle.timeZone,
    selfDue: iso(cycle.selfDue),
    managerDue: iso(cycle.managerDue),
    period: cycle.period,
    settingsVersion: cycle.settingsVersion,
    participants: assessments.length,
    counts: { self: countStates(assessments.map(selfState)), manager: countStates(assessments.map(reviewState)) },
    goals: {
      counts: countOutcomes(goals.map((goal) => goal.outcome)),
      missed: goals.filter((goal) => goal.outcome === 'missed').map(({ outcome: _outcome, ...goal }) => goal),
    },
    overdue: assessments.flatMap((a) => [
      ...(selfState(a) === 'overdue'
        ? [
            {
              employeeId: a.employeeId,
              name: a.name,
              phase: 'self',
              reviewer: a.managerName,
              due: iso(selfDueOf(schedule, a.employeeId)),
            },
          ]
        : []),
      ...(reviewState(a) === 'overdue'
        ? [
            {
              employeeId: a.employeeId,
              name: a.name,
              phase: 'manager',
              reviewer: a.managerName,
              due: iso(cycle.managerDue),
            },
          ]
        : []),
    ]),
    results: resultsOf(assessments),
    extensions: Object.fromEntries(Object.entries(cycle.extensions).map(([id, until]) => [id, iso(until)])),
    createdAt: cycle.createdAt,
    closedAt: cycle.closedAt ?? null,
  };
}

/** After the release: how many appraisals were acknowledged (and disputed), and who has not acknowledged theirs. */
function resultsOf(assessments: AssessmentRecord[]) {
  const released = assessments.filter(hasResults);
  return {
    released: released.length,
    acknowledged: released.filter((a) => a.acknowledgedAt).length,
    disagreed: released.filter((a) => a.acknowledgement?.disagree).length,
    unacknowledged: released
      .filter((a) => !a.acknowledgedAt)
      .map((a) => ({ employeeId: a.employeeId, name: a.name, manager: a.managerName })),
  };
}

/** The outcome of each goal of the cycle's period held by one of its participants. */
export function goalOutcomesOf(periodGoals: GoalRecord[], assessments: AssessmentRecord[], now: number) {
  const participants = new Map(assessments.map((a) => [a.employeeId, a]));
  return periodGoals.flatMap((goal) => {
    const owner = participants.get(goal.employeeId);
    if (!owner) return [];
    return [
      {
        employeeId: goal.employeeId,
        name: owner.name,
        manager: owner.managerName,
        goalId: goal.goalId,
        title: goal.title,
        due: goal.due,
        outcome: outcomeOf(goal, now),
      },
    ];
  });
}

/** Every state change, submission and email of a cycle, in time order, each with its actor. */
export async function cycleAudit(cycleId: string) {
  if (!(await getCycle(cycleId))) throw new NotFound(`cycle ${cycleId}`);
  const [events, mails] = await Promise.all([listAuditEvents(cycleId), listMails(cycleId)]);
  const mailEvents = mails
    // Mail still queued or being sent has no outcome to audit yet.
    .filter((mail) => mail.status !== 'PENDING' && mail.status !== 'SENDING')
    .map((mail) => ({
      at: mail.sentAt ?? mail.createdAt,
      actor: 'system',
      action: `mail-${mail.status.toLowerCase()}`,
      details: {
        kind: mail.kind,
        mailId: mail.mailId,
        to: mail.to,
        subject: mail.subject,
        ...(mail.error ? { error: mail.error } : {}),
      },
      about: mail.about,
    }));
  return [...events, ...mailEvents].sort((a, b) => a.at.localeCompare(b.at));
}
