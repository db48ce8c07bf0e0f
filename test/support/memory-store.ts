import { randomUUID } from 'node:crypto';
import type { UpwardAnswer } from '#domain/anonymity.ts';
import type { LadderProgress, LadderStep, Phase, ReviewKind } from '#domain/cycle.ts';
import { ladderKey, STEP_ATTRIBUTE } from '#store/ladder.ts';
import type { Employee } from '#domain/employee.ts';
import type { GoalStep } from '#domain/goals.ts';
import { defaultSettingsInput, settingsSchema } from '#domain/settings.ts';
import { nowIso } from '#shared/clock.ts';
import type { FlushOptions, FlushResult } from '#mail/outbox.ts';
import {
  ratingsOf,
  type AnswerForm,
  type AnswerVersion,
  type AssessmentRecord,
  type StoredReview,
} from '#store/assessments.ts';
import type { AuditEvent } from '#store/audit.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import type { PeerReviewRecord } from '#store/peers.ts';
import type { Claim, MailRecord } from '#store/mail.ts';
import type { SettingsInForce } from '#store/settings.ts';
import type { StorePorts } from '#services/ports.ts';
import type { NewUpwardCounter, StoredUpward, UpwardCounter } from '#store/upward.ts';

/** The DynamoDB condition failure the store modules let through (a duplicate create). */
export class ConditionalCheckFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

/** Ascending by a string key, as the table sorts its keys (code-unit order, not the locale's). */
const byKey =
  <T>(keyOf: (item: T) => string) =>
  (a: T, b: T) =>
    keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;

/** A mail's key in `mails`: its scope and id. */
const mailKey = (mail: Pick<MailRecord, 'cycleId' | 'mailId'>) => `${mail.cycleId}#${mail.mailId}`;

/**
 * The services' ports on plain maps, with the semantics the services rely on from the table: every read is
 * a copy, and the conditional writes refuse as DynamoDB's conditions do (a second create, a step taken
 * twice or on a submitted item, a phase moved from where the cycle no longer is, mail queued twice). The
 * outbox delivers every due mail of a scope into `delivered` (at most `sendLimit` per flush, the rest
 * `remaining`); retries, claims racing and SES faults are the outbox's own tests on DynamoDB Local.
 */
export class MemoryStore implements StorePorts {
  readonly cycles = new Map<string, CycleRecord>();
  readonly assessments = new Map<string, AssessmentRecord>();
  /** Each ladder's progress by `cycleId#kind#` and its ladderKey. */
  private readonly ladders = new Map<string, LadderProgress>();
  /** Each version of answers by `cycleId#form#employeeId#version`. */
  private readonly versions = new Map<string, AnswerVersion<unknown>>();
  readonly goals = new Map<string, GoalRecord>();
  readonly employees = new Map<string, Employee>();
  readonly mails = new Map<string, MailRecord>();
  /** Peer reviews by cycle, person and reviewer. */
  readonly peerReviews = new Map<string, PeerReviewRecord>();
  /** When each claimed mail's lease ends, on the project clock (the outbox index's due time). */
  private readonly leaseEnds = new Map<string, string>();
  readonly audit: AuditEvent[] = [];
  readonly participations = new Map<string, { employeeId: string; cycleId: string; releasedAt: string }>();
  readonly executions: { cycleId: string; generation: number; executionArn: string }[] = [];
  /** Every mail the outbox sent, in order: what the recipients' mailboxes hold. */
  readonly delivered: MailRecord[] = [];
  /** At most this many mails go out per flush, as a flush's time budget would cut it short. */
  sendLimit = Infinity;
  settings: SettingsInForce;

  constructor(timeZone = 'UTC') {
    const document = defaultSettingsInput(timeZone, 'Example Org');
    this.settings = { version: 0, settings: settingsSchema.parse(document), document, savedAt: null, savedBy: null };
  }

  /** Test setup: people in the directory. */
  addEmployees(...employees: Employee[]): this {
    for (const employee of employees) this.employees.set(employee.employeeId, structuredClone(employee));
    return this;
  }

