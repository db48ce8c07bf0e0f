import {
  calibrationReminders,
  isCalibrated,
  ladderOf,
  SHARED_LADDER,
  phaseAt,
  releaseAt,
  selfDueOf,
  stepsDue,
  type LadderStep,
  type Phase,
  type ReviewKind,
} from '#domain/cycle.ts';
import { peerReminderDue } from '#domain/peer-review.ts';
import * as messages from '#mail/messages.ts';
import { flushOutbox, markClaimed, newMail } from '#mail/outbox.ts';
import type { EmailContent } from '#mail/compose.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import { consoleLink, formLink } from '#shared/links.ts';
import { listAssessments, listPending, type AssessmentRecord } from '#store/assessments.ts';
import { recordAudit, recordAudits, type AuditEvent } from '#store/audit.ts';
import { ladderKey, ladderProgress, recordLadderStep } from '#store/ladder.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import {
  getCycle,
  isRunning,
  markCalibrationReminder,
  movePhase,
  scheduleOf,
  type CycleRecord,
} from '#store/cycles.ts';
import { queueMailOnce, unmarkClaim, type MailKind } from '#store/mail.ts';
import { listPendingPeerReviews, markPeerReminded } from '#store/peers.ts';
import { NotFound } from './errors.ts';
import { OwnMail } from './own-mail.ts';
import type { AssessmentsPort, AuditPort, CyclesPort, LadderPort, MailPort, PeersPort, UpwardPort } from './ports.ts';
import { remindUpward } from './upward.ts';
import { answeredUpward } from '#store/upward.ts';
import { stepOutput, type StepOutput } from './step-output.ts';

/** What the ladder reads and writes. */
export type CheckpointPorts = Pick<CyclesPort, 'getCycle' | 'movePhase' | 'markCalibrationReminder'> &
  Pick<AssessmentsPort, 'listAssessments' | 'listPending'> &
  LadderPort &
  AuditPort &
  PeersPort &
  Pick<MailPort, 'queueMailOnce' | 'flushOutbox' | 'markClaim' | 'unmarkClaim'> &
  Pick<UpwardPort, 'answeredUpward'>;

/** The store modules on DynamoDB, the outbox on SES: what the handlers run on (unit tests pass test/support/memory-store.ts). */
const storePorts: CheckpointPorts = {
  getCycle,
  movePhase,
  markCalibrationReminder,
  listAssessments,
  listPending,
  ladderProgress,
  recordLadderStep,
  recordAudit,
  recordAudits,
  listPendingPeerReviews,
  markPeerReminded,
  queueMailOnce,
  flushOutbox,
  markClaim: markClaimed,
  unmarkClaim,
  answeredUpward,
};

/** Conditional writes per person run a few at a time: one checkpoint may touch every participant. */
export const PER_ITEM_CONCURRENCY = 16;

interface DueItem {
  assessment: AssessmentRecord;
  due: number;
  /** Whose ladder: the shared one, or the person's own (domain/cycle.ts ladderOf). */
  scope: string;
}

/**
 * One checkpoint of a cycle: climbs the self-assessment ladder, opens the manager phase when the
 * self-assessment deadline has passed, climbs the manager-review ladder, and moves to release when that
 * ladder has run out. Every mail is queued under an id derived from what it is about and every step is
 * recorded with a conditional write, so running a checkpoint twice sends nothing twice.
 */
