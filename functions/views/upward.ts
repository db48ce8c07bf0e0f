import { escapeHtml as e } from '#mail/compose.ts';
import { UPWARD_RATING_FIELD, type ScalePoint, type TextQuestion } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';
import { hiddenFields, scaleGuide, textField, type FormFields } from './fields.ts';
import { errorList, htmlDocument, noticeLine } from './layout.ts';

/** What the upward review page shows: the manager reviewed, the questions and scale snapshotted at launch, and when. */
export interface UpwardPage {
  cycle: { name: string; timeZone: string; scale: ScalePoint[] };
  questions: TextQuestion[];
  managerName: string;
  due: number;
  /** The anonymity threshold in force: the manager reads the answers only when at least this many answered. */
  threshold: number;
}

const ANONYMITY = (managerName: string, threshold: number) =>
  `<p>Your answers are stored without your name or the date. ${e(managerName)} receives them only after the cycle, shuffled among those of at least ${threshold - 1} colleagues; if fewer than ${threshold} answer, they are deleted unread and nobody, HR included, ever reads them.</p>`;

/** The rating is optional: a report may answer the questions yet not want to rate. */
function ratingChoice(scale: ScalePoint[], selected = ''): string {
  const option = (value: string, label: string) =>
    `<label><input type="radio" name="${UPWARD_RATING_FIELD}" value="${e(value)}"${value === selected ? ' checked' : ''}> ${e(label)}</label>`;
  return `<fieldset class="scale"><legend>Your overall rating of your manager (optional)</legend>${scale
    .map((point) => option(String(point.value), `${point.value} - ${point.label}`))
    .join('')}${option('', 'No rating')}</fieldset>`;
}

/** The form; `values` and `errors` are those of a refused post (the answers are never stored until sent). */
export function upwardForm(
  page: UpwardPage,
  hidden: FormFields,
  state: { values?: Record<string, string>; errors?: string[] } = {},
): string {
  const values = state.values ?? {};
  const title = `Review of ${page.managerName}`;
  return htmlDocument(
    title,
    `<h1>${e(title)}</h1><p>${e(page.cycle.name)}: please answer by ${e(formatDeadline(page.due, page.cycle.timeZone))}.</p>${ANONYMITY(page.managerName, page.threshold)}${errorList(state.errors ?? [])}
<form method="post" action="/forms/upward">${hiddenFields(hidden())}${page.questions
      .map((question) => textField(question.id, question.label, values[question.id]))
      .join(
        '',
      )}${scaleGuide(page.cycle.scale)}${ratingChoice(page.cycle.scale, values[UPWARD_RATING_FIELD])}<p><strong>Your answers are final once sent:</strong> as they are stored without your name, they cannot be shown to you or changed afterwards.</p><button type="submit">Send my review</button></form>`,
  );
}

/** After answering: only that they did, never the answers (nothing links them to the author any more). */
export function upwardAnswered(page: Pick<UpwardPage, 'managerName'>, notice?: string): string {
  return htmlDocument(
    'You have answered',
    `<h1>You have answered</h1>${noticeLine(notice)}<p>You have reviewed ${e(page.managerName)} in this cycle. Your answers are stored without your name, so they cannot be shown or changed here.</p>`,
  );
}