  /** Test setup: a stored goal. */
  putGoal(goal: GoalRecord): this {
    this.goals.set(`${goal.employeeId}#${goal.goalId}`, structuredClone(goal));
    return this;
  }

  /** Test setup: a self-assessment or review submitted, as the forms' transaction stores it (it leaves the pending index). */
  submit(cycleId: string, employeeId: string, form: 'self' | 'review', review?: StoredReview): this {
    const assessment = this.assessments.get(`${cycleId}#${employeeId}`);
    if (!assessment) throw new Error(`no assessment of ${employeeId} in ${cycleId}`);
    if (form === 'self')
      Object.assign(assessment, { selfStatus: 'SUBMITTED', selfSubmittedAt: nowIso(), selfVersion: 1 });
    else {
      Object.assign(assessment, {
        reviewStatus: 'SUBMITTED',
        reviewSubmittedAt: nowIso(),
        reviewVersion: 1,
        ...(review && { review: ratingsOf(review) }),
      });
      if (review) this.versions.set(`${cycleId}#review#${employeeId}#1`, { version: 1, answers: review, late: false });
    }
    return this;
  }

  /** The mail sent so far as `[to, subject]`, sorted, and forgotten: what arrived since the last look. */
  takeDelivered(): [string, string][] {
    const mails = this.delivered.splice(0).map((mail): [string, string] => [mail.to, mail.subject]);
    return mails.sort(byKey((pair) => pair.join('\n')));
  }

  // Cycles

  async getCycle(cycleId: string): Promise<CycleRecord | undefined> {
    return copy(this.cycles.get(cycleId));
  }

  async createCycle(cycle: CycleRecord): Promise<void> {
    if (this.cycles.has(cycle.cycleId)) throw new ConditionalCheckFailed(`cycle ${cycle.cycleId} exists`);
    this.cycles.set(cycle.cycleId, structuredClone(cycle));
  }

  /** The active index: every cycle but a cancelled one or one whose acknowledgement reminder went out, oldest first. */
  async listActiveCycles(): Promise<CycleRecord[]> {
    return [...this.cycles.values()]
      .filter((cycle) => cycle.phase !== 'CANCELLED' && !cycle.acknowledgementsRemindedAt)
      .sort(byKey((cycle) => cycle.createdAt))
      .map((cycle) => structuredClone(cycle));
  }

  async movePhase(cycleId: string, from: Phase, to: Phase, at: string): Promise<boolean> {
    const cycle = this.cycles.get(cycleId);
    if (cycle?.phase !== from) return false;
    cycle.phase = to;
    if (to === 'MANAGER_REVIEW') cycle.managerPhaseOpenedAt = at;
    if (to === 'CLOSED' || to === 'CANCELLED') cycle.closedAt = at;
    return true;
  }

  async markCalibrationReminder(
    cycleId: string,
    attribute: 'calibrationRemindedAt' | 'calibrationDueNotifiedAt',
    at: string,
  ): Promise<boolean> {
    const cycle = this.cycles.get(cycleId);
    if (!cycle || cycle[attribute] !== undefined || cycle.phase !== 'CALIBRATION') return false;
    cycle[attribute] = at;
    return true;
  }

  async markParticipantsWritten(cycleId: string, participantCount: number): Promise<void> {
    this.updateCycle(cycleId, { participantCount });
  }

  async recordExecution(cycleId: string, executionArn: string, generation: number): Promise<void> {
    this.updateCycle(cycleId, { executionArn, executionGeneration: generation });
  }

  private updateCycle(cycleId: string, changes: Partial<CycleRecord>): void {
    const cycle = this.cycles.get(cycleId);
    if (!cycle) throw new Error(`no cycle ${cycleId} to update`);
    Object.assign(cycle, changes);
  }

  // Assessments

  async putAssessments(assessments: AssessmentRecord[]): Promise<void> {
    for (const assessment of assessments)
      this.assessments.set(`${assessment.cycleId}#${assessment.employeeId}`, structuredClone(assessment));
  }

