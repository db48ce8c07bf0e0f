// @ts-check
/**
 * A cycle's page: its progress charts and tables, who is overdue, escalations, goals and results, and HR's
 * actions on it (resume, extend a deadline, cancel, download the report).
 */
import { api, send } from './api.js';
import {
  announce,
  clearErrors,
  confirmStep,
  errorBox,
  facts,
  field,
  h,
  section,
  showErrors,
  svg,
  table,
  uid,
} from './dom.js';
import {
  calendarDate,
  capitalised,
  formatDate,
  formatDateTime,
  formatDay,
  percent,
  periodText,
  phaseText,
  plural,
} from './format.js';
import { cycleHref, renderWithMessage } from './router.js';
/** @import { Child } from './types.js' */
/** @import { CycleStatus, ReportPeoplePage } from '../functions/api/responses.ts' */
/** @import { Page } from './router.js' */

/** @typedef {'pending' | 'submitted' | 'late' | 'overdue'} PhaseState */
/** @typedef {Record<PhaseState, number>} PhaseCounts */

/** @type {PhaseState[]} */
const STATES = ['pending', 'submitted', 'late', 'overdue'];
/** @type {Record<PhaseState, string>} */
const STATE_WORDS = { pending: 'Pending', submitted: 'Submitted on time', late: 'Submitted late', overdue: 'Overdue' };
/** Colours of the chart segments, each at least 3:1 against white; overdue is hatched as well, not told by colour alone. */
/** @type {Record<PhaseState, string>} */
const STATE_COLOURS = { pending: '#6b7280', submitted: '#15803d', late: '#b45309', overdue: '#b91c1c' };

/** The emails of the reminder ladder, as HR calls them. */
/** @type {Record<string, string>} */
const ESCALATIONS = {
  'self-reminder': 'Self-assessment reminder to the employee',
  'self-overdue': 'Self-assessment overdue: notice to the manager',
  'self-hr': 'Self-assessment overdue: escalation to HR',
  'review-reminder': 'Review reminder to the manager',
  'review-overdue': 'Review overdue: notice to the manager',
  'review-hr': 'Review overdue: escalation to HR',
};
/**
 * A progress chart: one stacked horizontal bar (inline SVG, named by a summary of its numbers), its
 * legend, and the same numbers in a table, so the chart is never the only way to read them.
 * @param {string} title
 * @param {PhaseCounts} counts
 */
function progressFigure(title, counts) {
  const total = STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  const summary = `${title}: ${plural(total, 'participant')}; ${STATES.map((state) => `${counts[state] ?? 0} ${STATE_WORDS[state].toLowerCase()}`).join(', ')}`;
  const width = 600;
  const height = 32;
  const hatchId = uid('hatch');
  const chart = svg(
    'svg',
    {
      class: 'chart',
      role: 'img',
      'aria-label': summary,
      viewBox: `0 0 ${width} ${height}`,
      width: '100%',
      height,
      preserveAspectRatio: 'none',
      focusable: 'false',
    },
    svg('defs', null, hatch(hatchId)),
    svg('rect', { x: 0, y: 0, width, height, fill: '#e5e7eb' }),
  );
  let x = 0;
  for (const state of STATES) {
    const count = counts[state] ?? 0;
    if (!count) continue;
    const segment = (count / total) * width;
    chart.append(
      svg(
        'rect',
        {
          x,
          y: 0,
          width: segment,
          height,
          fill: state === 'overdue' ? `url(#${hatchId})` : STATE_COLOURS[state],
          stroke: '#ffffff',
          'stroke-width': 2,
          'vector-effect': 'non-scaling-stroke',
        },
        svg('title', null, `${STATE_WORDS[state]}: ${count}`),
      ),
    );
    x += segment;
  }
  const rows = STATES.map((state) => [
    h('span', { class: 'state' }, swatch(state), STATE_WORDS[state]),
    counts[state] ?? 0,
  ]);
  return h(
    'figure',
    { class: 'progress' },
    h('figcaption', null, title),
    chart,
    // The chart's legend and its numbers in one table.
    table(`${title} in numbers`, ['State', 'People'], [...rows, ['All participants', total]], {
      numeric: [1],
      hideCaption: true,
      rowHeaders: true,
    }),
  );
}

/**
 * The colour (and hatching) of a state, as a small square for the legend.
 * @param {PhaseState} state
 */
