import { authorKey, releasableTo, upwardOutcome, type UpwardAnswer, type UpwardOutcome } from '#domain/anonymity.ts';
import { ladderPoints, selfDueOf, SELF_ANSWER_PHASES } from '#domain/cycle.ts';
import { upwardReviews } from '#domain/multi-rater.ts';
import * as messages from '#mail/messages.ts';
import { newMail } from '#mail/outbox.ts';
import { nowMs } from '#shared/clock.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import { formLink, linkSecret } from '#shared/links.ts';
import { verifyLink } from '#domain/tokens.ts';
import { getAssessment, HR_MANAGER_KEY, type AssessmentRecord } from '#store/assessments.ts';
import { getCycle, scheduleOf, type CycleRecord, type UpwardSnapshot } from '#store/cycles.ts';
import type { MailRecord } from '#store/mail.ts';
import {
  getUpwardCounter,
  hasAnsweredUpward,
  listUpwardAnswers,
  submitUpwardAnswer,
  type NewUpwardCounter,
} from '#store/upward.ts';
import type { OwnMail } from './own-mail.ts';
import type { AssessmentsPort, UpwardPort } from './ports.ts';
import type { Unavailable } from './unavailable.ts';

/**
 * Upward reviews (issue 14): who is invited at launch, the form behind the link, the reminder and the release
 * to each manager (HR's counts are in status.ts). The author is known from the signed link while they answer,
 * and only as a keyed hash (authorKey) in what is stored; nothing here logs or stores their id beside an answer.
 */

/** Answers queued and sent a few managers at a time: one release may tell every manager of the organisation. */
const PER_MANAGER_CONCURRENCY = 16;

/**
 * The launch's upward reviews: a counter per manager reviewed (reports asked, the manager's name, email and
 * department for HR's view) and an invitation per author, each its own email.
 */
export async function upwardInvitations(
  cycle: CycleRecord,
  assessments: AssessmentRecord[],
  issuedAt: number,
): Promise<{ counters: NewUpwardCounter[]; invitations: Omit<MailRecord, 'createdAt'>[] }> {
  const upward = cycle.upward;
  if (!upward) return { counters: [], invitations: [] };
  const reviews = upwardReviews(assessments, HR_MANAGER_KEY);
  const byId = new Map(assessments.map((assessment) => [assessment.employeeId, assessment]));
  const counters = [...Map.groupBy(reviews, (review) => review.managerKey)].map(([managerKey, of]) => {
    const author = byId.get(of[0].authorId)!;
    // The manager's own department when they take part in the cycle, else their reports'.
    return {
      managerKey,
      managerName: author.managerName,
      managerEmail: author.managerEmail,
      department: byId.get(managerKey)?.department ?? author.department,
      asked: of.length,
    };
  });
  const schedule = scheduleOf(cycle);
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const invitations = await Promise.all(
    reviews.map(async ({ authorId }) => {
      const author = byId.get(authorId)!;
      return newMail(
        cycle.cycleId,
        `upward-invitation#${authorId}`,
        'upward-invitation',
        author.email,
        [authorId],
        messages.upwardInvitation(
          ctx,
          author,
          { name: author.managerName },
          selfDueOf(schedule, authorId),
          await formLink(cycle.cycleId, authorId, { purpose: 'upward', schedule }, issuedAt),
          upward.threshold,
        ),
      );
    }),
  );
  return { counters, invitations };
}

/** Whether an author's upward review takes answers: while self-assessments are taken, until their own deadline. */
function upwardWindow(cycle: CycleRecord, due: number, now: number): 'open' | 'closed' {
  return SELF_ANSWER_PHASES.includes(cycle.phase) && now <= due ? 'open' : 'closed';
}

export type UpwardOpen =
  | {
      state: 'open';
      cycle: CycleRecord;
      upward: UpwardSnapshot;
      managerName: string;
      managerKey: string;
      due: number;
      /** The author's key: the once-marker of their answer. Never their id. */
      marker: string;
      answered: boolean;
      window: 'open' | 'closed';
    }
  | Unavailable
  /** The author has no manager to review (HR reviews them), or the cycle asks for no upward reviews. */
  | { state: 'not-asked'; cycle: CycleRecord };

/** The upward review behind a link: the author comes from the link, the manager from the author's assessment. */
export async function openUpward(token: string): Promise<UpwardOpen> {
  const secret = await linkSecret();
  const { cycleId, personId } = verifyLink(token, secret, 'upward', nowMs());
  const [cycle, author] = await Promise.all([getCycle(cycleId), getAssessment(cycleId, personId)]);
  if (!cycle || !author) return { state: 'gone' };
  if (cycle.phase === 'CANCELLED') return { state: 'cancelled', cycle };
  if (!cycle.upward || author.managerKey === HR_MANAGER_KEY) return { state: 'not-asked', cycle };
  const marker = authorKey(secret, cycleId, personId);
  const due = selfDueOf(scheduleOf(cycle), personId);
  return {
    state: 'open',
    cycle,
    upward: cycle.upward,
    managerName: author.managerName,
    managerKey: author.managerKey,
    due,
    marker,
    answered: await hasAnsweredUpward(cycleId, marker),
    window: upwardWindow(cycle, due, nowMs()),
  };
}

/**
 * Stores the answer once per author: 'duplicate' when they answered before (the marker exists), 'closed' past
 * their deadline or once the cycle has moved on. Checked at the post's own time, and the cycle's phase again
 * in the transaction.
 */
export async function answerUpward(
  opened: Extract<UpwardOpen, { state: 'open' }>,
  answer: UpwardAnswer,
): Promise<'submitted' | 'duplicate' | 'closed'> {
  if (upwardWindow(opened.cycle, opened.due, nowMs()) === 'closed') return 'closed';
  const outcome = await submitUpwardAnswer(opened.cycle, opened.managerKey, opened.marker, answer, SELF_ANSWER_PHASES);
  return outcome === 'done' ? 'submitted' : outcome === 'duplicate' ? 'duplicate' : 'closed';
}

