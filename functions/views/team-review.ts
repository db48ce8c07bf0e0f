import { upwardMeanLine } from '#domain/anonymity.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import {
  competencyField,
  goalRatingField,
  MAX_PROPOSED_GOALS,
  OVERALL_SELF_LABEL,
  proposedGoalField,
  reviewAsFields,
} from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import type { AssessmentRecord } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import type { ReportPage, ReviewState, TeamOverview } from '#services/form-pages.ts';
import type { UpwardOnTeamPage } from '#services/upward.ts';
import { answerEntries, answersList, goalSummary, reviewEntries, selfAnswerEntries } from './entries.ts';
import { peerAnswersSection } from './peer-review.ts';
import {
  changeLater,
  draftButtons,
  draftNote,
  hiddenFields,
  inputField,
  ratingField,
  scaleGuide,
  textField,
  type FormFields,
} from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

const STATE_LABEL: Record<ReviewState, string> = {
  'not started': 'Not started',
  draft: 'Draft saved, not submitted',
  submitted: 'Submitted',
};

function reportUrl(token: string, employeeId: string): string {
  return `/forms/team?${new URLSearchParams({ t: token, report: employeeId })}`;
}

function phaseLine(cycle: CycleRecord): string {
  if (cycle.phase === 'MANAGER_REVIEW')
    return `Please review each report by ${formatDeadline(cycle.managerDue, cycle.timeZone)}. You can change a submitted review until the review phase ends.`;
  if (cycle.phase === 'CALIBRATION')
    return 'HR is calibrating the ratings before releasing the results. A review still missing is taken until then, late.';
  if (cycle.phase === 'SELF_REVIEW')
    return `Reviews open when the self-assessment phase ends (${formatDeadline(cycle.selfDue, cycle.timeZone)}). You can read your reports' goals and feedback now.`;
  return 'This cycle no longer accepts reviews.';
}

/** The manager's team: each report with where the self-assessment, the review and the results stand. `token` is the manager's link, for the links to each report. */
export function teamOverviewView(
  cycle: CycleRecord,
  token: string,
  { members: team, upward }: TeamOverview,
  notice: string | undefined,
): string {
  const submitted = team.filter((member) => member.state === 'submitted').length;
  const rows = team
    .map(({ report, state, selfOverdue }) => {
      const self =
        report.selfStatus === 'SUBMITTED' ? 'Submitted' : selfOverdue ? 'Not submitted (overdue)' : 'Not submitted yet';
      const review =
        state === 'submitted' && report.reviewSubmittedAt
          ? `Submitted on ${formatDeadline(Date.parse(report.reviewSubmittedAt), cycle.timeZone)}`
          : STATE_LABEL[state];
      const results = !report.resultReleasedAt
        ? 'Not released'
        : !report.review
          ? 'None: no review'
          : report.acknowledgedAt
            ? `Acknowledged${report.acknowledgement?.disagree ? ', disagrees' : ''}`
            : 'Not acknowledged yet';
      return `<tr><th scope="row"><a href="${e(reportUrl(token, report.employeeId))}">${e(report.name)}</a></th><td>${e(self)}</td><td>${e(review)}</td><td>${e(results)}</td></tr>`;
    })
    .join('');
  const table = rows
    ? `<table><caption>Your reports: ${submitted} of ${team.length} reviews submitted</caption><thead><tr><th scope="col">Report</th><th scope="col">Self-assessment</th><th scope="col">Your review</th><th scope="col">Results</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No reports in this cycle.</p>';
  return htmlDocument(
    `Team reviews: ${cycle.name}`,
    `<h1>Team reviews: ${e(cycle.name)}</h1>${noticeLine(notice)}<p>${e(phaseLine(cycle))}</p>${table}${upwardSection(cycle, upward)}`,
  );
}

/**
 * What the manager's reports said of them in upward reviews, as their mail at the release gave it: the mean and
 * the answers, with no name, date or count of who. Before the release, or when too few answered, only why not.
 */
function upwardSection(cycle: CycleRecord, upward: UpwardOnTeamPage): string {
  if (upward.state === 'none') return '';
  let body: string;
  if (upward.state === 'not-released')
    body = `<p>Your reports' upward reviews of you reach you here once the results are released, if enough of them answered to keep the answers anonymous.</p>`;
  else if (upward.state === 'too-few')
    body = `<p>Too few of your reports answered the upward review to keep their answers anonymous, so they were deleted unread: nobody reads them, HR included.</p>`;
  else {
    const { outcome, questions } = upward;
    const mean = outcome.mean === undefined ? '' : `<p>${e(upwardMeanLine(cycle.scale, outcome.mean))}</p>`;
    const answers = outcome.answers
      .map(
        (answer, index) => `<h3>Answer ${index + 1}</h3>${answersList(answerEntries(questions, cycle.scale, answer))}`,
      )
      .join('');
    body = `<p>Their answers, in a random order, without names or dates.</p>${mean}${answers}`;
  }
  return `<section aria-labelledby="upward-answers"><h2 id="upward-answers">What your reports said about working with you</h2>${body}</section>`;
}

