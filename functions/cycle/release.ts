import * as messages from '#mail/messages.ts';
import { flushOutbox, newMail } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { listAssessments, markResultReleased } from '#store/assessments.ts';
import { recordAudit } from '#store/audit.ts';
import { getCycle, movePhase } from '#store/cycles.ts';
import { queueMailOnce } from '#store/mail.ts';
import { NotFound } from './errors.ts';
import { PER_ITEM_CONCURRENCY } from './checkpoint.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import { stepOutput, type StepOutput } from './step-output.ts';

/**
 * Releases each participant's result (the manager's rating and comments, or a note that HR follows up
 * where no review came), then closes the cycle. Safe to rerun: each result mail is queued once.
 */
export async function releaseResults(cycleId: string): Promise<StepOutput> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (cycle.phase !== 'RELEASING') return stepOutput(cycle, cycle.phase, nowMs());
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  await forEachLimited(await listAssessments(cycleId), PER_ITEM_CONCURRENCY, async (assessment) => {
    const review =
      assessment.reviewStatus === 'SUBMITTED' && assessment.review
        ? { ...assessment.review, managerName: assessment.managerName }
        : undefined;
    await queueMailOnce(
      newMail(cycleId, `result#${assessment.employeeId}`, 'result', assessment.email, [assessment.employeeId], messages.result(ctx, assessment, cycle.scale, review)),
    );
    await markResultReleased(cycleId, assessment.employeeId, nowIso());
  });
  const flushed = await flushOutbox(cycleId);
  if (flushed.remaining) return stepOutput(cycle, 'RELEASING', nowMs(), true);
  if (await movePhase(cycleId, 'RELEASING', 'CLOSED', nowIso())) {
    await recordAudit({ cycleId, at: nowIso(), actor: 'system', action: 'cycle-closed' });
  }
  return stepOutput(cycle, 'CLOSED', nowMs());
}
