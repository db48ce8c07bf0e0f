import { randomBytes } from 'node:crypto';
import { checkLaunchDeadlines, RuleViolation, type CycleSchedule } from '#domain/cycle.ts';
import { launchWarnings, matchDepartment, overlappingCycle } from '#domain/launch-checks.ts';
import { periodAt } from '#domain/goals.ts';
import { isActive, reviewerOf, selectParticipants, type Reviewer } from '#domain/employee.ts';
import { upwardReviews } from '#domain/multi-rater.ts';
import { DAY_MS, endOfDay, lastDayEndingBy } from '#domain/time.ts';
import { invitation } from '#mail/messages.ts';
import { flushOutbox, markClaimed, markedQueueClaim, newMail } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import { formLink } from '#shared/links.ts';
import { startCycleExecution } from '#shared/workflow.ts';
import { assessmentItem, HR_MANAGER_KEY, type AssessmentRecord } from '#store/assessments.ts';
import { recordAudit, type Actor } from '#store/audit.ts';
import {
  createCycle,
  getCycle,
  isRunning,
  listActiveCycles,
  markCountersCarryPhase,
  markParticipantsWritten,
  recordExecution,
  scheduleOf,
  type CycleRecord,
} from '#store/cycles.ts';
import { loadDirectory } from '#store/employees.ts';
import { queueMailsClaimed, unmarkClaim, type Claim, type MailRecord } from '#store/mail.ts';
import { settingsInForce } from '#store/settings.ts';
import { COUNTERS_IN_A_MOVE, progressItems, syncCounterPhases } from '#store/progress.ts';
import { batchPut } from '#store/table.ts';
import { putUpwardCounters } from '#store/upward.ts';
import { Conflict, NotFound } from './errors.ts';
import type {
  AssessmentsPort,
  AuditPort,
  CyclesPort,
  EmployeesPort,
  MailPort,
  SettingsPort,
  UpwardPort,
  WorkflowPort,
} from './ports.ts';
import { upwardInvitations } from './upward.ts';
import { stepOutput, type StepOutput } from './step-output.ts';

/**
 * What HR's launch reads and writes, and what the workflow's first task does: two wirings, so the API
 * function's bundle holds neither the outbox nor the batch writes it never makes.
 */
export type LaunchCyclePorts = Pick<CyclesPort, 'createCycle' | 'listActiveCycles' | 'recordExecution'> &
  Pick<AuditPort, 'recordAudit'> &
  Pick<EmployeesPort, 'loadDirectory'> &
  SettingsPort &
  WorkflowPort;
export type LaunchParticipantsPorts = Pick<CyclesPort, 'getCycle' | 'markParticipantsWritten'> &
  Pick<AssessmentsPort, 'putAssessments'> &
  Pick<UpwardPort, 'putUpwardCounters'> &
  Pick<AuditPort, 'recordAudit'> &
  Pick<MailPort, 'queueMailsClaimed' | 'flushOutbox' | 'markClaim' | 'unmarkClaim'> &
  Pick<EmployeesPort, 'loadDirectory'>;

/** The store modules on DynamoDB and Step Functions: what the API runs on (unit tests pass test/support/memory-store.ts). */
const launchCyclePorts: LaunchCyclePorts = {
  createCycle,
  listActiveCycles,
  recordExecution,
  recordAudit,
  loadDirectory,
  settingsInForce,
  startCycleExecution,
};

/** The store modules on DynamoDB, the outbox on SES: what the workflow runs on. */
const launchParticipantsPorts: LaunchParticipantsPorts = {
  getCycle,
  markParticipantsWritten,
  // A cycle's progress counters start with its participants, stored with them (a rerun stores the same again), in
  // the phase a cycle is launched in, or the one a cancel moved it to meanwhile. Answers check the phase on them
  // when each phase move carries them all.
  putAssessments: async (assessments) => {
    if (!assessments.length) return;
    const { cycleId } = assessments[0];
    await batchPut([...assessments.map(assessmentItem), ...progressItems(cycleId, assessments, 'SELF_REVIEW')]);
    await syncCounterPhases(cycleId);
    if (new Set(assessments.map((assessment) => assessment.department)).size <= COUNTERS_IN_A_MOVE)
      await markCountersCarryPhase(cycleId);
  },
  putUpwardCounters,
  recordAudit,
  queueMailsClaimed,
  flushOutbox,
  markClaim: markClaimed,
  unmarkClaim,
  loadDirectory,
};

export interface LaunchRequest {
  name: string;
  selfDue: string;
  managerDue: string;
  department?: string;
  /** The quarter under review, e.g. `2026-Q4`; by default the quarter the cycle is launched in. */
  period?: string;
  /** Milliseconds; by default the settings' review timings. */
  reminderLead?: number;
  hrGrace?: number;
  /** Each participant with a manager also reviews that manager, anonymously (issue 14). */
  upward?: boolean;
  /** Launch even when a running cycle of the same period has some of the same participants. */
  allowOverlap?: boolean;
  /**
   * A calibrated cycle's calibration due date (YYYY-MM-DD): results then wait for HR's release. `false`
   * launches without calibration where the settings make it the default.
   */
  calibrationDue?: string | false;
}

