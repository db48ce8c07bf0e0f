import { acknowledgementEndsAt } from '#domain/cycle.ts';
import * as messages from '#mail/messages.ts';
import { flushOutbox, markClaimed, newMail } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { formLink } from '#shared/links.ts';
import { getAnswerVersion, listAssessments, markResultReleased, type StoredReview } from '#store/assessments.ts';
import { recordAudit, recordAudits } from '#store/audit.ts';
import { listGoalsOfPeriod } from '#store/goals.ts';
import { recordParticipation } from '#store/history.ts';
import { OwnMail } from './own-mail.ts';
import { reportedGoalsOf } from './status.ts';
import { getCycle, movePhase, scheduleOf } from '#store/cycles.ts';
import { queueMailOnce, unmarkClaim } from '#store/mail.ts';
import { NotFound } from './errors.ts';
import { PER_ITEM_CONCURRENCY } from './checkpoint.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import type { AssessmentsPort, AuditPort, CyclesPort, GoalsPort, HistoryPort, MailPort, UpwardPort } from './ports.ts';
import { releaseUpward } from './upward.ts';
import { deleteUpwardAnswers, listUpwardAnswers, listUpwardCounters, markUpwardReleased } from '#store/upward.ts';
import { stepOutput, type StepOutput } from './step-output.ts';

/** What the release reads and writes. */
export type ReleasePorts = Pick<CyclesPort, 'getCycle' | 'movePhase'> &
  Pick<AssessmentsPort, 'listAssessments' | 'getAnswerVersion' | 'markResultReleased'> &
  Pick<GoalsPort, 'listGoalsOfPeriod'> &
  HistoryPort &
  AuditPort &
  Pick<MailPort, 'queueMailOnce' | 'flushOutbox' | 'markClaim' | 'unmarkClaim'> &
  Pick<UpwardPort, 'listUpwardCounters' | 'listUpwardAnswers' | 'deleteUpwardAnswers' | 'markUpwardReleased'>;

/** The store modules on DynamoDB, the outbox on SES: what the handlers run on (unit tests pass test/support/memory-store.ts). */
const storePorts: ReleasePorts = {
  getCycle,
  movePhase,
  listAssessments,
  getAnswerVersion,
  markResultReleased,
  listGoalsOfPeriod,
  recordParticipation,
  recordAudit,
  recordAudits,
  queueMailOnce,
  flushOutbox,
  markClaim: markClaimed,
  unmarkClaim,
  listUpwardCounters,
  listUpwardAnswers,
  deleteUpwardAnswers,
  markUpwardReleased,
};

/**
 * Releases each participant's result (the manager's ratings and comments with the final rating, HR's from
 * calibration when there is one, or a note that HR follows up where no review came) and each manager's upward
 * review (services/upward.ts), then closes the cycle and records the outcome of each goal of its period. Safe to rerun: each result mail is queued once.
 */
export async function releaseResults(cycleId: string, ports: ReleasePorts = storePorts): Promise<StepOutput> {
  const cycle = await ports.getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (cycle.phase !== 'RELEASING') return stepOutput(cycle, cycle.phase, nowMs());
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const assessments = await ports.listAssessments(cycleId);
  const issuedAt = nowMs();
  const outbox = new OwnMail(ports, cycleId);
  await forEachLimited(assessments, PER_ITEM_CONCURRENCY, async (assessment) => {
    // The mail quotes the review's summary, which only its version keeps.
    const submitted =
      assessment.reviewStatus === 'SUBMITTED' && assessment.reviewVersion
        ? await ports.getAnswerVersion<StoredReview>(cycleId, 'review', assessment.employeeId, assessment.reviewVersion)
        : undefined;
    const review = submitted && {
      ...submitted.answers,
      managerName: assessment.managerName,
      adjustedRating: assessment.adjustment?.rating,
    };
    const url =
      review &&
      (await formLink(cycleId, assessment.employeeId, { purpose: 'results', schedule: scheduleOf(cycle) }, issuedAt));
    await outbox.queue(
      newMail(
        cycleId,
        `result#${assessment.employeeId}`,
        'result',
        assessment.email,
        [assessment.employeeId],
        messages.result(ctx, assessment, cycle.scale, review, url, acknowledgementEndsAt(scheduleOf(cycle))),
      ),
    );
    const releasedAt = assessment.resultReleasedAt ?? nowIso();
    await ports.recordParticipation(assessment.employeeId, cycleId, releasedAt);
    await ports.markResultReleased(cycleId, assessment.employeeId, releasedAt, review !== undefined);
  });
  await releaseUpward(ports, outbox, cycle);
  const flushed = await outbox.flush();
  if (flushed.remaining) return stepOutput(cycle, 'RELEASING', nowMs(), true);
  if (await ports.movePhase(cycleId, 'RELEASING', 'CLOSED', nowIso())) {
    const at = nowIso();
    await ports.recordAudit({ cycleId, at, actor: 'system', action: 'cycle-closed' });
    // Recorded once, when the cycle closes: how each goal the cycle reports stood then.
    const departments = new Set(assessments.map((a) => a.department));
    const outcomes = reportedGoalsOf(await ports.listGoalsOfPeriod(cycle.period), departments, nowMs());
    await ports.recordAudits(
      outcomes.map((goal) => ({
        cycleId,
        at,
        actor: 'system',
        action: `goal-${goal.outcome}`,
        employeeId: goal.employeeId,
        details: { goalId: goal.goalId, title: goal.title, due: goal.due },
      })),
    );
  }
  return stepOutput(cycle, 'CLOSED', nowMs());
}
