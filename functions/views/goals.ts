import { escapeHtml as e } from '#mail/compose.ts';
import { CHECK_IN_STATUS_LABEL, CHECK_IN_STATUSES, outcomeOf } from '#domain/goals.ts';
import { formatDeadline } from '#domain/time.ts';
import type { GoalRecord } from '#store/goals.ts';
import { OUTCOME_LABEL } from './entries.ts';
import { hiddenFields, textField, type FormFields } from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

/** What the owner's goals page shows, as of `now`, with dates in `timeZone`. */
export interface GoalsPage {
  name: string;
  goals: GoalRecord[];
  timeZone: string;
  now: number;
  /** How many colleagues one request may ask. */
  maxColleagues: number;
}

/** A check-in as it was typed, shown again in its goal's form when the post is refused. */
export interface TypedCheckIn {
  goalId: string;
  progress: string;
  status: string;
  note: string;
}

export interface GoalsPageState {
  errors?: string[];
  notice?: string;
  /** A refused feedback request, as it was typed. */
  draft?: { colleagues: string; message: string };
  checkIn?: TypedCheckIn;
}

/** Each goal with its progress, history and a check-in form while open, then the form to ask colleagues for feedback. */
export function goalsView(page: GoalsPage, hidden: FormFields, state: GoalsPageState = {}): string {
  const sections = page.goals
    .map((goal) => goalSection(goal, hidden, page, state.checkIn?.goalId === goal.goalId ? state.checkIn : undefined))
    .join('');
  const askFields =
    hiddenFields(hidden({ action: 'request-feedback' })) +
    textField(
      'colleagues',
      `Colleagues' email addresses (up to ${page.maxColleagues}, one per line)`,
      state.draft?.colleagues,
      { maxLength: 3000 },
    ) +
    textField('message', 'A note to them (optional)', state.draft?.message, { required: false, maxLength: 500 });
  const ask =
    '<section aria-labelledby="ask-feedback"><h2 id="ask-feedback">Ask colleagues for feedback</h2>' +
    '<p>Each colleague gets an email with a link to a short form. Praise they give is shared with your team; constructive feedback reaches only you and your manager.</p>' +
    `<form method="post" action="/forms/goals">${askFields}<button type="submit">Ask for feedback</button></form></section>`;
  return htmlDocument(
    'Your goals',
    `<h1>Your goals</h1><p>${e(page.name)}, here are your goals. Post a check-in whenever things move.</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${sections || '<p>No goals yet.</p>'}${ask}`,
  );
}

function goalSection(
  goal: GoalRecord,
  hidden: FormFields,
  { timeZone, now }: Pick<GoalsPage, 'timeZone' | 'now'>,
  typed?: TypedCheckIn,
): string {
  const id = e(goal.goalId);
  const history = goal.checkIns.length
    ? `<ol>${[...goal.checkIns]
        .reverse()
        .map(
          (c) =>
            `<li>${e(formatDeadline(Date.parse(c.at), timeZone))}: ${c.progress}%, ${e(CHECK_IN_STATUS_LABEL[c.status])}${c.note ? ` - ${e(c.note)}` : ''}</li>`,
        )
        .join('')}</ol>`
    : '<p class="muted">No check-ins yet.</p>';
  const form =
    goal.state === 'OPEN'
      ? `<form method="post" action="/forms/goals">${hiddenFields(hidden({ goalId: goal.goalId }))}
<label for="progress-${id}">Progress (%) for ${e(goal.title)}</label><input id="progress-${id}" name="progress" type="number" min="0" max="100" step="1" required value="${e(typed?.progress ?? String(goal.progress))}">
<fieldset class="scale"><legend>How is ${e(goal.title)} going?</legend>${CHECK_IN_STATUSES.map(
          (value) =>
            `<label><input type="radio" name="status" value="${value}"${typed?.status === value ? ' checked' : ''} required> ${CHECK_IN_STATUS_LABEL[value]}</label>`,
        ).join('')}</fieldset>
<label for="note-${id}">Note for ${e(goal.title)} (optional)</label><textarea id="note-${id}" name="note" maxlength="2000">${e(typed?.note ?? '')}</textarea>
<button type="submit">Post check-in for ${e(goal.title)}</button></form>`
      : '';
  return `<section class="report" aria-labelledby="goal-${id}"><h2 id="goal-${id}">${e(goal.title)}</h2>
<p>Due ${e(formatDeadline(goal.dueAt, timeZone))} · ${e(goal.kind)} · weight ${goal.weight}%${goal.target ? ` · target: ${e(goal.target)}` : ''}</p>
<p><strong>${goal.progress}%</strong> · ${e(OUTCOME_LABEL[outcomeOf(goal, now)])}</p><h3>Check-ins</h3>${history}${form}</section>`;
}