/**
 * The checkpoint's upward reminder, at the self ladder's reminder point of each author's deadline: to those
 * invited who have not answered, known by their markers (one BatchGet), never by what anyone wrote. Each
 * reminder is queued once by its id; an author past their reminder point without one gets none.
 */
export async function remindUpward(
  ports: Pick<AssessmentsPort, 'listAssessments'> & Pick<UpwardPort, 'answeredUpward'>,
  outbox: OwnMail,
  cycle: CycleRecord,
  now: number,
): Promise<void> {
  if (!cycle.upward || !SELF_ANSWER_PHASES.includes(cycle.phase)) return;
  const schedule = scheduleOf(cycle);
  const reminding = (due: number) => {
    const reminder = ladderPoints(due, schedule.timings).find((point) => point.step === 'REMINDER')!;
    return now >= reminder.at && now < due;
  };
  // Most checkpoints are at no reminder point: they read nothing.
  if (![schedule.selfDue, ...Object.values(schedule.extensions)].some(reminding)) return;
  const invited = (await ports.listAssessments(cycle.cycleId)).filter(
    (author) => author.managerKey !== HR_MANAGER_KEY && reminding(selfDueOf(schedule, author.employeeId)),
  );
  if (!invited.length) return;
  const secret = await linkSecret();
  const markerOf = new Map(
    invited.map((author) => [author.employeeId, authorKey(secret, cycle.cycleId, author.employeeId)]),
  );
  const answered = await ports.answeredUpward(cycle.cycleId, [...markerOf.values()]);
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  await forEachLimited(
    invited.filter((author) => !answered.has(markerOf.get(author.employeeId)!)),
    PER_MANAGER_CONCURRENCY,
    async (author) => {
      const due = selfDueOf(schedule, author.employeeId);
      const url = await formLink(cycle.cycleId, author.employeeId, { purpose: 'upward', schedule }, now);
      await outbox.queue(
        newMail(
          cycle.cycleId,
          `upward-reminder#${author.employeeId}#${due}`,
          'upward-reminder',
          author.email,
          [author.employeeId],
          messages.upwardReminder(ctx, author, { name: author.managerName }, due, url),
        ),
      );
    },
  );
}

/**
 * The release of upward reviews, once per manager (the mail's id; the counter's `released` mark): when at
 * least the threshold answered, the answers shuffled and stripped (answersForManager) with the mean of the
 * ratings (upwardMean); otherwise a note that too few answered, and the answers are deleted, so they reach
 * nobody. A rerun after a partial delete finds still fewer, and deletes the rest; its mail was queued already.
 */
export async function releaseUpward(
  ports: Pick<UpwardPort, 'listUpwardCounters' | 'listUpwardAnswers' | 'deleteUpwardAnswers' | 'markUpwardReleased'>,
  outbox: OwnMail,
  cycle: CycleRecord,
): Promise<void> {
  const upward = cycle.upward;
  if (!upward) return;
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const counters = (await ports.listUpwardCounters(cycle.cycleId)).filter((counter) => !counter.released);
  await forEachLimited(counters, PER_MANAGER_CONCURRENCY, async (counter) => {
    const stored = await ports.listUpwardAnswers(cycle.cycleId, counter.managerKey);
    const outcome = upwardOutcome(stored, { count: counter.ratings, sum: counter.ratingSum }, upward.threshold);
    await outbox.queue(
      newMail(
        cycle.cycleId,
        `upward-result#${counter.managerKey}`,
        'upward-result',
        counter.managerEmail,
        [counter.managerKey],
        messages.upwardResult(ctx, { name: counter.managerName }, upward.questions, cycle.scale, outcome),
      ),
    );
    if (outcome.tooFewAnswers)
      await ports.deleteUpwardAnswers(
        cycle.cycleId,
        counter.managerKey,
        stored.map((answer) => answer.answerId),
      );
    await ports.markUpwardReleased(cycle.cycleId, counter.managerKey);
  });
}

/** What a manager's team page shows of the upward reviews of them. */
export type UpwardOnTeamPage =
  /** Nobody was asked to review them in this cycle. */
  | { state: 'none' }
  /** The answers reach them, if enough answered, once the results are released. */
  | { state: 'not-released' }
  /** Too few answered: the answers were deleted unread at the release. */
  | { state: 'too-few' }
  | {
      state: 'released';
      questions: UpwardSnapshot['questions'];
      outcome: Extract<UpwardOutcome, { tooFewAnswers: false }>;
    };

/**
 * The upward answers on the manager's own team page, as their mail gave them (upwardOutcome), but in the order of
 * the answers' random ids, so a reload shows the same order: only once their counter says released, and only when
 * at least the threshold answered. Before, or below it, the answers are not even read.
 */
export async function upwardOnTeamPage(cycle: CycleRecord, managerKey: string): Promise<UpwardOnTeamPage> {
  const upward = cycle.upward;
  const counter = upward && (await getUpwardCounter(cycle.cycleId, managerKey));
  if (!upward || !counter) return { state: 'none' };
  if (!counter.released) return { state: 'not-released' };
  if (!releasableTo(counter.answers, upward.threshold)) return { state: 'too-few' };
  const stored = await listUpwardAnswers(cycle.cycleId, managerKey);
  const outcome = upwardOutcome(
    stored,
    { count: counter.ratings, sum: counter.ratingSum },
    upward.threshold,
    'as-stored',
  );
  return outcome.tooFewAnswers ? { state: 'too-few' } : { state: 'released', questions: upward.questions, outcome };
}
