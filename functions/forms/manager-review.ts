import { employeeIdSchema } from '#domain/employee.ts';
import {
  competencyField,
  draftValues,
  goalRatingField,
  MAX_PROPOSED_GOALS,
  OVERALL_SELF_LABEL,
  postedReview,
  proposedGoalField,
  reviewAnswersSchema,
  reviewAsFields,
  reviewFieldNames,
} from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { goalsUnderReview } from '#services/goals.ts';
import { confirmProposedGoals } from '#services/results.ts';
import { openLink, reportOf, reviewWindow, saveAnswersDraft, submitManagerReview } from '#services/submissions.ts';
import { feedbackReceivedBetween } from '#services/feedback.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import { nowMs } from '#shared/clock.ts';
import { mapLimited } from '#shared/concurrency.ts';
import { periodBounds } from '#domain/goals.ts';
import type { HttpEvent } from '#shared/http.ts';
import { listTeam, type AssessmentRecord } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import { getDraft, type Draft } from '#store/submissions.ts';
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
import {
  answersList,
  changeLater,
  draftButtons,
  draftNote,
  errorList,
  goalSummary,
  hiddenFields,
  inputField,
  messagePage,
  noticeLine,
  page,
  ratingField,
  reviewEntries,
  scaleGuide,
  selfAnswerEntries,
  textField,
} from './pages.ts';

const NOTICES = {
  submitted: 'Your review is submitted. You can still change it until the review phase ends.',
  'submitted-in-calibration':
    'Your review is submitted, late: HR includes it in calibration. It can no longer be changed.',
  edited: 'Your changes are submitted: this version is the one released.',
  recorded: 'That review was already saved from this page; it was recorded once.',
  'draft-saved': 'Your draft is saved. It is not submitted yet.',
  'goals-confirmed': 'The proposed goals are now goals; the employee was emailed about each.',
  'nothing-to-confirm': 'There were no proposed goals left to confirm; nothing was changed.',
};

const NOT_YOURS = () =>
  messagePage(
    403,
    'Not in your team',
    'That person is not in your team for this review cycle, so there is nothing to show or save. Please use the links on your team page.',
  );
const CLOSED = (cycle: CycleRecord) =>
  messagePage(
    409,
    'This cycle no longer accepts reviews',
    `"${cycle.name}" no longer accepts reviews; nothing was saved.`,
  );

/**
 * The manager's link opens an overview of the team; each report has a page of their own with the review's
 * draft and submit. Every route checks first that the person named is in the link owner's team, before
 * anything about them is read.
 */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const { claims, cycle } = await openLink(token, 'manager');
  if (!cycle) return messagePage(404, 'Review not found', 'This review cycle no longer exists. Please ask HR.');
  if (cycle.phase === 'CANCELLED')
    return messagePage(410, 'This review cycle was cancelled', `HR cancelled "${cycle.name}".`);
  const managerKey = claims.personId;
  const hidden = await formFields(token);
  const named = posted ? posted.fields.get('employeeId') : event.queryStringParameters?.report;
  if (named === undefined || named === null) {
    if (posted)
      return messagePage(400, 'Choose a report', 'Open the review of one of your reports from your team page.');
    return overviewPage(cycle, token, await teamOverview(cycle, managerKey), noticeOf(event, NOTICES));
  }
  const employeeId = employeeIdSchema.safeParse(named);
  const report = employeeId.success ? await reportOf(cycle, managerKey, employeeId.data) : undefined;
  if (!report) return NOT_YOURS();
  const back = { token, report };
  if (!posted)
    return reportPage(200, cycle, back, await reportDetails(cycle, report), hidden, {
      notice: noticeOf(event, NOTICES),
    });

  const action = posted.fields.get('action');
  if (action === 'confirm-goals') return confirmGoals(cycle, back, hidden);
  const goals = await goalsUnderReview(report.employeeId, cycle.period);
  const field = (name: string) => posted.fields.get(name);
  const values = draftValues(reviewFieldNames(cycle, goals), field);
  if (action === 'draft') {
    const outcome = await saveAnswersDraft(cycle, report, 'review', values, posted.submissionId);
    return outcome === 'closed'
      ? CLOSED(cycle)
      : seeOther('/forms/team', token, { report: report.employeeId, notice: 'draft-saved' });
  }
  const parsed = reviewAnswersSchema(cycle, goals, { now: nowMs(), timeZone: cycle.timeZone }).safeParse(
    postedReview(cycle, goals, field),
  );
  if (!parsed.success)
    return reportPage(400, cycle, back, await reportDetails(cycle, report), hidden, {
      values,
      errors: parsed.error.issues.map((issue) => issue.message),
    });
  const outcome = await submitManagerReview(cycle, report, parsed.data, {
    submissionId: posted.submissionId,
    basedOn: postedVersion(posted),
  });
  if (outcome === 'closed') return CLOSED(cycle);
  if (outcome === 'changed-meanwhile') {
    const stored = (await reportOf(cycle, managerKey, report.employeeId))!;
    return reportPage(409, cycle, { token, report: stored }, await reportDetails(cycle, stored), hidden, {
      values,
      errors: [
        'This review was changed from another window while this page was open, so nothing from this page was saved. Your answers from this page are below: submit them again to replace it.',
      ],
    });
  }
  const notice =
    outcome === 'duplicate'
      ? 'recorded'
      : outcome === 'submitted' && cycle.phase === 'CALIBRATION'
        ? 'submitted-in-calibration'
        : outcome;
  return seeOther('/forms/team', token, { report: report.employeeId, notice });
});

