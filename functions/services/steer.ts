import {
  allows,
  checkExtension,
  checkReviewReopening,
  phasesAllowing,
  reviewDueOf,
  type Phase,
} from '#domain/cycle.ts';
import { endOfDay } from '#domain/time.ts';
import { needsWorkflow, workflowHealth, type WorkflowHealth } from '#domain/workflow-health.ts';
import * as messages from '#mail/messages.ts';
import { newMail } from '#mail/outbox.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import { PER_ITEM_CONCURRENCY } from './checkpoint.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { formLink } from '#shared/links.ts';
import { logger } from '#shared/observability.ts';
import { describeCycleExecution, startCycleExecution, stopCycleExecution } from '#shared/workflow.ts';
import { getAssessment, listAssessments, type AssessmentRecord } from '#store/assessments.ts';
import { recordAudit, type Actor } from '#store/audit.ts';
import { discardUpwardAnswers } from '#store/upward.ts';
import {
  getCycle,
  isRunning,
  listActiveCycles,
  markReleaseRequested,
  movePhase,
  recordExecution,
  scheduleOf,
  setExtension,
  setReviewExtension,
  type CycleRecord,
} from '#store/cycles.ts';
import { Conflict, NotFound } from './errors.ts';
import { ownMail } from './own-mail.ts';

async function runningCycle(cycleId: string): Promise<CycleRecord> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (!isRunning(cycle) || cycle.phase === 'RELEASING')
    throw new Conflict(`cycle ${cycleId} is ${cycle.phase.toLowerCase()}`);
  return cycle;
}

/**
 * Moves one person's self-assessment deadline. Their ladder starts again against the new date, and the
 * cycle's execution is replaced by one that resumes from the stored state, so the new date's checkpoints
 * are waited for even when they fall before the one the old execution was waiting for.
 */
export async function extendDeadline(
  cycleId: string,
  employeeId: string,
  untilDate: string,
  actor: Actor,
): Promise<{ until: number }> {
  const cycle = await runningCycle(cycleId);
  const assessment = await getAssessment(cycleId, employeeId);
  if (!assessment) throw new NotFound(`participant ${employeeId} in cycle ${cycleId}`);
  if (assessment.selfStatus !== 'PENDING')
    throw new Conflict(`${employeeId} has already submitted the self-assessment`);
  const until = endOfDay(untilDate, cycle.timeZone);
  checkExtension(scheduleOf(cycle), employeeId, until, nowMs());
  await setExtension(cycleId, employeeId, until);
  await recordAudit({
    cycleId,
    at: nowIso(),
    actor,
    action: 'deadline-extended',
    employeeId,
    details: { until: new Date(until).toISOString() },
  });
  await replaceExecution(cycle, 'deadline extended');
  return { until };
}

/**
 * Reopens one manager review with a deadline of its own, during the manager phase or calibration: the
 * manager gets a fresh link, the review's ladder starts again against the new date, and the execution is
 * replaced so that date's checkpoints are waited for (in calibration, after an execution that had ended).
 */
export async function reopenReview(
  cycleId: string,
  employeeId: string,
  untilDate: string,
  actor: Actor,
): Promise<{ until: number }> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (!allows(cycle.phase, 'reopen-review'))
    throw new Conflict(
      `cycle ${cycleId} is ${cycle.phase.toLowerCase()}: a manager review can be reopened during the manager phase and calibration`,
    );
  const assessment = await getAssessment(cycleId, employeeId);
  if (!assessment) throw new NotFound(`participant ${employeeId} in cycle ${cycleId}`);
  if (assessment.reviewStatus !== 'PENDING')
    throw new Conflict(`the manager review of ${employeeId} is already submitted`);
  const until = endOfDay(untilDate, cycle.timeZone);
  checkReviewReopening(scheduleOf(cycle), employeeId, until, nowMs());
  if (!(await setReviewExtension(cycleId, employeeId, until, phasesAllowing('reopen-review'))))
    throw new Conflict(`cycle ${cycleId} moved on meanwhile: the review was not reopened`);
  await recordAudit({
    cycleId,
    at: nowIso(),
    actor,
    action: 'review-reopened',
    employeeId,
    details: { until: new Date(until).toISOString() },
  });
  const reopened = (await getCycle(cycleId))!;
  const teamUrl = await formLink(
    cycleId,
    assessment.managerKey,
    { purpose: 'manager', schedule: scheduleOf(reopened) },
    nowMs(),
  );
  const mail = newMail(
    cycleId,
    `review-reopened#${employeeId}#${until}`,
    'review-reopened',
    assessment.managerEmail,
    [employeeId],
    messages.reviewReopened(
      { cycleName: cycle.name, timeZone: cycle.timeZone },
      { name: assessment.managerName },
      assessment,
      until,
      `${teamUrl}&report=${encodeURIComponent(employeeId)}`,
    ),
  );
  const outbox = ownMail(cycleId);
  await outbox.queue(mail);
  await outbox.sendNow();
  await replaceExecution(reopened, 'manager review reopened');
  return { until };
}

