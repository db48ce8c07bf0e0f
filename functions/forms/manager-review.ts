import { employeeIdSchema } from '#domain/employee.ts';
import { labelOf, reviewAnswersSchema } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { acceptsReviews, openLink, submitManagerReview } from '#cycle/submissions.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import type { HttpEvent } from '#shared/http.ts';
import { listTeam, type AssessmentRecord } from '#store/assessments.ts';
import type { CycleRecord } from '#store/cycles.ts';
import { formFields, formRoute, linkToken, readFormPost } from './form-handler.ts';
import { answersList, errorList, hiddenFields, messagePage, page, ratingField, textField } from './pages.ts';

const OUTCOME_NOTICE = {
  submitted: 'Your review was saved.',
  'already-submitted': 'That review had already been submitted; it was not changed.',
  'not-your-report': 'That person is not in your team for this cycle; nothing was saved.',
  closed: 'This cycle no longer accepts reviews; nothing was saved.',
} as const;

/** The manager's team page: each report's self-assessment beside a review form. POST submits one review. */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const { claims, cycle } = await openLink(token, 'manager');
  if (!cycle) return messagePage(404, 'Review not found', 'This review cycle no longer exists. Please ask HR.');
  if (cycle.phase === 'CANCELLED') return messagePage(410, 'This review cycle was cancelled', `HR cancelled "${cycle.name}".`);
  const managerKey = claims.personId;
  const hidden = await formFields(token);
  if (!posted) return teamPage(200, cycle, await listTeam(cycle.cycleId, managerKey), hidden);

  const employeeId = employeeIdSchema.safeParse(posted.fields.get('employeeId'));
  if (!employeeId.success) return teamPage(400, cycle, await listTeam(cycle.cycleId, managerKey), hidden, { errors: ['Choose a report to review.'] });
  const parsed = reviewAnswersSchema(cycle.scale).safeParse({ rating: posted.fields.get('rating') ?? '', comments: posted.fields.get('comments') ?? '' });
  if (!parsed.success) {
    return teamPage(400, cycle, await listTeam(cycle.cycleId, managerKey), hidden, {
      errors: parsed.error.issues.map((issue) => issue.message),
      draft: { employeeId: employeeId.data, rating: posted.fields.get('rating') ?? '', comments: posted.fields.get('comments') ?? '' },
    });
  }
  const outcome = await submitManagerReview(cycle, managerKey, employeeId.data, parsed.data);
  const status = outcome === 'submitted' ? 200 : outcome === 'not-your-report' ? 403 : 409;
  return teamPage(status, cycle, await listTeam(cycle.cycleId, managerKey), hidden, { notice: OUTCOME_NOTICE[outcome] });
});

interface PageState {
  errors?: string[];
  notice?: string;
  draft?: { employeeId: string; rating: string; comments: string };
}

function teamPage(status: number, cycle: CycleRecord, team: AssessmentRecord[], hidden: Record<string, string>, state: PageState = {}) {
  const open = acceptsReviews(cycle);
  const intro = open
    ? `Please review each report by ${formatDeadline(cycle.managerDue, cycle.timeZone)}.`
    : cycle.phase === 'SELF_REVIEW'
      ? `Reviews open when the self-assessment phase ends (${formatDeadline(cycle.selfDue, cycle.timeZone)}).`
      : 'This cycle no longer accepts reviews.';
  const reports = [...team].sort((a, b) => a.name.localeCompare(b.name)).map((report) => reportSection(cycle, report, hidden, open, state)).join('');
  return page(
    status,
    `Team reviews: ${cycle.name}`,
    `<h1>Team reviews: ${e(cycle.name)}</h1><p>${e(intro)}</p>${state.notice ? `<p role="status"><strong>${e(state.notice)}</strong></p>` : ''}${errorList(state.errors ?? [])}${reports || '<p>No reports in this cycle.</p>'}`,
  );
}

function reportSection(cycle: CycleRecord, report: AssessmentRecord, hidden: Record<string, string>, open: boolean, state: PageState): string {
  const self = report.selfAnswers
    ? answersList([
        ['Their overall rating', `${report.selfAnswers.overallRating} - ${labelOf(cycle.scale, report.selfAnswers.overallRating)}`],
        ['What went well', report.selfAnswers.wentWell],
        ['What to improve', report.selfAnswers.toImprove],
        ['Goals for next quarter', report.selfAnswers.nextGoals],
      ])
    : `<p class="muted">Self-assessment not submitted${report.selfOverdueAt ? ' (overdue)' : ' yet'}.</p>`;
  let review: string;
  if (report.reviewStatus === 'SUBMITTED' && report.review) {
    review = `<h3>Your review</h3>${answersList([
      ['Rating', `${report.review.rating} - ${labelOf(cycle.scale, report.review.rating)}`],
      ['Comments', report.review.comments],
    ])}`;
  } else if (open) {
    const draft = state.draft?.employeeId === report.employeeId ? state.draft : undefined;
    review = `<form method="post" action="/forms/team">${hiddenFields({ ...hidden, employeeId: report.employeeId })}${ratingField('rating', `Your rating of ${report.name}`, cycle.scale, draft?.rating)}${textField('comments', `Your feedback to ${report.name}`, draft?.comments, report.employeeId)}<button type="submit">Submit review of ${e(report.name)}</button></form>`;
  } else {
    review = '<p class="muted">No review submitted.</p>';
  }
  return `<section class="report" aria-labelledby="report-${e(report.employeeId)}"><h2 id="report-${e(report.employeeId)}">${e(report.name)}</h2><h3>Self-assessment</h3>${self}${review}</section>`;
}