export async function runCheckpoint(cycleId: string, ports: CheckpointPorts = storePorts): Promise<StepOutput> {
  const cycle = await ports.getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  const now = nowMs();
  if (!isRunning(cycle) || cycle.phase === 'RELEASING') return stepOutput(cycle, cycle.phase, now);

  const schedule = scheduleOf(cycle);
  const target = phaseAt(schedule, now, cycle.phase);
  const outbox = new OwnMail(ports, cycleId);
  await climbLadder(ports, outbox, cycle, 'self', now);
  // Peer reviews close with the self-assessments: while those are asked for, their reviewers get one reminder.
  if (cycle.phase === 'SELF_REVIEW' || Object.keys(cycle.extensions).length)
    await remindPeers(ports, outbox, cycle, now);
  // Upward reviews close with the self-assessment, and their one reminder goes with its reminder step.
  await remindUpward(ports, outbox, cycle, now);

  let phase: Phase = cycle.phase;
  if (phase === 'SELF_REVIEW' && target !== 'SELF_REVIEW') {
    await openManagerPhase(ports, outbox, cycle, now);
    if (await ports.movePhase(cycleId, 'SELF_REVIEW', 'MANAGER_REVIEW', nowIso())) {
      await ports.recordAudit({
        cycleId,
        at: nowIso(),
        actor: 'system',
        action: 'phase-changed',
        details: { from: 'SELF_REVIEW', to: 'MANAGER_REVIEW' },
      });
    }
    phase = 'MANAGER_REVIEW';
  }
  // Missing reviews keep their ladder through calibration: reviews are taken until HR releases.
  if (phase === 'MANAGER_REVIEW' || phase === 'CALIBRATION') await climbLadder(ports, outbox, cycle, 'manager', now);
  if (phase === 'MANAGER_REVIEW' && target === 'CALIBRATION') {
    if (await ports.movePhase(cycleId, 'MANAGER_REVIEW', 'CALIBRATION', nowIso())) {
      await ports.recordAudit({
        cycleId,
        at: nowIso(),
        actor: 'system',
        action: 'phase-changed',
        details: { from: 'MANAGER_REVIEW', to: 'CALIBRATION' },
      });
    }
    phase = 'CALIBRATION';
  }
  if (phase === 'CALIBRATION') await remindCalibration(ports, outbox, cycle, now);
  if (phase === 'MANAGER_REVIEW' && target === 'RELEASING') {
    if (await ports.movePhase(cycleId, 'MANAGER_REVIEW', 'RELEASING', nowIso())) {
      await ports.recordAudit({
        cycleId,
        at: nowIso(),
        actor: 'system',
        action: 'phase-changed',
        details: { from: 'MANAGER_REVIEW', to: 'RELEASING' },
      });
    }
    phase = 'RELEASING';
  }
  const flushed = await outbox.flush();
  // A cancel may have landed meanwhile: report the stored phase so the machine stops.
  const stored = (await ports.getCycle(cycleId))?.phase ?? phase;
  return stepOutput(cycle, stored === 'CANCELLED' ? stored : phase, nowMs(), flushed.remaining);
}

async function climbLadder(
  ports: CheckpointPorts,
  outbox: OwnMail,
  cycle: CycleRecord,
  kind: ReviewKind,
  now: number,
): Promise<void> {
  const schedule = scheduleOf(cycle);
  const byStep: Record<LadderStep, DueItem[]> = { REMINDER: [], OVERDUE: [], HR_ESCALATION: [] };
  const [pending, ladders] = await Promise.all([
    ports.listPending(cycle.cycleId, kind),
    ports.ladderProgress(cycle.cycleId, kind),
  ]);
  for (const assessment of pending) {
    const { due, scope } = ladderOf(schedule, kind, assessment.employeeId);
    for (const step of stepsDue(due, ladders.get(ladderKey(due, scope)) ?? {}, now, schedule.timings))
      byStep[step].push({ assessment, due, scope });
  }
  await queueLadderMail(outbox, cycle, kind, byStep);
  // Recorded once the mail is queued: a rerun after a crash queues again what was missed, and the ids send it once.
  const at = nowIso();
  const taken: AuditEvent[] = [];
  for (const [step, items] of Object.entries(byStep) as [LadderStep, DueItem[]][])
    for (const ladder of groupBy(items, (item) => ladderKey(item.due, item.scope))) {
      const [{ due, scope }] = ladder;
      if (await ports.recordLadderStep(cycle.cycleId, kind, due, scope, step, at))
        taken.push({
          cycleId: cycle.cycleId,
          at,
          actor: 'system',
          action: `${kind}-${step.toLowerCase().replace('_', '-')}`,
          ...(scope === SHARED_LADDER ? {} : { employeeId: scope }),
          details: { due: new Date(due).toISOString(), people: ladder.length },
        });
    }
  await ports.recordAudits(taken);
}