/** The launched cycle, and what HR should know about it (the launch went ahead regardless). */
export type LaunchResult = CycleRecord & { warnings: string[] };

/** The launch's calibration due date, else the settings' default (that long after the manager deadline), else none. */
function calibrationDueOf(
  request: LaunchRequest,
  managerDue: number,
  defaultPeriod: number | undefined,
  timeZone: string,
): number | undefined {
  if (request.calibrationDue === false) return undefined;
  if (request.calibrationDue !== undefined) return endOfDay(request.calibrationDue, timeZone);
  if (defaultPeriod === undefined) return undefined;
  // Whole days after the manager deadline's day, so the due date is a day's end like every deadline.
  const managerDay = lastDayEndingBy(managerDue + 1000, timeZone);
  return endOfDay(
    new Date(Date.parse(`${managerDay}T00:00:00Z`) + Math.round(defaultPeriod / DAY_MS) * DAY_MS)
      .toISOString()
      .slice(0, 10),
    timeZone,
  );
}

function hrReviewer(): Reviewer {
  return { key: HR_MANAGER_KEY, name: 'HR', email: config().HR_EMAIL };
}

/** HR's launch: checks everything first, so a refused launch creates nothing; then starts the cycle's workflow. */
export async function launchCycle(
  request: LaunchRequest,
  actor: Actor,
  ports: LaunchCyclePorts = launchCyclePorts,
): Promise<LaunchResult> {
  const { version: settingsVersion, settings } = await ports.settingsInForce();
  const timeZone = settings.timeZone;
  const now = nowMs();
  const schedule: CycleSchedule = {
    selfDue: endOfDay(request.selfDue, timeZone),
    managerDue: endOfDay(request.managerDue, timeZone),
    timings: {
      reminderLeadMs: request.reminderLead ?? settings.timings.reviewReminderLead,
      hrGraceMs: request.hrGrace ?? settings.timings.reviewHrGrace,
    },
    acknowledgementReminderMs: settings.timings.acknowledgementReminder,
    extensions: {},
    reviewExtensions: {},
  };
  const calibrationDue = calibrationDueOf(request, schedule.managerDue, settings.timings.calibration, timeZone);
  if (calibrationDue !== undefined) schedule.calibrationDue = calibrationDue;
  checkLaunchDeadlines(schedule, now, timeZone);
  const directory = await ports.loadDirectory();
  const active = [...directory.values()].filter(isActive);
  if (!active.length)
    throw new RuleViolation('no participants', [
      directory.size
        ? 'everyone in the directory is deactivated: activate people first'
        : 'the directory is empty: import it first',
    ]);
  // The directory's spelling, so the cycle and its snapshot name the department as HR's roster does.
  const department =
    request.department === undefined
      ? undefined
      : matchDepartment(
          active.map((employee) => employee.department),
          request.department,
        );
  const participants = selectParticipants(directory, department);
  if (!participants.length)
    throw new RuleViolation('no participants', [`nobody in the directory has department "${department}"`]);
  if (request.upward) {
    const candidates = participants.map((employee) => ({
      employeeId: employee.employeeId,
      name: employee.name,
      managerKey: reviewerOf(employee, directory, hrReviewer()).key,
    }));
    if (!upwardReviews(candidates, HR_MANAGER_KEY).length)
      throw new RuleViolation('no upward reviews', [
        `nobody in this cycle has a manager to review: HR reviews all ${participants.length} participants; launch without upward`,
      ]);
  }
  const period = request.period ?? periodAt(now, timeZone);
  if (!request.allowOverlap) {
    const running = (await ports.listActiveCycles()).filter(isRunning).map((cycle) => ({
      cycleId: cycle.cycleId,
      name: cycle.name,
      period: cycle.period,
      participantIds: new Set(selectParticipants(directory, cycle.department).map((employee) => employee.employeeId)),
    }));
    const overlap = overlappingCycle(
      period,
      participants.map((employee) => employee.employeeId),
      running,
    );
    if (overlap) {
      throw new Conflict(`a running cycle already reviews these people for ${period}`, [
        `"${overlap.cycle.name}" (${overlap.cycle.cycleId}) is running for ${period} and includes ${overlap.shared} of the ${participants.length} people this launch would invite`,
        'cancel or close it first, or launch with allowOverlap (CLI: --allow-overlap) if a second cycle is intended',
      ]);
    }
  }
  const warnings = launchWarnings(schedule);
  const cycle: CycleRecord = {
    cycleId: `cyc_${randomBytes(8).toString('hex')}`,
    name: request.name,
    ...(department !== undefined ? { department } : {}),
    phase: 'SELF_REVIEW',
    ...schedule,
    timeZone,
    period,
    settingsVersion,
    scale: settings.scale,
    selfQuestions: settings.selfQuestions,
    peerQuestions: settings.peerQuestions,
    peerFeedback: settings.peerFeedback,
    competencies: settings.competencies,
    scoreWeights: settings.scoreWeights,
    ...(request.upward
      ? { upward: { questions: settings.upwardQuestions, threshold: settings.anonymityThreshold } }
      : {}),
    senderName: settings.senderName,
    createdAt: nowIso(),
    createdBy: actor,
  };
  await ports.createCycle(cycle);
  await ports.recordAudit({
    cycleId: cycle.cycleId,
    at: cycle.createdAt,
    actor,
    action: 'cycle-launched',
    details: {
      participants: participants.length,
      ...(request.upward ? { upward: true } : {}),
      ...(warnings.length ? { warnings: warnings.join(' ') } : {}),
    },
  });
  const executionArn = await ports.startCycleExecution(cycle.cycleId, 0);
  await ports.recordExecution(cycle.cycleId, executionArn, 0);
  return { ...cycle, executionArn, executionGeneration: 0, warnings };
}

