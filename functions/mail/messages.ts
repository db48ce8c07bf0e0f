import { upwardMeanLine, type UpwardOutcome } from '#domain/anonymity.ts';
import { formatDeadline } from '#domain/time.ts';
import { goalsChoiceSentence, type GoalsChoice } from '#domain/acknowledgement.ts';
import type { CheckIn } from '#domain/goals.ts';
import { labelOf, type GoalRating, type ScalePoint } from '#domain/review-form.ts';
import type { FinalScore } from '#domain/score.ts';
import type { AudienceRole, FeedbackKind } from '#domain/feedback.ts';
import { HR_MANAGER_KEY } from '#store/assessments.ts';
import { composeEmail, type EmailContent } from './compose.ts';

/** The words of every email perfcycle sends, one function per kind; dates in the organisation's zone. */
export interface CycleContext {
  cycleName: string;
  timeZone: string;
}

/** A participant as a list names them: with their id, since names repeat in any organisation of size. */
export interface PersonLine {
  employeeId: string;
  name: string;
  managerKey?: string;
  managerName?: string;
}

const when = (ctx: { timeZone: string }, epochMs: number) => formatDeadline(epochMs, ctx.timeZone);

/** "Ana Lima (E042)". */
const named = (person: { name: string; employeeId: string }) => `${person.name} (${person.employeeId})`;

/** "Ana Lima (E042), manager: Maria Manager (m1)", or "manager: HR" for someone HR reviews. */
function withManager(person: PersonLine): string {
  if (!person.managerKey || !person.managerName) return `${named(person)}, manager: none`;
  return `${named(person)}, manager: ${person.managerKey === HR_MANAGER_KEY ? 'HR' : named({ name: person.managerName, employeeId: person.managerKey })}`;
}

/** The button of HR emails: the console page the email is about (HR signs in first). */
const inConsole = (url: string) => ({ label: 'Open in the HR console', url });

export function invitation(ctx: CycleContext, to: { name: string }, due: number, url: string): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: your self-assessment is open`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `The review cycle "${ctx.cycleName}" has started. Please complete your self-assessment by ${when(ctx, due)}.`,
      'It takes about 15 minutes: a rating of each of your goals of the quarter and of your overall performance, and a few questions about your quarter.',
    ],
    action: { label: 'Open my self-assessment', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

/** An upward review's invitation: its own email, so it is never mistaken for (or forwarded with) the self-assessment. */
export function upwardInvitation(
  ctx: CycleContext,
  to: { name: string },
  manager: { name: string },
  due: number,
  url: string,
  threshold: number,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: review your manager, anonymously`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `As part of "${ctx.cycleName}", you can review your manager, ${manager.name}, by ${when(ctx, due)}: a few questions and a rating.`,
      `Your answers are stored without your name. Your manager receives them only together with those of at least ${threshold - 1} colleagues, shuffled and without names or dates; if fewer than ${threshold} answer, nobody ever reads them, HR included.`,
    ],
    action: { label: 'Review my manager', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

export function upwardReminder(
  ctx: CycleContext,
  to: { name: string },
  manager: { name: string },
  due: number,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `Reminder: review your manager by ${when(ctx, due)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `You have not reviewed your manager, ${manager.name}, for "${ctx.cycleName}" yet. The review closes on ${when(ctx, due)}.`,
      'Your answers are stored without your name, and reach your manager only among enough others to stay anonymous.',
    ],
    action: { label: 'Review my manager', url },
  });
}

/**
 * To a manager at the release: their reports' upward answers, shuffled and without names or dates, with the
 * mean rating; or, below the threshold, only that too few answered (the answers are deleted, unread).
 */
export function upwardResult(
  ctx: CycleContext,
  to: { name: string },
  questions: { id: string; label: string }[],
  scale: ScalePoint[],
  outcome: UpwardOutcome,
): EmailContent {
  const subject = `${ctx.cycleName}: your upward review`;
  if (outcome.tooFewAnswers)
    return composeEmail({
      subject,
      greeting: `Hello ${to.name},`,
      paragraphs: [
        `Too few of your reports answered the upward review of "${ctx.cycleName}" to keep their answers anonymous: ${outcome.count} answered, and at least ${outcome.needed} are needed.`,
        'So that nobody can tell who wrote what, those answers were deleted unread: nobody receives them, HR included.',
      ],
    });
  const top = Math.max(...scale.map((point) => point.value));
  return composeEmail({
    subject,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `${outcome.answers.length} of your reports reviewed you in "${ctx.cycleName}". Their answers follow in a random order, without names or dates.`,
      ...(outcome.mean === undefined ? [] : [upwardMeanLine(scale, outcome.mean)]),
      ...outcome.answers.flatMap((answer, index) => [
        `Answer ${index + 1}${answer.rating === undefined ? '' : `, rating ${answer.rating} of ${top} - ${labelOf(scale, answer.rating)}`}:`,
        ...questions.map((question) => `${question.label} ${answer.answers[question.id] ?? ''}`),
      ]),
    ],
  });
}

export function selfReminder(ctx: CycleContext, to: { name: string }, due: number, url: string): EmailContent {
  return composeEmail({
    subject: `Reminder: ${ctx.cycleName} self-assessment due ${when(ctx, due)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [`Your self-assessment for "${ctx.cycleName}" is not submitted yet. It is due by ${when(ctx, due)}.`],
    action: { label: 'Open my self-assessment', url },
  });
}

