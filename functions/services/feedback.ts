import { createHash, randomBytes } from 'node:crypto';
import { RuleViolation } from '#domain/cycle.ts';
import type { Employee } from '#domain/employee.ts';
import {
  feedbackAudience,
  feedbackRequestClosesAt,
  previousWeekStart,
  teamKeyOf,
  weekStartOf,
  type FeedbackKind,
} from '#domain/feedback.ts';
import * as messages from '#mail/messages.ts';
import { newMail } from '#mail/outbox.ts';
import { formatDeadline } from '#domain/time.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { formLink } from '#shared/links.ts';
import { getEmployee, listReports } from '#store/employees.ts';
import {
  claimDigestWeek,
  digestWeekSent,
  getFeedbackRequest,
  listFeedbackFor,
  listPraiseOfWeek,
  markRequestAnswered,
  saveFeedback,
  saveFeedbackRequest,
  type FeedbackRecord,
  type FeedbackRequestRecord,
} from '#store/feedback.ts';
import { settingsInForce } from '#store/settings.ts';
import { NotFound } from './errors.ts';
import { ownMail } from './own-mail.ts';
import { employeeNames, requireEmployee } from './employees.ts';
import { submissionOf } from './submissions.ts';

/** Feedback mail goes through the same outbox as cycle mail, in a partition of its own. */
export const FEEDBACK_MAIL_SCOPE = 'feedback';
export const MAX_COLLEAGUES_PER_REQUEST = 10;

export interface NewFeedback {
  fromId: string;
  toId: string;
  kind: FeedbackKind;
  text: string;
}

/** Feedback from one employee to another: praise goes public (now or in the weekly digest), constructive stays private. */
export async function giveFeedback(input: NewFeedback): Promise<FeedbackRecord> {
  if (input.fromId === input.toId)
    throw new RuleViolation('invalid feedback', ['feedback goes to someone else: from and to are the same person']);
  const [from] = await Promise.all([requireEmployee(input.fromId), requireEmployee(input.toId)]);
  const feedback: FeedbackRecord = {
    feedbackId: `fb_${randomBytes(6).toString('hex')}`,
    fromId: from.employeeId,
    fromName: from.name,
    toId: input.toId,
    kind: input.kind,
    text: input.text,
    at: nowIso(),
  };
  await deliverFeedback(feedback);
  return feedback;
}

/**
 * Stores the feedback and queues its emails, under keys and mail ids derived from the feedback, so doing
 * it again for the same feedback changes nothing.
 */
async function deliverFeedback(feedback: FeedbackRecord): Promise<void> {
  const recipient = await requireEmployee(feedback.toId);
  const { settings } = await settingsInForce();
  const manager = recipient.managerId ? await getEmployee(recipient.managerId) : undefined;
  const teammates =
    feedback.kind === 'praise' && settings.recognition === 'immediate' ? await listReports(teamKeyOf(recipient)) : [];
  const audience = feedbackAudience(feedback.kind, recipient, manager, teammates, settings.recognition);
  await saveFeedback(
    feedback,
    audience.digestTeam
      ? { weekStart: weekStartOf(Date.parse(feedback.at), settings.timeZone), team: audience.digestTeam }
      : undefined,
  );
  const mails = audience.now.map(({ person, role }) =>
    newMail(
      FEEDBACK_MAIL_SCOPE,
      `feedback#${feedback.feedbackId}#${person.employeeId}`,
      'feedback',
      person.email,
      [recipient.employeeId],
      messages.feedbackReceived(person, role, feedback, recipient),
    ),
  );
  const outbox = ownMail(FEEDBACK_MAIL_SCOPE);
  for (const mail of mails) await outbox.queue(mail);
  await outbox.sendNow();
}

/**
 * An employee asks colleagues for feedback: each gets an emailed link to a form that answers the request
 * once. A request from the goals page carries its form's `submissionId` and takes its id from it, so the
 * same post again stores nothing and finds the request it stored; its mails, under ids derived from the
 * request, are queued again as no-ops (or completed, after a first try cut short).
 */
export async function requestFeedback(
  requesterId: string,
  colleagueIds: string[],
  message?: string,
  submissionId?: string,
): Promise<FeedbackRequestRecord> {
  const requester = await requireEmployee(requesterId);
  const unique = [...new Set(colleagueIds)];
  const problems: string[] = [];
  if (!unique.length) problems.push('name at least one colleague');
  if (unique.length > MAX_COLLEAGUES_PER_REQUEST)
    problems.push(`at most ${MAX_COLLEAGUES_PER_REQUEST} colleagues per request`);
  if (unique.includes(requesterId)) problems.push('ask colleagues, not yourself');
  const colleagues = await Promise.all(unique.map((id) => getEmployee(id)));
  for (const [index, id] of unique.entries())
    if (!colleagues[index]) problems.push(`no employee ${id} in the directory`);
  if (problems.length) throw new RuleViolation('invalid feedback request', problems);
  const requestId = `fbr_${submissionId ? createHash('sha256').update(submissionId).digest('hex').slice(0, 16) : randomBytes(8).toString('hex')}`;
  const asked: FeedbackRequestRecord = {
    requestId,
    requesterId,
    colleagueIds: unique,
    ...(message ? { message } : {}),
    at: nowIso(),
    answered: {},
  };
  const submission =
    submissionId === undefined ? undefined : submissionOf(submissionId, 'feedback-request', `employee:${requesterId}`);
  const request =
    (await saveFeedbackRequest(asked, submission)) === 'duplicate' ? (await getFeedbackRequest(requestId))! : asked;
  const issuedAt = nowMs();
  const requestedAt = Date.parse(request.at);
  const { timeZone } = (await settingsInForce()).settings;
  const outbox = ownMail(FEEDBACK_MAIL_SCOPE);
  for (const colleague of colleagues as Employee[]) {
    const url = await formLink(request.requestId, colleague.employeeId, { purpose: 'feedback', requestedAt }, issuedAt);
    const content = messages.feedbackRequest(
      { timeZone },
      colleague,
      requester,
      request.message,
      feedbackRequestClosesAt(requestedAt),
      url,
    );
    const mail = newMail(
      FEEDBACK_MAIL_SCOPE,
      `feedback-request#${request.requestId}#${colleague.employeeId}`,
      'feedback-request',
      colleague.email,
      [requesterId],
      content,
    );
    await outbox.queue(mail);
  }
  await outbox.sendNow();
  return request;
}

