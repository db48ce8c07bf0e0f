import { acknowledgementEndsAt, selfDueOf, type AnswerWindow } from '#domain/cycle.ts';
import { personPhaseState } from '#domain/progress.ts';
import type { Employee } from '#domain/employee.ts';
import { periodBounds } from '#domain/goals.ts';
import { verifyLink } from '#domain/tokens.ts';
import { nowMs } from '#shared/clock.ts';
import { mapLimited } from '#shared/concurrency.ts';
import { linkSecret } from '#shared/links.ts';
import type { SelfAnswers } from '#domain/review-form.ts';
import {
  getAnswerVersion,
  getAssessment,
  listTeam,
  type AnsweredAssessment,
  type AssessmentRecord,
  type StoredReview,
} from '#store/assessments.ts';
import { getCycle, scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { findByEmail, getEmployee } from '#store/employees.ts';
import type { FeedbackRecord } from '#store/feedback.ts';
import { listGoals, type GoalRecord } from '#store/goals.ts';
import { settingsInForce } from '#store/settings.ts';
import { getDraft, type Draft, type DraftForm } from '#store/submissions.ts';
import { feedbackReceivedBetween } from './feedback.ts';
import { peerAnswersForManager, peerAnswersForResults, type PeerSection } from './peers.ts';
import { upwardOnTeamPage, type UpwardOnTeamPage } from './upward.ts';
import { goalsOfPeriod, goalsUnderReview } from './goals.ts';
import { hasResults } from './results.ts';
import { openLink, reviewWindow, selfWindow, type LinkRead } from './submissions.ts';
import type { Unavailable } from './unavailable.ts';

/**
 * The reads behind the pages of the emailed links, so the form handlers only parse, call and answer. Each
 * page's data carries `now`, the instant it was read at, for the views to judge goals by.
 */

export interface SelfAssessmentOpen {
  state: 'open';
  cycle: CycleRecord;
  assessment: AssessmentRecord;
  goals: GoalRecord[];
  /** The person's deadline, with any extension HR granted. */
  due: number;
  now: number;
  window: AnswerWindow;
}

/** The self-assessment behind a link, with the goals of the period it rates. */
export async function openSelfAssessment(
  token: string,
  read: LinkRead = {},
): Promise<SelfAssessmentOpen | Unavailable> {
  const { cycleId, personId } = verifyLink(token, await linkSecret(), 'self', nowMs());
  // All three at once: each needs only the signed link, and every post of the form waits on them.
  const [cycle, assessment, goals] = await Promise.all([
    getCycle(cycleId, { consistent: read.forPost === true }),
    getAssessment(cycleId, personId),
    listGoals(personId),
  ]);
  if (!cycle || !assessment) return { state: 'gone' };
  if (cycle.phase === 'CANCELLED') return { state: 'cancelled', cycle };
  return {
    state: 'open',
    cycle,
    assessment,
    goals: goalsOfPeriod(goals, cycle.period),
    due: selfDueOf(scheduleOf(cycle), assessment.employeeId),
    now: nowMs(),
    window: selfWindow(cycle, assessment),
  };
}

/**
 * The assessment with the answers in force, read from their versions (the assessment keeps no texts): for the
 * pages that show answers. Only the versions a page shows are read, both at once.
 */
export async function withAnswers<T extends AssessmentRecord>(
  assessment: T,
  forms: { self?: boolean; review?: boolean },
): Promise<T & AnsweredAssessment> {
  const { cycleId, employeeId, selfVersion, reviewVersion } = assessment;
  const [self, review] = await Promise.all([
    forms.self && selfVersion ? getAnswerVersion<SelfAnswers>(cycleId, 'self', employeeId, selfVersion) : undefined,
    forms.review && reviewVersion
      ? getAnswerVersion<StoredReview>(cycleId, 'review', employeeId, reviewVersion)
      : undefined,
  ]);
  return {
    ...assessment,
    ...(self && { selfAnswers: self.answers }),
    ...(review && { review: review.answers }),
  } as T & AnsweredAssessment;
}

/** The answers as they are stored now: after a post was refused because another one changed them. */
export function storedAssessment(cycle: CycleRecord, employeeId: string): Promise<AssessmentRecord | undefined> {
  return getAssessment(cycle.cycleId, employeeId);
}

/** The draft kept for a form of answers, if any was typed on the version in force. */
export function answersDraft(
  cycle: CycleRecord,
  form: DraftForm,
  assessment: AssessmentRecord,
): Promise<Draft | undefined> {
  const inForce = (form === 'self' ? assessment.selfVersion : assessment.reviewVersion) ?? 0;
  return getDraft(cycle.cycleId, form, assessment.employeeId, inForce);
}

/** The cycle behind a manager's link, and whose team it is. */
export async function openTeamLink(
  token: string,
  read: LinkRead = {},
): Promise<{ state: 'open'; cycle: CycleRecord; managerKey: string } | Unavailable> {
  const { claims, cycle } = await openLink(token, 'manager', read);
  if (!cycle) return { state: 'gone' };
  if (cycle.phase === 'CANCELLED') return { state: 'cancelled', cycle };
  return { state: 'open', cycle, managerKey: claims.personId };
}

export type ReviewState = 'not started' | 'draft' | 'submitted';

export interface TeamMember {
  report: AssessmentRecord;
  state: ReviewState;
  /** Whether the self-assessment is still missing past its deadline. */
  selfOverdue: boolean;
}

function selfOverdue(cycle: CycleRecord, report: AssessmentRecord, now: number): boolean {
  return personPhaseState(scheduleOf(cycle), 'self', report, now) === 'overdue';
}

const PAGE_READ_CONCURRENCY = 8;

export interface TeamOverview {
  members: TeamMember[];
  /** What the manager's reports said of them in upward reviews, once released. */
  upward: UpwardOnTeamPage;
}

/**
 * Each report, by name, with where their review stands (a draft is only the manager's, so it is read from the
 * drafts), and the upward reviews of the manager.
 */
export async function teamOverview(cycle: CycleRecord, managerKey: string): Promise<TeamOverview> {
  const [members, upward] = await Promise.all([teamMembers(cycle, managerKey), upwardOnTeamPage(cycle, managerKey)]);
  return { members, upward };
}

async function teamMembers(cycle: CycleRecord, managerKey: string): Promise<TeamMember[]> {
  const team = (await listTeam(cycle.cycleId, managerKey)).sort((a, b) => a.name.localeCompare(b.name));
  const now = nowMs();
  return mapLimited(team, PAGE_READ_CONCURRENCY, async (report) => ({
    report,
    selfOverdue: selfOverdue(cycle, report, now),
    state:
      report.reviewStatus === 'SUBMITTED'
        ? 'submitted'
        : (await answersDraft(cycle, 'review', report))
          ? 'draft'
          : 'not started',
  }));
}

export interface ReportPage {
  cycle: CycleRecord;
  report: AnsweredAssessment;
  goals: GoalRecord[];
  feedback: FeedbackRecord[];
  /** The answered peer reviews of the report, with the reviewers' names. */
  peers?: PeerSection;
  draft: Draft | undefined;
  window: AnswerWindow;
  now: number;
  selfOverdue: boolean;
}

/**
 * What the manager reads before reviewing: the report's goals and feedback of the period, their self-assessment,
 * and the review (its draft, or as submitted).
 */
export async function reportPage(cycle: CycleRecord, report: AssessmentRecord): Promise<ReportPage> {
  const { start, end } = periodBounds(cycle.period, cycle.timeZone);
  const [goals, feedback, draft, answered, peers] = await Promise.all([
    goalsUnderReview(report.employeeId, cycle.period),
    feedbackReceivedBetween(report.employeeId, start, end),
    answersDraft(cycle, 'review', report),
    withAnswers(report, { self: true, review: true }),
    peerAnswersForManager(cycle, report.employeeId),
  ]);
  const now = nowMs();
  return {
    cycle,
    report: answered,
    goals,
    feedback,
    peers,
    draft,
    window: reviewWindow(cycle, report),
    now,
    selfOverdue: selfOverdue(cycle, report, now),
  };
}

/** The owner of a goals link, and the time zone their goals page speaks in. */
export async function openGoalsLink(token: string): Promise<{ owner: Employee; timeZone: string } | undefined> {
  const employeeId = verifyLink(token, await linkSecret(), 'goals', nowMs()).personId;
  const [owner, { settings }] = await Promise.all([getEmployee(employeeId), settingsInForce()]);
  return owner && { owner, timeZone: settings.timeZone };
}

/** A person's goals as their goals page lists them. */
export async function goalsPage(employeeId: string): Promise<{ goals: GoalRecord[]; now: number }> {
  return { goals: await listGoals(employeeId), now: nowMs() };
}

/** The directory entries of the addresses someone typed, and the addresses nobody has. */
export async function colleaguesByEmail(addresses: string[]): Promise<{ found: Employee[]; unknown: string[] }> {
  const found = await Promise.all(addresses.map((address) => findByEmail(address)));
  return {
    found: found.filter((colleague) => colleague !== undefined),
    unknown: addresses.filter((_, index) => !found[index]),
  };
}

export type Released = AssessmentRecord & { review: NonNullable<AssessmentRecord['review']> };

export interface ResultsPage {
  cycle: CycleRecord;
  assessment: Released;
  /** The end of the acknowledgement window. */
  acknowledgeBy: number;
  /** Whether the page offers the proposed goals: proposals not made goals yet (the manager may have confirmed them). */
  goalsOffered: boolean;
  /** The answered peer reviews, named only where the cycle's settings say so. */
  peers?: PeerSection;
}

/** A results page as the employee reads it: with the answers of the appraisal and of their self-assessment. */
export type ResultsShown = Omit<ResultsPage, 'assessment'> & { assessment: Released & AnsweredAssessment };

export async function resultsShown(page: ResultsPage): Promise<ResultsShown> {
  return { ...page, assessment: await withAnswers(page.assessment, { self: true, review: true }) };
}

/** The released appraisal behind a results link; undefined when there is none (not released, or no review). */
export async function openResults(token: string, read: LinkRead = {}): Promise<ResultsPage | undefined> {
  const { claims, cycle } = await openLink(token, 'results', read);
  return cycle && resultsOf(cycle, claims.personId);
}

/** The results as they are stored now, e.g. after an acknowledgement from another page. */
export async function resultsOf(cycle: CycleRecord, employeeId: string): Promise<ResultsPage | undefined> {
  const assessment = await getAssessment(cycle.cycleId, employeeId);
  if (!assessment || !hasResults(assessment)) return undefined;
  return {
    cycle,
    assessment,
    acknowledgeBy: acknowledgementEndsAt(scheduleOf(cycle)),
    goalsOffered: !!assessment.review.proposedGoals.length && !assessment.proposedGoalsCreatedAt,
    peers: await peerAnswersForResults(cycle, employeeId),
  };
}
