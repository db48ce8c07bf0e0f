import { postedUpwardAnswers, upwardAnswersSchema } from '#domain/review-form.ts';
import { answerUpward, openUpward, type UpwardOpen } from '#services/upward.ts';
import type { HttpEvent } from '#shared/http.ts';
import { upwardAnswered, upwardForm } from '../views/upward.ts';
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
  unavailablePage,
} from './form-handler.ts';

/**
 * The upward review behind an emailed link. The author is known from the link while the page is open, and is
 * never logged, stored or passed on with the answer (services/upward.ts stores it without them).
 */

const NOTICES = {
  submitted: 'Thank you: your review is sent, without your name.',
  recorded: 'You had already answered: your review was recorded once.',
};

function unavailable(opened: Exclude<UpwardOpen, { state: 'open' }>) {
  if (opened.state === 'not-asked')
    return messagePage(
      404,
      'No manager to review',
      `"${opened.cycle.name}" asks you for no upward review: HR reviews you directly, so there is no manager to review.`,
    );
  return unavailablePage(
    opened,
    { title: 'Review not found', message: 'This review no longer exists. Please ask HR.' },
    ' Nothing more is needed from you.',
  );
}

const CLOSED = (opened: Extract<UpwardOpen, { state: 'open' }>) =>
  messagePage(409, 'This review is closed', `"${opened.cycle.name}" no longer takes reviews of ${opened.managerName}.`);

const pageOf = (opened: Extract<UpwardOpen, { state: 'open' }>) => ({
  cycle: opened.cycle,
  questions: opened.upward.questions,
  managerName: opened.managerName,
  due: opened.due,
  threshold: opened.upward.threshold,
});

/** Shows the form, or that the author answered (never what): a GET changes nothing, as mail scanners prefetch links. */
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const opened = await openUpward(token);
  if (opened.state !== 'open') return unavailable(opened);
  if (opened.answered) return htmlPage(200, upwardAnswered(opened, noticeOf(event, NOTICES)));
  if (opened.window === 'closed') return CLOSED(opened);
  return htmlPage(200, upwardForm(pageOf(opened), await formFields(token)));
}

/** Stores the answer once per author and answers with a redirect to the page (Post/Redirect/Get). */
async function submit(event: HttpEvent) {
  const posted = await readFormPost(event);
  const opened = await openUpward(posted.token);
  if (opened.state !== 'open') return unavailable(opened);
  if (opened.answered) return seeOther('/forms/upward', posted.token, { notice: 'recorded' });
  const field = (name: string) => posted.fields.get(name);
  const parsed = upwardAnswersSchema(opened.cycle.scale, opened.upward.questions).safeParse(
    postedUpwardAnswers(opened.upward.questions, field),
  );
  if (!parsed.success) {
    const values = Object.fromEntries(posted.fields);
    const errors = parsed.error.issues.map((issue) => issue.message);
    return htmlPage(400, upwardForm(pageOf(opened), await formFields(posted.token), { values, errors }));
  }
  const outcome = await answerUpward(opened, parsed.data);
  if (outcome === 'closed') return CLOSED(opened);
  return seeOther('/forms/upward', posted.token, { notice: outcome === 'duplicate' ? 'recorded' : 'submitted' });
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/upward': show, 'POST /forms/upward': submit } satisfies FormRouteTable;

export const handler = formRoutes(routes);
