import { createHash } from 'node:crypto';
import { RuleViolation, selfDueOf } from '#domain/cycle.ts';
import { isActive, type Employee } from '#domain/employee.ts';
import { checkPeerAssignment } from '#domain/multi-rater.ts';
import {
  PEER_ASSIGNMENT_PHASES,
  peerAnswersForEmployee,
  peerAssignmentOpen,
  peerReviewOpen,
  type PeerAnswers,
  type PeerAnswerShown,
} from '#domain/peer-review.ts';
import type { TextQuestion } from '#domain/review-form.ts';
import { verifyLink } from '#domain/tokens.ts';
import * as messages from '#mail/messages.ts';
import { newMail } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { formLink, linkSecret } from '#shared/links.ts';
import { getAssessment, type AssessmentRecord } from '#store/assessments.ts';
import type { Actor } from '#store/audit.ts';
import { getCycle, scheduleOf, type CycleRecord } from '#store/cycles.ts';
import { getEmployee } from '#store/employees.ts';
import {
  answerPeerReview,
  getPeerNomination,
  getPeerReview,
  listPeerReviews,
  markNominationApproved,
  putPeerNomination,
  putPeerReviews,
  type PeerNominationRecord,
  type PeerReviewRecord,
} from '#store/peers.ts';
import { settingsInForce } from '#store/settings.ts';
import { Conflict, NotFound } from './errors.ts';
import { ownMail, type OwnMail } from './own-mail.ts';
import { openLink, submissionOf, type LinkRead } from './submissions.ts';
import type { Unavailable } from './unavailable.ts';

/** Peer reviews (issue 14): HR assigns colleagues to review a participant; each answers through an emailed link. */

/** A cycle's peer questions and how its participants read peer answers: as launched, or (launched before) as the settings say now. */
export async function peerTemplateOf(
  cycle: CycleRecord,
): Promise<{ peerQuestions: TextQuestion[]; peerFeedback: 'anonymous' | 'named' }> {
  if (cycle.peerQuestions && cycle.peerFeedback)
    return { peerQuestions: cycle.peerQuestions, peerFeedback: cycle.peerFeedback };
  const { settings } = await settingsInForce();
  return {
    peerQuestions: cycle.peerQuestions ?? settings.peerQuestions,
    peerFeedback: cycle.peerFeedback ?? settings.peerFeedback,
  };
}

export interface PeerAssignmentResult {
  cycleId: string;
  employeeId: string;
  /** Reviewers this request assigned (each emailed). */
  assigned: string[];
  /** Reviewers asked for again who were assigned before: nothing changed for them. */
  alreadyAssigned: string[];
  /** Everyone who reviews the person now. */
  reviewers: string[];
}

/**
 * HR assigns peer reviewers to a participant while the self-assessment phase is open. Everything is checked
 * before anything is stored; the new reviews, their (manager, department)'s count and the audit entry are one transaction.
 * Each reviewer asked for gets the invitation under an id of its own, so a repeated request changes nothing and
 * sends nothing again, yet completes the mail of a first try that was cut short.
 */
