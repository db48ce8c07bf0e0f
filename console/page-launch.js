// @ts-check
/**
 * Launching a review cycle, with the settings it will copy.
 */
import { api } from './api.js';
import { clearErrors, errorBox, facts, field, h, section, showErrors } from './dom.js';
import { durationText, formatDateTime } from './format.js';
import { cycleHref, goTo, setFlash } from './router.js';
/** @import { SettingsVersion } from '../functions/api/responses.ts' */
/** @import { Page } from './router.js' */

/**
 * The settings a launch copies, in words.
 * @param {SettingsVersion} current
 */
function settingsInForce(current) {
  const settings = current.settings;
  const scale = settings.scale ?? [];
  const competencies = settings.competencies ?? [];
  return section(
    'Settings in force',
    h(
      'p',
      null,
      current.savedAt
        ? `Version ${current.version}, saved ${formatDateTime(current.savedAt, settings.timeZone)}.`
        : 'Version 0: the defaults (no settings saved yet).',
      ' A cycle keeps the settings it was launched with. ',
      h('a', { href: '#/settings' }, 'Change the settings'),
      '.',
    ),
    facts([
      [
        'Rating scale',
        h(
          'ul',
          { class: 'plain' },
          scale.map((point) => h('li', null, `${point.value} - ${point.label}`)),
        ),
      ],
      [
        'Competencies',
        competencies.length
          ? h(
              'ul',
              { class: 'plain' },
              competencies.map((c) => h('li', null, c.label)),
            )
          : 'None',
      ],
      ['Reminder before a deadline', durationText(settings.timings.reviewReminderLead)],
      ['Escalation to HR after a deadline', durationText(settings.timings.reviewHrGrace)],
      ['Time zone', settings.timeZone],
    ]),
  );
}

/** @returns {Promise<Page>} */
export async function launchPage() {
  const current = await api('GET /settings', {});
  const timeZone = String(current.settings?.timeZone ?? 'UTC');
  const errors = errorBox();
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 120, autocomplete: 'off' });
  const department = h('input', { type: 'text', name: 'department', maxlength: 100, autocomplete: 'off' });
  const selfDue = h('input', { type: 'date', name: 'selfDue', required: true });
  const managerDue = h('input', { type: 'date', name: 'managerDue', required: true });
  const period = h('input', {
    type: 'text',
    name: 'period',
    autocomplete: 'off',
    maxlength: 7,
    placeholder: '2026-Q4',
  });
  let busy = false;
  const form = h(
    'form',
    { class: 'panel', novalidate: true },
    field('Name', name, 'As participants will read it in their emails, e.g. "Appraisal 2026 Q4".'),
    field('Department (optional)', department, 'Leave empty to include everyone in the directory.'),
    h(
      'div',
      { class: 'field-row' },
      field('Self-assessment deadline', selfDue, `Ends at 23:59 (${timeZone}).`),
      field('Manager review deadline', managerDue, 'After the self-assessment deadline.'),
    ),
    field('Period (optional)', period, 'The quarter under review, such as 2026-Q4; by default the current quarter.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Launch cycle')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(errors);
    /** @type {Record<string, string>} */
    const request = { name: name.value, selfDue: selfDue.value, managerDue: managerDue.value };
    if (department.value.trim()) request.department = department.value;
    if (period.value.trim()) request.period = period.value.trim();
    busy = true;
    try {
      const cycle = await api('POST /cycles', { json: request });
      setFlash({ kind: 'status', text: `"${cycle.name}" was launched: the invitations are on their way.` });
      goTo(cycleHref(cycle.cycleId));
    } catch (error) {
      showErrors(errors, error, 'The cycle was not launched');
      errors.focus();
    } finally {
      busy = false;
    }
  });
  return {
    title: 'Launch cycle',
    heading: 'Launch a review cycle',
    body: [
      h(
        'p',
        null,
        'Everyone selected gets an invitation to the self-assessment at once; reminders and escalations follow the settings in force.',
      ),
      errors,
      form,
      settingsInForce(current),
    ],
  };
}

/* ------------------------------------------------------------------ goals and recognition */