export function selfOverdueToManager(
  ctx: CycleContext,
  to: { name: string },
  due: number,
  reports: PersonLine[],
  lateUntil: number,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: ${reports.length} overdue self-assessment${reports.length === 1 ? '' : 's'} in your team`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `These people in your team have not submitted their self-assessment for "${ctx.cycleName}", which was due by ${when(ctx, due)}:`,
    ],
    list: reports.map(named),
    after: [
      `A short conversation usually helps. They can still submit through the link in their invitation until ${when(ctx, lateUntil)}; late submissions are recorded as late. HR will be told if they remain outstanding.`,
    ],
  });
}

export function selfOverdueToHr(
  ctx: CycleContext,
  due: number,
  people: PersonLine[],
  lateUntil: number,
  consoleUrl: string,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: ${people.length} self-assessment${people.length === 1 ? '' : 's'} still outstanding`,
    greeting: 'Hello HR team,',
    paragraphs: [
      `These self-assessments for "${ctx.cycleName}" were due by ${when(ctx, due)} and are still outstanding after the grace period. Their managers were told at the deadline.`,
    ],
    list: people.map(withManager),
    action: inConsole(consoleUrl),
    after: [
      `Recommended next step: a check-in with each person and their manager. They can still submit until ${when(ctx, lateUntil)}, recorded as late.`,
    ],
  });
}

