// @ts-check
/**
 * The list of review cycles, the console's home.
 */
import { api } from './api.js';
import { h, table } from './dom.js';
import { formatDate, percent, periodText, phaseText, plural } from './format.js';
import { cycleHref } from './router.js';
/** @import { Page } from './router.js' */

/** @returns {Promise<Page>} */
export async function cyclesPage() {
  const { cycles: list } = await api('GET /cycles', {});
  if (!list.length) {
    return {
      title: 'Cycles',
      body: [
        h(
          'p',
          null,
          'No review cycle has been launched yet. ',
          h('a', { href: '#/import' }, 'Import the directory'),
          ', then ',
          h('a', { href: '#/launch' }, 'launch a cycle'),
          '.',
        ),
      ],
    };
  }
  const rows = list.map((cycle) => [
    h('a', { href: cycleHref(cycle.cycleId) }, cycle.name),
    cycle.department ?? 'Everyone',
    periodText(cycle.period),
    phaseText(cycle.phase),
    // Each cycle in the zone it was launched with.
    formatDate(cycle.selfDue, cycle.timeZone),
    formatDate(cycle.managerDue, cycle.timeZone),
    cycle.participants ?? 'Not counted yet',
    percent(cycle.selfCompletion),
    percent(cycle.managerCompletion),
  ]);
  return {
    title: 'Cycles',
    body: [
      h(
        'p',
        null,
        `${plural(list.length, 'review cycle')}, newest first. Deadlines end at 23:59 in the time zone each cycle was launched with.`,
      ),
      table(
        'Review cycles',
        [
          'Cycle',
          'Department',
          'Period',
          'Phase',
          'Self-assessments due',
          'Manager reviews due',
          'Participants',
          'Self-assessments done',
          'Reviews done',
        ],
        rows,
        { numeric: [6, 7, 8], nowrap: [4, 5], hideCaption: true, rowHeaders: true, wide: true },
      ),
      h('p', null, h('a', { href: '#/launch' }, 'Launch a new cycle')),
    ],
  };
}
