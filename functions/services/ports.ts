import type { LadderProgress, LadderStep, Phase, ReviewKind } from '#domain/cycle.ts';
import type { Employee } from '#domain/employee.ts';
import type { GoalStep } from '#domain/goals.ts';
import type { FlushOptions, FlushResult } from '#mail/outbox.ts';
import type { AnswerForm, AnswerVersion, AssessmentRecord } from '#store/assessments.ts';
import type { AuditEvent } from '#store/audit.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import type { PeerReviewRecord } from '#store/peers.ts';
import type { Claim, MailRecord } from '#store/mail.ts';
import type { SettingsInForce } from '#store/settings.ts';
import type { NewUpwardCounter, StoredUpward, UpwardCounter } from '#store/upward.ts';

/**
 * The store operations the workflow services (ladder, launch, release, goal watch) take as ports, named and
 * typed as the store modules export them: each service wires those modules in by default, and its unit
 * tests pass the in-memory store (test/support/memory-store.ts) instead. Types only, so nothing here loads
 * an SDK client.
 */
export interface CyclesPort {
  getCycle(cycleId: string): Promise<CycleRecord | undefined>;
  /** Refused (throws) when a cycle with the id exists. */
  createCycle(cycle: CycleRecord): Promise<void>;
  listActiveCycles(): Promise<CycleRecord[]>;
  /** Only from `from`: false when the cycle had moved already. */
  movePhase(cycleId: string, from: Phase, to: Phase, at: string): Promise<boolean>;
  /** Once, and only in calibration: false otherwise. */
  markCalibrationReminder(
    cycleId: string,
    attribute: 'calibrationRemindedAt' | 'calibrationDueNotifiedAt',
    at: string,
  ): Promise<boolean>;
  markParticipantsWritten(cycleId: string, participantCount: number): Promise<void>;
  recordExecution(cycleId: string, executionArn: string, generation: number): Promise<void>;
}

export interface AssessmentsPort {
  /** A launch's new assessments, stored pending in both phases. */
  putAssessments(assessments: AssessmentRecord[]): Promise<void>;
  listAssessments(cycleId: string): Promise<AssessmentRecord[]>;
  /** Those whose self-assessment (or manager review) is still pending. */
  listPending(cycleId: string, kind: ReviewKind): Promise<AssessmentRecord[]>;
  /** One version of a person's answers to a form, as submitted. */
  getAnswerVersion<T>(
    cycleId: string,
    form: AnswerForm,
    employeeId: string,
    version: number,
  ): Promise<AnswerVersion<T> | undefined>;
  /** Once: false when it was released before. */
  markResultReleased(cycleId: string, employeeId: string, at: string, awaitsAcknowledgement: boolean): Promise<boolean>;
}

/** How far each deadline's reminder ladder climbed (store/ladder.ts). */
export interface LadderPort {
  /** Every ladder of the form in the cycle, by ladderKey(due, scope). */
  ladderProgress(cycleId: string, kind: ReviewKind): Promise<Map<string, LadderProgress>>;
  /** Once per step of a ladder: false when it was recorded before. */
  recordLadderStep(
    cycleId: string,
    kind: ReviewKind,
    due: number,
    scope: string,
    step: LadderStep,
    at: string,
  ): Promise<boolean>;
}

export interface PeersPort {
  /** The cycle's peer reviews not answered yet. */
  listPendingPeerReviews(cycleId: string): Promise<PeerReviewRecord[]>;
  /** Once, and only while the review is pending: false otherwise. */
  markPeerReminded(review: PeerReviewRecord, at: string): Promise<boolean>;
}

export interface AuditPort {
  recordAudit(event: AuditEvent): Promise<void>;
  recordAudits(events: AuditEvent[]): Promise<void>;
}

export interface MailPort {
  /** False when a mail with the same scope and id was queued (or sent) before; with `claim`, stored claimed by it. */
  queueMailOnce(record: MailRecord, claim?: Claim): Promise<boolean>;
  queueMailsClaimed(records: MailRecord[], claim: Claim): Promise<void>;
  /** Sends the scope's queued mail; `remaining` when some is still due. */
  flushOutbox(scope: string, options?: FlushOptions): Promise<FlushResult>;
  /** Writes a marked claim's marker, before any mail is queued under it (mail/outbox.ts markClaimed). */
  markClaim(scope: string, claim: Claim): Promise<void>;
  /** Removes it once every mail queued under it has an outcome or is back in the outbox. */
  unmarkClaim(scope: string, owner: string): Promise<void>;
}

export interface GoalsPort {
  listGoals(employeeId: string): Promise<GoalRecord[]>;
  listGoalsOfPeriod(period: string): Promise<GoalRecord[]>;
  /** Open goals not yet escalated to HR, due by `untilMs`. */
  listOpenGoalsDueBy(untilMs: number): Promise<GoalRecord[]>;
  /** Once per step, and only on an open goal: false otherwise. */
  recordGoalStep(employeeId: string, goalId: string, step: GoalStep, at: string): Promise<boolean>;
}

/** Upward reviews (store/upward.ts): counters per manager, anonymous answers, and the authors' markers. */
export interface UpwardPort {
  putUpwardCounters(cycleId: string, counters: NewUpwardCounter[]): Promise<void>;
  listUpwardCounters(cycleId: string): Promise<UpwardCounter[]>;
  listUpwardAnswers(cycleId: string, managerKey: string): Promise<StoredUpward[]>;
  deleteUpwardAnswers(cycleId: string, managerKey: string, answerIds: string[]): Promise<void>;
  /** Once per manager: false when marked before. */
  markUpwardReleased(cycleId: string, managerKey: string): Promise<boolean>;
  /** Which of the authors' markers exist. */
  answeredUpward(cycleId: string, markers: readonly string[]): Promise<Set<string>>;
}

export interface EmployeesPort {
  loadDirectory(): Promise<Map<string, Employee>>;
  getEmployee(employeeId: string): Promise<Employee | undefined>;
}

export interface SettingsPort {
  settingsInForce(): Promise<SettingsInForce>;
}

export interface HistoryPort {
  recordParticipation(employeeId: string, cycleId: string, releasedAt: string): Promise<void>;
}

export interface WorkflowPort {
  /** Starts the cycle's state machine execution; answers its ARN. */
  startCycleExecution(cycleId: string, generation: number): Promise<string>;
}

/** Every port at once: what the in-memory store implements. */
export type StorePorts = CyclesPort &
  AssessmentsPort &
  LadderPort &
  PeersPort &
  AuditPort &
  MailPort &
  UpwardPort &
  GoalsPort &
  EmployeesPort &
  SettingsPort &
  HistoryPort &
  WorkflowPort;
