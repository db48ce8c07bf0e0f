// @ts-check
/**
 * The calibration page of a cycle: distributions before and after, managers and departments with the flag,
 * missing reviews, participants page by page; in calibration, adjustments and the release.
 */
import { api } from './api.js';
import {
  announce,
  append,
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
import { ApiError } from './errors.js';
import { phaseText, plural } from './format.js';
import { cycleHref, renderWithMessage } from './router.js';
/** @import { Adjustment, CalibrationFirstPage, CalibrationView } from '../functions/api/responses.ts' */
/** @import { Page } from './router.js' */
/** @typedef {CalibrationFirstPage['figures']['overall']} GroupFigures the figures of the cycle, a manager or a department */
/** @typedef {CalibrationView['participants'][number]} Participant */

/** Before and after in the charts: dark blue and amber, each at least 3:1 against white; after is also striped, not told by colour alone. */
const SIDES = /** @type {const} */ ([
  { key: 'before', words: 'Before calibration', colour: '#1f4e79' },
  { key: 'after', words: 'Final rating', colour: '#b45309' },
]);

/**
 * @param {number | null} value
 * @param {boolean} [signed]
 */
const decimal = (value, signed = false) =>
  value === null ? 'None' : `${signed && value > 0 ? '+' : ''}${value.toFixed(2)}`;

/**
 * One group's distribution as grouped bars, before beside after at each scale point (inline SVG named by its
 * numbers), with the same numbers in a table.
 * @param {GroupFigures} group `before` and `after` with `counts` aligned with `scale`
 * @param {{ value: number, label: string }[]} scale
 * @param {string} title
 */
function distributionFigure(group, scale, title) {
  const summary = `${title}: ${plural(group.reviewed, 'review')}; ${SIDES.map((side) => `${side.words.toLowerCase()} ${scale.map((point, i) => `${point.value}: ${group[side.key].counts[i]}`).join(', ')}`).join('; ')}`;
  const width = 480;
  const height = 200;
  const top = 20;
  const bottom = 28;
  const band = width / scale.length;
  const bar = Math.min(24, (band - 8) / 2);
  const highest = Math.max(1, ...SIDES.flatMap((side) => group[side.key].counts));
  const stripesId = uid('stripes');
  const chart = svg(
    'svg',
    { class: 'chart', role: 'img', 'aria-label': summary, viewBox: `0 0 ${width} ${height}`, focusable: 'false' },
    svg(
      'defs',
      null,
      svg(
        'pattern',
        { id: stripesId, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 6, height: 6, fill: SIDES[1].colour }),
        svg('rect', { width: 2, height: 6, fill: '#fcd34d' }),
      ),
    ),
    svg('line', { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, stroke: '#6b7280' }),
    scale.map((point, i) =>
      svg(
        'g',
        null,
        SIDES.map((side, s) => {
          const count = group[side.key].counts[i];
          const barHeight = ((height - top - bottom) * count) / highest;
          const x = i * band + band / 2 - bar + s * bar;
          return svg(
            'g',
            null,
            svg(
              'rect',
              {
                x,
                y: height - bottom - barHeight,
                width: bar - 2,
                height: barHeight,
                fill: s ? `url(#${stripesId})` : side.colour,
              },
              svg('title', null, `${side.words} ${point.value}: ${count}`),
            ),
            svg(
              'text',
              {
                x: x + (bar - 2) / 2,
                y: height - bottom - barHeight - 4,
                'text-anchor': 'middle',
                'font-size': 14,
                fill: '#1f2937',
              },
              String(count),
            ),
          );
        }),
        svg(
          'text',
          { x: i * band + band / 2, y: height - 8, 'text-anchor': 'middle', 'font-size': 15, fill: '#1f2937' },
          String(point.value),
        ),
      ),
    ),
  );
  const legend = h(
    'p',
    { class: 'legend' },
    SIDES.map((side, s) =>
      h(
        'span',
        { class: 'state' },
        svg(
          'svg',
          { class: 'swatch', viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' },
          svg('rect', { width: 16, height: 16, fill: s ? '#fcd34d' : side.colour }),
          s ? svg('rect', { width: 16, height: 10, fill: side.colour }) : null,
        ),
        side.words,
      ),
    ),
  );
  return h(
    'figure',
    { class: 'progress' },
    h('figcaption', null, title),
    chart,
    legend,
    table(
      `${title} in numbers`,
      ['Scale point', ...SIDES.map((side) => side.words)],
      [
        ...scale.map((point, i) => [`${point.value} - ${point.label}`, group.before.counts[i], group.after.counts[i]]),
        ['Mean', decimal(group.before.mean), decimal(group.after.mean)],
      ],
      { numeric: [1, 2], hideCaption: true, rowHeaders: true },
    ),
  );
}

/**
 * The table of managers or departments: reviews, missing, each mean against the cycle's, and the flag.
 * @param {string} caption
 * @param {string} first the column naming the group
 * @param {GroupFigures[]} groups
 * @param {number} step one scale point
 */
function groupTable(caption, first, groups, step) {
  const flag = (/** @type {GroupFigures} */ g) =>
    [g.before.outlier ? 'Before calibration' : '', g.after.outlier ? 'Final ratings' : '']
      .filter(Boolean)
      .map((what) =>
        h('strong', { class: 'flag' }, `${what}: more than ${plural(step, 'point')} from the cycle\u2019s mean`),
      );
  return table(
    caption,
    [
      first,
      'Reviews',
      'Missing',
      'Before calibration, by point',
      'Mean',
      'From the cycle',
      'Final ratings by point',
      'Mean',
      'From the cycle',
      'Flag',
    ],
    groups.map((g) => [
      g.name,
      g.reviewed,
      g.missing,
      g.before.counts.join(' '),
      decimal(g.before.mean),
      decimal(g.before.deviation, true),
      g.after.counts.join(' '),
      decimal(g.after.mean),
      decimal(g.after.deviation, true),
      flag(g),
    ]),
    { numeric: [1, 2, 4, 5, 7, 8], rowHeaders: true, wide: true },
  );
}

/**
 * Calibration: the distributions before and after per department and for flagged managers, the tables of
 * managers and departments, who is still missing a review, and every participant; in CALIBRATION also HR's
 * adjustments and the release. Elsewhere (manager review, after the release) the page only reads.
 * @param {string} cycleId
 * @returns {Promise<Page>}
 */
export async function calibrationPage(cycleId) {
  // The first page (no cursor) carries the figures and the missing reviews as well.
  const view = /** @type {CalibrationFirstPage} */ (
    await api('GET /cycles/{cycleId}/calibration', { params: { cycleId }, query: { limit: '200' } })
  );
  const figures = view.figures;
  /** @type {{ value: number, label: string }[]} */
  const scale = view.scale;
  const calibrating = view.phase === 'CALIBRATION';
  const flaggedManagers = figures.managers.filter((m) => m.before.outlier || m.after.outlier);
  const participantRows = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: !view.nextCursor }, 'Show more participants');
  const moreErrors = errorBox();
  let cursor = view.nextCursor;
  /** @param {Participant[]} people */
  const addParticipants = (people) =>
    append(
      participantRows,
      people.map((person) => participantRow(cycleId, person, scale, calibrating)),
    );
  addParticipants(view.participants);
  more.addEventListener('click', async () => {
    clearErrors(moreErrors);
    try {
      const next = await api('GET /cycles/{cycleId}/calibration', {
        params: { cycleId },
        query: { limit: '200', cursor },
      });
      addParticipants(next.participants);
      cursor = next.nextCursor;
      more.hidden = !cursor;
      announce(`${plural(next.participants.length, 'more participant')} shown.`);
    } catch (error) {
      showErrors(moreErrors, error, 'More participants could not be loaded');
    }
  });
  const captionId = uid('caption');
  const participants = h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
    h(
      'table',
      { class: 'wide' },
      h('caption', { id: captionId, class: 'visually-hidden' }, 'Participants and their ratings'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            'Name',
            'Department',
            'Manager',
            'Manager\u2019s rating',
            'Computed score',
            'Final rating',
            'Adjusted',
            ...(calibrating ? ['Adjust'] : []),
          ].map((text, i) => h('th', { scope: 'col', class: [3, 4, 5].includes(i) ? 'num' : null }, text)),
        ),
      ),
      participantRows,
    ),
  );

  return {
    title: `Calibration: ${view.name}`,
    body: [
      h(
        'p',
        { class: 'lead' },
        `${phaseText(view.phase)}. Before calibration is the score computed from the manager\u2019s review; the final rating is HR\u2019s adjustment, else that score; each is counted at its nearest scale point. A group is flagged when its mean is more than one scale point (${figures.pointStep}) from the cycle\u2019s.`,
      ),
      h('p', null, h('a', { href: cycleHref(cycleId) }, 'Back to the cycle')),
      facts([
        ['Reviews', figures.overall.reviewed],
        ['Missing reviews', figures.overall.missing],
        ['Mean before calibration', decimal(figures.overall.before.mean)],
        ['Mean of the final ratings', decimal(figures.overall.after.mean)],
      ]),
      section(
        'Distributions',
        h('div', { class: 'charts' }, [
          distributionFigure(figures.overall, scale, 'Everyone'),
          ...figures.departments.map((d) => distributionFigure(d, scale, `Department ${d.name}`)),
          ...flaggedManagers.map((m) => distributionFigure(m, scale, `Manager ${m.name} (flagged)`)),
        ]),
      ),
      section('By manager', groupTable('Ratings by manager', 'Manager', figures.managers, figures.pointStep)),
      section(
        'By department',
        groupTable('Ratings by department', 'Department', figures.departments, figures.pointStep),
      ),
      section(
        'Missing reviews',
        view.missing.length
          ? table(
              'Reviews still missing',
              ['Name', 'Employee id', 'Department', 'Manager or reviewer'],
              view.missing.map((m) => [m.name, m.employeeId, m.department, m.managerName]),
              { rowHeaders: true, hideCaption: true },
            )
          : h('p', null, 'Every review is in.'),
      ),
      section(
        'Participants',
        calibrating
          ? h('p', null, 'Adjust a final rating with a reason; the manager\u2019s review stays as written.')
          : null,
        participants,
        moreErrors,
        h('div', { class: 'actions' }, more),
      ),
      calibrating ? releaseSection(cycleId, view) : null,
    ],
  };
}