/** The mail of the ladder steps due: each queued once, by an id naming its deadline. */
async function queueLadderMail(
  outbox: OwnMail,
  cycle: CycleRecord,
  kind: ReviewKind,
  byStep: Record<LadderStep, DueItem[]>,
): Promise<void> {
  const schedule = scheduleOf(cycle);
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const issuedAt = nowMs();
  // HR hears of everyone still outstanding at a deadline, one mail per deadline.
  const hrEscalation = async (
    mailKind: MailKind,
    compose: (due: number, outstanding: AssessmentRecord[], consoleUrl: string) => EmailContent,
  ) => {
    for (const group of groupBy(byStep.HR_ESCALATION, (item) => String(item.due))) {
      const outstanding = group.map((item) => item.assessment);
      await queueStepMail(outbox, cycle, outstanding, {
        mailId: `${mailKind}#${group[0].due}`,
        kind: mailKind,
        to: config().HR_EMAIL,
        content: compose(group[0].due, outstanding, consoleLink.cycle(cycle.cycleId)),
      });
    }
  };

  if (kind === 'self') {
    await forEachLimited(byStep.REMINDER, PER_ITEM_CONCURRENCY, async ({ assessment, due }) => {
      const url = await formLink(cycle.cycleId, assessment.employeeId, { purpose: 'self', schedule }, issuedAt);
      await queueStepMail(outbox, cycle, [assessment], {
        mailId: `self-reminder#${assessment.employeeId}#${due}`,
        kind: 'self-reminder',
        to: assessment.email,
        content: messages.selfReminder(ctx, assessment, due, url),
      });
    });
    for (const group of groupBy(byStep.OVERDUE, (item) => `${item.assessment.managerKey}#${item.due}`)) {
      const [{ assessment: first, due }] = group;
      await queueStepMail(
        outbox,
        cycle,
        group.map((item) => item.assessment),
        {
          mailId: `self-overdue#${first.managerKey}#${due}`,
          kind: 'self-overdue',
          to: first.managerEmail,
          content: messages.selfOverdueToManager(
            ctx,
            { name: first.managerName },
            due,
            group.map((item) => item.assessment),
            releaseAt(schedule),
          ),
        },
      );
    }
    await hrEscalation('self-hr', (due, outstanding, consoleUrl) =>
      messages.selfOverdueToHr(ctx, due, outstanding, releaseAt(schedule), consoleUrl),
    );
    return;
  }

  const teamMail = async (
    step: 'REMINDER' | 'OVERDUE',
    mailKind: MailKind,
    compose: (to: { name: string }, due: number, reports: AssessmentRecord[], url: string) => EmailContent,
  ) => {
    for (const group of groupBy(byStep[step], (item) => `${item.assessment.managerKey}#${item.due}`)) {
      const [{ assessment: first, due }] = group;
      const reports = group.map((item) => item.assessment);
      const url = await formLink(cycle.cycleId, first.managerKey, { purpose: 'manager', schedule }, issuedAt);
      await queueStepMail(outbox, cycle, reports, {
        // Ids name the deadline: a reopened review's ladder sends again what the cycle's ladder sent before.
        mailId: `${mailKind}#${first.managerKey}#${due}`,
        kind: mailKind,
        to: first.managerEmail,
        content: compose({ name: first.managerName }, due, reports, url),
      });
    }
  };
  await teamMail('REMINDER', 'review-reminder', (to, due, reports, url) =>
    messages.reviewReminder(ctx, to, due, reports, url),
  );
  await teamMail('OVERDUE', 'review-overdue', (to, due, reports, url) =>
    messages.reviewOverdueToManager(ctx, to, due, reports, url, releaseAt(schedule)),
  );
  await hrEscalation('review-hr', (due, outstanding, consoleUrl) =>
    messages.reviewOverdueToHr(ctx, due, outstanding, consoleUrl),
  );
}

/**
 * HR hears of the calibration due date a reminder lead before it and on it, each once, with the reviews
 * still missing. Nothing is released by the due date: only HR releases a calibrated cycle.
 */