export async function assignPeers(
  cycleId: string,
  employeeId: string,
  reviewerIds: string[],
  actor: Actor,
  approvedBy?: { name: string },
): Promise<PeerAssignmentResult> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (!peerAssignmentOpen(cycle.phase, nowMs(), cycle.selfDue))
    throw new Conflict(
      `cycle ${cycleId} is ${cycle.phase.toLowerCase().replace('_', ' ')}: peer reviewers can be assigned only while the self-assessment phase is open`,
    );
  const person = await getAssessment(cycleId, employeeId);
  if (!person)
    throw new RuleViolation('invalid peer assignment', [`${employeeId} does not take part in cycle ${cycleId}`]);
  const unique = [...new Set(reviewerIds)];
  const [directory, existing] = await Promise.all([
    Promise.all(unique.map((id) => getEmployee(id))),
    listPeerReviews(cycleId, employeeId),
  ]);
  const found = new Map(directory.flatMap((employee) => (employee ? [[employee.employeeId, employee]] : [])));
  const lookup = (id: string) => {
    const employee = found.get(id);
    return employee && { active: isActive(employee), name: employee.name };
  };
  const { added, alreadyAssigned, reviewers } = checkPeerAssignment(
    employeeId,
    reviewerIds,
    lookup,
    existing.map((review) => review.reviewerId),
  );
  const at = nowIso();
  const reviews = added.map(
    (reviewerId): PeerReviewRecord => ({
      cycleId,
      employeeId,
      name: person.name,
      department: person.department,
      managerKey: person.managerKey,
      managerName: person.managerName,
      reviewerId,
      reviewerName: found.get(reviewerId)!.name,
      reviewerEmail: found.get(reviewerId)!.email,
      assignedAt: at,
      status: 'PENDING',
    }),
  );
  if (reviews.length) {
    const audit = {
      cycleId,
      at,
      actor,
      action: 'peers-assigned',
      employeeId,
      details: { reviewers: added.join(',') },
    };
    if ((await putPeerReviews(cycle, reviews, PEER_ASSIGNMENT_PHASES, audit)) !== 'done') {
      const now = await getCycle(cycleId);
      throw new Conflict(
        now && PEER_ASSIGNMENT_PHASES.includes(now.phase)
          ? `the peer reviewers of ${employeeId} changed meanwhile: nothing was assigned, please send the request again`
          : `cycle ${cycleId} left the self-assessment phase meanwhile: nothing was assigned`,
      );
    }
  }
  const invited = [...existing.filter((review) => alreadyAssigned.includes(review.reviewerId)), ...reviews];
  const outbox = ownMail(cycleId);
  for (const review of invited) await queuePeerMail(outbox, cycle, review, approvedBy);
  await outbox.sendNow();
  return { cycleId, employeeId, assigned: added, alreadyAssigned, reviewers };
}

/** The reviewer's invitation, with their link to this one review, under an id of its own. */
async function queuePeerMail(
  outbox: OwnMail,
  cycle: CycleRecord,
  review: PeerReviewRecord,
  approvedBy: { name: string } | undefined,
): Promise<boolean> {
  const schedule = scheduleOf(cycle);
  const due = selfDueOf(schedule, review.employeeId);
  const url = await formLink(
    cycle.cycleId,
    review.reviewerId,
    { purpose: 'peer', schedule, aboutId: review.employeeId },
    nowMs(),
  );
  const { peerFeedback } = await peerTemplateOf(cycle);
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const to = { name: review.reviewerName };
  const about = { name: review.name };
  return outbox.queue(
    newMail(
      cycle.cycleId,
      `peer-invitation#${review.employeeId}#${review.reviewerId}`,
      'peer-invitation',
      review.reviewerEmail,
      [review.employeeId],
      messages.peerInvitation(ctx, to, about, due, url, peerFeedback, approvedBy),
    ),
  );
}

/** A peer review as its form shows it. */
export type PeerReviewOpen =
  | Unavailable
  | {
      state: 'open';
      cycle: CycleRecord;
      review: PeerReviewRecord;
      questions: TextQuestion[];
      peerFeedback: 'anonymous' | 'named';
      /** The reviewed person's self deadline: the review's too. */
      due: number;
      /** Whether answers can be given or changed now. */
      open: boolean;
    };

/** The review a peer link opens: the reviewer and the person come from the signed link only. */
export async function openPeerReview(token: string): Promise<PeerReviewOpen> {
  const claims = verifyLink(token, await linkSecret(), 'peer', nowMs());
  const [cycle, review] = await Promise.all([
    getCycle(claims.cycleId),
    getPeerReview(claims.cycleId, claims.aboutId!, claims.personId),
  ]);
  if (!cycle || !review) return { state: 'gone' };
  if (cycle.phase === 'CANCELLED') return { state: 'cancelled', cycle };
  const due = selfDueOf(scheduleOf(cycle), review.employeeId);
  const { peerQuestions, peerFeedback } = await peerTemplateOf(cycle);
  return {
    state: 'open',
    cycle,
    review,
    questions: peerQuestions,
    peerFeedback,
    due,
    open: peerReviewOpen(cycle.phase, nowMs(), due),
  };
}

export type PeerSubmitOutcome = 'submitted' | 'edited' | 'duplicate' | 'closed';

/**
 * Records a reviewer's answers once for the rendered form the post came from (`submissionId`): the first answer
 * counts the review answered; a later one, until the deadline, replaces it. A post racing another from a second
 * tab is applied after it, as an edit: the answers posted last are the ones kept.
 */