/**
 * HR releases a calibrated cycle's results: refused outside calibration, and while reviews HR reopened are
 * still pending unless `force`. The cycle moves to RELEASING once, and a new execution releases from there.
 */
export async function releaseCycle(
  cycleId: string,
  actor: Actor,
  force = false,
): Promise<{ phase: Phase; pendingReopened: string[] }> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (!allows(cycle.phase, 'release')) {
    throw new Conflict(
      `cycle ${cycleId} is ${cycle.phase.toLowerCase()}: only a cycle in calibration is released by HR`,
      cycle.calibrationDue === undefined && isRunning(cycle)
        ? [
            'this cycle is not calibrated: its results are released by themselves after the manager deadline and the grace period',
          ]
        : [],
    );
  }
  const reopened = Object.keys(cycle.reviewExtensions ?? {});
  const pending = (await Promise.all(reopened.map((employeeId) => getAssessment(cycleId, employeeId)))).filter(
    (assessment) => assessment?.reviewStatus === 'PENDING',
  ) as AssessmentRecord[];
  if (pending.length && !force) {
    throw new Conflict('reopened manager reviews are still pending', [
      ...pending.map(
        (assessment) =>
          `${assessment.name} (${assessment.employeeId}), reviewed by ${assessment.managerName}, due ${new Date(reviewDueOf(scheduleOf(cycle), assessment.employeeId)).toISOString()}`,
      ),
      'release with --force (API: "force": true) to release without them; their results will say that HR follows up',
    ]);
  }
  if (!(await markReleaseRequested(cycleId, nowMs(), Date.now()))) {
    throw new Conflict(
      `cycle ${cycleId} was released meanwhile, or a file of rating adjustments is being applied: look again in a few minutes`,
    );
  }
  const pendingReopened = pending.map((assessment) => assessment.employeeId);
  await recordAudit({
    cycleId,
    at: nowIso(),
    actor,
    action: 'results-released',
    details: { force, pendingReopened: pendingReopened.join(' ') },
  });
  await replaceExecution({ ...cycle, phase: 'RELEASING' }, 'results released by HR');
  return { phase: 'RELEASING', pendingReopened };
}

async function replaceExecution(cycle: CycleRecord, cause: string): Promise<void> {
  if (cycle.executionArn) await stopCycleExecution(cycle.executionArn, cause);
  await startNextExecution(cycle);
}

/** A new execution that resumes the cycle from its stored state; the generation keeps its name unique. */
async function startNextExecution(cycle: CycleRecord): Promise<string> {
  const generation = (cycle.executionGeneration ?? 0) + 1;
  const executionArn = await startCycleExecution(cycle.cycleId, generation);
  await recordExecution(cycle.cycleId, executionArn, generation);
  return executionArn;
}

/** The cycle's workflow as Step Functions reports it, judged by the rule its status, HR's resume and the daily run share. */
export async function workflowHealthOf(cycle: CycleRecord): Promise<WorkflowHealth> {
  const execution =
    needsWorkflow(cycle) && cycle.executionArn ? await describeCycleExecution(cycle.executionArn) : undefined;
  return workflowHealth(cycle, execution, nowMs());
}