/** A request as its form shows it: with the date by which to answer, as the request's email wrote it. */
export type OpenFeedbackRequest = FeedbackRequestRecord & { answerBy: string };

export async function openFeedbackRequest(
  requestId: string,
  colleagueId: string,
): Promise<{ request: OpenFeedbackRequest; requester: Employee } | undefined> {
  const request = await getFeedbackRequest(requestId);
  if (!request?.colleagueIds.includes(colleagueId)) return undefined;
  const requester = await getEmployee(request.requesterId);
  const { timeZone } = (await settingsInForce()).settings;
  return (
    requester && {
      request: { ...request, answerBy: formatDeadline(feedbackRequestClosesAt(Date.parse(request.at)), timeZone) },
      requester,
    }
  );
}

/**
 * A colleague answers a request, once, from the form whose `submissionId` the post carries. The answer is
 * recorded on the request first (with the feedback's id and time), then delivered; the same post again, a
 * post from another page, or one after a crash in between, delivers that same recorded answer again, which
 * changes nothing that was already done.
 */
export async function answerFeedbackRequest(
  requestId: string,
  colleagueId: string,
  answer: { kind: FeedbackKind; text: string },
  submissionId: string,
): Promise<'answered' | 'duplicate' | 'already-answered'> {
  const opened = await openFeedbackRequest(requestId, colleagueId);
  if (!opened) throw new NotFound(`feedback request ${requestId}`);
  const colleague = await requireEmployee(colleagueId);
  const feedbackId = `fb_${createHash('sha256').update(`${requestId}#${colleagueId}`).digest('hex').slice(0, 12)}`;
  const recorded = { feedbackId, at: nowIso(), kind: answer.kind, text: answer.text };
  const outcome = await markRequestAnswered(
    submissionOf(submissionId, 'feedback-answer', `employee:${colleagueId}`),
    requestId,
    colleagueId,
    recorded,
  );
  const stored = outcome === 'done' ? recorded : (await getFeedbackRequest(requestId))!.answered[colleagueId];
  await deliverFeedback({
    ...stored,
    fromId: colleagueId,
    fromName: colleague.name,
    toId: opened.request.requesterId,
    requestId,
  });
  return outcome === 'done' ? 'answered' : outcome === 'duplicate' ? 'duplicate' : 'already-answered';
}

/** Feedback a person received between two instants, for their manager's review page. */
export function feedbackReceivedBetween(employeeId: string, from: number, to: number): Promise<FeedbackRecord[]> {
  return listFeedbackFor(employeeId, new Date(from).toISOString(), new Date(to).toISOString());
}

/**
 * The weekly recognition digest: on the first daily run of a week, each team with praise in the week
 * before gets one email listing it (the members and the lead). A week is claimed once, so reruns and
 * retries send nothing twice. Constructive feedback is never indexed for a digest, so it cannot appear.
 */
export async function sendPraiseDigests(): Promise<{ teams: number; sent: number }> {
  const { settings } = await settingsInForce();
  const weekStart = previousWeekStart(nowMs(), settings.timeZone);
  if (await digestWeekSent(weekStart)) return { teams: 0, sent: 0 };
  const praise = await listPraiseOfWeek(weekStart);
  const byTeam = Map.groupBy(
    praise.filter((entry) => entry.kind === 'praise'),
    (entry) => entry.team,
  );
  // Each digest is stored claimed by this run, which sends it next: no claim write each.
  const outbox = ownMail(FEEDBACK_MAIL_SCOPE);
  for (const [team, entries] of byTeam) {
    const lead = await getEmployee(team);
    const members = [...(lead ? [lead] : []), ...(await listReports(team))];
    const names = await employeeNames(entries.map((entry) => entry.toId));
    const lines = entries.map((entry) => ({
      fromName: entry.fromName,
      toName: names.get(entry.toId)!,
      text: entry.text,
    }));
    for (const member of members) {
      await outbox.queue(
        newMail(
          FEEDBACK_MAIL_SCOPE,
          `praise-digest#${weekStart}#${team}#${member.employeeId}`,
          'praise-digest',
          member.email,
          [],
          messages.praiseDigest(member, weekStart, lines),
        ),
      );
    }
  }
  const flushed = await outbox.flush();
  // Claimed only once everything is queued: a crash before this leaves the week to the next run.
  await claimDigestWeek(weekStart, nowIso());
  return { teams: byTeam.size, sent: flushed.sent };
}