/**
 * A participant's row; in calibration, with the form that adjusts their final rating.
 * @param {string} cycleId
 * @param {Participant} person
 * @param {{ value: number, label: string }[]} scale
 * @param {boolean} calibrating
 */
function participantRow(cycleId, person, scale, calibrating) {
  const final = person.finalPoint ? `${person.finalRating} (${person.finalPoint.label})` : 'None';
  const adjusted = person.adjustment ? `Yes, from ${person.adjustment.from}: ${person.adjustment.reason}` : 'No';
  const cells = [
    h('th', { scope: 'row' }, person.name),
    h('td', null, person.department),
    h('td', null, person.managerName),
    h('td', { class: 'num' }, person.reviewMissing ? 'Missing' : person.managerRating),
    h('td', { class: 'num' }, person.computedScore ?? 'None'),
    h('td', { class: 'num' }, final),
    h('td', null, adjusted),
  ];
  if (calibrating)
    cells.push(h('td', null, person.reviewMissing ? 'No review to adjust' : adjustForm(cycleId, person, scale)));
  return h('tr', null, cells);
}

/**
 * @param {string} cycleId
 * @param {Participant} person
 * @param {{ value: number, label: string }[]} scale
 */
function adjustForm(cycleId, person, scale) {
  const errors = errorBox();
  const rating = h(
    'select',
    { name: 'rating', required: true },
    scale.map((point) =>
      h(
        'option',
        { value: point.value, selected: point.value === person.finalPoint?.value },
        `${point.value} - ${point.label}`,
      ),
    ),
  );
  const reason = h('textarea', { name: 'reason', required: true, rows: 2, maxlength: 500 });
  let busy = false;
  const form = h(
    'form',
    { class: 'adjust', novalidate: true },
    errors,
    field(`Final rating of ${person.name}`, rating),
    field(`Reason for ${person.name}`, reason),
    h('button', { type: 'submit', class: 'primary small' }, `Adjust ${person.name}`),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(errors);
    if (!reason.value.trim()) {
      showErrors(errors, 'Give the reason for the adjustment.');
      reason.focus();
      return;
    }
    busy = true;
    try {
      // One person's adjustment (not a file of them) answers that person's.
      const result = /** @type {Adjustment} */ (
        await api('POST /cycles/{cycleId}/adjustments', {
          params: { cycleId },
          json: { employeeId: person.employeeId, rating: Number(rating.value), reason: reason.value.trim() },
        })
      );
      await renderWithMessage(
        result.outcome === 'unchanged'
          ? `${person.name}\u2019s final rating was already ${result.after} with that reason: nothing changed.`
          : `${person.name}\u2019s final rating is now ${result.after} (it was ${result.before}); their manager was emailed the reason.`,
      );
    } catch (error) {
      showErrors(errors, error, 'The rating was not adjusted');
      errors.focus();
    } finally {
      busy = false;
    }
  });
  return h('details', null, h('summary', null, 'Adjust'), form);
}