/** HR's resume of a stalled cycle: a new execution carries on from the stored state. Refused while one runs or is being replaced. */
export async function resumeCycle(
  cycleId: string,
  actor: Actor,
): Promise<{ phase: Phase; problem: string; executionArn: string }> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  const health = await workflowHealthOf(cycle);
  switch (health.state) {
    case 'finished':
      throw new Conflict(`cycle ${cycleId} is ${cycle.phase.toLowerCase()}: its workflow has nothing left to do`);
    case 'awaiting-release':
      throw new Conflict(
        `cycle ${cycleId} is in calibration and waits for HR: release it with \`perfcycle cycle release ${cycleId}\``,
      );
    case 'running':
      throw new Conflict(`the workflow of cycle ${cycleId} is running: there is nothing to resume`);
    case 'settling':
      throw new Conflict(
        `the workflow of cycle ${cycleId} changed moments ago (${new Date(health.since).toISOString()}), as a launch, an extension or a resume does: look again in a few minutes`,
      );
    case 'stalled':
      return { phase: cycle.phase, problem: health.problem, executionArn: await resume(cycle, health.problem, actor) };
  }
}

async function resume(cycle: CycleRecord, problem: string, actor: Actor): Promise<string> {
  let executionArn: string;
  try {
    executionArn = await startNextExecution(cycle);
  } catch (error) {
    // Its name is taken: someone resumed or replaced it since we read the cycle.
    if ((error as Error).name === 'ExecutionAlreadyExists')
      throw new Conflict(`a new execution of cycle ${cycle.cycleId} was started meanwhile`);
    throw error;
  }
  await recordAudit({
    cycleId: cycle.cycleId,
    at: nowIso(),
    actor,
    action: 'cycle-resumed',
    details: { problem, executionArn },
  });
  return executionArn;
}

/**
 * The daily run's sweep: every active cycle (the active index, never a scan) whose workflow stalled gets a
 * new execution, audited as the system's. One that cannot be resumed does not stop the others; the run
 * fails at the end, so its retries try again and the failed execution is seen.
 */
export async function resumeStalledCycles(): Promise<{ resumed: string[] }> {
  const resumed: string[] = [];
  const failed: string[] = [];
  for (const { cycleId } of await listActiveCycles()) {
    try {
      // The index may lag a moment behind an extension's new execution: judge the cycle as stored now.
      const cycle = (await getCycle(cycleId))!;
      const health = await workflowHealthOf(cycle);
      if (health.state !== 'stalled') continue;
      await resume(cycle, health.problem, 'system');
      resumed.push(cycleId);
    } catch (error) {
      if (error instanceof Conflict) continue;
      logger.error('could not resume the cycle', { cycleId, error });
      failed.push(cycleId);
    }
  }
  if (failed.length) throw new Error(`could not resume ${failed.join(', ')}`);
  return { resumed };
}

/**
 * Cancels a running cycle: its workflow stops, queued mail is dropped, each participant gets one short note,
 * and its upward answers are deleted (nothing is released, so they reach nobody).
 */
export async function cancelCycle(cycleId: string, actor: Actor): Promise<{ notified: number }> {
  let cycle = await runningCycle(cycleId);
  // A checkpoint may move the phase between our read and write: retry from the fresh phase.
  while (!(await movePhase(cycleId, cycle.phase, 'CANCELLED', nowIso()))) cycle = await runningCycle(cycleId);
  await recordAudit({
    cycleId,
    at: nowIso(),
    actor,
    action: 'cycle-cancelled',
    details: { from: cycle.phase as Phase },
  });
  if (cycle.executionArn) await stopCycleExecution(cycle.executionArn, 'cycle cancelled');
  if (cycle.upward) await discardUpwardAnswers(cycleId);
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const participants = await listAssessments(cycleId);
  const notes = participants.map((participant) =>
    newMail(
      cycleId,
      `cancellation#${participant.employeeId}`,
      'cancellation',
      participant.email,
      [participant.employeeId],
      messages.cancellation(ctx, participant),
    ),
  );
  const outbox = ownMail(cycleId);
  await forEachLimited(notes, PER_ITEM_CONCURRENCY, async (note) => void (await outbox.queue(note)));
  // Whatever else the cycle had queued is dropped by the next flush that finds it cancelled.
  await outbox.sendNow();
  return { notified: participants.length };
}
