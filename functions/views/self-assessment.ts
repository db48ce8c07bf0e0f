import { escapeHtml as e } from '#mail/compose.ts';
import { goalRatingField, OVERALL_SELF_LABEL, selfAnswersAsFields, type SelfAnswers } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import type { AnsweredAssessment } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { SelfAssessmentOpen } from '#services/form-pages.ts';
import type { Draft } from '#store/submissions.ts';
import { answersList, goalSummary, selfAnswerEntries } from './entries.ts';
import {
  changeLater,
  draftButtons,
  draftNote,
  hiddenFields,
  ratingField,
  scaleGuide,
  textField,
  type FormFields,
} from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

/** What the self-assessment page shows: the person's assessment in its cycle, the goals it rates, and when. */
export type SelfAssessmentPage = Pick<SelfAssessmentOpen, 'cycle' | 'goals' | 'due' | 'now'> & {
  assessment: AnsweredAssessment;
};

export interface SelfFormState {
  /** The fields to show: posted ones when a post is refused, else the draft, else the submitted answers. */
  values?: Record<string, string>;
  draft?: Draft;
  errors?: string[];
  notice?: string;
  /** Where to ask colleagues for peer reviews (views/peer-review.ts peerNominationSection), while that is open. */
  peers?: string;
}

/** The form, with the submitted answers above it while they can still change. */
export function selfAssessmentForm(
  { cycle, assessment, goals, due, now }: SelfAssessmentPage,
  hidden: FormFields,
  state: SelfFormState,
): string {
  const dueText = formatDeadline(due, cycle.timeZone);
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
  let body: string;
  if (submitted) {
    const answers = selfAnswerEntries(cycle, assessment.selfAnswers as SelfAnswers, {
      goal: 'Goal',
      overall: OVERALL_SELF_LABEL,
    });
    const change = changeLater(
      'Change your self-assessment',
      form,
      !!state.draft || !!state.values,
      draftLine + scaleGuide(cycle.scale),
    );
    body = `<p>You submitted it on ${e(formatDeadline(Date.parse(submitted), cycle.timeZone))}. You can change it until ${e(dueText)}; your manager reads the version submitted last.</p>${answersList(answers)}${change}`;
  } else {
    body = `<p>${e(assessment.name)}, please answer by ${e(dueText)}.</p>${draftLine}${scaleGuide(cycle.scale)}${form}`;
  }
  return htmlDocument(
    `Self-assessment: ${cycle.name}`,
    `<h1>Self-assessment: ${e(cycle.name)}</h1>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${body}${state.peers ?? ''}`,
  );
}

/** The submitted answers once they can no longer change. */
export function selfAssessmentSubmitted(
  cycle: CycleRecord,
  assessment: AnsweredAssessment,
  notice: string | undefined,
): string {
  const answers = assessment.selfAnswers as SelfAnswers;
  const when = assessment.selfSubmittedAt ? formatDeadline(Date.parse(assessment.selfSubmittedAt), cycle.timeZone) : '';
  return htmlDocument(
    'Your self-assessment',
    `<h1>Your self-assessment: ${e(cycle.name)}</h1>${noticeLine(notice)}<p>You submitted it on ${e(when)}${assessment.selfLate ? ' (after the deadline)' : ''}. Your manager reviews it; it can no longer be changed.</p>${answersList(selfAnswerEntries(cycle, answers, { goal: 'Goal', overall: OVERALL_SELF_LABEL }))}`,
  );
}
