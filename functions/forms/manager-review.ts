import { employeeIdSchema } from '#domain/employee.ts';
import { goalRatingField, labelOf, postedGoalRatings, reviewAnswersSchema } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { goalsUnderReview } from '#cycle/goals.ts';
import { acceptsReviews, openLink, submitManagerReview } from '#cycle/submissions.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import { nowMs } from '#shared/clock.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import type { HttpEvent } from '#shared/http.ts';
import { listTeam, type AssessmentRecord } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import type { GoalRecord } from '#store/goals.ts';
import { formFields, formRoute, linkToken, readFormPost } from './form-handler.ts';
import { answersList, errorList, goalRatingEntries, goalSummary, hiddenFields, messagePage, page, ratingField, textField } from './pages.ts';

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
  const goals = await goalsUnderReview(employeeId.data, cycle.period);
  const values = Object.fromEntries(posted.fields);
  const parsed = reviewAnswersSchema(cycle.scale, goals).safeParse({ ...values, goalRatings: postedGoalRatings(goals, (name) => posted.fields.get(name)) });
  if (!parsed.success) {
    return teamPage(400, cycle, await team(), hidden, { errors: parsed.error.issues.map((issue) => issue.message), draft: { employeeId: employeeId.data, values } });
  }
  const outcome = await submitManagerReview(cycle, managerKey, employeeId.data, parsed.data);
  const status = outcome === 'submitted' ? 200 : outcome === 'not-your-report' ? 403 : 409;
  return teamPage(status, cycle, await team(), hidden, { notice: OUTCOME_NOTICE[outcome] });
});

interface ReportOnPage {
  report: AssessmentRecord;
  goals: GoalRecord[];
}

/** The manager's reports, each with their goals of the period under review. */
async function teamWithGoals(cycle: CycleRecord, managerKey: string): Promise<ReportOnPage[]> {
  const team = await listTeam(cycle.cycleId, managerKey);
  const goals = new Map<string, GoalRecord[]>();
  await forEachLimited(team, PAGE_READ_CONCURRENCY, async (report) => void goals.set(report.employeeId, await goalsUnderReview(report.employeeId, cycle.period)));
  return team.map((report) => ({ report, goals: goals.get(report.employeeId) ?? [] }));
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
    `<h1>Team reviews: ${e(cycle.name)}</h1><p>${e(intro)}</p>${state.notice ? `<p role="status"><strong>${e(state.notice)}</strong></p>` : ''}${errorList(state.errors ?? [])}${reports || '<p>No reports in this cycle.</p>'}`,
  );
}

function reportSection(cycle: CycleRecord, { report, goals }: ReportOnPage, hidden: Record<string, string>, open: boolean, state: PageState): string {
  const now = nowMs();
  const goalList = goals.length
    ? `<h3>Goals of ${e(cycle.period)}</h3><ul>${goals.map((goal) => `<li><strong>${e(goal.title)}</strong>: ${e(goalSummary(goal, cycle.timeZone, now))}</li>`).join('')}</ul>`
    : `<p class="muted">No goals for ${e(cycle.period)}.</p>`;
  const self = report.selfAnswers
    ? answersList([
        ...goalRatingEntries(report.selfAnswers.goalRatings, cycle.scale, 'Their rating of goal'),
        ['Their overall rating', `${report.selfAnswers.overallRating} - ${labelOf(cycle.scale, report.selfAnswers.overallRating)}`],
        ['What went well', report.selfAnswers.wentWell],
        ['What to improve', report.selfAnswers.toImprove],
        ['Goals for next quarter', report.selfAnswers.nextGoals],
      ])
    : `<p class="muted">Self-assessment not submitted${report.selfOverdueAt ? ' (overdue)' : ' yet'}.</p>`;
  let review: string;
  if (report.reviewStatus === 'SUBMITTED' && report.review) {
    review = `<h3>Your review</h3>${answersList([
      ...goalRatingEntries(report.review.goalRatings, cycle.scale, 'Goal'),
      ['Overall rating', `${report.review.rating} - ${labelOf(cycle.scale, report.review.rating)}`],
      ['Comments', report.review.comments],
    ])}`;
  } else if (open) {
    const draft = state.draft?.employeeId === report.employeeId ? state.draft.values : {};
    const goalFields = goals
      .map((goal) => ratingField(goalRatingField(goal.goalId), `Goal of ${report.name}: ${goal.title}`, cycle.scale, draft[goalRatingField(goal.goalId)], goalSummary(goal, cycle.timeZone, now)))
      .join('');
    review = `<form method="post" action="/forms/team">${hiddenFields({ ...hidden, employeeId: report.employeeId })}${goalFields}${ratingField('rating', `Your rating of ${report.name}`, cycle.scale, draft.rating)}${textField('comments', `Your feedback to ${report.name}`, draft.comments, report.employeeId)}<button type="submit">Submit review of ${e(report.name)}</button></form>`;
  } else {
    review = '<p class="muted">No review submitted.</p>';
  }
  return `<section class="report" aria-labelledby="report-${e(report.employeeId)}"><h2 id="report-${e(report.employeeId)}">${e(report.name)}</h2>${goalList}<h3>Self-assessment</h3>${self}${review}</section>`;
}
