import { escapeHtml as e } from '#mail/compose.ts';
import type { ScalePoint } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { MAX_PEER_REVIEWERS } from '#domain/multi-rater.ts';
import { peerAssignmentOpen } from '#domain/peer-review.ts';
import type { ApprovalPage, NominationPage, PeerReviewOpen, PeerSection } from '#services/peers.ts';
import type { CycleRecord } from '#store/cycles.ts';
import { answerEntries, answersList } from './entries.ts';
import { changeLater, hiddenFields, scaleGuide, textField, type FormFields } from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

export type PeerReviewPage = Extract<PeerReviewOpen, { state: 'open' }>;

export interface PeerFormState {
  /** The fields of a refused post, shown again as they were typed. */
  values?: Record<string, string>;
  errors?: string[];
  notice?: string;
}

/** Who reads the answers, said on the form before anything is written. */
function readersLine({ review, peerFeedback }: PeerReviewPage): string {
  const name = e(review.name);
  return peerFeedback === 'named'
    ? `<p>${name}'s manager reads your answers with your name. ${name} reads them with your name once results are released.</p>`
    : `<p>${name}'s manager reads your answers with your name. ${name} reads them <strong>without</strong> your name once results are released.</p>`;
}

/** The rating is optional: "No rating" is a choice of its own, chosen until another is. */
function optionalRating(scale: ScalePoint[], selected: string): string {
  const option = (value: string, label: string) =>
    `<label><input type="radio" name="rating" value="${e(value)}"${value === selected ? ' checked' : ''}> ${e(label)}</label>`;
  return `<fieldset class="scale"><legend>Overall, how would you rate working with them? (optional)</legend>${option('', 'No rating')}${scale.map((point) => option(String(point.value), `${point.value} - ${point.label}`)).join('')}</fieldset>`;
}

const answersAsFields = (review: PeerReviewPage['review']): Record<string, string> => ({
  ...review.answers,
  rating: review.rating === undefined ? '' : String(review.rating),
});

/** The peer review form, with the submitted answers above it while they can still change. */
export function peerReviewForm(page: PeerReviewPage, hidden: FormFields, state: PeerFormState): string {
  const { cycle, review, questions, due } = page;
  const dueText = formatDeadline(due, cycle.timeZone);
  const submitted = review.status === 'SUBMITTED';
  const values = state.values ?? (submitted ? answersAsFields(review) : {});
  const form =
    `<form method="post" action="/forms/peer">${hiddenFields(hidden())}` +
    questions.map((question) => textField(question.id, question.label, values[question.id])).join('') +
    `${optionalRating(cycle.scale, values.rating ?? '')}<button type="submit">${submitted ? 'Submit changes' : 'Submit peer review'}</button></form>`;
  const body = submitted
    ? `<p>You submitted it on ${e(formatDeadline(Date.parse(review.submittedAt!), cycle.timeZone))}. You can change it until ${e(dueText)}.</p>${answersList(answerEntries(questions, cycle.scale, review))}${changeLater('Change your peer review', form, !!state.values, scaleGuide(cycle.scale))}`
    : `<p>${e(review.reviewerName)}, HR asks for your view of working with ${e(review.name)}, by ${e(dueText)}.</p>${readersLine(page)}${scaleGuide(cycle.scale)}${form}`;
  return htmlDocument(
    `Peer review of ${review.name}: ${cycle.name}`,
    `<h1>Peer review of ${e(review.name)}</h1><p>${e(cycle.name)}</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${body}`,
  );
}

/** A closed peer review: the answers given, or that the deadline has passed without them. */
export function peerReviewClosed(page: PeerReviewPage, notice: string | undefined): string {
  const { cycle, review, questions, due } = page;
  const dueText = formatDeadline(due, cycle.timeZone);
  const body =
    review.status === 'SUBMITTED'
      ? `<p>You submitted it on ${e(formatDeadline(Date.parse(review.submittedAt!), cycle.timeZone))}. It was due by ${e(dueText)} and can no longer be changed.</p>${answersList(answerEntries(questions, cycle.scale, review))}`
      : `<p>This peer review was due by ${e(dueText)} and is now closed: it no longer takes answers. Nothing more is needed from you.</p>`;
  return htmlDocument(
    `Peer review of ${review.name}: closed`,
    `<h1>Peer review of ${e(review.name)}</h1><p>${e(cycle.name)}</p>${noticeLine(notice)}${body}`,
  );
}
/**
 * Peer answers on another page: the manager's (with names) or the employee's results (names only where the
 * settings say so). Nothing at all when nobody answered.
 */
