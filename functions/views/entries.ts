import { escapeHtml as e } from '#mail/compose.ts';
import { CHECK_IN_STATUS_LABEL, outcomeOf, type GoalOutcome } from '#domain/goals.ts';
import {
  labelOf,
  type GoalRating,
  type ReviewTemplate,
  type ScalePoint,
  type SelfAnswers,
  type TextQuestion,
} from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import type { StoredReview } from '#store/assessments.ts';
import type { GoalRecord } from '#store/goals.ts';

/** Submitted answers as a definition list: a question or rating, then what was answered. */
export function answersList(entries: [string, string][]): string {
  return `<dl>${entries.map(([term, value]) => `<dt>${e(term)}</dt><dd>${e(value)}</dd>`).join('')}</dl>`;
}

/**
 * A peer or upward answer: the answers in the order of the questions (a stored map keeps none), then any to a
 * question no longer asked, then the rating.
 */
export function answerEntries(
  questions: TextQuestion[],
  scale: ScalePoint[],
  answer: { answers?: Record<string, string>; rating?: number },
): [string, string][] {
  const answers = answer.answers ?? {};
  const asked = new Set(questions.map((question) => question.id));
  return [
    ...questions.flatMap((question): [string, string][] =>
      question.id in answers ? [[question.label, answers[question.id]]] : [],
    ),
    ...Object.entries(answers).filter(([id]) => !asked.has(id)),
    ['Rating', answer.rating === undefined ? 'No rating' : `${answer.rating} - ${labelOf(scale, answer.rating)}`],
  ];
}

/**
 * A submitted self-assessment as a list: the goal ratings, the overall rating and the text answers in the
 * order of the cycle's questions. `labels` word it for the reader (the employee, or their manager).
 */
export function selfAnswerEntries(
  template: Pick<ReviewTemplate, 'scale' | 'selfQuestions'>,
  answers: SelfAnswers,
  labels: { goal: string; overall: string },
): [string, string][] {
  return [
    ...goalRatingEntries(answers.goalRatings, template.scale, labels.goal),
    [labels.overall, `${answers.overallRating} - ${labelOf(template.scale, answers.overallRating)}`],
    ...template.selfQuestions.map((question): [string, string] => [question.label, answers.answers[question.id] ?? '']),
  ];
}

/** One line on a goal of the period: weight, due date, progress and how it stands. */
export function goalSummary(goal: GoalRecord, timeZone: string, now: number): string {
  const latest = goal.checkIns.at(-1);
  return [
    `Weight ${goal.weight} %`,
    `due ${formatDeadline(goal.dueAt, timeZone)}`,
    `progress ${goal.progress} %`,
    OUTCOME_LABEL[outcomeOf(goal, now)],
    ...(latest && goal.state === 'OPEN'
      ? [`last check-in: ${CHECK_IN_STATUS_LABEL[latest.status].toLowerCase()}`]
      : []),
  ].join(' \u00b7 ');
}

export const OUTCOME_LABEL: Record<GoalOutcome, string> = {
  open: 'open',
  met: 'met',
  'done-late': 'done late',
  missed: 'missed',
  cancelled: 'cancelled',
};

/** The rated goals as the pages list them: one entry per goal, with the rating and its label. */
export function goalRatingEntries(ratings: GoalRating[], scale: ScalePoint[], prefix: string): [string, string][] {
  return ratings.map((rated) => [
    `${prefix} "${rated.title}" (weight ${rated.weight} %)`,
    `${rated.rating} - ${labelOf(scale, rated.rating)}`,
  ]);
}

/**
 * A submitted review as the manager and the employee read it: every rating, the final score, the texts and
 * the proposals. `scoreTerm` names the computed score: on a result whose final rating HR set in calibration
 * it is no longer the final one.
 */
export function reviewEntries(
  scale: ScalePoint[],
  review: StoredReview,
  scoreTerm = 'Final score',
): [string, string][] {
  return [
    ...goalRatingEntries(review.goalRatings, scale, 'Goal'),
    ...review.competencyRatings.map((rated): [string, string] => [
      rated.label,
      `${rated.rating} - ${labelOf(scale, rated.rating)}`,
    ]),
    ['Overall rating', `${review.rating} - ${labelOf(scale, review.rating)}`],
    [scoreTerm, `${review.score.value} - ${review.score.label} (from ${review.score.basis})`],
    ['Strengths', review.strengths],
    ['Areas to improve', review.areasToImprove],
    ['Summary', review.comments],
    ...(review.proposedGoals.length
      ? [
          [
            'Proposed goals for next period',
            review.proposedGoals.map((goal) => `${goal.title} (due ${goal.due}, weight ${goal.weight} %)`).join('\n'),
          ] as [string, string],
        ]
      : []),
  ];
}
