// @ts-check
/**
 * The organisation's settings: scale, competencies, questions, peer and upward reviews, timings, time zone,
 * weights, recognition.
 */
import { api, forgetOrganisationTimeZone } from './api.js';
import { clearErrors, errorBox, field, h, showErrors, uid } from './dom.js';
import { formatDateTime } from './format.js';
import { renderWithMessage } from './router.js';
/** @import { SettingsVersion } from '../functions/api/responses.ts' */
/** @import { Child } from './types.js' */
/** @import { Page } from './router.js' */

/**
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {'text' | 'number'} [type]
 * @property {number} [maxlength]
 * @property {'small' | 'medium' | 'large'} [size] how much of the row it takes
 */

/**
 * An editable list of rows (scale points, competencies, questions): each row's inputs are labelled with
 * the row's number ("Point 2 label"), with a button to remove the row and one below to add a row.
 * @param {{ name: string, columns: Column[], rows: Record<string, unknown>[], addLabel: string }} spec
 */
function rowList(spec) {
  const list = h('ol', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'secondary' }, spec.addLabel);
  /** @returns {Record<string, string>[]} */
  const read = () =>
    [...list.children].map((row) =>
      Object.fromEntries(
        spec.columns.map((column) => [
          column.key,
          /** @type {HTMLInputElement} */ (row.querySelector(`[data-key="${column.key}"]`)).value,
        ]),
      ),
    );
  /**
   * @param {Record<string, string>[]} rows
   * @param {number} [focusRow] the row whose first input gets the focus; -1 for the add button
   */
  const draw = (rows, focusRow) => {
    list.replaceChildren(
      ...rows.map((row, index) => {
        const number = index + 1;
        const remove = h(
          'button',
          { type: 'button', class: 'secondary small' },
          `Remove ${spec.name.toLowerCase()} ${number}`,
        );
        remove.addEventListener('click', () => {
          const current = read();
          current.splice(index, 1);
          draw(current, current.length ? Math.min(index, current.length - 1) : -1);
        });
        return h(
          'li',
          { class: 'row' },
          spec.columns.map((column) => {
            const wrapper = field(
              `${spec.name} ${number} ${column.label}`,
              h('input', {
                type: column.type ?? 'text',
                'data-key': column.key,
                value: row[column.key] ?? '',
                maxlength: column.maxlength,
                autocomplete: 'off',
                inputmode: column.type === 'number' ? 'numeric' : null,
              }),
            );
            wrapper.classList.add(`size-${column.size ?? 'medium'}`);
            return wrapper;
          }),
          h('div', { class: 'row-actions' }, remove),
        );
      }),
    );
    if (focusRow === -1) add.focus();
    else if (focusRow !== undefined)
      /** @type {HTMLElement | null} */ (list.children[focusRow]?.querySelector('input'))?.focus();
  };
  add.addEventListener('click', () => {
    const current = read();
    current.push(Object.fromEntries(spec.columns.map((column) => [column.key, ''])));
    draw(current, current.length - 1);
  });
  draw(
    spec.rows.map((row) =>
      Object.fromEntries(
        spec.columns.map((column) => [
          column.key,
          row[column.key] === undefined || row[column.key] === null ? '' : String(row[column.key]),
        ]),
      ),
    ),
  );
  return { node: h('div', null, list, add), read };
}

/**
 * Numbers go to the API as numbers; what is not a number goes as typed, for the API to explain.
 * @param {string} text
 */