export function managerRequest(
  ctx: CycleContext,
  to: { name: string },
  due: number,
  reports: PersonLine[],
  url: string,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: please review your team by ${when(ctx, due)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `The self-assessment phase of "${ctx.cycleName}" has ended. Please rate and give feedback to each of your reports by ${when(ctx, due)}. Your team page shows each self-assessment beside your review form.`,
    ],
    list: reports.map(named),
    action: { label: 'Review my team', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

export function reviewReminder(
  ctx: CycleContext,
  to: { name: string },
  due: number,
  reports: PersonLine[],
  url: string,
): EmailContent {
  return composeEmail({
    subject: `Reminder: ${ctx.cycleName} team reviews due ${when(ctx, due)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [`These reviews for "${ctx.cycleName}" are not submitted yet. They are due by ${when(ctx, due)}:`],
    list: reports.map(named),
    action: { label: 'Review my team', url },
  });
}

export function reviewOverdueToManager(
  ctx: CycleContext,
  to: { name: string },
  due: number,
  reports: PersonLine[],
  url: string,
  lateUntil: number,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: ${reports.length} overdue review${reports.length === 1 ? '' : 's'} of your team`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `Your reviews of these people for "${ctx.cycleName}" were due by ${when(ctx, due)} and are overdue. Results are released to each person on ${when(ctx, lateUntil)}; a review submitted before then is still included, marked late.`,
    ],
    list: reports.map(named),
    action: { label: 'Review my team', url },
  });
}

export function reviewOverdueToHr(
  ctx: CycleContext,
  due: number,
  people: PersonLine[],
  consoleUrl: string,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: ${people.length} manager review${people.length === 1 ? '' : 's'} never submitted`,
    greeting: 'Hello HR team,',
    paragraphs: [
      `These manager reviews for "${ctx.cycleName}" were due by ${when(ctx, due)} and were not submitted after the grace period. Each person's result says that HR will follow up.`,
    ],
    list: people.map(withManager),
    action: inConsole(consoleUrl),
    after: ['Recommended next step: follow up with each manager and agree a date for the review.'],
  });
}

/** HR's calibration reminder, a lead before the due date (`reached` false) and on it: nothing releases until HR does. */
export function calibrationReminder(
  ctx: CycleContext,
  due: number,
  missing: PersonLine[],
  consoleUrl: string,
  reached = false,
): EmailContent {
  return composeEmail({
    subject: reached
      ? `${ctx.cycleName}: calibration due today, ${when(ctx, due)}`
      : `Reminder: ${ctx.cycleName} calibration due ${when(ctx, due)}`,
    greeting: 'Hello HR team,',
    paragraphs: [
      `The calibration of "${ctx.cycleName}" is due by ${when(ctx, due)}. Compare the ratings, adjust any with a reason, and release the results from the console when you are ready: nothing is released until you do.`,
      missing.length
        ? `These manager reviews are still missing (reopen one with a new date, or release without it):`
        : 'Every manager review is in.',
    ],
    ...(missing.length ? { list: missing.map(withManager) } : {}),
    action: inConsole(consoleUrl),
  });
}

/** HR reopened one review: the manager gets a fresh link and the new date. */
export function reviewReopened(
  ctx: CycleContext,
  to: { name: string },
  report: PersonLine,
  due: number,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: please review ${report.name} by ${when(ctx, due)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `HR reopened your review of ${named(report)} in "${ctx.cycleName}". Please submit it by ${when(ctx, due)}; reminders follow the new date.`,
    ],
    action: { label: `Review ${report.name}`, url },
    after: ['This link is personal: please do not forward it.'],
  });
}

export interface ResultLine {
  rating: number;
  comments: string;
  managerName: string;
  goalRatings: GoalRating[];
  score: FinalScore;
  /** The rating HR set in calibration, which replaces the score as the final rating. */
  adjustedRating?: number;
}

