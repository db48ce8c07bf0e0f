import * as z from 'zod';
import { ACCEPT_GOALS_LABEL, DISAGREE_LABEL, goalsChoice } from '#domain/acknowledgement.ts';
import { finalResultOf } from '#domain/calibration.ts';
import { acknowledgementEndsAt, RuleViolation } from '#domain/cycle.ts';
import { OVERALL_SELF_LABEL, textAnswer } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { acknowledgeResults, hasResults } from '#services/results.ts';
import { openLink } from '#services/submissions.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import type { HttpEvent } from '#shared/http.ts';
import { getAssessment, type AssessmentRecord } from '#store/assessments.ts';
import { scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { formFields, type FormFields, formRoute, linkToken, noticeOf, readFormPost, seeOther } from './form-handler.ts';
import {
  answersList,
  checkboxField,
  errorList,
  hiddenFields,
  messagePage,
  noticeLine,
  page,
  reviewEntries,
  selfAnswerEntries,
  textField,
} from './pages.ts';

const acknowledgementSchema = z.object({
  comment: textAnswer('Your comment', { optional: true }),
  disagree: z.boolean(),
  acceptGoals: z.boolean(),
});

const NOTICES = {
  acknowledged: 'Thank you: your acknowledgement was sent to your manager and HR.',
  recorded: 'Your acknowledgement was already saved from this page; it was recorded once.',
};

/**
 * The employee's results page: the whole appraisal, and (once) its acknowledgement with an optional comment
 * or disagreement. The acknowledgement is answered with a redirect to this page (Post/Redirect/Get).
 */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const { claims, cycle } = await openLink(token, 'results');
  const assessment = cycle && (await getAssessment(cycle.cycleId, claims.personId));
  if (!cycle || !assessment || !hasResults(assessment)) return NOT_FOUND();
  const hidden = await formFields(token);
  if (!posted) return resultsPage(200, cycle, assessment, hidden, { notice: noticeOf(event, NOTICES) });

  const values = {
    comment: posted.fields.get('comment') ?? '',
    disagree: posted.fields.get('disagree') === 'yes',
    acceptGoals: posted.fields.get('acceptGoals') === 'yes',
  };
  const parsed = acknowledgementSchema.safeParse(values);
  if (!parsed.success)
    return resultsPage(400, cycle, assessment, hidden, {
      errors: parsed.error.issues.map((issue) => issue.message),
      values,
    });
  try {
    goalsChoice({ offered: goalsOffered(assessment), ...parsed.data });
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return resultsPage(400, cycle, assessment, hidden, { errors: [error.message, ...error.details], values });
  }
  let outcome;
  try {
    outcome = await acknowledgeResults(
      cycle,
      assessment.employeeId,
      { ...parsed.data, comment: parsed.data.comment || undefined },
      posted.submissionId,
    );
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return resultsPage(409, cycle, assessment, hidden, {
      errors: [
        `${error.message}:`,
        ...error.details,
        'Untick "add the proposed goals" to acknowledge without them, and talk to your manager.',
      ],
      values,
    });
  }
  if (outcome === 'acknowledged' || outcome === 'duplicate')
    return seeOther('/forms/results', token, { notice: outcome === 'duplicate' ? 'recorded' : outcome });
  // Acknowledged from another page meanwhile: this one is refused and shows what was recorded.
  const stored = (await getAssessment(cycle.cycleId, assessment.employeeId))!;
  if (outcome === 'not-released' || !hasResults(stored)) return NOT_FOUND();
  return resultsPage(409, cycle, stored, hidden, {
    notice: 'You had already acknowledged these results; nothing was changed.',
  });
});

const NOT_FOUND = () => messagePage(404, 'Results not found', 'These results no longer exist. Please ask HR.');

interface PageState {
  errors?: string[];
  notice?: string;
  values?: { comment: string; disagree: boolean; acceptGoals: boolean };
}

function resultsPage(
  status: number,
  cycle: CycleRecord,
  assessment: AssessmentRecord & { review: NonNullable<AssessmentRecord['review']> },
  hidden: FormFields,
  state: PageState,
) {
  const review = assessment.review;
  const final = finalResultOf(review, cycle.scale, assessment.adjustment);
  // HR's reason goes to the manager only: the employee sees the final rating and that calibration set it.
  const headline = final.calibrated
    ? `Final rating: <strong>${final.value} - ${e(final.label)}</strong>, set in calibration, where HR compares ratings across teams.`
    : `Final score: <strong>${final.value} - ${e(final.label)}</strong>.`;
  const self = assessment.selfAnswers
    ? answersList(
        selfAnswerEntries(cycle, assessment.selfAnswers, { goal: 'Your rating of goal', overall: OVERALL_SELF_LABEL }),
      )
    : '<p class="muted">You did not submit a self-assessment in this cycle.</p>';
  let acknowledgement: string;
  if (assessment.acknowledgedAt) {
    const ack = assessment.acknowledgement;
    acknowledgement = `<h2>Your acknowledgement</h2><p>You acknowledged these results on ${e(formatDeadline(Date.parse(assessment.acknowledgedAt), cycle.timeZone))}${ack?.disagree ? ' and recorded that you disagree' : ''}.</p>${ack?.comment ? answersList([['Your comment', ack.comment]]) : ''}${proposalStatus(assessment)}`;
  } else {
    // Never ticked for the employee: adding goals is their choice.
    const values = state.values ?? { comment: '', disagree: false, acceptGoals: false };
    const accept = goalsOffered(assessment) ? checkboxField('acceptGoals', ACCEPT_GOALS_LABEL, values.acceptGoals) : '';
    acknowledgement = `<h2>Acknowledge your results</h2><p>Please acknowledge them by ${e(formatDeadline(acknowledgementEndsAt(scheduleOf(cycle)), cycle.timeZone))}. Acknowledging says you have read the appraisal; it does not mean you agree. Your manager and HR receive your comment.</p>${proposalStatus(assessment)}<form method="post" action="/forms/results">${hiddenFields(hidden())}${textField('comment', 'Your comment (optional)', values.comment, { required: false })}${checkboxField('disagree', DISAGREE_LABEL, values.disagree)}${accept}<button type="submit">Acknowledge my results</button></form>`;
  }
  return page(
    status,
    `Your results: ${cycle.name}`,
    `<h1>Your results: ${e(cycle.name)}</h1><p>${e(assessment.name)}, ${e(assessment.managerName)} reviewed your performance. ${headline}</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}
<h2>Your appraisal</h2>${answersList(reviewEntries(cycle.scale, review, final.calibrated ? 'Score from your manager\u2019s review' : undefined))}<h2>Your self-assessment</h2>${self}${acknowledgement}`,
  );
}

/** The proposed goals the page offers: proposals not made goals yet (the manager may have confirmed them). */
function goalsOffered(assessment: AssessmentRecord): boolean {
  return !!assessment.review?.proposedGoals.length && !assessment.proposedGoalsCreatedAt;
}

function proposalStatus(assessment: AssessmentRecord): string {
  if (!assessment.review?.proposedGoals.length) return '';
  if (assessment.proposedGoalsCreatedAt) return '<p>The proposed goals are now among your goals.</p>';
  const choice = assessment.acknowledgement?.goals;
  if (choice === 'not-accepted') return '<p>You did not accept the proposed goals; none were added to your goals.</p>';
  if (choice === 'disagreed') return '<p>As you disagree, the proposed goals were not added to your goals.</p>';
  return '';
}