/**
 * Releasing asks first; when reopened reviews are still pending the API names them, and HR may release anyway.
 * @param {string} cycleId
 * @param {CalibrationView} view
 */
function releaseSection(cycleId, view) {
  const errors = errorBox();
  const ask = h('button', { type: 'button', class: 'primary' }, 'Release results');
  const yes = h('button', { type: 'button', class: 'primary' }, 'Yes, release the results');
  const anyway = h('button', { type: 'button', class: 'danger', hidden: true }, 'Release anyway');
  const confirm = confirmStep(
    ask,
    `Release the results of "${view.name}"? Each participant gets their final rating by email; ratings can no longer be adjusted.`,
    yes,
    'No, keep calibrating',
    () => {
      clearErrors(errors);
      anyway.hidden = true;
    },
  );
  let busy = false;
  /** @param {boolean} force */
  const release = async (force) => {
    if (busy) return;
    busy = true;
    try {
      await api('POST /cycles/{cycleId}/release', { params: { cycleId }, json: force ? { force: true } : {} });
      await renderWithMessage('The results are being released.');
    } catch (error) {
      showErrors(errors, error, 'The results were not released');
      // A 409 names the reviews still pending: HR may release without them.
      anyway.hidden = !(error instanceof ApiError && error.status === 409);
      confirm.hidden = true;
      ask.hidden = !anyway.hidden;
      errors.focus();
    } finally {
      busy = false;
    }
  };
  yes.addEventListener('click', () => void release(false));
  anyway.addEventListener('click', () => void release(true));
  return section(
    'Release the results',
    h('p', null, 'Releasing ends calibration: the results go out with the final ratings shown here.'),
    errors,
    ask,
    confirm,
    h('div', { class: 'actions' }, anyway),
  );
}

/* ------------------------------------------------------------------ import */