function numberOrText(text) {
  if (!text.trim()) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/** @type {[keyof SettingsVersion['settings']['timings'], string, string][]} timing key, label, hint */
const TIMINGS = [
  [
    'reviewReminderLead',
    'Reminder before a review deadline',
    'Employees and managers are reminded this long before their deadline.',
  ],
  [
    'reviewHrGrace',
    'Escalation to HR after a review deadline',
    'HR hears of what is still missing this long after the deadline.',
  ],
  ['goalReminderLead', 'Reminder before a goal is due', 'Between 1 and 60 days.'],
  ['goalHrGrace', 'Escalation to HR after a missed goal', 'Between 1 and 60 days.'],
  ['acknowledgementReminder', 'Reminder to acknowledge results', 'This long after the results are released.'],
];

/* ------------------------------------------------------------------ local clock */
/** @returns {Promise<Page>} */
export async function settingsPage() {
  const current = await api('GET /settings', {});
  const settings = current.settings;
  const errors = errorBox();

  const scale = rowList({
    name: 'Point',
    columns: [
      { key: 'value', label: 'value', type: 'number', size: 'small' },
      { key: 'label', label: 'label', maxlength: 60 },
      { key: 'description', label: 'description', maxlength: 300, size: 'large' },
    ],
    rows: settings.scale ?? [],
    addLabel: 'Add a scale point',
  });
  const competencies = rowList({
    name: 'Competency',
    columns: [
      { key: 'id', label: 'id', maxlength: 40, size: 'small' },
      { key: 'label', label: 'name', maxlength: 80 },
      { key: 'description', label: 'description (optional)', maxlength: 300, size: 'large' },
    ],
    rows: settings.competencies ?? [],
    addLabel: 'Add a competency',
  });
  const questions = rowList({
    name: 'Question',
    columns: [
      { key: 'id', label: 'id', maxlength: 40, size: 'small' },
      { key: 'label', label: 'text', maxlength: 120, size: 'large' },
    ],
    rows: settings.selfQuestions ?? [],
    addLabel: 'Add a question',
  });
  /** @param {string} name @param {Record<string, unknown>[]} rows @param {string} addLabel */
  const questionList = (name, rows, addLabel) =>
    rowList({
      name,
      columns: [
        { key: 'id', label: 'id', maxlength: 40, size: 'small' },
        { key: 'label', label: 'text', maxlength: 120, size: 'large' },
      ],
      rows,
      addLabel,
    });
  const peerQuestions = questionList('Peer question', settings.peerQuestions ?? [], 'Add a peer question');
  const upwardQuestions = questionList('Upward question', settings.upwardQuestions ?? [], 'Add an upward question');
  const anonymityThreshold = h('input', {
    type: 'number',
    name: 'anonymityThreshold',
    value: settings.anonymityThreshold ?? '',
    min: 3,
    step: 1,
    inputmode: 'numeric',
  });
  const peerFeedback = h(
    'select',
    { name: 'peerFeedback' },
    h('option', { value: 'anonymous', selected: settings.peerFeedback !== 'named' }, 'Without names'),
    h('option', { value: 'named', selected: settings.peerFeedback === 'named' }, 'With the reviewers\u2019 names'),
  );

  /** @type {Record<string, HTMLInputElement>} */
  const timings = {};
  const timingFields = TIMINGS.map(([key, label, hint]) => {
    timings[key] = h('input', {
      type: 'text',
      name: key,
      value: settings.timings?.[key] ?? '',
      maxlength: 16,
      autocomplete: 'off',
      'aria-describedby': 'duration-hint',
    });
    return field(label, timings[key], hint);
  });

  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zoneListId = uid('zones');
  const timeZone = h('input', {
    type: 'text',
    name: 'timeZone',
    value: settings.timeZone ?? '',
    list: zoneListId,
    autocomplete: 'off',
  });
  const senderName = h('input', {
    type: 'text',
    name: 'senderName',
    value: settings.senderName ?? '',
    maxlength: 80,
    autocomplete: 'off',
  });
  const goalsWeight = h('input', {
    type: 'number',
    name: 'goals',
    value: settings.scoreWeights?.goals ?? '',
    min: 0,
    max: 100,
    step: 1,
    inputmode: 'numeric',
  });
  const competenciesWeight = h('input', {
    type: 'number',
    name: 'competencies',
    value: settings.scoreWeights?.competencies ?? '',
    min: 0,
    max: 100,
    step: 1,
    inputmode: 'numeric',
  });
  const recognition = h(
    'select',
    { name: 'recognition' },
    h('option', { value: 'immediate', selected: settings.recognition === 'immediate' }, 'Immediately, by email'),
    h('option', { value: 'weekly-digest', selected: settings.recognition === 'weekly-digest' }, 'In a weekly digest'),
  );

  /** @param {string} legend @param {...Child} children */
  const group = (legend, ...children) => h('fieldset', { class: 'group' }, h('legend', null, legend), ...children);

  let busy = false;
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true },
    group(
      'Rating scale',
      h('p', { class: 'hint' }, '3 to 10 points, each with a whole-number value, a label and what it means.'),
      scale.node,
    ),
    group(
      'Competencies',
      h(
        'p',
        { class: 'hint' },
        'Rated by managers for every participant; the id is lower-case letters, digits and dashes.',
      ),
      competencies.node,
    ),
    group(
      'Self-assessment questions',
      h('p', { class: 'hint' }, 'At least one; the id is letters and digits.'),
      questions.node,
    ),
    group(
      'Peer reviews',
      h('p', { class: 'hint' }, 'What colleagues are asked about a person; at least one question.'),
      peerQuestions.node,
      field(
        'Peer answers in the employee\u2019s results',
        peerFeedback,
        'The manager always sees who wrote each peer answer.',
      ),
    ),
    group(
      'Upward reviews',
      h('p', { class: 'hint' }, 'What reports are asked about their manager; at least one question.'),
      upwardQuestions.node,
      field(
        'Anonymity threshold',
        anonymityThreshold,
        'A manager receives upward answers only when at least this many reports answered; 3 or more.',
      ),
    ),
    group(
      'Timings',
      h('p', { class: 'hint', id: 'duration-hint' }, 'Durations such as 3d (days) or 12h (hours).'),
      timingFields,
    ),
    group(
      'Organisation',
      field('Time zone', timeZone, 'An IANA time zone such as Europe/Berlin: deadlines end at 23:59 in it.'),
      h(
        'datalist',
        { id: zoneListId },
        zones.map((zone) => h('option', { value: zone })),
      ),
      field('Sender name', senderName, 'The name emails come from.'),
    ),
    group(
      'Final score',
      h(
        'p',
        { class: 'hint' },
        'How much of the final score comes from the goals and from the competencies; together 100.',
      ),
      h(
        'div',
        { class: 'field-row' },
        field('Goals weight (%)', goalsWeight),
        field('Competencies weight (%)', competenciesWeight),
      ),
    ),
    group('Recognition', field('Deliver praise', recognition)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save settings')),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(errors);
    const draft = {
      scale: scale
        .read()
        .map((row) => ({ value: numberOrText(row.value), label: row.label, description: row.description })),
      competencies: competencies.read().map((row) => ({
        id: row.id,
        label: row.label,
        ...(row.description.trim() ? { description: row.description } : {}),
      })),
      selfQuestions: questions.read().map((row) => ({ id: row.id, label: row.label })),
      peerQuestions: peerQuestions.read().map((row) => ({ id: row.id, label: row.label })),
      upwardQuestions: upwardQuestions.read().map((row) => ({ id: row.id, label: row.label })),
      anonymityThreshold: numberOrText(anonymityThreshold.value),
      peerFeedback: peerFeedback.value,
      timings: Object.fromEntries(TIMINGS.map(([key]) => [key, timings[key].value.trim()])),
      timeZone: timeZone.value.trim(),
      senderName: senderName.value,
      scoreWeights: { goals: numberOrText(goalsWeight.value), competencies: numberOrText(competenciesWeight.value) },
      recognition: recognition.value,
    };
    busy = true;
    try {
      const saved = await api('PUT /settings', { json: draft });
      forgetOrganisationTimeZone();
      await renderWithMessage(
        saved.saved === false
          ? `Nothing changed: version ${saved.version} stays in force.`
          : `Saved as version ${saved.version}. The next cycle launched uses it; running cycles keep theirs.`,
      );
    } catch (error) {
      showErrors(errors, error, 'The settings were not saved');
      errors.focus();
    } finally {
      busy = false;
    }
  });

  return {
    title: 'Settings',
    body: [
      h(
        'p',
        { class: 'version' },
        current.savedAt
          ? `Version ${current.version} is in force, saved ${formatDateTime(current.savedAt, settings.timeZone)} by ${current.savedBy ?? 'HR'}.`
          : 'The defaults are in force (version 0): no settings have been saved yet.',
      ),
      h(
        'p',
        null,
        'Saving stores a new version for the next cycle; a running cycle keeps the version it was launched with.',
      ),
      errors,
      form,
    ],
  };
}