export interface ReportPageState {
  errors?: string[];
  notice?: string;
  /** The fields of a refused post, shown again as they were typed. */
  values?: Record<string, string>;
}

/** One report's page: what the manager reads before reviewing, then the review's form, or the review once it is closed. */
export function reportView(page: ReportPage, token: string, hidden: FormFields, state: ReportPageState): string {
  const { cycle, report, goals, feedback, draft, window, now, selfOverdue } = page;
  const goalList = goals.length
    ? `<h2>Goals of ${e(cycle.period)}</h2><ul>${goals.map((goal) => `<li><strong>${e(goal.title)}</strong>: ${e(goalSummary(goal, cycle.timeZone, now))}</li>`).join('')}</ul>`
    : `<p class="muted">No goals for ${e(cycle.period)}.</p>`;
  const feedbackList = feedback.length
    ? `<h2>Feedback received in ${e(cycle.period)}</h2><ul>${feedback
        .map(
          (entry) =>
            `<li>${entry.kind === 'praise' ? 'Praise' : 'Constructive (private)'} from ${e(entry.fromName)}: ${e(entry.text)}</li>`,
        )
        .join('')}</ul>`
    : `<p class="muted">No feedback received in ${e(cycle.period)}.</p>`;
  const self = report.selfAnswers
    ? answersList(
        selfAnswerEntries(cycle, report.selfAnswers, {
          goal: 'Their rating of goal',
          overall: `Their ${OVERALL_SELF_LABEL.toLowerCase()}`,
        }),
      )
    : `<p class="muted">Self-assessment not submitted${selfOverdue ? ' (overdue)' : ' yet'}.</p>`;
  let review: string;
  if (window !== 'closed') {
    const values = state.values ?? draft?.values ?? (report.review ? reviewAsFields(report.review) : {});
    const draftLine = draft && !state.values ? draftNote(draft.savedAt, cycle.timeZone, window === 'editable') : '';
    const form = reviewForm(cycle, report, goals, hidden, values, now, window === 'editable');
    if (window === 'editable' && report.review && report.reviewSubmittedAt) {
      const change = changeLater(`Change your review of ${report.name}`, form, !!draft || !!state.values, draftLine);
      review = `<h2>Your review</h2><p>You submitted it on ${e(formatDeadline(Date.parse(report.reviewSubmittedAt), cycle.timeZone))}. You can change it until the review phase ends: the version submitted last is released.</p>${answersList(reviewEntries(cycle.scale, report.review))}${change}`;
    } else {
      review = `<h2>Your review</h2>${draftLine}${form}`;
    }
  } else if (report.review) {
    review = `<h2>Your review</h2>${answersList(reviewEntries(cycle.scale, report.review))}${afterRelease(report, hidden)}`;
  } else {
    review = `<h2>Your review</h2><p class="muted">${cycle.phase === 'SELF_REVIEW' ? 'Reviews open when the self-assessment phase ends.' : 'No review submitted.'}</p>`;
  }
  return htmlDocument(
    `Review of ${report.name}: ${cycle.name}`,
    `<p><a href="${e(`/forms/team?${new URLSearchParams({ t: token })}`)}">Back to your team</a></p>` +
      `<h1>Review of ${e(report.name)}</h1><p>${e(cycle.name)}. ${e(phaseLine(cycle))}</p>` +
      `${noticeLine(state.notice)}${errorList(state.errors ?? [])}${scaleGuide(cycle.scale)}` +
      `${goalList}${feedbackList}${peersOnReport(page)}<h2>Self-assessment</h2>${self}${review}`,
  );
}