export async function submitPeerReview(
  opened: Extract<PeerReviewOpen, { state: 'open' }>,
  answers: PeerAnswers,
  submissionId: string,
): Promise<PeerSubmitOutcome> {
  let review = opened.review;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!opened.open) return 'closed';
    const submission = submissionOf(submissionId, 'peer-review', `employee:${review.reviewerId}`);
    const outcome = await answerPeerReview(submission, review, answers);
    if (outcome === 'done') return review.status === 'PENDING' ? 'submitted' : 'edited';
    if (outcome === 'duplicate') return 'duplicate';
    const fresh = await getPeerReview(review.cycleId, review.employeeId, review.reviewerId);
    if (!fresh) throw new NotFound(`peer review of ${review.employeeId}`);
    review = fresh;
  }
  throw new Conflict('the peer review kept changing meanwhile: please send it again');
}
/** Peer answers as a page shows them, with the questions they answer. */
export interface PeerSection {
  questions: TextQuestion[];
  /** Whether the participant reads the answers with the reviewers' names. */
  peerFeedback: 'anonymous' | 'named';
  answers: PeerAnswerShown[];
}

/** A participant's answered peer reviews, oldest first, as their manager reads them: with the reviewers' names. */
export async function peerAnswersForManager(cycle: CycleRecord, employeeId: string): Promise<PeerSection> {
  const [{ peerQuestions, peerFeedback }, reviews] = await Promise.all([
    peerTemplateOf(cycle),
    listPeerReviews(cycle.cycleId, employeeId),
  ]);
  const answered = reviews
    .filter((review) => review.status === 'SUBMITTED')
    .sort((a, b) => (a.submittedAt! < b.submittedAt! ? -1 : 1));
  return { questions: peerQuestions, peerFeedback, answers: answered.map(shownWithName) };
}

/** What the participant reads in their released results: without names unless the cycle's settings say named. */
export async function peerAnswersForResults(cycle: CycleRecord, employeeId: string): Promise<PeerSection> {
  const [{ peerQuestions, peerFeedback }, reviews] = await Promise.all([
    peerTemplateOf(cycle),
    listPeerReviews(cycle.cycleId, employeeId),
  ]);
  const answered = reviews.filter((review) => review.status === 'SUBMITTED').map(shownWithName);
  return {
    questions: peerQuestions,
    peerFeedback,
    answers: peerAnswersForEmployee(answered, peerFeedback),
  };
}

const shownWithName = (review: PeerReviewRecord): PeerAnswerShown & { reviewerName: string } => ({
  reviewerName: review.reviewerName,
  answers: review.answers ?? {},
  ...(review.rating === undefined ? {} : { rating: review.rating }),
});

/** The page where a participant nominates peers, behind their self-assessment link. */
export type NominationPage =
  | Unavailable
  | {
      state: 'open';
      cycle: CycleRecord;
      assessment: AssessmentRecord;
      /** Who reviews them already, assigned by HR or approved. */
      reviewers: PeerReviewRecord[];
      /** Whether peers can still be asked for: while the self-assessment phase is open. */
      open: boolean;
    };

export async function openNominationPage(token: string, read: LinkRead = {}): Promise<NominationPage> {
  const { claims, cycle } = await openLink(token, 'self', read);
  const [assessment, reviewers] = await Promise.all([
    getAssessment(claims.cycleId, claims.personId),
    listPeerReviews(claims.cycleId, claims.personId),
  ]);
  if (!cycle || !assessment) return { state: 'gone' };
  if (cycle.phase === 'CANCELLED') return { state: 'cancelled', cycle };
  return { state: 'open', cycle, assessment, reviewers, open: peerAssignmentOpen(cycle.phase, nowMs(), cycle.selfDue) };
}

/**
 * A participant nominates colleagues (found by address) as peer reviewers: checked as HR's assignment is, so they
 * hear at once what could not be approved, then stored once for the post and sent to their manager (HR for
 * people HR reviews) with a link to approve. The same post again stores nothing and sends nothing twice.
 */
