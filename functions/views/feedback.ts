import { escapeHtml as e } from '#mail/compose.ts';
import type { Employee } from '#domain/employee.ts';
import { MAX_FEEDBACK_TEXT } from '#domain/feedback.ts';
import type { OpenFeedbackRequest } from '#services/feedback.ts';
import { answersList } from './entries.ts';
import { hiddenFields, textField, type FormFields } from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

const KIND_CHOICES = [
  { kind: 'praise', label: 'Praise: shared with them, their manager and their team' },
  { kind: 'constructive', label: 'Constructive: private, only they and their manager see it' },
] as const;

/** The form a colleague answers a feedback request with; `values` and `errors` are those of a refused post. */
export function feedbackRequestView(
  request: Pick<OpenFeedbackRequest, 'answerBy' | 'message'>,
  requester: Pick<Employee, 'name'>,
  hidden: FormFields,
  values: Record<string, string>,
  errors: string[],
): string {
  const choices = KIND_CHOICES.map(
    (choice) =>
      `<label><input type="radio" name="kind" value="${choice.kind}"${values.kind === choice.kind ? ' checked' : ''} required> ${e(choice.label)}</label>`,
  ).join('');
  return htmlDocument(
    `Feedback for ${requester.name}`,
    `<h1>Feedback for ${e(requester.name)}</h1><p>${e(requester.name)} asked for your feedback on their work.</p><p>Please answer by ${e(request.answerBy)}.</p>${request.message ? answersList([['Their note', request.message]]) : ''}${errorList(errors)}
<form method="post" action="/forms/feedback">${hiddenFields(hidden())}<fieldset class="scale"><legend>What kind of feedback is it?</legend>${choices}</fieldset>${textField('text', 'Your feedback', values.text, { maxLength: MAX_FEEDBACK_TEXT })}<button type="submit">Send feedback</button></form>`,
  );
}

/** The answer the colleague gave, once given. */
export function feedbackAnsweredView(
  title: string,
  requester: Pick<Employee, 'name'>,
  answer: { kind: string; text: string },
  notice?: string,
): string {
  return htmlDocument(
    title,
    `<h1>${e(title)}</h1>${noticeLine(notice)}<p>Your ${answer.kind === 'praise' ? 'praise' : 'constructive feedback'} for ${e(requester.name)}:</p>${answersList([['Your feedback', answer.text]])}`,
  );
}
