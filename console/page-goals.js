// @ts-check
/**
 * Goals at risk and missed in a quarter, and recent recognition.
 */
import { api, enc, organisationTimeZone } from './api.js';
import { errorBox, field, h, section, showErrors } from './dom.js';
import { ApiError } from './errors.js';
import { formatDateTime, formatDay, percent, periodText } from './format.js';
import { PAGE_SIZE, pagedList } from './paged-list.js';
import { goTo } from './router.js';
/** @import { GoalsNeedingAttention } from '../functions/api/responses.ts' */
/** @import { Page } from './router.js' */

/** @type {Record<string, string>} */
const GOAL_STATUS = { ON_TRACK: 'On track', AT_RISK: 'At risk', OFF_TRACK: 'Off track' };
/**
 * @param {string} [period]
 * @returns {Promise<Page>}
 */
export async function goalsPage(period) {
  const errors = errorBox();
  const [attention, praise, timeZone] = await Promise.all([
    api('GET /goals/attention', { query: { period: period || undefined, limit: String(PAGE_SIZE) } }).catch((error) => {
      if (error instanceof ApiError && error.status === 400) {
        showErrors(errors, error, 'Those goals could not be shown');
        return undefined;
      }
      throw error;
    }),
    api('GET /recognition', {}),
    organisationTimeZone(),
  ]);
  const quarter = h('input', {
    type: 'text',
    name: 'period',
    value: attention?.period ?? period ?? '',
    autocomplete: 'off',
    maxlength: 7,
  });
  const chooser = h(
    'form',
    { class: 'inline-form', novalidate: true },
    field('Quarter', quarter, 'Such as 2026-Q4.'),
    h('button', { type: 'submit', class: 'secondary' }, 'Show quarter'),
  );
  chooser.addEventListener('submit', (event) => {
    event.preventDefault();
    goTo(quarter.value.trim() ? `#/goals?period=${enc(quarter.value.trim())}` : '#/goals');
  });

  /**
   * One of the two lists, a page at a time from the quarter it was first read for.
   * @param {GoalsNeedingAttention} shown
   * @param {'at-risk' | 'missed'} list
   * @param {{ title: string, caption: string, noun: [string, string], empty: string }} text
   */
  const goalList = (shown, list, text) => {
    const first = (list === 'at-risk' ? shown.atRisk : shown.missed) ?? { goals: [] };
    return pagedList({
      ...text,
      headers: ['Employee', 'Goal', 'Due', 'Progress', 'Latest check-in'],
      row: (goal) => [
        `${goal.name} (${goal.employeeId})`,
        goal.title,
        formatDay(goal.due),
        percent(goal.progress),
        goal.latestStatus ? (GOAL_STATUS[goal.latestStatus] ?? goal.latestStatus) : 'No check-in',
      ],
      options: { numeric: [3], nowrap: [2], rowHeaders: true, wide: true },
      load: async (query) => {
        const page = await api('GET /goals/attention', { query: { ...query, period: shown.period, list } });
        const read = (list === 'at-risk' ? page.atRisk : page.missed) ?? { goals: [] };
        return { rows: read.goals, nextCursor: read.nextCursor };
      },
      first: { rows: first.goals, nextCursor: first.nextCursor },
    });
  };
  const recognition = praise.recognition;
  const shownQuarter = periodText(attention?.period ?? period);
  return {
    title: 'Goals and recognition',
    body: [
      chooser,
      errors,
      attention
        ? [
            goalList(attention, 'at-risk', {
              title: `Goals at risk in ${shownQuarter}: ${attention.counts.atRisk}`,
              caption: 'Open goals at risk or off track',
              noun: ['goal at risk', 'goals at risk'],
              empty: 'No open goal is at risk or off track.',
            }),
            goalList(attention, 'missed', {
              title: `Missed goals in ${shownQuarter}: ${attention.counts.missed}`,
              caption: 'Goals past their due date and not done',
              noun: ['missed goal', 'missed goals'],
              empty: 'No goal was missed.',
            }),
          ]
        : null,
      section(
        'Recent recognition',
        recognition.length
          ? h(
              'ul',
              { class: 'recognition' },
              recognition.map((entry) =>
                h(
                  'li',
                  null,
                  h('blockquote', null, h('p', null, entry.text)),
                  h(
                    'p',
                    { class: 'meta' },
                    `${entry.fromName} to ${entry.toName}, ${formatDateTime(entry.at, timeZone)}`,
                  ),
                ),
              ),
            )
          : h('p', null, 'No praise has been given yet.'),
      ),
    ],
  };
}

/* ------------------------------------------------------------------ settings */
