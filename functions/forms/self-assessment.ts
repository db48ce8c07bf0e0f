import { goalRatingField, OVERALL_SELF_LABEL, postedSelfAnswers, selfAnswersSchema, type SelfAnswers } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { selfDueOf } from '#domain/cycle.ts';
import { goalsUnderReview } from '#services/goals.ts';
import { acceptsSelfAssessments, openLink, submitSelfAssessment } from '#services/submissions.ts';
import { nowMs } from '#shared/clock.ts';
import type { HttpEvent } from '#shared/http.ts';
import { getAssessment, type AssessmentRecord } from '#store/assessments.ts';
import { scheduleOf, type CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import { answersList, errorList, goalSummary, hiddenFields, messagePage, page, ratingField, scaleGuide, selfAnswerEntries, textField } from './pages.ts';
import { formFields, formRoute, linkToken, readFormPost } from './form-handler.ts';
import { escapeHtml as e } from '#mail/compose.ts';

/** GET shows the form (never changes anything: mail scanners prefetch links); POST submits it once. */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const { claims, cycle } = await openLink(token, 'self');
  const assessment = cycle && (await getAssessment(cycle.cycleId, claims.personId));
  if (!cycle || !assessment) return messagePage(404, 'Review not found', 'This review no longer exists. Please ask HR.');
  if (cycle.phase === 'CANCELLED') return messagePage(410, 'This review cycle was cancelled', `HR cancelled "${cycle.name}". Nothing more is needed from you.`);
  if (assessment.selfStatus === 'SUBMITTED') return submittedPage(posted ? 409 : 200, cycle, assessment, 'Already submitted');
  if (!acceptsSelfAssessments(cycle)) return messagePage(409, 'This review cycle is closed', `"${cycle.name}" no longer accepts self-assessments.`);
  const goals = await goalsUnderReview(assessment.employeeId, cycle.period);
  if (!posted) return formPage(200, cycle, assessment, goals, await formFields(token), {}, []);

  const values = Object.fromEntries(posted.fields);
  const parsed = selfAnswersSchema(cycle, goals).safeParse(postedSelfAnswers(cycle, goals, (name) => posted.fields.get(name)));
  if (!parsed.success) return formPage(400, cycle, assessment, goals, await formFields(token), values, parsed.error.issues.map((issue) => issue.message));
  const outcome = await submitSelfAssessment(cycle, assessment.employeeId, parsed.data);
  if (outcome === 'closed') return messagePage(409, 'This review cycle is closed', `"${cycle.name}" no longer accepts self-assessments.`);
  const stored = (await getAssessment(cycle.cycleId, assessment.employeeId))!;
  return outcome === 'submitted'
    ? submittedPage(200, cycle, stored, 'Thank you: your self-assessment is submitted')
    : submittedPage(409, cycle, stored, 'Already submitted');
});

/** `values` are the posted fields by name, so a refused form comes back with every answer in place. */
function formPage(status: number, cycle: CycleRecord, assessment: AssessmentRecord, goals: GoalRecord[], hidden: Record<string, string>, values: Record<string, string>, errors: string[]) {
  const due = formatDeadline(selfDueOf(scheduleOf(cycle), assessment.employeeId), cycle.timeZone);
  const now = nowMs();
  const goalFields = goals.length
    ? `<h2>Your goals of ${e(cycle.period)}</h2><p>Rate how well you met each goal.</p>${goals
        .map((goal) => ratingField(goalRatingField(goal.goalId), `Goal: ${goal.title}`, cycle.scale, values[goalRatingField(goal.goalId)], goalSummary(goal, cycle.timeZone, now)))
        .join('')}<h2>Your quarter</h2>`
    : '';
  const fields = ratingField('overallRating', OVERALL_SELF_LABEL, cycle.scale, values.overallRating) + cycle.selfQuestions.map((question) => textField(question.id, question.label, values[question.id])).join('');
  return page(
    status,
    `Self-assessment: ${cycle.name}`,
    `<h1>Self-assessment: ${e(cycle.name)}</h1><p>${e(assessment.name)}, please answer by ${e(due)}.</p>${errorList(errors)}
${scaleGuide(cycle.scale)}<form method="post" action="/forms/self">${hiddenFields(hidden)}${goalFields}${fields}<button type="submit">Submit self-assessment</button></form>`,
  );
}

function submittedPage(status: number, cycle: CycleRecord, assessment: AssessmentRecord, title: string) {
  const answers = assessment.selfAnswers as SelfAnswers;
  const when = assessment.selfSubmittedAt ? formatDeadline(Date.parse(assessment.selfSubmittedAt), cycle.timeZone) : '';
  return page(
    status,
    title,
    `<h1>${e(title)}</h1><p>Your self-assessment for "${e(cycle.name)}" was submitted on ${e(when)}${assessment.selfLate ? ' (after the deadline)' : ''}. Your manager will review it.</p>${answersList(selfAnswerEntries(cycle, answers, { goal: 'Goal', overall: OVERALL_SELF_LABEL }))}`,
  );
}