interface Where {
  token: string;
  report: AssessmentRecord;
}

async function confirmGoals(cycle: CycleRecord, { token, report }: Where, hidden: FormFields) {
  try {
    const outcome = await confirmProposedGoals(cycle, report.managerKey, report.employeeId);
    return seeOther('/forms/team', token, {
      report: report.employeeId,
      notice: outcome === 'confirmed' ? 'goals-confirmed' : 'nothing-to-confirm',
    });
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return reportPage(409, cycle, { token, report }, await reportDetails(cycle, report), hidden, {
      errors: [`${error.message}:`, ...error.details],
    });
  }
}

type ReviewState = 'not started' | 'draft' | 'submitted';

interface TeamMember {
  report: AssessmentRecord;
  state: ReviewState;
}

const PAGE_READ_CONCURRENCY = 8;

/** Each report with where their review stands: a draft is only the manager's, so it is read from the drafts. */
async function teamOverview(cycle: CycleRecord, managerKey: string): Promise<TeamMember[]> {
  const team = (await listTeam(cycle.cycleId, managerKey)).sort((a, b) => a.name.localeCompare(b.name));
  return mapLimited(team, PAGE_READ_CONCURRENCY, async (report) => ({
    report,
    state:
      report.reviewStatus === 'SUBMITTED'
        ? 'submitted'
        : (await getDraft(cycle.cycleId, 'review', report.employeeId))
          ? 'draft'
          : 'not started',
  }));
}

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

const STATE_LABEL: Record<ReviewState, string> = {
  'not started': 'Not started',
  draft: 'Draft saved, not submitted',
  submitted: 'Submitted',
};