function swatch(state) {
  const id = uid('hatch');
  return svg(
    'svg',
    { class: 'swatch', viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' },
    state === 'overdue' ? svg('defs', null, hatch(id)) : null,
    svg('rect', {
      x: 0,
      y: 0,
      width: 16,
      height: 16,
      fill: state === 'overdue' ? `url(#${id})` : STATE_COLOURS[state],
    }),
  );
}

/**
 * Red with light diagonal lines: overdue stands out without relying on colour.
 * @param {string} id
 */
function hatch(id) {
  return svg(
    'pattern',
    { id, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    svg('rect', { x: 0, y: 0, width: 8, height: 8, fill: STATE_COLOURS.overdue }),
    svg('rect', { x: 0, y: 0, width: 3, height: 8, fill: '#fca5a5' }),
  );
}

/**
 * The cycle's page: phase, deadlines, progress of both phases, completion by department, who is overdue,
 * the escalations sent, goal outcomes and results; and HR's actions: extend a deadline, cancel, download.
 * @param {string} cycleId
 * @returns {Promise<Page>}
 */
export async function cyclePage(cycleId) {
  const params = { cycleId };
  const [status, report, goals, selfOverdue, reviewOverdue, sent, unacknowledged] = await Promise.all([
    api('GET /cycles/{cycleId}', { params }),
    // The extension's choice of people: the report's first page of entries (the report itself has no per-person list any more).
    api('GET /cycles/{cycleId}/report/people', { params, query: { limit: '1000' } }),
    api('GET /cycles/{cycleId}/goals', { params }),
    api('GET /cycles/{cycleId}/overdue', { params, query: { phase: 'self', limit: '50' } }),
    api('GET /cycles/{cycleId}/overdue', { params, query: { phase: 'manager', limit: '50' } }),
    api('GET /cycles/{cycleId}/escalations', { params, query: { limit: '50' } }),
    api('GET /cycles/{cycleId}/unacknowledged', { params, query: { limit: '50' } }),
  ]);
  const timeZone = String(status.timeZone ?? 'UTC');
  const running = status.phase === 'SELF_REVIEW' || status.phase === 'MANAGER_REVIEW';
  const people = report.people;
  const names = new Map(people.map((person) => [person.employeeId, person.name]));

  const actionErrors = errorBox();
  const refresh = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => void renderWithMessage('The numbers were brought up to date.'),
    },
    'Refresh',
  );
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download report (CSV)');
  download.addEventListener('click', () => void downloadReport(cycleId, actionErrors));

  const summary = facts([
    ['Phase', phaseText(status.phase)],
    ['Department', status.department ?? 'Everyone'],
    ['Period', periodText(status.period)],
    ['Self-assessments due', formatDate(status.selfDue, timeZone)],
    ['Manager reviews due', formatDate(status.managerDue, timeZone)],
    ['Participants', status.participants],
    ['Settings version', status.settingsVersion],
    ['Launched', formatDateTime(status.createdAt, timeZone)],
    .../** @type {[string, Child][]} */ (
      status.closedAt ? [['Closed', formatDateTime(status.closedAt, timeZone)]] : []
    ),
  ]);

  const overdue = [...selfOverdue.overdue, ...reviewOverdue.overdue];
  const escalations = sent.escalations.flatMap((mail) =>
    ESCALATIONS[mail.kind] ? [{ at: mail.at, kind: ESCALATIONS[mail.kind], to: mail.to, subject: mail.subject }] : [],
  );
  const departments = status.departments;
  const results = status.results;

  return {
    title: status.name,
    body: [
      h('p', { class: 'lead' }, `Dates and times are in ${timeZone}, the cycle's time zone; deadlines end at 23:59.`),
      summary,
      status.needsAttention ? attentionSection(cycleId, String(status.needsAttention)) : null,
      actionErrors,
      h('div', { class: 'actions' }, refresh, download),
      status.phase === 'SELF_REVIEW'
        ? null
        : h('p', null, h('a', { href: `${cycleHref(cycleId)}/calibration` }, 'Calibration: ratings side by side')),

      section(
        'Progress',
        h(
          'div',
          { class: 'charts' },
          progressFigure('Self-assessments', status.counts.self),
          progressFigure('Manager reviews', status.counts.manager),
        ),
      ),

      section(
        'Completion by department',
        departments.length
          ? table(
              'Self-assessments and reviews done by department',
              [
                'Department',
                'Participants',
                'Self-assessments done',
                'Self-assessments overdue',
                'Reviews done',
                'Reviews overdue',
              ],
              departments.map((d) => [
                d.department,
                d.participants,
                `${d.self.submitted + d.self.late} (${percent(d.completion.self)})`,
                d.self.overdue,
                `${d.manager.submitted + d.manager.late} (${percent(d.completion.manager)})`,
                d.manager.overdue,
              ]),
              { numeric: [1, 2, 3, 4, 5], hideCaption: true, rowHeaders: true, wide: true },
            )
          : h('p', null, 'No participants yet.'),
      ),

      section(
        'Overdue',
        overdue.length
          ? table(
              'Overdue people',
              ['Name', 'Employee id', 'Overdue with', 'Was due', 'Manager or reviewer'],
              overdue.map((person) => [
                person.name,
                person.employeeId,
                person.phase === 'self' ? 'Self-assessment' : 'Manager review',
                formatDate(person.due, timeZone),
                person.reviewer,
              ]),
              { nowrap: [3], hideCaption: true, rowHeaders: true, wide: true },
            )
          : h('p', null, 'Nobody is overdue.'),
      ),

      section(
        'Escalations sent',
        escalations.length
          ? table(
              'Reminders and escalations sent',
              ['Sent', 'Kind', 'To', 'Subject'],
              escalations.map((mail) => [formatDateTime(mail.at, timeZone), mail.kind, mail.to, mail.subject]),
              { nowrap: [0], hideCaption: true, wide: true },
            )
          : h('p', null, 'No reminder or escalation has been sent yet.'),
      ),

      running ? extensionSection(cycleId, status, people, names, timeZone) : null,

      section(
        'Goal outcomes',
        table(
          `Goals of the period ${periodText(status.period)}`,
          ['Open', 'Met', 'Done late', 'Missed', 'Cancelled'],
          [
            [
              goals.counts.open ?? 0,
              goals.counts.met ?? 0,
              goals.counts['done-late'] ?? 0,
              goals.counts.missed ?? 0,
              goals.counts.cancelled ?? 0,
            ],
          ],
          { numeric: [0, 1, 2, 3, 4] },
        ),
        goals.missed?.length
          ? table(
              'Missed goals',
              ['Name', 'Goal', 'Was due', 'Manager'],
              goals.missed.map((goal) => [goal.name, goal.title, formatDay(goal.due), goal.manager ?? '']),
              { nowrap: [2], rowHeaders: true, wide: true },
            )
          : null,
      ),

      section(
        'Results',
        results.released
          ? [
              table(
                'Results and acknowledgements',
                ['Released', 'Acknowledged', 'Disagreed', 'Not yet acknowledged'],
                [[results.released, results.acknowledged, results.disagreed, results.unacknowledged]],
                { numeric: [0, 1, 2, 3], hideCaption: true },
              ),
              unacknowledged.unacknowledged.length
                ? table(
                    'Results not yet acknowledged',
                    ['Name', 'Employee id', 'Manager'],
                    unacknowledged.unacknowledged.map((person) => [person.name, person.employeeId, person.manager]),
                    { rowHeaders: true },
                  )
                : null,
            ]
          : h('p', null, 'No results have been released yet.'),
      ),

      running ? cancelSection(cycleId, status) : null,
    ],
  };
}