export async function nominatePeers(
  page: Extract<NominationPage, { state: 'open' }>,
  colleagues: Employee[],
  submissionId: string,
): Promise<{ nomination: PeerNominationRecord; duplicate: boolean }> {
  const { cycle, assessment } = page;
  if (!page.open) throw new Conflict('peers can be nominated only while the self-assessment phase is open');
  const byId = new Map(colleagues.map((colleague) => [colleague.employeeId, colleague]));
  const { added } = checkPeerAssignment(
    assessment.employeeId,
    colleagues.map((colleague) => colleague.employeeId),
    (id) => {
      const colleague = byId.get(id);
      return colleague && { active: isActive(colleague), name: colleague.name };
    },
    page.reviewers.map((review) => review.reviewerId),
  );
  if (!added.length)
    throw new RuleViolation('nothing to approve', ['every colleague named already reviews you: nobody was asked']);
  const at = nowIso();
  const nomination: PeerNominationRecord = {
    cycleId: cycle.cycleId,
    nominationId: `nom_${createHash('sha256').update(submissionId).digest('hex').slice(0, 16)}`,
    employeeId: assessment.employeeId,
    name: assessment.name,
    managerKey: assessment.managerKey,
    managerName: assessment.managerName,
    reviewers: added.map((id) => ({ employeeId: id, name: byId.get(id)!.name })),
    at,
    status: 'PENDING',
  };
  const actor: Actor = `employee:${assessment.employeeId}`;
  const outcome = await putPeerNomination(submissionOf(submissionId, 'peer-nomination', actor), nomination, {
    cycleId: cycle.cycleId,
    at,
    actor,
    action: 'peers-nominated',
    employeeId: assessment.employeeId,
    details: { reviewers: added.join(','), nominationId: nomination.nominationId },
  });
  const stored =
    outcome === 'done' ? nomination : ((await getPeerNomination(cycle.cycleId, nomination.nominationId)) ?? nomination);
  const schedule = scheduleOf(cycle);
  const url = await formLink(
    cycle.cycleId,
    stored.managerKey,
    { purpose: 'peer-approval', schedule, aboutId: stored.nominationId },
    nowMs(),
  );
  const outbox = ownMail(cycle.cycleId);
  await outbox.queue(
    newMail(
      cycle.cycleId,
      `peer-nomination#${stored.nominationId}`,
      'peer-nomination',
      assessment.managerEmail,
      [assessment.employeeId],
      messages.peerNomination(
        { cycleName: cycle.name, timeZone: cycle.timeZone },
        { name: assessment.managerName },
        { name: assessment.name, employeeId: assessment.employeeId },
        stored.reviewers,
        selfDueOf(schedule, assessment.employeeId),
        url,
      ),
    ),
  );
  await outbox.sendNow();
  return { nomination: stored, duplicate: outcome !== 'done' };
}

/** The approval page behind a manager's link: the one nomination the link names, and only for its manager. */
export type ApprovalPage = Unavailable | { state: 'open'; cycle: CycleRecord; nomination: PeerNominationRecord };

export async function openApproval(token: string): Promise<ApprovalPage> {
  const claims = verifyLink(token, await linkSecret(), 'peer-approval', nowMs());
  const [cycle, nomination] = await Promise.all([
    getCycle(claims.cycleId),
    getPeerNomination(claims.cycleId, claims.aboutId!),
  ]);
  if (!cycle || !nomination || nomination.managerKey !== claims.personId) return { state: 'gone' };
  if (cycle.phase === 'CANCELLED') return { state: 'cancelled', cycle };
  return { state: 'open', cycle, nomination };
}

/**
 * The manager approves: the nominated reviewers are assigned as HR's assignment would be (the same checks, the
 * same mail, the audit naming the manager), then the nomination is marked approved. A second click finds it
 * approved; an assignment refused (the phase closed, too many reviewers by now) leaves it pending and says why.
 */
export async function approveNomination(
  page: Extract<ApprovalPage, { state: 'open' }>,
): Promise<'approved' | 'already-approved'> {
  const { nomination } = page;
  if (nomination.status === 'APPROVED') return 'already-approved';
  await assignPeers(
    nomination.cycleId,
    nomination.employeeId,
    nomination.reviewers.map((reviewer) => reviewer.employeeId),
    `manager:${nomination.managerKey}`,
    { name: nomination.managerName },
  );
  return (await markNominationApproved(nomination, nowIso())) ? 'approved' : 'already-approved';
}
