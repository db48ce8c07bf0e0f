import * as z from 'zod';
import { answerFeedbackRequest, openFeedbackRequest, type OpenFeedbackRequest } from '#services/feedback.ts';
import { FEEDBACK_KINDS, MAX_FEEDBACK_TEXT } from '#domain/feedback.ts';
import { verifyLink } from '#domain/tokens.ts';
import { textAnswer } from '#domain/review-form.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import { nowMs } from '#shared/clock.ts';
import type { HttpEvent } from '#shared/http.ts';
import { linkSecret } from '#shared/links.ts';
import type { Employee } from '#domain/employee.ts';
import { formFields, type FormFields, formRoute, linkToken, noticeOf, readFormPost, seeOther } from './form-handler.ts';
import { answersList, errorList, hiddenFields, messagePage, noticeLine, page, textField } from './pages.ts';

const answerSchema = z.object({
  kind: z.enum(FEEDBACK_KINDS, { error: 'Choose praise or constructive feedback' }),
  text: textAnswer('Your feedback', { max: MAX_FEEDBACK_TEXT }),
});

const KIND_CHOICES = [
  { kind: 'praise', label: 'Praise: shared with them, their manager and their team' },
  { kind: 'constructive', label: 'Constructive: private, only they and their manager see it' },
] as const;

const NOTICES = {
  sent: 'Thank you: your feedback was sent.',
  recorded: 'Your feedback was already sent from this page; it was recorded once.',
};

/**
 * A colleague's answer to a feedback request: GET shows the form, or the answer once given; POST records it
 * once and answers with a redirect to the GET (Post/Redirect/Get). The colleague and the request come from
 * the signed link only.
 */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const claims = verifyLink(token, await linkSecret(), 'feedback', nowMs());
  const opened = await openFeedbackRequest(claims.cycleId, claims.personId);
  if (!opened) return messagePage(404, 'Request not found', 'This feedback request no longer exists.');
  const { request, requester } = opened;
  const hidden = await formFields(token);
  const previous = request.answered[claims.personId];
  if (!posted)
    return previous
      ? answeredPage(200, 'Your feedback', requester, previous, noticeOf(event, NOTICES))
      : formPage(200, request, requester, hidden, {}, []);

  const values = { kind: posted.fields.get('kind') ?? '', text: posted.fields.get('text') ?? '' };
  const parsed = answerSchema.safeParse(values);
  if (!parsed.success) {
    if (previous) return answeredPage(409, 'You already gave your feedback', requester, previous);
    return formPage(
      400,
      request,
      requester,
      hidden,
      values,
      parsed.error.issues.map((issue) => issue.message),
    );
  }
  const outcome = await answerFeedbackRequest(request.requestId, claims.personId, parsed.data, posted.submissionId);
  if (outcome !== 'already-answered')
    return seeOther('/forms/feedback', token, { notice: outcome === 'duplicate' ? 'recorded' : 'sent' });
  const stored = (await openFeedbackRequest(request.requestId, claims.personId))!.request.answered[claims.personId];
  return answeredPage(409, 'You already gave your feedback', requester, stored);
});

function formPage(
  status: number,
  request: OpenFeedbackRequest,
  requester: Employee,
  hidden: FormFields,
  values: Record<string, string>,
  errors: string[],
) {
  const choices = KIND_CHOICES.map(
    (choice) =>
      `<label><input type="radio" name="kind" value="${choice.kind}"${values.kind === choice.kind ? ' checked' : ''} required> ${e(choice.label)}</label>`,
  ).join('');
  return page(
    status,
    `Feedback for ${requester.name}`,
    `<h1>Feedback for ${e(requester.name)}</h1><p>${e(requester.name)} asked for your feedback on their work.</p><p>Please answer by ${e(request.answerBy)}.</p>${request.message ? answersList([['Their note', request.message]]) : ''}${errorList(errors)}
<form method="post" action="/forms/feedback">${hiddenFields(hidden())}<fieldset class="scale"><legend>What kind of feedback is it?</legend>${choices}</fieldset>${textField('text', 'Your feedback', values.text, { maxLength: MAX_FEEDBACK_TEXT })}<button type="submit">Send feedback</button></form>`,
  );
}

function answeredPage(
  status: number,
  title: string,
  requester: Employee,
  answer: { kind: string; text: string },
  notice?: string,
) {
  return page(
    status,
    title,
    `<h1>${e(title)}</h1>${noticeLine(notice)}<p>Your ${answer.kind === 'praise' ? 'praise' : 'constructive feedback'} for ${e(requester.name)}:</p>${answersList([['Your feedback', answer.text]])}`,
  );
}
