import { createHash } from 'node:crypto';
import { goalsChoice, hrEmailedOfAcknowledgement } from '#domain/acknowledgement.ts';
import { acknowledgementEndsAt } from '#domain/cycle.ts';
import { checkNewGoals } from '#domain/goals.ts';
import * as messages from '#mail/messages.ts';
import { newMail } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import { consoleLink, formLink } from '#shared/links.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import {
  acknowledgedByPost,
  getAssessment,
  listAssessments,
  markProposedGoalsCreated,
  recordAcknowledgement,
  type AssessmentRecord,
} from '#store/assessments.ts';
import { recordAudit, type Actor } from '#store/audit.ts';
import { getCycle, markAcknowledgementsReminded, scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { listGoals } from '#store/goals.ts';
import { addGoal } from './goals.ts';
import { NotFound } from './errors.ts';
import { ownMail } from './own-mail.ts';
import { PER_ITEM_CONCURRENCY } from './checkpoint.ts';
import { stepOutput, type StepOutput } from './step-output.ts';
import { submissionOf } from './submissions.ts';

export type AcknowledgeOutcome = 'acknowledged' | 'duplicate' | 'already-acknowledged' | 'not-released';

export interface AcknowledgeInput {
  disagree: boolean;
  comment?: string;
  acceptGoals: boolean;
}

/** A released appraisal the employee can acknowledge: one with a manager's review. */
export function hasResults(
  assessment: AssessmentRecord,
): assessment is AssessmentRecord & { review: NonNullable<AssessmentRecord['review']> } {
  return assessment.resultReleasedAt !== undefined && assessment.review !== undefined;
}

/**
 * The employee acknowledges their appraisal, once, optionally with a comment or a disagreement. Their manager is
 * emailed, and HR as well when there is a comment or a disagreement (hrEmailedOfAcknowledgement), with what they
 * chose about the proposed goals. Accepting them (never together
 * with a disagreement) makes them goals first; a proposal that no longer fits (a past due date, weights over
 * 100) refuses the whole acknowledgement with the reason. The acknowledgement, its audit event and the
 * form's `submissionId` are recorded together: the same post again ('duplicate') changes and sends nothing.
 */
export async function acknowledgeResults(
  cycle: CycleRecord,
  employeeId: string,
  input: AcknowledgeInput,
  submissionId: string,
): Promise<AcknowledgeOutcome> {
  const assessment = await getAssessment(cycle.cycleId, employeeId);
  if (!assessment || !hasResults(assessment)) return 'not-released';
  if (assessment.acknowledgedAt)
    return (await acknowledgedByPost(assessment, submissionId)) ? 'duplicate' : 'already-acknowledged';
  const actor: Actor = `employee:${employeeId}`;
  // Proposed goals become goals only on the employee's own tick, never with a disagreement (refused before anything changes).
  const offered = assessment.review.proposedGoals.length > 0 && !assessment.proposedGoalsCreatedAt;
  const goals = goalsChoice({ offered, disagree: input.disagree, acceptGoals: input.acceptGoals });
  // Goals get ids derived from the proposals: a repeat of this post racing this one adds none twice.
  const accepted = goals === 'accepted' ? await createProposedGoals(cycle, assessment, actor) : 0;
  const acknowledgement = { disagree: input.disagree, ...(input.comment ? { comment: input.comment } : {}), goals };
  const outcome = await recordAcknowledgement(
    submissionOf(submissionId, 'acknowledgement', actor),
    assessment,
    acknowledgement,
    {
      actor,
      action: 'results-acknowledged',
      details: { disagree: input.disagree, commented: !!input.comment, goals, goalsAccepted: accepted },
    },
  );
  if (outcome !== 'done') return outcome === 'duplicate' ? 'duplicate' : 'already-acknowledged';
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const ack = { ...acknowledgement, proposedGoals: assessment.review.proposedGoals.length };
  const hrCopy = { suffix: 'hr', name: 'HR team', email: config().HR_EMAIL };
  const recipients = [
    { suffix: 'manager', name: assessment.managerName, email: assessment.managerEmail },
    ...(hrEmailedOfAcknowledgement(acknowledgement) ? [hrCopy] : []),
  ];
  // A person reviewed by HR has HR as their "manager": one email is enough.
  const mails = recipients
    .filter((to, index) => index === 0 || to.email !== recipients[0].email)
    .map((to) =>
      newMail(
        cycle.cycleId,
        `acknowledgement#${employeeId}#${to.suffix}`,
        'acknowledgement',
        to.email,
        [employeeId],
        messages.acknowledgement(
          ctx,
          to,
          assessment,
          ack,
          to.email === hrCopy.email ? consoleLink.cycle(cycle.cycleId) : undefined,
        ),
      ),
    );
  const outbox = ownMail(cycle.cycleId);
  for (const mail of mails) await outbox.queue(mail);
  await outbox.sendNow();
  return 'acknowledged';
}

/** The manager confirms the goals they proposed, without waiting for the employee. */
export async function confirmProposedGoals(
  cycle: CycleRecord,
  managerKey: string,
  employeeId: string,
): Promise<'confirmed' | 'nothing-to-confirm' | 'not-your-report'> {
  const assessment = await getAssessment(cycle.cycleId, employeeId);
  if (!assessment || assessment.managerKey !== managerKey) return 'not-your-report';
  if (!hasResults(assessment) || !assessment.review.proposedGoals.length || assessment.proposedGoalsCreatedAt)
    return 'nothing-to-confirm';
  await createProposedGoals(cycle, assessment, `manager:${managerKey}`);
  return 'confirmed';
}

/**
 * Turns the review's proposed goals into goals, all or none, under ids derived from the cycle, the person
 * and the proposal: a retry after a crash finds them stored. Returns how many the review proposed.
 */
async function createProposedGoals(
  cycle: CycleRecord,
  assessment: AssessmentRecord & { review: NonNullable<AssessmentRecord['review']> },
  actor: Actor,
): Promise<number> {
  const proposals = assessment.review.proposedGoals;
  if (!proposals.length || assessment.proposedGoalsCreatedAt) return 0;
  const ids = proposals.map(
    (_, index) =>
      `goal_${createHash('sha256').update(`${cycle.cycleId}#${assessment.employeeId}#${index}`).digest('hex').slice(0, 12)}`,
  );
  const open = (await listGoals(assessment.employeeId)).filter(
    (goal) => goal.state === 'OPEN' && !ids.includes(goal.goalId),
  );
  checkNewGoals(proposals, open, cycle.timeZone, nowMs());
  for (const [index, proposal] of proposals.entries())
    await addGoal(assessment.employeeId, { ...proposal, kind: 'performance' }, actor, ids[index]);
  if (await markProposedGoalsCreated(cycle.cycleId, assessment.employeeId, actor, nowIso())) {
    await recordAudit({
      cycleId: cycle.cycleId,
      at: nowIso(),
      actor,
      action: 'proposed-goals-created',
      employeeId: assessment.employeeId,
      details: { goals: proposals.length },
    });
  }
  return proposals.length;
}

/**
 * The workflow's last task: one reminder to everyone whose released appraisal is still unacknowledged a
 * configurable time after the release. Then the cycle leaves the active-cycles index; HR sees who never
 * acknowledged in the list of unacknowledged results (services/lists.ts).
 */
export async function remindUnacknowledged(cycleId: string): Promise<StepOutput> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (cycle.phase !== 'CLOSED' || cycle.acknowledgementsRemindedAt) return stepOutput(cycle, cycle.phase, nowMs());
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const issuedAt = nowMs();
  const waiting = (await listAssessments(cycleId)).filter(
    (assessment) => hasResults(assessment) && !assessment.acknowledgedAt,
  );
  const outbox = ownMail(cycleId);
  await forEachLimited(waiting, PER_ITEM_CONCURRENCY, async (assessment) => {
    const url = await formLink(
      cycleId,
      assessment.employeeId,
      { purpose: 'results', schedule: scheduleOf(cycle) },
      issuedAt,
    );
    await outbox.queue(
      newMail(
        cycleId,
        `acknowledgement-reminder#${assessment.employeeId}`,
        'acknowledgement-reminder',
        assessment.email,
        [assessment.employeeId],
        messages.acknowledgementReminder(ctx, assessment, acknowledgementEndsAt(scheduleOf(cycle)), url),
      ),
    );
  });
  const flushed = await outbox.flush();
  if (flushed.remaining) return stepOutput(cycle, 'CLOSED', nowMs(), true);
  if (await markAcknowledgementsReminded(cycleId, nowIso())) {
    await recordAudit({
      cycleId,
      at: nowIso(),
      actor: 'system',
      action: 'acknowledgements-reminded',
      details: { reminded: waiting.length },
    });
  }
  return stepOutput({ ...cycle, acknowledgementsRemindedAt: nowIso() }, 'CLOSED', nowMs());
}
