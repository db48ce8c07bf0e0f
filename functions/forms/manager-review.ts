import { RuleViolation } from '#domain/cycle.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { draftValues, postedReview, reviewAnswersSchema, reviewFieldNames } from '#domain/review-form.ts';
import { openTeamLink, reportPage, teamOverview, type ReportPage } from '#services/form-pages.ts';
import type { Unavailable } from '#services/unavailable.ts';
import { goalsUnderReview } from '#services/goals.ts';
import { confirmProposedGoals } from '#services/results.ts';
import { reportOf, saveAnswersDraft, submitManagerReview } from '#services/submissions.ts';
import { nowMs } from '#shared/clock.ts';
import type { HttpEvent } from '#shared/http.ts';
import { reportView, teamOverviewView, type ReportPageState } from '../views/team-review.ts';
import {
  formFields,
  formRoutes,
  type FormRouteTable,
  htmlPage,
  linkToken,
  messagePage,
  noticeOf,
  postedVersion,
  readFormPost,
  seeOther,
  unavailablePage,
} from './form-handler.ts';

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

const UNAVAILABLE = (opened: Unavailable) =>
  unavailablePage(opened, { title: 'Review not found', message: 'This review cycle no longer exists. Please ask HR.' });
const NOT_YOURS = () =>
  messagePage(
    403,
    'Not in your team',
    'That person is not in your team for this review cycle, so there is nothing to show or save. Please use the links on your team page.',
  );
const CLOSED = (cycle: { name: string }) =>
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
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const team = await openTeamLink(token);
  if (team.state !== 'open') return UNAVAILABLE(team);
  const { cycle, managerKey } = team;
  const notice = noticeOf(event, NOTICES);
  const named = event.queryStringParameters?.report;
  if (named === undefined)
    return htmlPage(200, teamOverviewView(cycle, token, await teamOverview(cycle, managerKey), notice));
  const employeeId = employeeIdSchema.safeParse(named);
  const report = employeeId.success ? await reportOf(cycle, managerKey, employeeId.data) : undefined;
  if (!report) return NOT_YOURS();
  return reportAnswer(200, await reportPage(cycle, report), token, { notice });
}

/** A draft, a review or the confirmation of proposed goals, each answered with a redirect to the report's page (Post/Redirect/Get). */
async function submit(event: HttpEvent) {
  const posted = await readFormPost(event);
  const { token } = posted;
  const team = await openTeamLink(token, { forPost: true });
  if (team.state !== 'open') return UNAVAILABLE(team);
  const { cycle, managerKey } = team;
  const named = posted.fields.get('employeeId');
  if (named === null)
    return messagePage(400, 'Choose a report', 'Open the review of one of your reports from your team page.');
  const employeeId = employeeIdSchema.safeParse(named);
  const report = employeeId.success ? await reportOf(cycle, managerKey, employeeId.data) : undefined;
  if (!report) return NOT_YOURS();
  const backTo = (notice: string) => seeOther('/forms/team', token, { report: report.employeeId, notice });

  const action = posted.fields.get('action');
  if (action === 'confirm-goals') {
    try {
      const outcome = await confirmProposedGoals(cycle, report.managerKey, report.employeeId);
      return backTo(outcome === 'confirmed' ? 'goals-confirmed' : 'nothing-to-confirm');
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      return reportAnswer(409, await reportPage(cycle, report), token, {
        errors: [`${error.message}:`, ...error.details],
      });
    }
  }
  const goals = await goalsUnderReview(report.employeeId, cycle.period);
  const field = (name: string) => posted.fields.get(name);
  const values = draftValues(reviewFieldNames(cycle, goals), field);
  if (action === 'draft') {
    const outcome = await saveAnswersDraft(cycle, report, 'review', values, {
      submissionId: posted.submissionId,
      basedOn: postedVersion(posted),
    });
    return outcome === 'closed' ? CLOSED(cycle) : backTo('draft-saved');
  }
  const parsed = reviewAnswersSchema(cycle, goals, { now: nowMs(), timeZone: cycle.timeZone }).safeParse(
    postedReview(cycle, goals, field),
  );
  if (!parsed.success)
    return reportAnswer(400, await reportPage(cycle, report), token, {
      values,
      errors: parsed.error.issues.map((issue) => issue.message),
    });
  const outcome = await submitManagerReview(cycle, report, parsed.data, {
    submissionId: posted.submissionId,
    basedOn: postedVersion(posted),
  });
  if (outcome === 'closed') return CLOSED(cycle);
  if (outcome === 'changed-meanwhile') {
    const stored = await reportOf(cycle, managerKey, report.employeeId);
    if (!stored) return NOT_YOURS();
    return reportAnswer(409, await reportPage(cycle, stored), token, {
      values,
      errors: [
        'This review changed after this page was opened (from another window, or an earlier post from this page), so nothing from this page was saved. Your answers from this page are below: submit them again to replace it.',
      ],
    });
  }
  if (outcome === 'duplicate') return backTo('recorded');
  return backTo(outcome === 'submitted' && cycle.phase === 'CALIBRATION' ? 'submitted-in-calibration' : outcome);
}

async function reportAnswer(status: number, page: ReportPage, token: string, state: ReportPageState) {
  return htmlPage(status, reportView(page, token, await formFields(token), state));
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/team': show, 'POST /forms/team': submit } satisfies FormRouteTable;

export const handler = formRoutes(routes);