function overviewPage(cycle: CycleRecord, token: string, team: TeamMember[], notice: string | undefined) {
  const submitted = team.filter((member) => member.state === 'submitted').length;
  const rows = team
    .map(({ report, state }) => {
      const self =
        report.selfStatus === 'SUBMITTED'
          ? 'Submitted'
          : report.selfOverdueAt
            ? 'Not submitted (overdue)'
            : 'Not submitted yet';
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
  return page(
    200,
    `Team reviews: ${cycle.name}`,
    `<h1>Team reviews: ${e(cycle.name)}</h1>${noticeLine(notice)}<p>${e(phaseLine(cycle))}</p>${table}`,
  );
}

interface ReportDetails {
  goals: GoalRecord[];
  feedback: Awaited<ReturnType<typeof feedbackReceivedBetween>>;
  draft: Draft | undefined;
}

/** What the manager reads before reviewing: the report's goals and feedback of the period, and the draft of the review. */
async function reportDetails(cycle: CycleRecord, report: AssessmentRecord): Promise<ReportDetails> {
  const { start, end } = periodBounds(cycle.period, cycle.timeZone);
  const [goals, feedback, draft] = await Promise.all([
    goalsUnderReview(report.employeeId, cycle.period),
    feedbackReceivedBetween(report.employeeId, start, end),
    getDraft(cycle.cycleId, 'review', report.employeeId),
  ]);
  return { goals, feedback, draft };
}

interface PageState {
  errors?: string[];
  notice?: string;
  /** The fields of a refused post, shown again as they were typed. */
  values?: Record<string, string>;
}

function reportPage(
  status: number,
  cycle: CycleRecord,
  { token, report }: Where,
  details: ReportDetails,
  hidden: FormFields,
  state: PageState,
) {
  const now = nowMs();
  const { goals, feedback, draft } = details;
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
    : `<p class="muted">Self-assessment not submitted${report.selfOverdueAt ? ' (overdue)' : ' yet'}.</p>`;
  const window = reviewWindow(cycle, report);
  let review: string;
  if (window !== 'closed') {
    const values = state.values ?? draft?.values ?? (report.review ? reviewAsFields(report.review) : {});
    const draftLine = draft && !state.values ? draftNote(draft.savedAt, cycle.timeZone, window === 'editable') : '';
    const form = reviewForm(cycle, report, goals, hidden, values, now, window === 'editable');
    review =
      window === 'editable' && report.review && report.reviewSubmittedAt
        ? `<h2>Your review</h2><p>You submitted it on ${e(formatDeadline(Date.parse(report.reviewSubmittedAt), cycle.timeZone))}. You can change it until the review phase ends: the version submitted last is released.</p>${answersList(reviewEntries(cycle.scale, report.review))}${changeLater(`Change your review of ${report.name}`, form, !!draft || !!state.values, draftLine)}`
        : `<h2>Your review</h2>${draftLine}${form}`;
  } else if (report.review) {
    review = `<h2>Your review</h2>${answersList(reviewEntries(cycle.scale, report.review))}${afterRelease(report, hidden)}`;
  } else {
    review = `<h2>Your review</h2><p class="muted">${cycle.phase === 'SELF_REVIEW' ? 'Reviews open when the self-assessment phase ends.' : 'No review submitted.'}</p>`;
  }
  return page(
    status,
    `Review of ${report.name}: ${cycle.name}`,
    `<p><a href="${e(`/forms/team?${new URLSearchParams({ t: token })}`)}">Back to your team</a></p><h1>Review of ${e(report.name)}</h1><p>${e(cycle.name)}. ${e(phaseLine(cycle))}</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${scaleGuide(cycle.scale)}${goalList}${feedbackList}<h2>Self-assessment</h2>${self}${review}`,
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
    return `<div class="proposal">${inputField(field('Title'), `Proposed goal ${index + 1}: title`, 'text', values[field('Title')], '', 'maxlength="200"')}${inputField(field('Due'), `Proposed goal ${index + 1}: due date`, 'date', values[field('Due')])}${inputField(field('Weight'), `Proposed goal ${index + 1}: weight (%)`, 'number', values[field('Weight')], '', 'min="0" max="100" step="1"')}</div>`;
  }).join('');
  return `<form method="post" action="/forms/team">${hiddenFields(hidden({ employeeId: report.employeeId, version: String(report.reviewVersion ?? 0) }))}${goalFields}${competencyFields}${ratingField('rating', `Your overall rating of ${name}`, cycle.scale, values.rating)}${textField('strengths', `Strengths of ${name}`, values.strengths)}${textField('areasToImprove', `What ${name} should improve`, values.areasToImprove)}${textField('comments', `Your feedback to ${name}`, values.comments)}<fieldset aria-describedby="proposals-note"><legend>Goals you propose for ${e(name)} next period (optional)</legend><p class="muted" id="proposals-note">They become goals once ${e(name)} accepts them or you confirm them after the results are released.</p>${proposals}</fieldset>${draftButtons(editing ? `Submit changes to the review of ${name}` : `Submit review of ${name}`)}</form>`;
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
