import * as z from 'zod';
import { answerFeedbackRequest, openFeedbackRequest } from '#services/feedback.ts';
import { FEEDBACK_KINDS, MAX_FEEDBACK_TEXT } from '#domain/feedback.ts';
import { verifyLink } from '#domain/tokens.ts';
import { textAnswer } from '#domain/review-form.ts';
import { nowMs } from '#shared/clock.ts';
import type { HttpEvent } from '#shared/http.ts';
import { linkSecret } from '#shared/links.ts';
import { feedbackAnsweredView, feedbackRequestView } from '../views/feedback.ts';
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

const answerSchema = z.object({
  kind: z.enum(FEEDBACK_KINDS, { error: 'Choose praise or constructive feedback' }),
  text: textAnswer('Your feedback', { max: MAX_FEEDBACK_TEXT }),
});

const NOTICES = {
  sent: 'Thank you: your feedback was sent.',
  recorded: 'Your feedback was already sent from this page; it was recorded once.',
};

const ALREADY_ANSWERED = 'You already gave your feedback';
const NOT_FOUND = () => messagePage(404, 'Request not found', 'This feedback request no longer exists.');

/** The colleague and the request come from the signed link only. */
async function openRequest(token: string) {
  const claims = verifyLink(token, await linkSecret(), 'feedback', nowMs());
  const opened = await openFeedbackRequest(claims.cycleId, claims.personId);
  return opened && { ...opened, colleagueId: claims.personId };
}

/** A colleague's answer to a feedback request: the form, or the answer once given. */
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const opened = await openRequest(token);
  if (!opened) return NOT_FOUND();
  const { request, requester } = opened;
  const previous = request.answered[opened.colleagueId];
  return previous
    ? htmlPage(200, feedbackAnsweredView('Your feedback', requester, previous, noticeOf(event, NOTICES)))
    : htmlPage(200, feedbackRequestView(request, requester, await formFields(token), {}, []));
}

/** Records the answer once and answers with a redirect to the form (Post/Redirect/Get). */
async function answer(event: HttpEvent) {
  const posted = await readFormPost(event);
  const opened = await openRequest(posted.token);
  if (!opened) return NOT_FOUND();
  const { request, requester, colleagueId } = opened;
  const previous = request.answered[colleagueId];
  const values = { kind: posted.fields.get('kind') ?? '', text: posted.fields.get('text') ?? '' };
  const parsed = answerSchema.safeParse(values);
  if (!parsed.success) {
    if (previous) return htmlPage(409, feedbackAnsweredView(ALREADY_ANSWERED, requester, previous));
    const errors = parsed.error.issues.map((issue) => issue.message);
    return htmlPage(400, feedbackRequestView(request, requester, await formFields(posted.token), values, errors));
  }
  const outcome = await answerFeedbackRequest(request.requestId, colleagueId, parsed.data, posted.submissionId);
  if (outcome !== 'already-answered')
    return seeOther('/forms/feedback', posted.token, { notice: outcome === 'duplicate' ? 'recorded' : 'sent' });
  const stored = (await openFeedbackRequest(request.requestId, colleagueId))?.request.answered[colleagueId];
  return stored ? htmlPage(409, feedbackAnsweredView(ALREADY_ANSWERED, requester, stored)) : NOT_FOUND();
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/feedback': show, 'POST /forms/feedback': answer } satisfies FormRouteTable;

export const handler = formRoutes(routes);
