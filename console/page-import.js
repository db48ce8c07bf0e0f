// @ts-check
/**
 * Importing the directory from a CSV file: checked first, applied when HR says so.
 */
import { api } from './api.js';
import { announce, append, clearErrors, clearStatus, errorBox, field, h, showErrors } from './dom.js';
import { ApiError } from './errors.js';
import { plural } from './format.js';
import { renderWithMessage } from './router.js';
/** @import { ImportResult } from '../functions/api/responses.ts' */
/** @import { Page } from './router.js' */

/** @type {Record<string, string>} */
const SEPARATOR_NAMES = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/**
 * What the import does to the directory: people new, updated and, when any, already as the file lists them.
 * @param {{ created: number, updated: number, unchanged: number }} counts
 */
const importCounts = (counts) =>
  `${counts.created} new, ${counts.updated} updated${counts.unchanged ? `, ${counts.unchanged} unchanged` : ''}`;

/**
 * How the API read the file, and its names beyond ASCII as they will be stored: a file read in the wrong
 * encoding shows there before anything is saved.
 * @param {{ encoding: string, separator: string, sample: { employeeId: string, name: string, department: string }[] }} result
 */
function howRead(result) {
  const encoding = result.encoding === 'Windows-1252' ? 'Windows-1252 (the file is not UTF-8)' : result.encoding;
  return [
    h('p', null, `Read as ${encoding}, columns separated by ${SEPARATOR_NAMES[result.separator] ?? result.separator}.`),
    ...(result.sample.length
      ? [
          h('p', null, 'Names as they will be stored:'),
          h(
            'ul',
            null,
            ...result.sample.map((person) =>
              h('li', null, `${person.name} (${person.employeeId}, ${person.department})`),
            ),
          ),
        ]
      : []),
  ];
}

/** @returns {Page} */
export function importPage() {
  const errors = errorBox();
  const preview = h('div', { class: 'preview', hidden: true });
  const file = h('input', { type: 'file', name: 'directory', accept: '.csv,text/csv', required: true });
  let busy = false;
  /** The checked file's bytes, sent again as they are when HR applies it. */
  /** @type {ArrayBuffer | undefined} */
  let checked;

  const form = h(
    'form',
    { class: 'panel', novalidate: true },
    field(
      'Directory CSV',
      file,
      'A CSV file with the header employeeId,name,email,managerId,department (any case) and one row per person, separated by commas, semicolons or tabs, in UTF-8 or Windows-1252. Nothing is saved until you apply it.',
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Check file')),
  );

  const check = async () => {
    if (busy) return;
    clearErrors(errors);
    clearStatus();
    checked = undefined;
    preview.hidden = true;
    preview.replaceChildren();
    const chosen = file.files?.[0];
    if (!chosen) {
      showErrors(errors, 'Choose a CSV file first.');
      file.focus();
      return;
    }
    busy = true;
    try {
      checked = await chosen.arrayBuffer();
      const result = /** @type {Extract<ImportResult, { dryRun: boolean }>} */ (
        await api('POST /employees/import', { query: { dryRun: 'true' }, file: checked })
      );
      const apply = h('button', { type: 'button', class: 'primary' }, 'Apply import');
      apply.addEventListener('click', () => void applyImport(apply));
      const line = `${plural(result.valid, 'person', 'people')}: ${importCounts(result)}`;
      preview.replaceChildren(
        h('h2', null, 'Ready to import'),
        h('p', null, `${line}.`),
        ...howRead(result),
        h('p', null, apply),
      );
      preview.hidden = false;
      announce(`The file is valid: ${line}. Nothing is saved until you apply it.`);
    } catch (error) {
      showErrors(
        errors,
        error,
        error instanceof ApiError && error.status === 400 ? undefined : 'The file could not be checked',
      );
      if (error instanceof ApiError && error.details.length)
        append(errors, [h('p', null, 'Correct these lines in the file, then choose it again.')]);
    } finally {
      busy = false;
    }
  };

  /** @param {HTMLButtonElement} apply */
  const applyImport = async (apply) => {
    if (busy) return;
    busy = true;
    try {
      const result = await api('POST /employees/import', { file: checked });
      preview.hidden = true;
      preview.replaceChildren();
      form.reset();
      checked = undefined;
      await renderWithMessage(`Imported ${plural(result.imported, 'person', 'people')}: ${importCounts(result)}.`);
    } catch (error) {
      showErrors(errors, error, 'The import was not applied');
      errors.focus();
      apply.hidden = true;
    } finally {
      busy = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void check();
  });
  file.addEventListener('change', () => void check());

  return {
    title: 'Import directory',
    body: [
      h(
        'p',
        null,
        'Everyone in the organisation, with their manager and department. Importing again updates people by their employee id.',
      ),
      form,
      errors,
      preview,
    ],
  };
}

/* ------------------------------------------------------------------ launch */
