// @ts-check
/**
 * Goals at risk and missed in a quarter, and recent recognition.
 */
import { api, enc, organisationTimeZone } from './api.js';
import { errorBox, field, h, section, showErrors, table } from './dom.js';
import { ApiError } from './errors.js';
import { formatDateTime, formatDay, percent, periodText } from './format.js';
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
    api('GET /goals/attention', { query: { period: period || undefined } }).catch((error) => {
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

  /** @param {GoalsNeedingAttention['atRisk']} goals @param {string} caption */
  const goalTable = (goals, caption) =>
    table(
      caption,
      ['Employee', 'Goal', 'Due', 'Progress', 'Latest check-in'],
      goals.map((goal) => [
        `${goal.name} (${goal.employeeId})`,
        goal.title,
        formatDay(goal.due),
        percent(goal.progress),
        goal.latestStatus ? (GOAL_STATUS[goal.latestStatus] ?? goal.latestStatus) : 'No check-in',
      ]),
      { numeric: [3], nowrap: [2], hideCaption: true, rowHeaders: true, wide: true },
    );
  const recognition = praise.recognition;
  const shownQuarter = periodText(attention?.period ?? period);
  return {
    title: 'Goals and recognition',
    body: [
      chooser,
      errors,
      attention
        ? [
            section(
              `Goals at risk in ${shownQuarter}`,
              attention.atRisk.length
                ? goalTable(attention.atRisk, 'Open goals at risk or off track')
                : h('p', null, 'No open goal is at risk or off track.'),
            ),
            section(
              `Missed goals in ${shownQuarter}`,
              attention.missed.length
                ? goalTable(attention.missed, 'Goals past their due date and not done')
                : h('p', null, 'No goal was missed.'),
            ),
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
