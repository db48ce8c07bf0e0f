import * as z from 'zod';
import { goalsChoice, hrEmailedOfAcknowledgement } from '#domain/acknowledgement.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { textAnswer } from '#domain/review-form.ts';
import { openResults, resultsOf, resultsShown, type ResultsPage } from '#services/form-pages.ts';
import { acknowledgeResults, type AcknowledgeOutcome } from '#services/results.ts';
import type { HttpEvent } from '#shared/http.ts';
import { resultsView, type ResultsPageState } from '../views/results.ts';
import {
  formFields,
  formRoutes,
  type FormRouteTable,
  htmlPage,
  linkToken,
  messagePage,
  noticeOf,
  readFormPost,
  seeOther,
} from './form-handler.ts';

const acknowledgementSchema = z.object({
  comment: textAnswer('Your comment', { optional: true }),
  disagree: z.boolean(),
  acceptGoals: z.boolean(),
});

const NOTICES = {
  acknowledged: 'Thank you: your acknowledgement was sent to your manager.',
  'acknowledged-with-hr': 'Thank you: your acknowledgement was sent to your manager and HR.',
  recorded: 'Your acknowledgement was already saved from this page; it was recorded once.',
};

const NOT_FOUND = () => messagePage(404, 'Results not found', 'These results no longer exist. Please ask HR.');

/** The employee's results page: the whole appraisal, and (once) its acknowledgement. */
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const results = await openResults(token);
  if (!results) return NOT_FOUND();
  return answer(200, results, token, { notice: noticeOf(event, NOTICES) });
}

/**
 * The acknowledgement, with an optional comment or disagreement, recorded once and answered with a redirect
 * to the results page (Post/Redirect/Get).
 */
async function acknowledge(event: HttpEvent) {
  const posted = await readFormPost(event);
  const { token } = posted;
  const results = await openResults(token, { forPost: true });
  if (!results) return NOT_FOUND();
  const { cycle, assessment } = results;
  const values = {
    comment: posted.fields.get('comment') ?? '',
    disagree: posted.fields.get('disagree') === 'yes',
    acceptGoals: posted.fields.get('acceptGoals') === 'yes',
  };
  const parsed = acknowledgementSchema.safeParse(values);
  if (!parsed.success)
    return answer(400, results, token, { errors: parsed.error.issues.map((issue) => issue.message), values });
  try {
    goalsChoice({ offered: results.goalsOffered, ...parsed.data });
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return answer(400, results, token, { errors: [error.message, ...error.details], values });
  }
  let outcome: AcknowledgeOutcome;
  try {
    outcome = await acknowledgeResults(
      cycle,
      assessment.employeeId,
      { ...parsed.data, comment: parsed.data.comment || undefined },
      posted.submissionId,
    );
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return answer(409, results, token, {
      errors: [
        `${error.message}:`,
        ...error.details,
        'Untick "add the proposed goals" to acknowledge without them, and talk to your manager.',
      ],
      values,
    });
  }
  if (outcome === 'duplicate') return seeOther('/forms/results', token, { notice: 'recorded' });
  if (outcome === 'acknowledged')
    return seeOther('/forms/results', token, {
      notice: hrEmailedOfAcknowledgement(parsed.data) ? 'acknowledged-with-hr' : 'acknowledged',
    });
  // Acknowledged from another page meanwhile: this one is refused and shows what was recorded.
  const stored = await resultsOf(cycle, assessment.employeeId);
  if (outcome === 'not-released' || !stored) return NOT_FOUND();
  return answer(409, stored, token, { notice: 'You had already acknowledged these results; nothing was changed.' });
}

async function answer(status: number, page: ResultsPage, token: string, state: ResultsPageState) {
  const [shown, hidden] = await Promise.all([resultsShown(page), formFields(token)]);
  return htmlPage(status, resultsView(shown, hidden, state));
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/results': show, 'POST /forms/results': acknowledge } satisfies FormRouteTable;

export const handler = formRoutes(routes);
