import { escapeHtml as e } from '#mail/compose.ts';
import { ACCEPT_GOALS_LABEL, DISAGREE_LABEL } from '#domain/acknowledgement.ts';
import { finalResultOf } from '#domain/calibration.ts';
import { OVERALL_SELF_LABEL } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import type { ResultsShown } from '#services/form-pages.ts';
import type { AssessmentRecord } from '#store/assessments.ts';
import { answersList, reviewEntries, selfAnswerEntries } from './entries.ts';
import { peerAnswersSection } from './peer-review.ts';
import { checkboxField, hiddenFields, textField, type FormFields } from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

export interface ResultsPageState {
  errors?: string[];
  notice?: string;
  values?: { comment: string; disagree: boolean; acceptGoals: boolean };
}

/** The employee's whole appraisal, then their acknowledgement, or its form while they have not acknowledged. */
export function resultsView(page: ResultsShown, hidden: FormFields, state: ResultsPageState): string {
  const { cycle, assessment } = page;
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
    const accept = page.goalsOffered ? checkboxField('acceptGoals', ACCEPT_GOALS_LABEL, values.acceptGoals) : '';
    const fields =
      hiddenFields(hidden()) +
      textField('comment', 'Your comment (optional)', values.comment, { required: false }) +
      checkboxField('disagree', DISAGREE_LABEL, values.disagree) +
      accept;
    acknowledgement =
      `<h2>Acknowledge your results</h2><p>Please acknowledge them by ${e(formatDeadline(page.acknowledgeBy, cycle.timeZone))}. ` +
      'Acknowledging says you have read the appraisal; it does not mean you agree. Your manager is told, and HR too when you comment or disagree.</p>' +
      `${proposalStatus(assessment)}<form method="post" action="/forms/results">${fields}<button type="submit">Acknowledge my results</button></form>`;
  }
  return htmlDocument(
    `Your results: ${cycle.name}`,
    `<h1>Your results: ${e(cycle.name)}</h1><p>${e(assessment.name)}, ${e(assessment.managerName)} reviewed your performance. ${headline}</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}
<h2>Your appraisal</h2>${answersList(reviewEntries(cycle.scale, review, final.calibrated ? 'Score from your manager\u2019s review' : undefined))}${peersInResults(page)}<h2>Your self-assessment</h2>${self}${acknowledgement}`,
  );
}

function proposalStatus(assessment: AssessmentRecord): string {
  if (!assessment.review?.proposedGoals.length) return '';
  if (assessment.proposedGoalsCreatedAt) return '<p>The proposed goals are now among your goals.</p>';
  const choice = assessment.acknowledgement?.goals;
  if (choice === 'not-accepted') return '<p>You did not accept the proposed goals; none were added to your goals.</p>';
  if (choice === 'disagreed') return '<p>As you disagree, the proposed goals were not added to your goals.</p>';
  return '';
}

/** Peer answers in the employee's results: the page says whether the names are shown, as the reviewers were told. */
function peersInResults({ cycle, peers }: ResultsShown): string {
  if (!peers) return '';
  return peerAnswersSection(
    peers,
    cycle.scale,
    'Feedback from colleagues',
    peers.peerFeedback === 'named'
      ? 'Colleagues asked for a peer review of you wrote these, and your manager read them.'
      : 'Colleagues asked for a peer review of you wrote these, and your manager read them. Their names are not shown.',
  );
}
