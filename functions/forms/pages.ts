import { escapeHtml as e } from '#mail/compose.ts';
import { CHECK_IN_STATUS_LABEL, outcomeOf, type GoalOutcome } from '#domain/goals.ts';
import {
  labelOf,
  MAX_TEXT_ANSWER,
  type GoalRating,
  type ReviewTemplate,
  type ScalePoint,
  type SelfAnswers,
} from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import type { StoredReview } from '#store/assessments.ts';
import type { GoalRecord } from '#store/goals.ts';
import type { HttpResult } from '#shared/http.ts';

/**
 * Server-rendered pages for the emailed links: no script, no external resources, every value escaped,
 * and headers that keep the pages out of frames, caches and referrers.
 */
const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const STYLE = `body{font-family:system-ui,Arial,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
fieldset{border:1px solid #bbb;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}legend{font-weight:600}
label{display:block;font-weight:600;margin-top:1rem}textarea{width:100%;min-height:6rem;font:inherit;box-sizing:border-box}
.scale label{display:inline-block;font-weight:normal;margin:.25rem 1rem .25rem 0}
button{margin-top:1rem;padding:.6rem 1.2rem;font:inherit;background:#1f4e79;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,textarea:focus,input:focus{outline:3px solid #f2b705;outline-offset:2px}
.errors{border:2px solid #b00020;padding:.5rem 1rem;border-radius:6px;background:#fff5f5}
input[type=text],input[type=date],input[type=number]{font:inherit;padding:.3rem;box-sizing:border-box}input[type=text]{width:100%}.proposal{margin-bottom:1rem}.check label{display:inline;font-weight:normal}
.change{margin-top:1.5rem}.change summary{font-weight:600;cursor:pointer}.secondary{background:#fff;color:#1f4e79;border:2px solid #1f4e79}.report{border-top:2px solid #ddd;margin-top:2rem;padding-top:1rem}.muted{color:#555}dt{font-weight:600}dd{margin:0 0 .75rem 0;white-space:pre-wrap}`;

export function page(status: number, title: string, body: string): HttpResult {
  return {
    statusCode: status,
    headers: SECURITY_HEADERS,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)} - perfcycle</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`,
  };
}

export function messagePage(status: number, title: string, message: string): HttpResult {
  return page(status, title, `<h1>${e(title)}</h1><p>${e(message)}</p>`);
}

/** The outcome of what the person just did, announced to screen readers. */
export function noticeLine(notice: string | undefined): string {
  return notice ? `<p role="status"><strong>${e(notice)}</strong></p>` : '';
}

/**
 * Save draft and submit, side by side. The draft button skips the browser's required-field checks: a draft
 * may be half written. It comes second so that Enter in a field submits, as people expect.
 */
export function draftButtons(submitLabel: string): string {
  return `<div class="actions"><button type="submit" name="action" value="submit">${e(submitLabel)}</button> <button type="submit" name="action" value="draft" formnovalidate class="secondary">Save draft</button></div>`;
}

/** When a draft was saved, and that it is not submitted: over a submitted version, which still counts. */
export function draftNote(savedAt: string, timeZone: string, submitted: boolean): string {
  return `<p>Draft saved on ${e(formatDeadline(Date.parse(savedAt), timeZone))}${submitted ? ': not submitted, the submitted version still counts' : ', not submitted yet'}.</p>`;
}

/** A submitted form's edit, folded away under its answers; open when there is a draft or a refused post to finish. */
export function changeLater(summary: string, form: string, open: boolean, before = ''): string {
  return `<details class="change"${open ? ' open' : ''}><summary>${e(summary)}</summary>${before}${form}</details>`;
}

export function errorList(errors: string[]): string {
  if (!errors.length) return '';
  return `<div class="errors" role="alert"><p>Please correct the following:</p><ul>${errors.map((error) => `<li>${e(error)}</li>`).join('')}</ul></div>`;
}

/**
 * `hint` is a line under the legend, e.g. a goal's weight, due date and progress; `idSuffix` keeps its id
 * unique where a page repeats the field (one form per report).
 */
export function ratingField(
  name: string,
  legend: string,
  scale: ScalePoint[],
  selected?: string,
  hint?: string,
  idSuffix = '',
): string {
  const options = scale
    .map(
      (point) =>
        `<label><input type="radio" name="${e(name)}" value="${point.value}"${String(point.value) === selected ? ' checked' : ''} required> ${point.value} - ${e(point.label)}</label>`,
    )
    .join('');
  if (!hint) return `<fieldset class="scale"><legend>${e(legend)}</legend>${options}</fieldset>`;
  const hintId = `hint-${name}${idSuffix ? `-${idSuffix}` : ''}`;
  return `<fieldset class="scale" aria-describedby="${e(hintId)}"><legend>${e(legend)}</legend><p class="muted" id="${e(hintId)}">${e(hint)}</p>${options}</fieldset>`;
}

/** What each point of the scale means, once per page: the ratings below use the same scale. */
export function scaleGuide(scale: ScalePoint[]): string {
  return `<details class="guide"><summary>What the ratings mean</summary><ul>${scale.map((point) => `<li><strong>${point.value} - ${e(point.label)}</strong>: ${e(point.description)}</li>`).join('')}</ul></details>`;
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

/** `idSuffix` keeps ids unique where a page repeats a form (one per report); `maxLength` matches what the server accepts. */
export function textField(
  name: string,
  label: string,
  value = '',
  options: { idSuffix?: string; required?: boolean; maxLength?: number } = {},
): string {
  const { idSuffix = '', required = true, maxLength = MAX_TEXT_ANSWER } = options;
  const id = `field-${name}${idSuffix ? `-${idSuffix}` : ''}`;
  return `<label for="${e(id)}">${e(label)}</label><textarea id="${e(id)}" name="${e(name)}" maxlength="${maxLength}"${required ? ' required' : ''}>${e(value)}</textarea>`;
}

export function checkboxField(name: string, label: string, checked: boolean): string {
  const id = `field-${name}`;
  return `<p class="check"><input type="checkbox" id="${e(id)}" name="${e(name)}" value="yes"${checked ? ' checked' : ''}> <label for="${e(id)}">${e(label)}</label></p>`;
}

/** A one-line input; `attributes` are trusted markup such as `min="0"`. */
export function inputField(
  name: string,
  label: string,
  type: 'text' | 'date' | 'number',
  value = '',
  idSuffix = '',
  attributes = '',
): string {
  const id = `field-${name}${idSuffix ? `-${idSuffix}` : ''}`;
  return `<label for="${e(id)}">${e(label)}</label><input id="${e(id)}" name="${e(name)}" type="${type}" value="${e(value)}"${attributes ? ` ${attributes}` : ''}>`;
}

/** A submitted review as the manager and the employee read it: every rating, the final score, the texts and the proposals. */
/** `scoreTerm` names the computed score: on a result whose final rating HR set in calibration it is no longer the final one. */
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

export function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join('');
}

export function answersList(entries: [string, string][]): string {
  return `<dl>${entries.map(([term, value]) => `<dt>${e(term)}</dt><dd>${e(value)}</dd>`).join('')}</dl>`;
}
