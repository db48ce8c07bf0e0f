// @ts-check
/**
 * A cycle's page: its progress charts and tables from the cycle's counters; who is overdue, each reviewer's
 * progress, the escalations sent and the unacknowledged results as lists paged with filters (paged-list.js);
 * goals and results; and HR's actions on it (resume, extend a deadline, cancel, download the report).
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
import { PAGE_SIZE, pagedList } from './paged-list.js';
import { cycleHref, renderWithMessage } from './router.js';
/** @import { Child } from './types.js' */
/** @import { Query } from './paged-list.js' */
/**
 * @import { CycleGoals, CycleStatus, EscalationsPage, OverduePage, TeamsPage, UnacknowledgedPage } from '../functions/api/responses.ts'
 */
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
 * each reviewer's progress, the escalations sent, goal outcomes and results; and HR's actions: extend a
 * deadline, cancel, download. Everything it reads is the cycle's counters or one page of a list, so it costs
 * the same at 10 people as at 10,000.
 * @param {string} cycleId
 * @returns {Promise<Page>}
 */
export async function cyclePage(cycleId) {
  const params = { cycleId };
  const limit = String(PAGE_SIZE);
  const [status, goals, teams, sent] = await Promise.all([
    api('GET /cycles/{cycleId}', { params }),
    api('GET /cycles/{cycleId}/goals', { params, query: { limit } }),
    api('GET /cycles/{cycleId}/teams', { params, query: { limit } }),
    api('GET /cycles/{cycleId}/escalations', { params, query: { limit } }),
  ]);
  const results = status.results;
  // Overdue reviews once there are any (the self-assessments are behind by then), else the self-assessments.
  const phase = status.phase !== 'SELF_REVIEW' && status.counts.manager.overdue > 0 ? 'manager' : 'self';
  const [overdue, unacknowledged] = await Promise.all([
    api('GET /cycles/{cycleId}/overdue', { params, query: { phase, limit } }),
    results.released ? api('GET /cycles/{cycleId}/unacknowledged', { params, query: { limit } }) : undefined,
  ]);
  const timeZone = String(status.timeZone ?? 'UTC');
  const running = status.phase === 'SELF_REVIEW' || status.phase === 'MANAGER_REVIEW';

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
  const departments = status.departments;

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

      status.peerReviews.asked ? peerSection(status.peerReviews) : null,
      status.upward ? upwardSection(status.upward) : null,

      overdueList(cycleId, status, phase, overdue, timeZone),
      teamsList(cycleId, status, teams),
      escalationsList(cycleId, sent, timeZone),

      running ? extensionSection(cycleId, status, timeZone) : null,

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
      ),
      goals.counts.missed ? missedGoalsList(cycleId, status, goals) : null,

      section(
        'Results',
        results.released
          ? table(
              'Results and acknowledgements',
              ['Released', 'Acknowledged', 'Disagreed', 'Not yet acknowledged'],
              [[results.released, results.acknowledged, results.disagreed, results.unacknowledged]],
              { numeric: [0, 1, 2, 3], hideCaption: true },
            )
          : h('p', null, 'No results have been released yet.'),
      ),
      unacknowledged ? unacknowledgedList(cycleId, status, unacknowledged, timeZone) : null,

      running ? cancelSection(cycleId, status) : null,
    ],
  };
}

/**
 * Peer reviews: answered of asked, overall, per department and per manager of the people reviewed, from the peer
 * counters. A peer review is a favour asked of colleagues, so nothing here is overdue.
 * @param {CycleStatus['peerReviews']} peers
 */
function peerSection(peers) {
  return section(
    'Peer reviews',
    h('p', null, `${peers.answered} of ${peers.asked} peer reviews answered (${percent(peers.completion)}).`),
    table(
      'Peer reviews by department',
      ['Department', 'Answered', 'Asked', 'Completion'],
      peers.byDepartment.map((d) => [d.department, d.answered, d.asked, percent(d.completion)]),
      { numeric: [1, 2, 3], rowHeaders: true },
    ),
    table(
      'Peer reviews by manager',
      ['Manager', 'Answered', 'Asked', 'Completion'],
      peers.byManager.map((m) => [
        m.managerKey === null ? 'No manager (HR reviews)' : `${m.managerName} (${m.managerKey})`,
        m.answered,
        m.asked,
        percent(m.completion),
      ]),
      { numeric: [1, 2, 3], rowHeaders: true },
    ),
  );
}