  /** A cycle's assessments in employeeId order, as the table's sort key has them. */
  async listAssessments(cycleId: string): Promise<AssessmentRecord[]> {
    return this.assessmentsOf(cycleId).map((assessment) => structuredClone(assessment));
  }

  /** The pending index of each kind: by employeeId for self-assessments, by reviewer then employeeId for reviews. */
  async listPending(cycleId: string, kind: ReviewKind): Promise<AssessmentRecord[]> {
    return this.assessmentsOf(cycleId)
      .filter((assessment) => (kind === 'self' ? assessment.selfStatus : assessment.reviewStatus) === 'PENDING')
      .sort(
        byKey((assessment) =>
          kind === 'self' ? assessment.employeeId : `${assessment.managerKey}#${assessment.employeeId}`,
        ),
      )
      .map((assessment) => structuredClone(assessment));
  }

  async ladderProgress(cycleId: string, kind: ReviewKind): Promise<Map<string, LadderProgress>> {
    const prefix = `${cycleId}#${kind}#`;
    return new Map(
      [...this.ladders]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, progress]) => [key.slice(prefix.length), { ...progress }]),
    );
  }

  async recordLadderStep(
    cycleId: string,
    kind: ReviewKind,
    due: number,
    scope: string,
    step: LadderStep,
    at: string,
  ): Promise<boolean> {
    const key = `${cycleId}#${kind}#${ladderKey(due, scope)}`;
    const progress = this.ladders.get(key) ?? {};
    if (progress[STEP_ATTRIBUTE[step]] !== undefined) return false;
    this.ladders.set(key, { ...progress, [STEP_ATTRIBUTE[step]]: at });
    return true;
  }

  async getAnswerVersion<T>(
    cycleId: string,
    form: AnswerForm,
    employeeId: string,
    version: number,
  ): Promise<AnswerVersion<T> | undefined> {
    return copy(this.versions.get(`${cycleId}#${form}#${employeeId}#${version}`) as AnswerVersion<T> | undefined);
  }

  /** Test setup: a peer review HR assigned. */
  putPeerReview(review: PeerReviewRecord): this {
    this.peerReviews.set(`${review.cycleId}#${review.employeeId}#${review.reviewerId}`, structuredClone(review));
    return this;
  }

  async listPendingPeerReviews(cycleId: string): Promise<PeerReviewRecord[]> {
    return [...this.peerReviews.values()]
      .filter((review) => review.cycleId === cycleId && review.status === 'PENDING')
      .map((review) => structuredClone(review));
  }

  async markPeerReminded(review: PeerReviewRecord, at: string): Promise<boolean> {
    const stored = this.peerReviews.get(`${review.cycleId}#${review.employeeId}#${review.reviewerId}`);
    if (!stored || stored.remindedAt !== undefined || stored.status !== 'PENDING') return false;
    stored.remindedAt = at;
    return true;
  }

  async markResultReleased(cycleId: string, employeeId: string, at: string): Promise<boolean> {
    const assessment = this.assessments.get(`${cycleId}#${employeeId}`);
    if (!assessment || assessment.resultReleasedAt !== undefined) return false;
    assessment.resultReleasedAt = at;
    return true;
  }

  // Upward reviews: counters by `cycleId#managerKey`, answers by `cycleId#managerKey#answerId`, markers by `cycleId#marker`

  readonly upwardCounters = new Map<string, UpwardCounter>();
  readonly upwardAnswers = new Map<string, StoredUpward>();
  readonly upwardMarkers = new Set<string>();

  async putUpwardCounters(cycleId: string, counters: NewUpwardCounter[]): Promise<void> {
    for (const counter of counters)
      this.upwardCounters.set(`${cycleId}#${counter.managerKey}`, { ...counter, answers: 0, ratings: 0, ratingSum: 0 });
  }

  /** Test setup: an author's upward answer, as the form's transaction stores it. */
  answerUpward(cycleId: string, managerKey: string, marker: string, answer: UpwardAnswer): this {
    const counter = this.upwardCounters.get(`${cycleId}#${managerKey}`);
    if (!counter || this.upwardMarkers.has(`${cycleId}#${marker}`)) throw new ConditionalCheckFailed();
    this.upwardMarkers.add(`${cycleId}#${marker}`);
    const answerId = randomUUID();
    this.upwardAnswers.set(`${cycleId}#${managerKey}#${answerId}`, { ...answer, answerId });
    counter.answers += 1;
    if (answer.rating !== undefined) {
      counter.ratings += 1;
      counter.ratingSum += answer.rating;
    }
    return this;
  }

  async listUpwardCounters(cycleId: string): Promise<UpwardCounter[]> {
    return [...this.upwardCounters.entries()]
      .filter(([key]) => key.startsWith(`${cycleId}#`))
      .map(([, counter]) => structuredClone(counter));
  }

  async listUpwardAnswers(cycleId: string, managerKey: string): Promise<StoredUpward[]> {
    return [...this.upwardAnswers.entries()]
      .filter(([key]) => key.startsWith(`${cycleId}#${managerKey}#`))
      .map(([, answer]) => structuredClone(answer))
      .sort(byKey((answer) => answer.answerId));
  }

  async deleteUpwardAnswers(cycleId: string, managerKey: string, answerIds: string[]): Promise<void> {
    for (const answerId of answerIds) this.upwardAnswers.delete(`${cycleId}#${managerKey}#${answerId}`);
  }

  async markUpwardReleased(cycleId: string, managerKey: string): Promise<boolean> {
    const counter = this.upwardCounters.get(`${cycleId}#${managerKey}`);
    if (!counter || counter.released) return false;
    counter.released = true;
    return true;
  }

  async answeredUpward(cycleId: string, markers: readonly string[]): Promise<Set<string>> {
    return new Set(markers.filter((marker) => this.upwardMarkers.has(`${cycleId}#${marker}`)));
  }

  private assessmentsOf(cycleId: string): AssessmentRecord[] {
    return [...this.assessments.values()]
      .filter((assessment) => assessment.cycleId === cycleId)
      .sort(byKey((assessment) => assessment.employeeId));
  }

  // Audit

  async recordAudit(event: AuditEvent): Promise<void> {
    this.audit.push(structuredClone(event));
  }

  async recordAudits(events: AuditEvent[]): Promise<void> {
    for (const event of events) await this.recordAudit(event);
  }

  // Mail

  async queueMailOnce(record: MailRecord, claim?: Claim): Promise<boolean> {
    if (this.mails.has(mailKey(record))) return false;
    if (claim) this.storeClaimed(record, claim);
    else this.mails.set(mailKey(record), structuredClone(record));
    return true;
  }

  async queueMailsClaimed(records: MailRecord[], claim: Claim): Promise<void> {
    for (const record of records) this.storeClaimed(record, claim);
  }

  /** The claim markers written and not removed, by scope and owner: what a sender that died leaves. */
  readonly claimMarkers = new Set<string>();

  async markClaim(scope: string, claim: Claim): Promise<void> {
    this.claimMarkers.add(`${scope}#${claim.owner}`);
  }

  async unmarkClaim(scope: string, owner: string): Promise<void> {
    this.claimMarkers.delete(`${scope}#${owner}`);
  }

  /** Mail stored claimed: its lease ends, on the project clock, when the outbox offers it again. */
  private storeClaimed(record: MailRecord, claim: Claim): void {
    this.mails.set(mailKey(record), {
      ...structuredClone(record),
      status: 'SENDING',
      claimedBy: claim.owner,
      leaseUntil: claim.leaseUntil,
    });
    this.leaseEnds.set(mailKey(record), claim.dueAgainAt);
  }

  /** Sends `first`, then (unless `onlyFirst`) the scope's queued mail, oldest first; the claim's own mail counts as queued. */
  async flushOutbox(scope: string, options: FlushOptions = {}): Promise<FlushResult> {
    const stored = (mail: MailRecord) => this.mails.get(mailKey(mail));
    // A claim is this flush's own, or one whose lease ran out (its sender died), as claimMail's condition says.
    const due = (mail: MailRecord | undefined): mail is MailRecord =>
      mail !== undefined &&
      (mail.status === 'PENDING' ||
        (mail.status === 'SENDING' &&
          (mail.claimedBy === options.claim?.owner || nowIso() >= (this.leaseEnds.get(mailKey(mail)) ?? '~'))));
    const first = (options.first ?? []).map(stored).filter(due);
    const rest = options.onlyFirst
      ? []
      : [...this.mails.values()]
          .filter((mail) => mail.cycleId === scope && due(mail) && !first.includes(mail))
          .sort(byKey((mail) => `${mail.createdAt}#${mail.mailId}`));
    const toSend = [...first, ...rest];
    const sending = toSend.slice(0, this.sendLimit);
    // What this flush held since queuing and never tried goes back to the queue, as releaseClaimed does.
    for (const mail of first.filter((held) => !sending.includes(held))) {
      const { claimedBy: _owner, leaseUntil: _lease, ...untried } = mail;
      this.mails.set(mailKey(mail), { ...untried, status: 'PENDING' });
    }
    for (const mail of sending) {
      const { claimedBy: _owner, leaseUntil: _lease, ...sent } = mail;
      const record: MailRecord = {
        ...sent,
        status: 'SENT',
        sentAt: nowIso(),
        messageId: `memory-${this.delivered.length}`,
      };
      this.mails.set(mailKey(mail), record);
      this.delivered.push(structuredClone(record));
    }
    return { sent: sending.length, failed: 0, deferred: 0, remaining: toSend.length > sending.length };
  }

  // Goals

  async listGoals(employeeId: string): Promise<GoalRecord[]> {
    return [...this.goals.values()]
      .filter((goal) => goal.employeeId === employeeId)
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((goal) => structuredClone(goal));
  }

  async listGoalsOfPeriod(period: string): Promise<GoalRecord[]> {
    return [...this.goals.values()]
      .filter((goal) => goal.period === period)
      .sort(byKey((goal) => `${goal.employeeId}#${goal.goalId}`))
      .map((goal) => structuredClone(goal));
  }

  /** The sparse open-goals index: open goals not yet escalated to HR, by due instant. */
  async listOpenGoalsDueBy(untilMs: number): Promise<GoalRecord[]> {
    return [...this.goals.values()]
      .filter((goal) => goal.state === 'OPEN' && goal.escalations.HR_ESCALATION === undefined && goal.dueAt <= untilMs)
      .sort(byKey((goal) => `${new Date(goal.dueAt).toISOString()}#${goal.goalId}`))
      .map((goal) => structuredClone(goal));
  }

  async recordGoalStep(employeeId: string, goalId: string, step: GoalStep, at: string): Promise<boolean> {
    const goal = this.goals.get(`${employeeId}#${goalId}`);
    if (!goal || goal.escalations[step] !== undefined || goal.state !== 'OPEN') return false;
    goal.escalations[step] = at;
    return true;
  }

  // Directory, settings, history, workflow

  async loadDirectory(): Promise<Map<string, Employee>> {
    return structuredClone(this.employees);
  }

  async getEmployee(employeeId: string): Promise<Employee | undefined> {
    return copy(this.employees.get(employeeId));
  }

  async settingsInForce(): Promise<SettingsInForce> {
    return structuredClone(this.settings);
  }

  async recordParticipation(employeeId: string, cycleId: string, releasedAt: string): Promise<void> {
    this.participations.set(`${employeeId}#${releasedAt}#${cycleId}`, { employeeId, cycleId, releasedAt });
  }

  async startCycleExecution(cycleId: string, generation: number): Promise<string> {
    const executionArn = `arn:aws:states:eu-west-1:000000000000:execution:ReviewCycle:${cycleId}-${generation}`;
    this.executions.push({ cycleId, generation, executionArn });
    return executionArn;
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