/** The release: the headline of the appraisal, and the link to the whole of it, where the employee acknowledges it by `acknowledgeBy`. */
export function result(
  ctx: CycleContext,
  to: { name: string },
  scale: ScalePoint[],
  review: ResultLine | undefined,
  url: string | undefined,
  acknowledgeBy: number,
): EmailContent {
  if (!review || !url) {
    return composeEmail({
      subject: `${ctx.cycleName}: your review result`,
      greeting: `Hello ${to.name},`,
      paragraphs: [
        `The review cycle "${ctx.cycleName}" has closed. Your manager's review was not completed in time, so there is no rating yet.`,
        'HR will follow up with you and your manager to complete it.',
      ],
    });
  }
  const top = Math.max(...scale.map((point) => point.value));
  return composeEmail({
    subject: `${ctx.cycleName}: your review result`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `The review cycle "${ctx.cycleName}" has closed. ${review.managerName} reviewed your performance:`,
      review.adjustedRating === undefined
        ? `Final score: ${review.score.value} of ${top} - ${review.score.label}`
        : `Final rating: ${review.adjustedRating} of ${top} - ${labelOf(scale, review.adjustedRating)}, set in calibration, where HR compares ratings across teams`,
      `Overall rating: ${review.rating} of ${top} - ${labelOf(scale, review.rating)}`,
      ...(review.goalRatings.length
        ? [
            'Your goals:',
            ...review.goalRatings.map(
              (rated) =>
                `${rated.title} (weight ${rated.weight} %): ${rated.rating} of ${top} - ${labelOf(scale, rated.rating)}`,
            ),
          ]
        : []),
      `Summary from ${review.managerName}:`,
      review.comments,
      `The whole appraisal, with your strengths, what to improve and the goals proposed for next period, is on your results page. Please read it and acknowledge it there by ${when(ctx, acknowledgeBy)}; you can add a comment or record that you disagree.`,
    ],
    action: { label: 'Open my results', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

/**
 * To the manager (and HR, when the employee commented or disagrees): the employee has read their appraisal, with
 * their comment and whether they disagree.
 * HR's copy (`consoleUrl`) links to the cycle in the console.
 */
export function acknowledgement(
  ctx: CycleContext,
  to: { name: string },
  employee: { name: string; employeeId: string },
  ack: { disagree: boolean; comment?: string; goals: GoalsChoice; proposedGoals: number },
  consoleUrl?: string,
): EmailContent {
  const goals = goalsChoiceSentence(ack.goals, ack.proposedGoals);
  return composeEmail({
    subject: ack.disagree
      ? `${ctx.cycleName}: ${employee.name} disagrees with their appraisal`
      : `${ctx.cycleName}: ${employee.name} acknowledged their appraisal`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      ack.disagree
        ? `${named(employee)} has read their appraisal of "${ctx.cycleName}" and recorded that they disagree with it. Please talk with them; HR can help.`
        : `${named(employee)} has read and acknowledged their appraisal of "${ctx.cycleName}".`,
      ...(ack.comment ? [`Their comment:`, ack.comment] : ['They left no comment.']),
      ...(goals ? [goals] : []),
    ],
    ...(consoleUrl ? { action: inConsole(consoleUrl) } : {}),
  });
}

export function acknowledgementReminder(
  ctx: CycleContext,
  to: { name: string },
  acknowledgeBy: number,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `Reminder: please acknowledge your ${ctx.cycleName} results`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `Your appraisal of "${ctx.cycleName}" is waiting for you to read and acknowledge it, by ${when(ctx, acknowledgeBy)}. You can add a comment or record that you disagree.`,
    ],
    action: { label: 'Open my results', url },
    after: ['This is the only reminder; after it, HR sees the appraisal as unacknowledged.'],
  });
}