/**
 * A cycle whose workflow failed or stopped: what happened, as the API says it, and the button that resumes
 * it (what `perfcycle cycle resume` does).
 * @param {string} cycleId
 * @param {string} reason
 */
function attentionSection(cycleId, reason) {
  const errors = errorBox();
  const resume = h('button', { type: 'button', class: 'primary' }, 'Resume the workflow');
  let busy = false;
  resume.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    clearErrors(errors);
    try {
      await api('POST /cycles/{cycleId}/resume', { params: { cycleId }, json: {} });
      await renderWithMessage(
        'The workflow was resumed: reminders, escalations and the release carry on from where they stopped.',
      );
    } catch (error) {
      showErrors(errors, error, 'The workflow was not resumed');
      errors.focus();
    } finally {
      busy = false;
    }
  });
  const box = section(
    'Needs attention',
    h('p', { class: 'attention-reason' }, capitalised(reason)),
    h(
      'p',
      null,
      'Reminders, escalations and the release wait until the workflow runs again. The daily run resumes it by itself; resume it now to carry on at once.',
    ),
    errors,
    h('div', { class: 'actions' }, resume),
  );
  box.classList.add('attention');
  return box;
}

/**
 * Moves one person's self-assessment deadline (people who have not submitted it yet).
 * @param {string} cycleId
 * @param {CycleStatus} status
 * @param {ReportPeoplePage['people']} people
 * @param {Map<string, string>} names
 * @param {string} timeZone
 */
