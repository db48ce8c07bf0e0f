import { employeeIdSchema } from '#domain/employee.ts';
import { competencyField, goalRatingField, MAX_PROPOSED_GOALS, OVERALL_SELF_LABEL, postedReview, proposedGoalField, reviewAnswersSchema } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { goalsUnderReview } from '#services/goals.ts';
import { confirmProposedGoals } from '#services/results.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { acceptsReviews, openLink, submitManagerReview } from '#services/submissions.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import { nowMs } from '#shared/clock.ts';
import { mapLimited } from '#shared/concurrency.ts';
import { feedbackReceivedBetween } from '#services/feedback.ts';
import { periodBounds } from '#domain/goals.ts';
import type { FeedbackRecord } from '#store/feedback.ts';
import type { HttpEvent } from '#shared/http.ts';
import { listTeam, type AssessmentRecord } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import { formFields, formRoute, linkToken, readFormPost } from './form-handler.ts';
import { answersList, errorList, goalSummary, hiddenFields, inputField, messagePage, page, ratingField, reviewEntries, scaleGuide, selfAnswerEntries, textField } from './pages.ts';

const OUTCOME_NOTICE = {
  submitted: 'Your review was saved.',
  'already-submitted': 'That review had already been submitted; it was not changed.',
  'not-your-report': 'That person is not in your team for this cycle; nothing was saved.',
  closed: 'This cycle no longer accepts reviews; nothing was saved.',
} as const;

/** The manager's team page: each report's goals and self-assessment beside a review form. POST submits one review. */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const { claims, cycle } = await openLink(token, 'manager');
  if (!cycle) return messagePage(404, 'Review not found', 'This review cycle no longer exists. Please ask HR.');
  if (cycle.phase === 'CANCELLED') return messagePage(410, 'This review cycle was cancelled', `HR cancelled "${cycle.name}".`);
  const managerKey = claims.personId;
  const hidden = await formFields(token);
  const team = () => teamWithGoals(cycle, managerKey);
  if (!posted) return teamPage(200, cycle, await team(), hidden);

  const employeeId = employeeIdSchema.safeParse(posted.fields.get('employeeId'));
  if (!employeeId.success) return teamPage(400, cycle, await team(), hidden, { errors: ['Choose a report to review.'] });
  if (posted.fields.get('action') === 'confirm-goals') return confirmGoals(cycle, managerKey, employeeId.data, hidden, team);
  const goals = await goalsUnderReview(employeeId.data, cycle.period);
  const values = Object.fromEntries(posted.fields);
  const parsed = reviewAnswersSchema(cycle, goals, { now: nowMs(), timeZone: cycle.timeZone }).safeParse(postedReview(cycle, goals, (name) => posted.fields.get(name)));
  if (!parsed.success) {
    return teamPage(400, cycle, await team(), hidden, { errors: parsed.error.issues.map((issue) => issue.message), draft: { employeeId: employeeId.data, values } });
  }
  const outcome = await submitManagerReview(cycle, managerKey, employeeId.data, parsed.data);
  const status = outcome === 'submitted' ? 200 : outcome === 'not-your-report' ? 403 : 409;
  return teamPage(status, cycle, await team(), hidden, { notice: OUTCOME_NOTICE[outcome] });
});

const CONFIRM_NOTICE = {
  confirmed: 'The proposed goals are now goals; the employee was emailed about each.',
  'nothing-to-confirm': 'There were no proposed goals left to confirm; nothing was changed.',
  'not-your-report': 'That person is not in your team for this cycle; nothing was changed.',
} as const;

async function confirmGoals(cycle: CycleRecord, managerKey: string, employeeId: string, hidden: Record<string, string>, team: () => Promise<ReportOnPage[]>) {
  try {
    const outcome = await confirmProposedGoals(cycle, managerKey, employeeId);
    return teamPage(outcome === 'confirmed' ? 200 : outcome === 'not-your-report' ? 403 : 409, cycle, await team(), hidden, { notice: CONFIRM_NOTICE[outcome] });
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return teamPage(409, cycle, await team(), hidden, { errors: [`${error.message}:`, ...error.details] });
  }
}