function reviewForm(
  cycle: CycleRecord,
  report: AssessmentRecord,
  goals: GoalRecord[],
  hidden: FormFields,
  values: Record<string, string>,
  now: number,
  editing: boolean,
): string {
  const name = report.name;
  const goalFields = goals
    .map((goal) =>
      ratingField(
        goalRatingField(goal.goalId),
        `Goal of ${name}: ${goal.title}`,
        cycle.scale,
        values[goalRatingField(goal.goalId)],
        goalSummary(goal, cycle.timeZone, now),
      ),
    )
    .join('');
  const competencyFields = cycle.competencies
    .map((competency) =>
      ratingField(
        competencyField(competency.id),
        competency.label,
        cycle.scale,
        values[competencyField(competency.id)],
        competency.description,
      ),
    )
    .join('');
  const proposals = Array.from({ length: MAX_PROPOSED_GOALS }, (_, index) => {
    const field = (part: 'Title' | 'Due' | 'Weight') => proposedGoalField(index, part);
    const label = `Proposed goal ${index + 1}`;
    const title = inputField(field('Title'), `${label}: title`, 'text', values[field('Title')], '', 'maxlength="200"');
    const due = inputField(field('Due'), `${label}: due date`, 'date', values[field('Due')]);
    const weight = inputField(
      field('Weight'),
      `${label}: weight (%)`,
      'number',
      values[field('Weight')],
      '',
      'min="0" max="100" step="1"',
    );
    return `<div class="proposal">${title}${due}${weight}</div>`;
  }).join('');
  const overall = ratingField('rating', `Your overall rating of ${name}`, cycle.scale, values.rating);
  const texts =
    textField('strengths', `Strengths of ${name}`, values.strengths) +
    textField('areasToImprove', `What ${name} should improve`, values.areasToImprove) +
    textField('comments', `Your feedback to ${name}`, values.comments);
  const proposed = `<fieldset aria-describedby="proposals-note"><legend>Goals you propose for ${e(name)} next period (optional)</legend><p class="muted" id="proposals-note">They become goals once ${e(name)} accepts them or you confirm them after the results are released.</p>${proposals}</fieldset>`;
  const hiddenPart = hiddenFields(
    hidden({ employeeId: report.employeeId, version: String(report.reviewVersion ?? 0) }),
  );
  const submit = draftButtons(editing ? `Submit changes to the review of ${name}` : `Submit review of ${name}`);
  return `<form method="post" action="/forms/team">${hiddenPart}${goalFields}${competencyFields}${overall}${texts}${proposed}${submit}</form>`;
}

/** Once results are out: whether the report acknowledged them, and the proposed goals to confirm. */
function afterRelease(report: AssessmentRecord, hidden: FormFields): string {
  if (!report.resultReleasedAt || !report.review) return '';
  const ack = report.acknowledgedAt
    ? `<p><strong>${e(report.name)} acknowledged the results${report.acknowledgement?.disagree ? ' and disagrees' : ''}.</strong></p>${report.acknowledgement?.comment ? answersList([['Their comment', report.acknowledgement.comment]]) : ''}`
    : `<p class="muted">${e(report.name)} has not acknowledged the results yet.</p>`;
  const proposals = report.review.proposedGoals.length
    ? report.proposedGoalsCreatedAt
      ? '<p>The proposed goals are now goals.</p>'
      : `<form method="post" action="/forms/team">${hiddenFields(hidden({ employeeId: report.employeeId, action: 'confirm-goals' }))}<button type="submit">Make the proposed goals for ${e(report.name)} goals now</button></form>`
    : '';
  return ack + proposals;
}

/** The report's peer reviews, with who wrote each: the manager owns the review. */
function peersOnReport({ cycle, report, peers }: ReportPage): string {
  if (!peers) return '';
  return peerAnswersSection(
    peers,
    cycle.scale,
    'Peer reviews',
    `Colleagues asked for a peer review of ${report.name} wrote these. ${report.name} reads them once results are released, ${peers.peerFeedback === 'named' ? 'with' : 'without'} the reviewers\u2019 names.`,
  );
}
