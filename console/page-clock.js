// @ts-check
/**
 * The local stack's clock page (only there: in AWS time is real).
 */
import { api, organisationTimeZone } from './api.js';
import { clearErrors, errorBox, field, h, showErrors } from './dom.js';
import { formatDateTime } from './format.js';
import { notFoundPage, render, setFlash } from './router.js';
import { authConfig } from './session.js';
/** @import { Page } from './router.js' */

/**
 * The local stack's clock (only there: in AWS time is real). Moving it forward runs everything that falls
 * due on the way, in order, so HR can play a whole quarter in the browser.
 * @returns {Promise<Page>}
 */
export async function clockPage() {
  if (authConfig().auth !== 'local') return notFoundPage();
  const [{ now }, timeZone] = await Promise.all([api('GET /local/clock', {}), organisationTimeZone()]);
  const errors = errorBox();
  const duration = h('input', {
    type: 'text',
    name: 'duration',
    value: '1d',
    required: true,
    autocomplete: 'off',
    maxlength: 16,
  });
  const button = h('button', { type: 'submit' }, 'Move the clock forward');
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    field('Move forward by', duration, 'A duration such as 12h, 1d or 7d.'),
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(errors);
    button.disabled = true;
    try {
      const moved = await api('POST /local/clock/advance', { json: { duration: duration.value.trim() } });
      setFlash({
        kind: 'status',
        text: `The clock is now ${formatDateTime(moved.now, timeZone)}. Everything that fell due on the way ran, in order.`,
      });
      void render({ focus: 'status' });
    } catch (error) {
      showErrors(errors, error, 'The clock did not move');
      button.disabled = false;
    }
  });
  return {
    title: 'Local clock',
    body: [
      h(
        'p',
        null,
        `The local stack's clock says ${formatDateTime(now, timeZone)} (${timeZone}). It only moves forward.`,
      ),
      errors,
      form,
    ],
  };
}