export function peerAnswersSection(section: PeerSection, scale: ScalePoint[], heading: string, intro: string): string {
  if (!section.answers.length) return '';
  const answers = section.answers
    .map(
      (answer, index) =>
        `<h3>${answer.reviewerName ? `From ${e(answer.reviewerName)}` : `Colleague ${index + 1}`}</h3>${answersList(answerEntries(section.questions, scale, answer))}`,
    )
    .join('');
  return `<section aria-labelledby="peer-answers"><h2 id="peer-answers">${e(heading)}</h2><p>${e(intro)}</p>${answers}</section>`;
}

/** On the self-assessment page while peers can be asked for: where to nominate them (a page of its own, so nothing typed here is lost). */
export function peerNominationSection(cycle: CycleRecord, token: string, now: number): string {
  if (!peerAssignmentOpen(cycle.phase, now, cycle.selfDue)) return '';
  const href = `/forms/peer-nominations?${new URLSearchParams({ t: token })}`;
  return `<p>Would feedback from colleagues help your review? <a href="${e(href)}">Ask colleagues for a peer review</a>: your manager approves the request.</p>`;
}

export interface NominationState {
  values?: { colleagues: string };
  errors?: string[];
  notice?: string;
}

/** The participant's page to nominate peers: who reviews them already, and the addresses of more, for their manager to approve. */
export function nominationView(
  page: Extract<NominationPage, { state: 'open' }>,
  token: string,
  hidden: FormFields,
  state: NominationState,
): string {
  const { cycle, assessment, reviewers, open } = page;
  // A count, not names: whom HR asked is not the person's to know when their answers reach them without names.
  const current = reviewers.length
    ? `<p>${reviewers.length} colleague${reviewers.length === 1 ? ' has' : 's have'} been asked for a peer review of you so far.</p>`
    : '<p>No colleague has been asked for a peer review of you yet.</p>';
  const room = MAX_PEER_REVIEWERS - reviewers.length;
  const back = `<p><a href="${e(`/forms/self?${new URLSearchParams({ t: token })}`)}">Back to your self-assessment</a></p>`;
  let body: string;
  if (!open) body = '<p>Peer reviews can be asked for only while the self-assessment phase is open; it has ended.</p>';
  else if (room <= 0) body = `<p>You have ${MAX_PEER_REVIEWERS} peer reviewers, the most a person can have.</p>`;
  else
    body =
      `<p>Name up to ${room} more colleague${room === 1 ? '' : 's'} by email address. ${e(assessment.managerName)} approves the request; each colleague then gets an email asking for a short peer review, due by ${e(formatDeadline(cycle.selfDue, cycle.timeZone))}.</p>` +
      `<form method="post" action="/forms/peer-nominations">${hiddenFields(hidden())}${textField('colleagues', 'Colleagues\u2019 email addresses (one per line)', state.values?.colleagues, { maxLength: 2000 })}<button type="submit">Send to ${e(assessment.managerName)} for approval</button></form>`;
  return htmlDocument(
    `Ask for peer reviews: ${cycle.name}`,
    `${back}<h1>Ask colleagues for a peer review</h1><p>${e(cycle.name)}</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${current}${body}`,
  );
}

export interface ApprovalState {
  errors?: string[];
  notice?: string;
}

/** The manager's page behind the nomination email: who was nominated, and one button to approve. */
export function approvalView(
  page: Extract<ApprovalPage, { state: 'open' }>,
  hidden: FormFields,
  state: ApprovalState,
): string {
  const { cycle, nomination } = page;
  const list = `<ul>${nomination.reviewers.map((reviewer) => `<li>${e(reviewer.name)} (${e(reviewer.employeeId)})</li>`).join('')}</ul>`;
  const body =
    nomination.status === 'APPROVED'
      ? `<p>You approved these peer reviewers of ${e(nomination.name)}; each was asked for a peer review.</p>${list}`
      : `<p>${e(nomination.name)} would like these colleagues to give a peer review:</p>${list}<p>Approving asks each of them by email, with a link to a short form. You read their answers, with their names, when you review ${e(nomination.name)}.</p><form method="post" action="/forms/peer-approval">${hiddenFields(hidden())}<button type="submit">Approve these peer reviewers</button></form>`;
  return htmlDocument(
    `Approve peer reviewers of ${nomination.name}: ${cycle.name}`,
    `<h1>Peer reviewers of ${e(nomination.name)}</h1><p>${e(cycle.name)}</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${body}`,
  );
}