interface ReportOnPage {
  report: AssessmentRecord;
  goals: GoalRecord[];
  feedback: FeedbackRecord[];
}

/** The manager's reports, each with their goals and the feedback they received in the period under review. */
async function teamWithGoals(cycle: CycleRecord, managerKey: string): Promise<ReportOnPage[]> {
  const team = await listTeam(cycle.cycleId, managerKey);
  const { start, end } = periodBounds(cycle.period, cycle.timeZone);
  return mapLimited(team, PAGE_READ_CONCURRENCY, async (report) => ({
    report,
    goals: await goalsUnderReview(report.employeeId, cycle.period),
    feedback: await feedbackReceivedBetween(report.employeeId, start, end),
  }));
}

const PAGE_READ_CONCURRENCY = 8;

interface PageState {
  errors?: string[];
  notice?: string;
  /** A refused review's posted fields by name, shown again in that report's form. */
  draft?: { employeeId: string; values: Record<string, string> };
}

function teamPage(status: number, cycle: CycleRecord, team: ReportOnPage[], hidden: Record<string, string>, state: PageState = {}) {
  const open = acceptsReviews(cycle);
  const intro = open
    ? `Please review each report by ${formatDeadline(cycle.managerDue, cycle.timeZone)}.`
    : cycle.phase === 'SELF_REVIEW'
      ? `Reviews open when the self-assessment phase ends (${formatDeadline(cycle.selfDue, cycle.timeZone)}).`
      : 'This cycle no longer accepts reviews.';
  const reports = [...team].sort((a, b) => a.report.name.localeCompare(b.report.name)).map((entry) => reportSection(cycle, entry, hidden, open, state)).join('');
  return page(
    status,
    `Team reviews: ${cycle.name}`,
    `<h1>Team reviews: ${e(cycle.name)}</h1><p>${e(intro)}</p>${scaleGuide(cycle.scale)}${state.notice ? `<p role="status"><strong>${e(state.notice)}</strong></p>` : ''}${errorList(state.errors ?? [])}${reports || '<p>No reports in this cycle.</p>'}`,
  );
}

function reportSection(cycle: CycleRecord, { report, goals, feedback }: ReportOnPage, hidden: Record<string, string>, open: boolean, state: PageState): string {
  const now = nowMs();
  const goalList = goals.length
    ? `<h3>Goals of ${e(cycle.period)}</h3><ul>${goals.map((goal) => `<li><strong>${e(goal.title)}</strong>: ${e(goalSummary(goal, cycle.timeZone, now))}</li>`).join('')}</ul>`
    : `<p class="muted">No goals for ${e(cycle.period)}.</p>`;
  const self = report.selfAnswers
    ? answersList(selfAnswerEntries(cycle, report.selfAnswers, { goal: 'Their rating of goal', overall: `Their ${OVERALL_SELF_LABEL.toLowerCase()}` }))
    : `<p class="muted">Self-assessment not submitted${report.selfOverdueAt ? ' (overdue)' : ' yet'}.</p>`;
  let review: string;
  if (report.reviewStatus === 'SUBMITTED' && report.review) {
    review = `<h3>Your review</h3>${answersList(reviewEntries(cycle.scale, report.review))}${afterRelease(report, hidden)}`;
  } else if (open) {
    review = reviewForm(cycle, report, goals, hidden, state.draft?.employeeId === report.employeeId ? state.draft.values : {}, now);
  } else {
    review = '<p class="muted">No review submitted.</p>';
  }
  const feedbackList = feedback.length
    ? `<h3>Feedback received in ${e(cycle.period)}</h3><ul>${feedback
        .map((entry) => `<li>${entry.kind === 'praise' ? 'Praise' : 'Constructive (private)'} from ${e(entry.fromName)}: ${e(entry.text)}</li>`)
        .join('')}</ul>`
    : `<p class="muted">No feedback received in ${e(cycle.period)}.</p>`;
  return `<section class="report" aria-labelledby="report-${e(report.employeeId)}"><h2 id="report-${e(report.employeeId)}">${e(report.name)}</h2>${goalList}${feedbackList}<h3>Self-assessment</h3>${self}${review}</section>`;
}

