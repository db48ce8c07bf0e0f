import { peerAnswersSchema } from '#domain/peer-review.ts';
import { openPeerReview, submitPeerReview, type PeerReviewOpen } from '#services/peers.ts';
import type { HttpEvent } from '#shared/http.ts';
import { peerReviewClosed, peerReviewForm } from '../views/peer-review.ts';
import {
  formFields,
  formRoutes,
  type FormRouteTable,
  htmlPage,
  linkToken,
  noticeOf,
  readFormPost,
  seeOther,
  unavailablePage,
} from './form-handler.ts';

const NOTICES = {
  submitted: 'Thank you: your peer review is submitted.',
  edited: 'Your changes are submitted: the manager reads this version.',
  recorded: 'Your peer review was already saved from this page; it was recorded once.',
};

const UNAVAILABLE = (opened: Exclude<PeerReviewOpen, { state: 'open' }>) =>
  unavailablePage(
    opened,
    { title: 'Peer review not found', message: 'This peer review no longer exists. Please ask HR.' },
    ' Nothing more is needed from you.',
  );

/** The form while it takes answers (with the answers given, to change), else the answers or that it is closed. */
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const opened = await openPeerReview(token);
  if (opened.state !== 'open') return UNAVAILABLE(opened);
  const notice = noticeOf(event, NOTICES);
  if (!opened.open) return htmlPage(200, peerReviewClosed(opened, notice));
  return htmlPage(200, peerReviewForm(opened, await formFields(token), { notice }));
}

/** Records the answers once per rendered form, and answers with a redirect to the form (Post/Redirect/Get). */
async function submit(event: HttpEvent) {
  const posted = await readFormPost(event);
  const opened = await openPeerReview(posted.token);
  if (opened.state !== 'open') return UNAVAILABLE(opened);
  if (!opened.open) return htmlPage(409, peerReviewClosed(opened, undefined));
  const values = Object.fromEntries(
    [...opened.questions.map((question) => question.id), 'rating'].map((name) => [name, posted.fields.get(name) ?? '']),
  );
  const parsed = peerAnswersSchema(opened.cycle.scale, opened.questions).safeParse({
    answers: Object.fromEntries(opened.questions.map((question) => [question.id, values[question.id]])),
    rating: values.rating,
  });
  if (!parsed.success)
    return htmlPage(
      400,
      peerReviewForm(opened, await formFields(posted.token), {
        values,
        errors: parsed.error.issues.map((issue) => issue.message),
      }),
    );
  const outcome = await submitPeerReview(opened, parsed.data, posted.submissionId);
  if (outcome === 'closed') return htmlPage(409, peerReviewClosed(opened, undefined));
  return seeOther('/forms/peer', posted.token, { notice: outcome === 'duplicate' ? 'recorded' : outcome });
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/peer': show, 'POST /forms/peer': submit } satisfies FormRouteTable;

export const handler = formRoutes(routes);
