import * as z from 'zod';
import { SELF_ANSWER_PHASES, type CycleTimings, type Phase } from './cycle.ts';
import { textAnswer, type ScalePoint, type TextQuestion } from './review-form.ts';

/**
 * A peer review (issue 14): a colleague HR assigned answers the cycle's peer questions about a participant, with
 * an optional rating on the cycle's scale. Who may be assigned is multi-rater.ts's checkPeerAssignment.
 */

/** Peers are asked for only while self-assessments are: they answer by the same deadline. */
export const PEER_ASSIGNMENT_PHASES: Phase[] = ['SELF_REVIEW'];

export function peerAssignmentOpen(phase: Phase, now: number, selfDue: number): boolean {
  return PEER_ASSIGNMENT_PHASES.includes(phase) && now < selfDue;
}

/**
 * Whether a reviewer can answer, or change their answer, now: until the reviewed person's self deadline, in a
 * cycle that still takes self-assessments. After it the manager reads the answers, which must not change under them.
 */
export function peerReviewOpen(phase: Phase, now: number, selfDue: number): boolean {
  return SELF_ANSWER_PHASES.includes(phase) && now <= selfDue;
}

/**
 * The one reminder of a pending peer review: in the reminder lead before the reviewed person's self deadline, as
 * their own reminder goes. No escalation follows: a peer review is a favour, not a duty.
 */
export function peerReminderDue(
  due: number,
  remindedAt: string | undefined,
  now: number,
  timings: CycleTimings,
): boolean {
  return !remindedAt && now >= due - timings.reminderLeadMs && now < due;
}

/** The rating is optional: an empty choice stays unrated, anything else must be a point of the scale. */
function optionalRatingOn(scale: ScalePoint[]) {
  const values = scale.map((point) => point.value);
  const message = `Rating: choose one of ${values.join(', ')}, or no rating`;
  return z.preprocess(
    (value) =>
      value === undefined || value === null || (typeof value === 'string' && !value.trim()) ? undefined : value,
    z.coerce
      .number({ error: message })
      .int(message)
      .refine((value) => values.includes(value), message)
      .optional(),
  );
}

/** What a peer review form takes: an answer to each peer question, and maybe a rating. */
export function peerAnswersSchema(scale: ScalePoint[], questions: TextQuestion[]) {
  return z.object({
    answers: z.object(Object.fromEntries(questions.map((question) => [question.id, textAnswer(question.label)]))),
    rating: optionalRatingOn(scale),
  }) as z.ZodType<PeerAnswers, unknown>;
}

export interface PeerAnswers {
  answers: Record<string, string>;
  rating?: number;
}
/** A peer answer as a reader gets it: with the reviewer's name only where they may know it. */
export interface PeerAnswerShown extends PeerAnswers {
  reviewerName?: string;
}

/**
 * The peer answers a participant reads in their results: without names unless the cycle's settings said
 * `named`, and then in an order that tells nothing of who was assigned or answered first (by their content).
 */
export function peerAnswersForEmployee(
  answered: readonly (PeerAnswers & { reviewerName: string })[],
  peerFeedback: 'anonymous' | 'named',
): PeerAnswerShown[] {
  const shown = answered.map(
    ({ answers, rating, reviewerName }): PeerAnswerShown => ({
      answers: { ...answers },
      ...(rating === undefined ? {} : { rating }),
      ...(peerFeedback === 'named' ? { reviewerName } : {}),
    }),
  );
  if (peerFeedback === 'named') return shown;
  // Keys sorted: a stored map comes back in no particular order.
  const order = (answer: PeerAnswerShown) =>
    JSON.stringify([Object.entries(answer.answers).sort(([a], [b]) => (a < b ? -1 : 1)), answer.rating ?? null]);
  return shown.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/**
 * The peer reviews of one manager's reports in one department in a cycle: how many were asked for, and how many
 * answered. `managerKey` is who reviews the people reviewed: their manager, or HR's key for people without one.
 */
export interface PeerCount {
  managerKey: string;
  managerName: string;
  department: string;
  asked: number;
  answered: number;
}

const percentOf = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);

const sum = (counts: readonly { asked: number; answered: number }[]) => {
  const asked = counts.reduce((total, count) => total + count.asked, 0);
  const answered = counts.reduce((total, count) => total + count.answered, 0);
  return { asked, answered, completion: percentOf(answered, asked) };
};

/**
 * Peer review completion overall, per department and per manager of the people reviewed, from each (manager,
 * department)'s counts. Managers come by name as upward completion lists them (domain/anonymity.ts), and the
 * people HR reviews (`noManagerKey`) in a last row with no manager.
 */
export function peerCompletion(counts: readonly PeerCount[], noManagerKey: string) {
  const byDepartment = [...Map.groupBy(counts, (count) => count.department)]
    .map(([department, of]) => ({ department, ...sum(of) }))
    .sort((a, b) => a.department.localeCompare(b.department));
  const managers = [...Map.groupBy(counts, (count) => count.managerKey)].map(([managerKey, of]) =>
    managerKey === noManagerKey
      ? { managerKey: null, managerName: null, ...sum(of) }
      : { managerKey, managerName: of[0].managerName, ...sum(of) },
  );
  const byManager = managers.sort(
    (a, b) =>
      Number(a.managerKey === null) - Number(b.managerKey === null) ||
      (a.managerName ?? '').localeCompare(b.managerName ?? '') ||
      (a.managerKey ?? '').localeCompare(b.managerKey ?? ''),
  );
  return { ...sum(counts), byDepartment, byManager };
}
