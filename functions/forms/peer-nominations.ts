import { RuleViolation } from '#domain/cycle.ts';
import { colleagueAddressesSchema } from '#domain/employee.ts';
import { MAX_PEER_REVIEWERS } from '#domain/multi-rater.ts';
import { Conflict } from '#services/errors.ts';
import { colleaguesByEmail } from '#services/form-pages.ts';
import {
  approveNomination,
  nominatePeers,
  openApproval,
  openNominationPage,
  type ApprovalPage,
  type NominationPage,
} from '#services/peers.ts';
import type { HttpEvent } from '#shared/http.ts';
import { approvalView, nominationView, type ApprovalState, type NominationState } from '../views/peer-review.ts';
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

/**
 * Peer nominations (issue 14): a participant names colleagues from their self-assessment link; their manager (HR
 * for people HR reviews) approves with one click on the page their email links to. GET pages never change anything.
 */
const NOMINATION_NOTICES = {
  sent: 'Sent: your manager was emailed to approve these colleagues. Each gets an email once approved.',
  recorded: 'Your request was already sent from this page; it was sent once.',
};
const APPROVAL_NOTICES = {
  approved: 'Approved: each colleague was emailed a link to the peer review.',
  'already-approved': 'These peer reviewers were already approved; nothing changed.',
};

const UNAVAILABLE = (opened: Exclude<NominationPage | ApprovalPage, { state: 'open' }>) =>
  unavailablePage(opened, { title: 'Not found', message: 'This page no longer exists. Please ask HR.' });

const colleaguesSchema = colleagueAddressesSchema(MAX_PEER_REVIEWERS, `Name at most ${MAX_PEER_REVIEWERS} colleagues`);

/** A refusal as the page lists it: what was refused, then each reason. */
const problemLines = (error: RuleViolation) =>
  error.details.length ? [`${error.message}:`, ...error.details] : [error.message];
const statusOf = (error: RuleViolation) => (error instanceof Conflict ? 409 : 400);

async function nominationAnswer(
  status: number,
  page: Extract<NominationPage, { state: 'open' }>,
  token: string,
  state: NominationState,
) {
  return htmlPage(status, nominationView(page, token, await formFields(token), state));
}

async function showNomination(event: HttpEvent) {
  const token = linkToken(event);
  const page = await openNominationPage(token);
  if (page.state !== 'open') return UNAVAILABLE(page);
  return nominationAnswer(200, page, token, { notice: noticeOf(event, NOMINATION_NOTICES) });
}

/** Checks the addresses and the peers as HR's assignment would, stores the nomination once and emails the manager. */
async function nominate(event: HttpEvent) {
  const posted = await readFormPost(event);
  const { token } = posted;
  const page = await openNominationPage(token, { forPost: true });
  if (page.state !== 'open') return UNAVAILABLE(page);
  const values = { colleagues: posted.fields.get('colleagues') ?? '' };
  const refuse = (status: number, errors: string[]) => nominationAnswer(status, page, token, { values, errors });
  const parsed = colleaguesSchema.safeParse(values.colleagues);
  if (!parsed.success)
    return refuse(
      400,
      parsed.error.issues.map((issue) => issue.message),
    );
  const { found, unknown } = await colleaguesByEmail(parsed.data);
  if (unknown.length)
    return refuse(
      400,
      unknown.map((address) => `Nobody in the directory has the address ${address}`),
    );
  try {
    const { duplicate } = await nominatePeers(page, found, posted.submissionId);
    return seeOther('/forms/peer-nominations', token, { notice: duplicate ? 'recorded' : 'sent' });
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return refuse(statusOf(error), problemLines(error));
  }
}

async function approvalAnswer(
  status: number,
  page: Extract<ApprovalPage, { state: 'open' }>,
  token: string,
  state: ApprovalState,
) {
  return htmlPage(status, approvalView(page, await formFields(token), state));
}

async function showApproval(event: HttpEvent) {
  const token = linkToken(event);
  const page = await openApproval(token);
  if (page.state !== 'open') return UNAVAILABLE(page);
  return approvalAnswer(200, page, token, { notice: noticeOf(event, APPROVAL_NOTICES) });
}

/** One click approves: the same assignment as HR's, or the reason it cannot be made now. */
async function approve(event: HttpEvent) {
  const posted = await readFormPost(event);
  const { token } = posted;
  const page = await openApproval(token);
  if (page.state !== 'open') return UNAVAILABLE(page);
  try {
    return seeOther('/forms/peer-approval', token, { notice: await approveNomination(page) });
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return approvalAnswer(statusOf(error), page, token, { errors: problemLines(error) });
  }
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = {
  'GET /forms/peer-nominations': showNomination,
  'POST /forms/peer-nominations': nominate,
  'GET /forms/peer-approval': showApproval,
  'POST /forms/peer-approval': approve,
} satisfies FormRouteTable;

export const handler = formRoutes(routes);
