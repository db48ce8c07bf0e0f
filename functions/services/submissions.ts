import { createHash } from 'node:crypto';
import {
  REVIEW_EDIT_PHASES,
  REVIEW_PHASES,
  reviewAnswerWindow,
  SELF_ANSWER_PHASES,
  selfAnswerWindow,
  selfDueOf,
  type AnswerWindow,
  type Phase,
} from '#domain/cycle.ts';
import { submissionCount } from '#domain/progress.ts';
import type { ReviewAnswers, SelfAnswers } from '#domain/review-form.ts';
import { finalScore } from '#domain/score.ts';
import { verifyLink, type LinkClaims, type LinkPurpose } from '#domain/tokens.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { linkSecret } from '#shared/links.ts';
import { answersPostRecorded, getAssessment, submitAnswers, type AssessmentRecord } from '#store/assessments.ts';
import type { Actor } from '#store/audit.ts';
import { ratingMove } from '#store/calibration.ts';
import { progressMove } from '#store/progress.ts';
import { getCycle, scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { saveDraft, submissionRecorded, type DraftForm, type FormName, type Submission } from '#store/submissions.ts';

/**
 * What became of a post: the first version, an edit, the same post again (recorded once before), a post
 * from a page that another post changed meanwhile (nothing saved), or one the form no longer takes.
 */
export type SubmitOutcome = 'submitted' | 'edited' | 'duplicate' | 'changed-meanwhile' | 'closed';
export type DraftOutcome = 'saved' | 'duplicate' | 'closed';

/**
 * How a page behind an emailed link reads its cycle: a post reads it strongly consistent, as what it stores depends on
 * the phase and deadlines; a page only shown reads it eventually consistent, for half the read units (the post from
 * it reads the cycle again).
 */
export interface LinkRead {
  forPost?: boolean;
}

/** Verifies an emailed link and loads its cycle; throws TokenError for a bad link, undefined cycle for a foreign one. */
export async function openLink(
  token: string,
  purpose: LinkPurpose,
  { forPost = false }: LinkRead = {},
): Promise<{ claims: LinkClaims; cycle: CycleRecord | undefined }> {
  const claims = verifyLink(token, await linkSecret(), purpose, nowMs());
  return { claims, cycle: await getCycle(claims.cycleId, { consistent: forPost }) };
}

export function submissionOf(id: string, form: FormName, by: Actor): Submission {
  return { id, form, by, at: nowIso() };
}

/**
 * The one-time id of a post of answers: the rendered form's id, what the post does and what it carries. The same
 * post twice is one id (recorded once). A draft and then a submit from one page, or a changed post from a page
 * already posted (the Back button), are other posts: never mistaken for a repeat and silently dropped.
 */
function answersPostId(formSubmissionId: string, form: FormName, content: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22);
  return `${formSubmissionId}.${form}.${digest}`;
}

export function selfWindow(cycle: CycleRecord, assessment: AssessmentRecord): AnswerWindow {
  return selfAnswerWindow(
    cycle.phase,
    assessment.selfStatus === 'SUBMITTED',
    nowMs(),
    selfDueOf(scheduleOf(cycle), assessment.employeeId),
  );
}

export function reviewWindow(cycle: CycleRecord, assessment: AssessmentRecord): AnswerWindow {
  return reviewAnswerWindow(cycle.phase, assessment.reviewStatus === 'SUBMITTED');
}

/** A post the form no longer takes may still be the repeat of one it took (`recorded`): that one answers as recorded. */
async function closedOrDuplicate(recorded: Promise<boolean>): Promise<'duplicate' | 'closed'> {
  return (await recorded) ? 'duplicate' : 'closed';
}

/** A write refused by its conditions: the cycle left the phase meanwhile, or another post changed the answers. */
async function refusedBecause(cycleId: string, phases: Phase[]): Promise<'closed' | 'changed-meanwhile'> {
  const cycle = await getCycle(cycleId);
  return cycle && phases.includes(cycle.phase) ? 'changed-meanwhile' : 'closed';
}

/**
 * One post of a form of answers: its one-time id, and the version of the answers the page showed (0 for
 * none), so a page opened before another post changed them cannot overwrite that change unseen.
 */
export interface AnswersPost {
  submissionId: string;
  basedOn: number;
}

