import { selfDueOf } from '#domain/cycle.ts';
import type { ReviewAnswers, SelfAnswers } from '#domain/review-form.ts';
import { finalScore } from '#domain/score.ts';
import { verifyLink, type LinkClaims, type LinkPurpose } from '#domain/tokens.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { linkSecret } from '#shared/links.ts';
import { getAssessment, submitReview, submitSelf } from '#store/assessments.ts';
import { recordAudit } from '#store/audit.ts';
import { getCycle, scheduleOf, type CycleRecord } from '#store/cycles.ts';

export type SubmitOutcome = 'submitted' | 'already-submitted' | 'closed';

/** Verifies an emailed link and loads its cycle; throws TokenError for a bad link, undefined cycle for a foreign one. */
export async function openLink(token: string, purpose: LinkPurpose): Promise<{ claims: LinkClaims; cycle: CycleRecord | undefined }> {
  const claims = verifyLink(token, await linkSecret(), purpose, nowMs());
  return { claims, cycle: await getCycle(claims.cycleId) };
}

/** Self-assessments are taken until results are released; after the deadline they are recorded as late. */
export function acceptsSelfAssessments(cycle: CycleRecord): boolean {
  return cycle.phase === 'SELF_REVIEW' || cycle.phase === 'MANAGER_REVIEW';
}

export function acceptsReviews(cycle: CycleRecord): boolean {
  return cycle.phase === 'MANAGER_REVIEW';
}

export async function submitSelfAssessment(cycle: CycleRecord, employeeId: string, answers: SelfAnswers): Promise<SubmitOutcome> {
  if (!acceptsSelfAssessments(cycle)) return 'closed';
  const now = nowMs();
  const late = now > selfDueOf(scheduleOf(cycle), employeeId);
  if (!(await submitSelf(cycle.cycleId, employeeId, answers, nowIso(), late))) return 'already-submitted';
  await recordAudit({ cycleId: cycle.cycleId, at: nowIso(), actor: `employee:${employeeId}`, action: 'self-assessment-submitted', employeeId, details: { late } });
  return 'submitted';
}

export async function submitManagerReview(
  cycle: CycleRecord,
  managerKey: string,
  employeeId: string,
  review: ReviewAnswers,
): Promise<SubmitOutcome | 'not-your-report'> {
  if (!acceptsReviews(cycle)) return 'closed';
  const assessment = await getAssessment(cycle.cycleId, employeeId);
  if (!assessment || assessment.managerKey !== managerKey) return 'not-your-report';
  const late = nowMs() > cycle.managerDue;
  const scored = { ...review, score: finalScore(review, cycle.scoreWeights, cycle.scale) };
  if (!(await submitReview(cycle.cycleId, employeeId, managerKey, scored, nowIso(), late))) return 'already-submitted';
  await recordAudit({ cycleId: cycle.cycleId, at: nowIso(), actor: `manager:${managerKey}`, action: 'manager-review-submitted', employeeId, details: { late } });
  return 'submitted';
}
