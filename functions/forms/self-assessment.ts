import {
  draftValues,
  goalRatingField,
  OVERALL_SELF_LABEL,
  postedSelfAnswers,
  selfAnswersAsFields,
  selfAnswersSchema,
  selfFieldNames,
  type SelfAnswers,
} from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { selfDueOf } from '#domain/cycle.ts';
import { goalsUnderReview } from '#services/goals.ts';
import { openLink, saveAnswersDraft, selfWindow, submitSelfAssessment } from '#services/submissions.ts';
import { nowMs } from '#shared/clock.ts';
import type { HttpEvent } from '#shared/http.ts';
import { getAssessment, type AssessmentRecord } from '#store/assessments.ts';
import { scheduleOf, type CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import { getDraft, type Draft } from '#store/submissions.ts';
import {
  answersList,
  changeLater,
  draftButtons,
  draftNote,
  errorList,
  goalSummary,
  hiddenFields,
  messagePage,
  noticeLine,
  page,
  ratingField,
  scaleGuide,
  selfAnswerEntries,
  textField,
} from './pages.ts';
import {
  formFields,
  formRoute,
  linkToken,
  noticeOf,
  postedVersion,
  readFormPost,
  seeOther,
  type FormFields,
} from './form-handler.ts';
import { escapeHtml as e } from '#mail/compose.ts';

const NOTICES = {
  submitted: 'Thank you: your self-assessment is submitted.',
  edited: 'Your changes are submitted: this version is the one your manager reads.',
  recorded: 'Your self-assessment was already saved from this page; it was recorded once.',
  'draft-saved': 'Your draft is saved. It is not submitted yet: come back to it with the link in your email.',
};

const CLOSED = (cycle: CycleRecord) =>
  messagePage(409, 'This review cycle is closed', `"${cycle.name}" no longer accepts self-assessments.`);

/**
 * GET shows the form (never changes anything: mail scanners prefetch links), with the draft or the submitted
 * answers in place while they can still change. POST saves a draft or submits, each rendered form once, and
 * answers with a redirect to this page (Post/Redirect/Get).
 */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const { claims, cycle } = await openLink(token, 'self');
  const assessment = cycle && (await getAssessment(cycle.cycleId, claims.personId));
  if (!cycle || !assessment)
    return messagePage(404, 'Review not found', 'This review no longer exists. Please ask HR.');
  if (cycle.phase === 'CANCELLED')
    return messagePage(
      410,
      'This review cycle was cancelled',
      `HR cancelled "${cycle.name}". Nothing more is needed from you.`,
    );
  const goals = await goalsUnderReview(assessment.employeeId, cycle.period);
  const hidden = await formFields(token);
  if (!posted) {
    if (selfWindow(cycle, assessment) === 'closed')
      return assessment.selfAnswers ? submittedPage(cycle, assessment, noticeOf(event, NOTICES)) : CLOSED(cycle);
    const draft = await getDraft(cycle.cycleId, 'self', assessment.employeeId);
    return formPage(200, cycle, assessment, goals, hidden, { draft, notice: noticeOf(event, NOTICES) });
  }

  const field = (name: string) => posted.fields.get(name);
  const values = draftValues(selfFieldNames(cycle, goals), field);
  if (field('action') === 'draft') {
    const outcome = await saveAnswersDraft(cycle, assessment, 'self', values, posted.submissionId);
    return outcome === 'closed' ? CLOSED(cycle) : seeOther('/forms/self', token, { notice: 'draft-saved' });
  }
  const parsed = selfAnswersSchema(cycle, goals).safeParse(postedSelfAnswers(cycle, goals, field));
  if (!parsed.success)
    return formPage(400, cycle, assessment, goals, hidden, {
      values,
      errors: parsed.error.issues.map((issue) => issue.message),
    });
  const outcome = await submitSelfAssessment(cycle, assessment, parsed.data, {
    submissionId: posted.submissionId,
    basedOn: postedVersion(posted),
  });
  if (outcome === 'closed') return CLOSED(cycle);
  if (outcome === 'changed-meanwhile') {
    const stored = (await getAssessment(cycle.cycleId, assessment.employeeId))!;
    return formPage(409, cycle, stored, goals, hidden, {
      values,
      errors: [
        'Your self-assessment was changed from another window while this page was open, so nothing from this page was saved. Your answers from this page are below: submit them again to replace it.',
      ],
    });
  }
  return seeOther('/forms/self', token, { notice: outcome === 'duplicate' ? 'recorded' : outcome });
});