/**
 * The workflow's first task: snapshots the participants (people and reviewers as they are now), stores
 * their assessments and invitations in batches, and sends the invitations. Safe to rerun: once the
 * snapshot is stored it is never written again, and queued mail is sent once.
 */
export async function launchParticipants(
  cycleId: string,
  ports: LaunchParticipantsPorts = launchParticipantsPorts,
): Promise<StepOutput> {
  // Taken before the read, so the outbox's phase check never takes the cycle for fresher than it is.
  const readAt = Date.now();
  const cycle = await ports.getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (!isRunning(cycle)) return stepOutput(cycle, cycle.phase, nowMs());
  // A launch that finds its snapshot stored is an execution resuming the cycle: check at once what fell due meanwhile.
  const resumed = cycle.participantCount !== undefined;
  let queued: MailRecord[] = [];
  let claim: Claim | undefined;
  if (!resumed) {
    const directory = await ports.loadDirectory();
    const participants = selectParticipants(directory, cycle.department);
    const issuedAt = nowMs();
    const createdAt = nowIso();
    const assessments: AssessmentRecord[] = participants.map((employee) => {
      const reviewer = reviewerOf(employee, directory, hrReviewer());
      return {
        cycleId,
        employeeId: employee.employeeId,
        name: employee.name,
        email: employee.email,
        department: employee.department,
        managerKey: reviewer.key,
        managerName: reviewer.name,
        managerEmail: reviewer.email,
        selfStatus: 'PENDING',
        reviewStatus: 'PENDING',
      };
    });
    const context = { cycleName: cycle.name, timeZone: cycle.timeZone };
    const invitations = await Promise.all(
      assessments.map(async (assessment) =>
        newMail(
          cycleId,
          `invitation#${assessment.employeeId}`,
          'invitation',
          assessment.email,
          [assessment.employeeId],
          invitation(
            context,
            assessment,
            cycle.selfDue,
            await formLink(cycleId, assessment.employeeId, { purpose: 'self', schedule: scheduleOf(cycle) }, issuedAt),
          ),
        ),
      ),
    );
    const upward = await upwardInvitations(cycle, assessments, issuedAt);
    queued = [...invitations, ...upward.invitations].map((mail) => ({ ...mail, createdAt }));
    // Stored outside the outbox index, under one marker written first (mail/outbox.ts markClaimed).
    claim = markedQueueClaim(queued.length);
    await ports.markClaim(cycleId, claim);
    // Independent writes, so together: the invitations are queued claimed by this launch (nobody else sends
    // them), and none goes out before all are stored; a rerun stores them all again.
    await Promise.all([
      ports.putAssessments(assessments),
      ...(upward.counters.length ? [ports.putUpwardCounters(cycleId, upward.counters)] : []),
      ports.queueMailsClaimed(queued, claim),
    ]);
    await ports.markParticipantsWritten(cycleId, assessments.length);
    await ports.recordAudit({
      cycleId,
      at: createdAt,
      actor: 'system',
      action: 'participants-snapshotted',
      details: { participants: assessments.length },
    });
  }
  // The invitations just queued go out from memory, with the cycle as read above. The outbox is read only for
  // leftovers, by a resumed launch: a fresh cycle's outbox holds nothing but these invitations.
  const flushed = await ports.flushOutbox(cycleId, {
    first: queued,
    claim,
    onlyFirst: !resumed,
    cycle: { record: cycle, readAt },
  });
  if (claim) await ports.unmarkClaim(cycleId, claim.owner);
  return stepOutput(cycle, cycle.phase, nowMs(), flushed.remaining || resumed);
}