function extensionSection(cycleId, status, people, names, timeZone) {
  const extensions = Object.entries(status.extensions ?? {});
  const extended = extensions.length
    ? h(
        'ul',
        { class: 'plain' },
        extensions.map(([employeeId, until]) =>
          h(
            'li',
            null,
            `${names.get(employeeId) ?? employeeId} (${employeeId}): until ${formatDate(String(until), timeZone)}`,
          ),
        ),
      )
    : null;
  const eligible = people.filter((person) => person.self === 'pending' || person.self === 'overdue');
  if (!eligible.length) {
    return section(
      'Extend a deadline',
      h('p', null, 'Everyone has submitted the self-assessment: there is no deadline left to extend.'),
      extended && [h('h3', null, 'Extended deadlines'), extended],
    );
  }
  // Overdue people first: they are the usual reason for an extension.
  eligible.sort((a, b) => Number(b.self === 'overdue') - Number(a.self === 'overdue') || a.name.localeCompare(b.name));
  const errors = errorBox();
  const employee = h(
    'select',
    { name: 'employeeId', required: true },
    eligible.map((person) =>
      h(
        'option',
        { value: person.employeeId },
        `${person.name} (${person.employeeId}), ${person.self === 'overdue' ? 'overdue' : 'not submitted yet'}`,
      ),
    ),
  );
  const until = h('input', {
    type: 'date',
    name: 'until',
    required: true,
    max: calendarDate(status.managerDue, timeZone),
  });
  let busy = false;
  const form = h(
    'form',
    { class: 'panel', novalidate: true },
    errors,
    h(
      'div',
      { class: 'field-row' },
      field('Employee', employee, 'Everyone who has not submitted the self-assessment.'),
      field(
        'New self-assessment deadline',
        until,
        `At the latest the manager review deadline, ${formatDate(status.managerDue, timeZone)}.`,
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Extend deadline')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(errors);
    if (!until.value) {
      showErrors(errors, 'Choose the new deadline.');
      until.focus();
      return;
    }
    busy = true;
    try {
      const result = await api('POST /cycles/{cycleId}/extensions', {
        params: { cycleId },
        json: { employeeId: employee.value, until: until.value },
      });
      await renderWithMessage(
        `${names.get(employee.value) ?? employee.value} now has until ${formatDate(result.until, timeZone)} for the self-assessment.`,
      );
    } catch (error) {
      showErrors(errors, error, 'The deadline was not extended');
      errors.focus();
    } finally {
      busy = false;
    }
  });
  return section(
    'Extend a deadline',
    h('p', null, 'Give one person more time for the self-assessment. Their reminders start again from the new date.'),
    form,
    extended && [h('h3', null, 'Extended deadlines'), extended],
  );
}

/**
 * Cancelling asks first, on the page itself.
 * @param {string} cycleId
 * @param {CycleStatus} status
 */
function cancelSection(cycleId, status) {
  const errors = errorBox();
  const ask = h('button', { type: 'button', class: 'danger' }, 'Cancel cycle');
  const yes = h('button', { type: 'button', class: 'danger' }, 'Yes, cancel the cycle');
  const confirm = confirmStep(
    ask,
    `Cancel "${status.name}"? Reminders stop, queued emails are dropped and each of the ${plural(status.participants ?? 0, 'participant')} gets a short note. This cannot be undone.`,
    yes,
    'No, keep the cycle',
    () => clearErrors(errors),
  );
  let busy = false;
  yes.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    try {
      const result = await api('POST /cycles/{cycleId}/cancel', { params: { cycleId }, json: {} });
      await renderWithMessage(
        `The cycle was cancelled; ${plural(result.notified ?? 0, 'participant was', 'participants were')} told.`,
      );
    } catch (error) {
      showErrors(errors, error, 'The cycle was not cancelled');
      errors.focus();
    } finally {
      busy = false;
    }
  });
  return section(
    'Cancel the cycle',
    h('p', null, 'Cancelling stops the cycle for everyone: no more reminders, forms or results.'),
    errors,
    ask,
    confirm,
  );
}

/**
 * Fetches the CSV (kept byte for byte, with its byte-order mark) and saves it through a temporary link.
 * @param {string} cycleId
 * @param {HTMLElement} errors
 */
async function downloadReport(cycleId, errors) {
  clearErrors(errors);
  try {
    const response = await send('GET /cycles/{cycleId}/report', {
      params: { cycleId },
      query: { format: 'csv' },
      accept: 'text/csv',
    });
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const name = `${cycleId}-report.csv`;
    const link = h('a', { href: url, download: name, class: 'visually-hidden', tabindex: '-1' }, name);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
    announce(`The report was downloaded as ${name}.`);
  } catch (error) {
    showErrors(errors, error, 'The report could not be downloaded');
  }
}

/* ------------------------------------------------------------------ calibration */