async function remindCalibration(
  ports: CheckpointPorts,
  outbox: OwnMail,
  cycle: CycleRecord,
  now: number,
): Promise<void> {
  const schedule = scheduleOf(cycle);
  if (!isCalibrated(schedule)) return;
  const [reminder, due] = calibrationReminders(schedule);
  const step =
    now >= due.at
      ? { ...due, attribute: 'calibrationDueNotifiedAt' as const }
      : now >= reminder.at
        ? { ...reminder, attribute: 'calibrationRemindedAt' as const }
        : undefined;
  if (!step || cycle[step.attribute]) return;
  const missing = await ports.listPending(cycle.cycleId, 'manager');
  await outbox.queue(
    newMail(
      cycle.cycleId,
      step.step.toLowerCase(),
      'calibration-reminder',
      config().HR_EMAIL,
      missing.map((assessment) => assessment.employeeId),
      messages.calibrationReminder(
        { cycleName: cycle.name, timeZone: cycle.timeZone },
        schedule.calibrationDue,
        missing,
        consoleLink.cycle(cycle.cycleId),
        step.step === 'CALIBRATION_DUE',
      ),
    ),
  );
  if (await ports.markCalibrationReminder(cycle.cycleId, step.attribute, nowIso())) {
    await ports.recordAudit({
      cycleId: cycle.cycleId,
      at: nowIso(),
      actor: 'system',
      action: step.step.toLowerCase().replace('_', '-'),
      details: { missingReviews: missing.length },
    });
  }
}

/**
 * Each pending peer reviewer gets one reminder in the reminder lead before the reviewed person's self deadline,
 * from the pending index (never a read of every review), under a mail id of its own and a conditional mark.
 */
async function remindPeers(ports: CheckpointPorts, outbox: OwnMail, cycle: CycleRecord, now: number): Promise<void> {
  const schedule = scheduleOf(cycle);
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const due = (await ports.listPendingPeerReviews(cycle.cycleId)).flatMap((review) => {
    const deadline = selfDueOf(schedule, review.employeeId);
    return peerReminderDue(deadline, review.remindedAt, now, schedule.timings) ? [{ review, deadline }] : [];
  });
  await forEachLimited(due, PER_ITEM_CONCURRENCY, async ({ review, deadline }) => {
    const url = await formLink(
      cycle.cycleId,
      review.reviewerId,
      { purpose: 'peer', schedule, aboutId: review.employeeId },
      now,
    );
    await outbox.queue(
      newMail(
        cycle.cycleId,
        `peer-reminder#${review.employeeId}#${review.reviewerId}`,
        'peer-reminder',
        review.reviewerEmail,
        [review.employeeId],
        messages.peerReminder(ctx, { name: review.reviewerName }, { name: review.name }, deadline, url),
      ),
    );
    await ports.markPeerReminded(review, nowIso());
  });
}

/** Queues a ladder step's mail, once by its id, naming the people it concerns. */
function queueStepMail(
  outbox: OwnMail,
  cycle: CycleRecord,
  assessments: AssessmentRecord[],
  mail: { mailId: string; kind: MailKind; to: string; content: EmailContent },
): Promise<boolean> {
  const ids = assessments.map((assessment) => assessment.employeeId);
  return outbox.queue(newMail(cycle.cycleId, mail.mailId, mail.kind, mail.to, ids, mail.content));
}

/** The manager phase opens with one email per reviewer, linking to their team page. */
async function openManagerPhase(
  ports: CheckpointPorts,
  outbox: OwnMail,
  cycle: CycleRecord,
  now: number,
): Promise<void> {
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  for (const team of groupBy(await ports.listAssessments(cycle.cycleId), (assessment) => assessment.managerKey)) {
    const [first] = team;
    const url = await formLink(
      cycle.cycleId,
      first.managerKey,
      { purpose: 'manager', schedule: scheduleOf(cycle) },
      now,
    );
    await outbox.queue(
      newMail(
        cycle.cycleId,
        `manager-request#${first.managerKey}`,
        'manager-request',
        first.managerEmail,
        team.map((assessment) => assessment.employeeId),
        messages.managerRequest(ctx, { name: first.managerName }, cycle.managerDue, team, url),
      ),
    );
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}