/**
 * Upward reviews: answered of asked per manager and per department, and a manager's mean once released to them
 * where enough rated them. The API holds no answer and nothing of who wrote one, so neither does the page.
 * @param {NonNullable<CycleStatus['upward']>} upward
 */
function upwardSection(upward) {
  return section(
    'Upward reviews',
    h(
      'p',
      null,
      `A manager receives their reports' answers, without names, only when at least ${upward.threshold} answered; the mean shows here once they have.`,
    ),
    table(
      'Upward reviews by manager',
      ['Manager', 'Department', 'Answered', 'Asked', 'Mean rating'],
      upward.managers.map((m) => [
        `${m.managerName} (${m.managerKey})`,
        m.department,
        m.answered,
        m.asked,
        m.mean ?? 'Not shown',
      ]),
      { numeric: [2, 3, 4], rowHeaders: true, wide: true },
    ),
    table(
      'Upward reviews by department',
      ['Department', 'Answered', 'Asked'],
      upward.departments.map((d) => [d.department, d.answered, d.asked]),
      { numeric: [1, 2], rowHeaders: true },
    ),
  );
}

/* ------------------------------------------------------------------ the paged lists */

/**
 * The department filter: the cycle's departments, from its counters.
 * @param {CycleStatus} status
 */
const departmentFilter = (status) => ({
  name: 'department',
  label: 'Department',
  control: h(
    'select',
    { name: 'department' },
    h('option', { value: '' }, 'All departments'),
    status.departments.map((d) => h('option', { value: d.department }, d.department)),
  ),
});

/** @param {string} who "Reviewer" or "Manager" */
const reviewerFilter = (who) => ({
  name: 'manager',
  label: `${who} (id or HR)`,
  control: h('input', { type: 'text', name: 'manager', autocomplete: 'off', spellcheck: 'false', maxlength: 100 }),
});

/** Any part of a name or an id, in any case. */
const searchFilter = () => ({
  name: 'search',
  label: 'Name or employee id',
  control: h('input', { type: 'search', name: 'search', autocomplete: 'off', spellcheck: 'false', maxlength: 100 }),
});

/**
 * A reviewer as the lists name them: with the employee id the reviewer filter takes (HR reviews those without a manager).
 * @param {string} name
 * @param {string} id
 */
const reviewerText = (name, id) => (id === 'HR' ? 'HR' : `${name} (${id})`);

/** @param {{ self: PhaseCounts, manager: PhaseCounts }} group */
const done = (group) => ({
  self: group.self.submitted + group.self.late,
  manager: group.manager.submitted + group.manager.late,
});

/**
 * Who is overdue, in one phase at a time, by department, reviewer and name.
 * @param {string} cycleId
 * @param {CycleStatus} status
 * @param {'self' | 'manager'} phase the phase shown first
 * @param {OverduePage} first
 * @param {string} timeZone
 */
function overdueList(cycleId, status, phase, first, timeZone) {
  const phases = h(
    'select',
    { name: 'phase' },
    h('option', { value: 'self', selected: phase === 'self' }, `Self-assessment (${status.counts.self.overdue})`),
    h(
      'option',
      { value: 'manager', selected: phase === 'manager' },
      `Manager review (${status.counts.manager.overdue})`,
    ),
  );
  /** @param {Query} query */
  const self = (query) => query.phase !== 'manager';
  return pagedList({
    title: 'Overdue',
    caption: 'Overdue people',
    headers: ['Name', 'Employee id', 'Department', 'Was due', 'Manager or reviewer'],
    row: (person) => [
      person.name,
      person.employeeId,
      person.department,
      formatDate(person.due, timeZone),
      reviewerText(person.reviewer, person.reviewerId),
    ],
    options: { nowrap: [3], rowHeaders: true, wide: true },
    noun: (query) =>
      self(query)
        ? ['person overdue with the self-assessment', 'people overdue with the self-assessment']
        : ['manager review overdue', 'manager reviews overdue'],
    empty: (query) => (self(query) ? 'No self-assessment is overdue.' : 'No manager review is overdue.'),
    filters: [
      { name: 'phase', label: 'Overdue with', control: phases, chooses: true },
      departmentFilter(status),
      reviewerFilter('Reviewer'),
      searchFilter(),
    ],
    load: async (query) => {
      const page = await api('GET /cycles/{cycleId}/overdue', {
        params: { cycleId },
        query: { ...query, phase: self(query) ? 'self' : 'manager' },
      });
      return { rows: page.overdue, nextCursor: page.nextCursor };
    },
    first: { rows: first.overdue, nextCursor: first.nextCursor },
  });
}