export function cancellation(ctx: CycleContext, to: { name: string }): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName} has been cancelled`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `HR has cancelled the review cycle "${ctx.cycleName}". Nothing more is needed from you for it, and earlier links no longer open a form.`,
    ],
  });
}

export interface GoalLine {
  title: string;
  due: number;
  progress: number;
  target?: string;
}

function goalFacts(ctx: { timeZone: string }, goal: GoalLine): string[] {
  return [
    `Goal: ${goal.title}`,
    ...(goal.target ? [`Target: ${goal.target}`] : []),
    `Due: ${formatDeadline(goal.due, ctx.timeZone)}`,
    `Progress: ${goal.progress}%`,
  ];
}

export function goalReminder(
  ctx: { timeZone: string },
  to: { name: string },
  goal: GoalLine,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `Reminder: your goal "${goal.title}" is due ${formatDeadline(goal.due, ctx.timeZone)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `Your goal is due by ${when(ctx, goal.due)} and is not marked done yet:`,
      ...goalFacts(ctx, goal),
      'If it is done, post a check-in at 100 % on your goals page: that marks it done and stops the reminders. If it is at risk, a check-in now tells your manager where it stands.',
    ],
    action: { label: 'Open my goals', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

/** Past the due date: the owner (with `url`, their goals page) can still post 100 % until HR is told at `hrAt`. */
export function goalMissed(
  ctx: { timeZone: string },
  to: { name: string },
  owner: { name: string },
  goal: GoalLine,
  hrAt: number,
  url?: string,
): EmailContent {
  if (url) {
    return composeEmail({
      subject: `Your goal "${goal.title}" was not met by its due date`,
      greeting: `Hello ${to.name},`,
      paragraphs: [
        'The due date of your goal has passed and it is not marked done:',
        ...goalFacts(ctx, goal),
        `If it is done, post a check-in at 100 % on your goals page by ${when(ctx, hrAt)}; after that, HR is told it is still open. Otherwise, please talk to your manager about what happens next.`,
      ],
      action: { label: 'Open my goals', url },
      after: ['This link is personal: please do not forward it.'],
    });
  }
  return composeEmail({
    subject: `${owner.name}'s goal "${goal.title}" was not met by its due date`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `The due date of ${owner.name}'s goal has passed and it is not marked done:`,
      ...goalFacts(ctx, goal),
      `A one-to-one soon helps to agree what happens next. If it is still open on ${when(ctx, hrAt)}, HR is told.`,
    ],
  });
}

/** Who posted a check-in, as its `by` (an audit actor) reads to a person: the owner by name, HR, the manager. */
function actorName(by: string | undefined, owner: { name: string; employeeId: string }): string | undefined {
  if (by === `employee:${owner.employeeId}`) return owner.name;
  if (by?.startsWith('hr:')) return 'HR';
  if (by?.startsWith('manager:')) return 'their manager';
  return undefined;
}

/** "HR marked", "Ann Early marked", "HR, then Ann Early, marked": who posted the two at-risk check-ins. */
function markedBy(checkIns: CheckIn[], owner: { name: string; employeeId: string }): string {
  const [first, second] = checkIns.slice(-2).map((checkIn) => actorName(checkIn.by, owner));
  if (!first || !second) return 'Two check-ins in a row marked';
  return first === second ? `${first} marked` : `${first}, then ${second}, marked`;
}

export function goalAtRisk(
  ctx: { timeZone: string },
  to: { name: string },
  owner: { name: string; employeeId: string },
  goal: GoalLine,
  checkIns: CheckIn[],
): EmailContent {
  const who = markedBy(checkIns, owner);
  return composeEmail({
    subject: `${owner.name}'s goal "${goal.title}" has been at risk twice in a row`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `${who} ${owner.name}'s goal at risk or off track${who.startsWith('Two') ? '' : ' in two check-ins in a row'}:`,
      ...goalFacts(ctx, goal),
      'Now is a good time to talk about support or a change of scope.',
    ],
  });
}

export function goalToHr(
  ctx: { timeZone: string },
  owner: { name: string; employeeId: string; manager: { name: string; employeeId?: string } },
  goal: GoalLine,
  history: CheckIn[],
  recommendation: 'one-to-one' | 'improvement-plan',
  consoleUrl: string,
): EmailContent {
  const manager = owner.manager.employeeId
    ? named({ name: owner.manager.name, employeeId: owner.manager.employeeId })
    : owner.manager.name;
  return composeEmail({
    subject: `Missed goal still open: ${named(owner)}, "${goal.title}"`,
    greeting: 'Hello HR team,',
    paragraphs: [
      `The goal of ${named(owner)} is past its due date and still open after the grace period (manager: ${manager}).`,
      ...goalFacts(ctx, goal),
      history.length ? 'Check-ins:' : 'There were no check-ins.',
    ],
    list: history.map((entry) => {
      const by = actorName(entry.by, owner);
      return `${formatDeadline(Date.parse(entry.at), ctx.timeZone)}: ${entry.progress}%, ${entry.status.toLowerCase().replace('_', ' ')}${by ? ` (by ${by === 'their manager' ? 'the manager' : by})` : ''}`;
    }),
    action: inConsole(consoleUrl),
    after: [
      recommendation === 'improvement-plan'
        ? 'Recommended next step: an improvement plan agreed with the manager (this is not their first missed goal). People decide; nothing is done automatically.'
        : 'Recommended next step: a one-to-one between them and their manager. People decide; nothing is done automatically.',
    ],
  });
}

