import { escapeHtml as e } from '#mail/compose.ts';
import { MAX_TEXT_ANSWER, type ScalePoint } from '#domain/review-form.ts';
import { formatDeadline } from '#domain/time.ts';

/**
 * The hidden fields of one form on a page: the link, its form token and a submission id of its own. The
 * handler passes it in; each call gives a new submission id, so every form rendered is counted once.
 */
export type FormFields = (extra?: Record<string, string>) => Record<string, string>;

export function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join('');
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