/**
 * The goals of the period missed (open past their due date), by owner, in one department or all of the cycle's.
 * @param {string} cycleId
 * @param {CycleStatus} status
 * @param {CycleGoals} first
 */
function missedGoalsList(cycleId, status, first) {
  return pagedList({
    title: 'Missed goals',
    caption: 'Goals past their due date',
    headers: ['Name', 'Department', 'Goal', 'Was due', 'Manager'],
    row: (goal) => [goal.name, goal.department, goal.title, formatDay(goal.due), goal.manager ?? 'Not in this cycle'],
    options: { nowrap: [3], rowHeaders: true, wide: true },
    noun: ['missed goal', 'missed goals'],
    empty: 'No goal was missed.',
    filters: [departmentFilter(status)],
    load: async (query) => {
      const page = await api('GET /cycles/{cycleId}/goals', { params: { cycleId }, query });
      return { rows: page.missed, nextCursor: page.nextCursor };
    },
    first: { rows: first.missed, nextCursor: first.nextCursor },
  });
}

/**
 * Each reviewer's progress, per department they review people in.
 * @param {string} cycleId
 * @param {CycleStatus} status
 * @param {TeamsPage} first
 */
function teamsList(cycleId, status, first) {
  const released = status.results.released > 0;
  return pagedList({
    title: 'Reviewers\u2019 progress',
    caption: 'Progress by reviewer',
    headers: [
      'Reviewer',
      'Department',
      'People',
      'Self-assessments done',
      'Self-assessments overdue',
      'Reviews done',
      'Reviews overdue',
      ...(released ? ['Results acknowledged'] : []),
    ],
    row: (team) => [
      reviewerText(team.reviewer, team.reviewerId),
      team.department,
      team.participants,
      done(team).self,
      team.self.overdue,
      done(team).manager,
      team.manager.overdue,
      ...(released ? [`${team.results.acknowledged} of ${team.results.released}`] : []),
    ],
    options: { numeric: [2, 3, 4, 5, 6, 7], rowHeaders: true, wide: true },
    noun: ['reviewer\u2019s team', 'reviewers\u2019 teams'],
    empty: 'Nobody has anyone to review.',
    filters: [departmentFilter(status)],
    load: async (query) => {
      const page = await api('GET /cycles/{cycleId}/teams', { params: { cycleId }, query });
      return { rows: page.teams, nextCursor: page.nextCursor };
    },
    first: { rows: first.teams, nextCursor: first.nextCursor },
  });
}

/**
 * The reminder ladder's emails, in the order they went out (the API keeps no filter on them).
 * @param {string} cycleId
 * @param {EscalationsPage} first
 * @param {string} timeZone
 */
function escalationsList(cycleId, first, timeZone) {
  return pagedList({
    title: 'Escalations sent',
    caption: 'Reminders and escalations sent',
    headers: ['Sent', 'Kind', 'To', 'Subject', 'Outcome'],
    row: (mail) => [
      formatDateTime(mail.at, timeZone),
      ESCALATIONS[mail.kind] ?? mail.kind,
      mail.to,
      mail.subject,
      capitalised(mail.status),
    ],
    options: { nowrap: [0], wide: true },
    noun: ['email', 'emails'],
    empty: 'No reminder or escalation has been sent yet.',
    load: async (query) => {
      const page = await api('GET /cycles/{cycleId}/escalations', { params: { cycleId }, query });
      return { rows: page.escalations, nextCursor: page.nextCursor };
    },
    first: { rows: first.escalations, nextCursor: first.nextCursor },
  });
}