export function goalSet(
  ctx: { timeZone: string },
  to: { name: string },
  goal: GoalLine & { weight: number },
  url: string,
): EmailContent {
  return composeEmail({
    subject: `New goal: ${goal.title}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      'A goal has been set for you:',
      ...goalFacts(ctx, goal),
      `Weight: ${goal.weight}%`,
      `Post a check-in on your goals page whenever things move: progress, whether you are on track, and a note. At 100 % by ${when(ctx, goal.due)} the goal is met.`,
    ],
    action: { label: 'Open my goals', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

/** Feedback as each person in its audience reads it; constructive feedback only ever reaches the recipient and their manager. */
export function feedbackReceived(
  to: { name: string },
  role: AudienceRole,
  feedback: { kind: FeedbackKind; fromName: string; text: string },
  recipient: { name: string },
): EmailContent {
  const praise = feedback.kind === 'praise';
  const subject =
    role === 'recipient'
      ? praise
        ? `${feedback.fromName} recognised your work`
        : `Feedback from ${feedback.fromName}`
      : praise
        ? `Recognition: ${feedback.fromName} recognised ${recipient.name}`
        : `Private feedback for ${recipient.name} from ${feedback.fromName}`;
  const opening =
    role === 'recipient'
      ? praise
        ? `${feedback.fromName} recognised your work:`
        : `${feedback.fromName} shared some feedback with you. It is private: only you and your manager receive it.`
      : praise
        ? `${feedback.fromName} recognised ${recipient.name}'s work:`
        : `${feedback.fromName} gave ${recipient.name} constructive feedback. It is private: only ${recipient.name} and you, as their manager, receive it.`;
  return composeEmail({ subject, greeting: `Hello ${to.name},`, paragraphs: [opening, feedback.text] });
}

/** The weekly recognition digest of a team: praise only. */
export function praiseDigest(
  to: { name: string },
  weekStart: string,
  praise: { fromName: string; toName: string; text: string }[],
): EmailContent {
  return composeEmail({
    subject: `Recognition in your team, week of ${weekStart}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `${praise.length} recognition${praise.length === 1 ? '' : 's'} in your team in the week of ${weekStart}:`,
    ],
    list: praise.map((entry) => `${entry.fromName} recognised ${entry.toName}: ${entry.text}`),
  });
}

export function feedbackRequest(
  ctx: { timeZone: string },
  to: { name: string },
  requester: { name: string },
  message: string | undefined,
  answerBy: number,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `${requester.name} asks for your feedback`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `${requester.name} would like your feedback on their work, by ${formatDeadline(answerBy, ctx.timeZone)}.`,
      ...(message ? [`Their note: ${message}`] : []),
      'Praise is shared with their team; constructive feedback reaches only them and their manager.',
    ],
    action: { label: 'Give feedback', url },
    after: ['This link is personal: please do not forward it.'],
  });
}

/** To HR: who missed which email and what to do, one line each (see outbox.ts), with the console page concerned. */
export function deliveryFailure(lines: string[], consoleUrl: string): EmailContent {
  return composeEmail({
    subject: `perfcycle: ${lines.length} email${lines.length === 1 ? '' : 's'} could not be delivered`,
    greeting: 'Hello HR team,',
    paragraphs: ['These emails could not be delivered. Each line says who missed what, and what to do:'],
    list: lines,
    action: inConsole(consoleUrl),
  });
}

/** A final rating as an email names it: "4 of 5 - Exceeds expectations". */
export interface RatingLine {
  value: number;
  label: string;
}

/**
 * To the manager: HR set a report's final rating in calibration, with HR's reason. The review stays as the
 * manager wrote it; the employee sees the final rating at the release, never HR's reason.
 */
export function ratingAdjusted(
  ctx: CycleContext,
  to: { name: string },
  employee: { name: string; employeeId: string },
  scale: ScalePoint[],
  change: { from: RatingLine; to: RatingLine; reason: string },
): EmailContent {
  const top = Math.max(...scale.map((point) => point.value));
  const rating = (line: RatingLine) => `${line.value} of ${top} - ${line.label}`;
  return composeEmail({
    subject: `${ctx.cycleName}: HR adjusted ${employee.name}'s final rating`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `In the calibration of "${ctx.cycleName}", HR set the final rating of ${named(employee)}:`,
      `Final rating: ${rating(change.to)} (before: ${rating(change.from)})`,
      `HR's reason: ${change.reason}`,
      `Your review stays as you wrote it. When results are released, ${employee.name} sees your review with this final rating, marked as set in calibration; HR's reason is for you and is not shown to them.`,
    ],
  });
}

/** Who reads a peer answer, as the reviewer is told before writing it. */
function peerReaders(about: { name: string }, peerFeedback: 'anonymous' | 'named'): string {
  return peerFeedback === 'named'
    ? `${about.name}'s manager reads your answers with your name, and ${about.name} reads them with your name once results are released.`
    : `${about.name}'s manager reads your answers with your name; ${about.name} reads them without your name once results are released.`;
}

/**
 * To a colleague asked to review a participant: a favour, by the person's self-assessment deadline. Asked by HR,
 * or by the person with their manager's approval (`approvedBy`).
 */
export function peerInvitation(
  ctx: CycleContext,
  to: { name: string },
  about: { name: string },
  due: number,
  url: string,
  peerFeedback: 'anonymous' | 'named',
  approvedBy?: { name: string },
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: please give peer feedback on ${about.name}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      approvedBy
        ? `As part of the review cycle "${ctx.cycleName}", ${about.name} asks you for a short peer review, and ${approvedBy.name} approved the request. Please give it by ${when(ctx, due)}.`
        : `As part of the review cycle "${ctx.cycleName}", HR asks you for a short peer review of ${about.name}, by ${when(ctx, due)}.`,
      'A few questions about working with them, and a rating if you wish to give one. It takes about 5 minutes.',
      peerReaders(about, peerFeedback),
    ],
    action: { label: `Review ${about.name}`, url },
    after: ['This link is personal: please do not forward it.'],
  });
}