interface FormState {
  /** The fields to show: posted ones when a post is refused, else the draft, else the submitted answers. */
  values?: Record<string, string>;
  draft?: Draft;
  errors?: string[];
  notice?: string;
}

function formPage(
  status: number,
  cycle: CycleRecord,
  assessment: AssessmentRecord,
  goals: GoalRecord[],
  hidden: FormFields,
  state: FormState,
) {
  const due = formatDeadline(selfDueOf(scheduleOf(cycle), assessment.employeeId), cycle.timeZone);
  const now = nowMs();
  const submitted = assessment.selfStatus === 'SUBMITTED' && assessment.selfSubmittedAt;
  const values =
    state.values ?? state.draft?.values ?? (assessment.selfAnswers ? selfAnswersAsFields(assessment.selfAnswers) : {});
  const goalFields = goals.length
    ? `<h2>Your goals of ${e(cycle.period)}</h2><p>Rate how well you met each goal.</p>${goals
        .map((goal) =>
          ratingField(
            goalRatingField(goal.goalId),
            `Goal: ${goal.title}`,
            cycle.scale,
            values[goalRatingField(goal.goalId)],
            goalSummary(goal, cycle.timeZone, now),
          ),
        )
        .join('')}<h2>Your quarter</h2>`
    : '';
  const fields =
    ratingField('overallRating', OVERALL_SELF_LABEL, cycle.scale, values.overallRating) +
    cycle.selfQuestions.map((question) => textField(question.id, question.label, values[question.id])).join('');
  const form = `<form method="post" action="/forms/self">${hiddenFields(hidden({ version: String(assessment.selfVersion ?? 0) }))}${goalFields}${fields}${draftButtons(submitted ? 'Submit changes' : 'Submit self-assessment')}</form>`;
  const draftLine = state.draft && !state.values ? draftNote(state.draft.savedAt, cycle.timeZone, !!submitted) : '';
  const body = submitted
    ? `<p>You submitted it on ${e(formatDeadline(Date.parse(assessment.selfSubmittedAt!), cycle.timeZone))}. You can change it until ${e(due)}; your manager reads the version submitted last.</p>${answersList(selfAnswerEntries(cycle, assessment.selfAnswers as SelfAnswers, { goal: 'Goal', overall: OVERALL_SELF_LABEL }))}${changeLater('Change your self-assessment', form, !!state.draft || !!state.values, draftLine + scaleGuide(cycle.scale))}`
    : `<p>${e(assessment.name)}, please answer by ${e(due)}.</p>${draftLine}${scaleGuide(cycle.scale)}${form}`;
  return page(
    status,
    `Self-assessment: ${cycle.name}`,
    `<h1>Self-assessment: ${e(cycle.name)}</h1>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${body}`,
  );
}

function submittedPage(cycle: CycleRecord, assessment: AssessmentRecord, notice: string | undefined) {
  const answers = assessment.selfAnswers as SelfAnswers;
  const when = assessment.selfSubmittedAt ? formatDeadline(Date.parse(assessment.selfSubmittedAt), cycle.timeZone) : '';
  return page(
    200,
    'Your self-assessment',
    `<h1>Your self-assessment: ${e(cycle.name)}</h1>${noticeLine(notice)}<p>You submitted it on ${e(when)}${assessment.selfLate ? ' (after the deadline)' : ''}. Your manager reviews it; it can no longer be changed.</p>${answersList(selfAnswerEntries(cycle, answers, { goal: 'Goal', overall: OVERALL_SELF_LABEL }))}`,
  );
}