/**
 * Released results nobody has acknowledged yet.
 * @param {string} cycleId
 * @param {CycleStatus} status
 * @param {UnacknowledgedPage} first
 * @param {string} timeZone
 */
function unacknowledgedList(cycleId, status, first, timeZone) {
  return pagedList({
    title: 'Results not yet acknowledged',
    caption: 'Unacknowledged results',
    headers: ['Name', 'Employee id', 'Department', 'Manager', 'Released'],
    row: (person) => [
      person.name,
      person.employeeId,
      person.department,
      reviewerText(person.manager, person.managerId),
      person.releasedAt ? formatDate(person.releasedAt, timeZone) : '',
    ],
    options: { nowrap: [4], rowHeaders: true, wide: true },
    noun: ['result not yet acknowledged', 'results not yet acknowledged'],
    empty: 'Everyone has acknowledged their result.',
    filters: [departmentFilter(status), reviewerFilter('Manager'), searchFilter()],
    load: async (query) => {
      const page = await api('GET /cycles/{cycleId}/unacknowledged', { params: { cycleId }, query });
      return { rows: page.unacknowledged, nextCursor: page.nextCursor };
    },
    first: { rows: first.unacknowledged, nextCursor: first.nextCursor },
  });
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
 * Moves one person's self-assessment deadline (people who have not submitted it yet). HR gives the person's
 * employee id, which the API checks; typing suggests the overdue people whose name or id matches.
 * @param {string} cycleId
 * @param {CycleStatus} status
 * @param {string} timeZone
 */
function extensionSection(cycleId, status, timeZone) {
  const extensions = Object.entries(status.extensions ?? {});
  const extended = extensions.length
    ? h(
        'ul',
        { class: 'plain' },
        extensions.map(([employeeId, until]) =>
          h('li', null, `${employeeId}: until ${formatDate(String(until), timeZone)}`),
        ),
      )
    : null;
  if (!status.counts.self.pending && !status.counts.self.overdue) {
    return section(
      'Extend a deadline',
      h('p', null, 'Everyone has submitted the self-assessment: there is no deadline left to extend.'),
      extended && [h('h3', null, 'Extended deadlines'), extended],
    );
  }
  const errors = errorBox();
  const suggestions = h('datalist', { id: uid('suggestions') });
  const employee = h('input', {
    type: 'text',
    name: 'employeeId',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 100,
    list: suggestions.id,
  });
  /** @type {Map<string, string>} the names of the people suggested, by employee id */
  const names = new Map();
  let lookup = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing;
  employee.addEventListener('input', () => {
    clearTimeout(typing);
    const text = employee.value.trim();
    if (!text) return;
    typing = setTimeout(async () => {
      const mine = ++lookup;
      try {
        const found = await api('GET /cycles/{cycleId}/overdue', {
          params: { cycleId },
          query: { phase: 'self', search: text, limit: '10' },
        });
        if (mine !== lookup) return;
        for (const person of found.overdue) names.set(person.employeeId, person.name);
        suggestions.replaceChildren(
          ...found.overdue.map((person) => h('option', { value: person.employeeId }, `${person.name}, overdue`)),
        );
      } catch {
        // Suggestions only help: the id typed is checked by the API when the form is sent.
      }
    }, 250);
  });
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
      field(
        'Employee id',
        employee,
        'Of someone who has not submitted the self-assessment. Typing a name suggests the overdue people who match.',
      ),
      suggestions,
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
    const employeeId = employee.value.trim();
    if (!employeeId) {
      showErrors(errors, 'Give the employee id of the person.');
      employee.focus();
      return;
    }
    if (!until.value) {
      showErrors(errors, 'Choose the new deadline.');
      until.focus();
      return;
    }
    busy = true;
    try {
      const result = await api('POST /cycles/{cycleId}/extensions', {
        params: { cycleId },
        json: { employeeId, until: until.value },
      });
      await renderWithMessage(
        `${names.get(employeeId) ?? employeeId} now has until ${formatDate(result.until, timeZone)} for the self-assessment.`,
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