/** The one reminder to a peer reviewer who has not answered yet. */
export function peerReminder(
  ctx: CycleContext,
  to: { name: string },
  about: { name: string },
  due: number,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `Reminder: your peer review of ${about.name} is due ${when(ctx, due)}`,
    greeting: `Hello ${to.name},`,
    paragraphs: [
      `Your peer review of ${about.name} for "${ctx.cycleName}" is not submitted yet. It is due by ${when(ctx, due)}.`,
    ],
    action: { label: `Review ${about.name}`, url },
  });
}

/** To the manager (or HR): a participant nominated colleagues as peer reviewers; one click approves them. */
export function peerNomination(
  ctx: CycleContext,
  to: { name: string },
  person: { name: string; employeeId: string },
  reviewers: { name: string; employeeId: string }[],
  due: number,
  url: string,
): EmailContent {
  return composeEmail({
    subject: `${ctx.cycleName}: ${person.name} asks you to approve peer reviewers`,
    greeting: `Hello ${to.name},`,
    paragraphs: [`${named(person)} would like these colleagues to give peer reviews for "${ctx.cycleName}":`],
    list: reviewers.map(named),
    after: [
      `Approving asks each of them for a peer review, due by ${when(ctx, due)}. You read their answers with their names when you review ${person.name}.`,
    ],
    action: { label: 'Review and approve', url },
  });
}