function reviewForm(cycle: CycleRecord, report: AssessmentRecord, goals: GoalRecord[], hidden: Record<string, string>, draft: Record<string, string>, now: number): string {
  const name = report.name;
  const id = report.employeeId;
  const goalFields = goals
    .map((goal) => ratingField(goalRatingField(goal.goalId), `Goal of ${name}: ${goal.title}`, cycle.scale, draft[goalRatingField(goal.goalId)], goalSummary(goal, cycle.timeZone, now)))
    .join('');
  const competencyFields = cycle.competencies
    .map((competency) => ratingField(competencyField(competency.id), `${competency.label} (${name})`, cycle.scale, draft[competencyField(competency.id)], competency.description, id))
    .join('');
  const proposals = Array.from({ length: MAX_PROPOSED_GOALS }, (_, index) => {
    const field = (part: 'Title' | 'Due' | 'Weight') => proposedGoalField(index, part);
    return `<div class="proposal">${inputField(field('Title'), `Proposed goal ${index + 1}: title`, 'text', draft[field('Title')], id, 'maxlength="200"')}${inputField(field('Due'), `Proposed goal ${index + 1}: due date`, 'date', draft[field('Due')], id)}${inputField(field('Weight'), `Proposed goal ${index + 1}: weight (%)`, 'number', draft[field('Weight')], id, 'min="0" max="100" step="1"')}</div>`;
  }).join('');
  return `<form method="post" action="/forms/team">${hiddenFields({ ...hidden, employeeId: id })}${goalFields}${competencyFields}${ratingField('rating', `Your overall rating of ${name}`, cycle.scale, draft.rating)}${textField('strengths', `Strengths of ${name}`, draft.strengths, { idSuffix: id })}${textField('areasToImprove', `What ${name} should improve`, draft.areasToImprove, { idSuffix: id })}${textField('comments', `Your feedback to ${name}`, draft.comments, { idSuffix: id })}<fieldset aria-describedby="proposals-note-${e(id)}"><legend>Goals you propose for ${e(name)} next period (optional)</legend><p class="muted" id="proposals-note-${e(id)}">They become goals once ${e(name)} accepts them or you confirm them after the results are released.</p>${proposals}</fieldset><button type="submit">Submit review of ${e(name)}</button></form>`;
}

/** Once results are out: whether the report acknowledged them, and the proposed goals to confirm. */
function afterRelease(report: AssessmentRecord, hidden: Record<string, string>): string {
  if (!report.resultReleasedAt || !report.review) return '';
  const ack = report.acknowledgedAt
    ? `<p><strong>${e(report.name)} acknowledged the results${report.acknowledgement?.disagree ? ' and disagrees' : ''}.</strong></p>${report.acknowledgement?.comment ? answersList([['Their comment', report.acknowledgement.comment]]) : ''}`
    : `<p class="muted">${e(report.name)} has not acknowledged the results yet.</p>`;
  const proposals = report.review.proposedGoals.length
    ? report.proposedGoalsCreatedAt
      ? '<p>The proposed goals are now goals.</p>'
      : `<form method="post" action="/forms/team">${hiddenFields({ ...hidden, employeeId: report.employeeId, action: 'confirm-goals' })}<button type="submit">Make the proposed goals for ${e(report.name)} goals now</button></form>`
    : '';
  return ack + proposals;
}