/** The first self-assessment, or an edit of the version the person had open, until their deadline. */
export async function submitSelfAssessment(
  cycle: CycleRecord,
  assessment: AssessmentRecord,
  answers: SelfAnswers,
  { submissionId, basedOn }: AnswersPost,
): Promise<SubmitOutcome> {
  const postId = answersPostId(submissionId, 'self', answers);
  const employeeId = assessment.employeeId;
  if (selfWindow(cycle, assessment) === 'closed')
    return closedOrDuplicate(answersPostRecorded(cycle.cycleId, 'self', employeeId, basedOn + 1, postId));
  const actor: Actor = `employee:${employeeId}`;
  const late = nowMs() > selfDueOf(scheduleOf(cycle), employeeId);
  const previous = basedOn || undefined;
  const outcome = await submitAnswers(
    submissionOf(postId, 'self', actor),
    cycle,
    employeeId,
    'self',
    { version: (previous ?? 0) + 1, answers, late, ...(previous ? { replaces: previous } : {}) },
    { actor, action: previous ? 'self-assessment-edited' : 'self-assessment-submitted', details: { late } },
    SELF_ANSWER_PHASES,
    undefined,
    previous ? undefined : { writes: progressMove(cycle.cycleId, assessment, submissionCount('self', late)) },
  );
  if (outcome === 'refused') return refusedBecause(cycle.cycleId, SELF_ANSWER_PHASES);
  return outcome === 'duplicate' ? 'duplicate' : previous ? 'edited' : 'submitted';
}

/** The first review of a report, or an edit of the version the manager had open, until the manager phase ends; the latest version is scored and released. */
export async function submitManagerReview(
  cycle: CycleRecord,
  assessment: AssessmentRecord,
  review: ReviewAnswers,
  { submissionId, basedOn }: AnswersPost,
): Promise<SubmitOutcome> {
  const postId = answersPostId(submissionId, 'review', review);
  if (reviewWindow(cycle, assessment) === 'closed')
    return closedOrDuplicate(answersPostRecorded(cycle.cycleId, 'review', assessment.employeeId, basedOn + 1, postId));
  const actor: Actor = `manager:${assessment.managerKey}`;
  const late = nowMs() > cycle.managerDue;
  const previous = basedOn || undefined;
  const scored = { ...review, score: finalScore(review, cycle.scoreWeights, cycle.scale) };
  const outcome = await submitAnswers(
    submissionOf(postId, 'review', actor),
    cycle,
    assessment.employeeId,
    'review',
    { version: (previous ?? 0) + 1, answers: scored, late, ...(previous ? { replaces: previous } : {}) },
    { actor, action: previous ? 'manager-review-edited' : 'manager-review-submitted', details: { late } },
    previous ? REVIEW_EDIT_PHASES : REVIEW_PHASES,
    assessment.managerKey,
    ratingMove(cycle, assessment, { review: scored }, previous ? undefined : submissionCount('review', late)),
  );
  if (outcome === 'refused') return refusedBecause(cycle.cycleId, previous ? REVIEW_EDIT_PHASES : REVIEW_PHASES);
  return outcome === 'duplicate' ? 'duplicate' : previous ? 'edited' : 'submitted';
}

/** Keeps what the person typed, server-side, while their form still takes answers. */
export async function saveAnswersDraft(
  cycle: CycleRecord,
  assessment: AssessmentRecord,
  form: DraftForm,
  values: Record<string, string>,
  { submissionId, basedOn }: AnswersPost,
): Promise<DraftOutcome> {
  const draftForm = form === 'self' ? 'self-draft' : 'review-draft';
  const postId = answersPostId(submissionId, draftForm, values);
  const window = form === 'self' ? selfWindow(cycle, assessment) : reviewWindow(cycle, assessment);
  if (window === 'closed') return closedOrDuplicate(submissionRecorded(postId));
  const by: Actor = form === 'self' ? `employee:${assessment.employeeId}` : `manager:${assessment.managerKey}`;
  const outcome = await saveDraft(
    submissionOf(postId, draftForm, by),
    cycle.cycleId,
    form,
    assessment.employeeId,
    basedOn,
    values,
  );
  return outcome === 'done' ? 'saved' : 'duplicate';
}

/**
 * The report a manager's link may act on: only someone in their team for this cycle. Checked before
 * anything else about the person is read or shown.
 */
export async function reportOf(
  cycle: CycleRecord,
  managerKey: string,
  employeeId: string,
): Promise<AssessmentRecord | undefined> {
  const assessment = await getAssessment(cycle.cycleId, employeeId);
  return assessment?.managerKey === managerKey ? assessment : undefined;
}
