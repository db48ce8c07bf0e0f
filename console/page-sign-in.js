// @ts-check
/**
 * Signing in: Cognito's managed login in AWS, the printed HR token locally.
 */
import { api } from './api.js';
import { startCognitoSignIn } from './auth.js';
import { errorBox, field, h, showErrors } from './dom.js';
import { ApiError } from './errors.js';
import { DEFAULT_ROUTE, goTo } from './router.js';
import { authConfig, NEXT_KEY, TOKEN_KEY } from './session.js';
/** @import { Page } from './router.js' */

/** @returns {Page} */
export function signInPage() {
  const config = authConfig();
  if (config.auth === 'cognito') {
    const button = h('button', { type: 'button', class: 'primary' }, 'Sign in with your HR account');
    const errors = errorBox();
    button.addEventListener('click', () =>
      startCognitoSignIn(config).catch((error) => showErrors(errors, error, 'Sign-in could not start')),
    );
    return {
      title: 'Sign in',
      body: [
        h('p', null, 'Sign in with your HR account; you will come back here afterwards.'),
        errors,
        h('p', null, button),
      ],
    };
  }

  const errors = errorBox();
  const input = h('input', {
    type: 'password',
    id: 'hr-token',
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  let busy = false;
  const form = h(
    'form',
    { class: 'panel narrow', novalidate: true },
    field('HR token', input, 'The HR token that npm start printed when the local stack started.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const token = input.value.trim();
    if (!token) {
      showErrors(errors, 'Enter the HR token.');
      input.focus();
      return;
    }
    busy = true;
    try {
      // The token is good when the API accepts it.
      await api('GET /cycles', { token });
      sessionStorage.setItem(TOKEN_KEY, token);
      input.value = '';
      const next = sessionStorage.getItem(NEXT_KEY);
      sessionStorage.removeItem(NEXT_KEY);
      goTo(next?.startsWith('#/') && !next.startsWith('#/sign-in') ? next : DEFAULT_ROUTE);
    } catch (error) {
      showErrors(
        errors,
        error instanceof ApiError && error.status === 401 ? 'That token was not accepted.' : error,
        'Could not sign in',
      );
      input.select();
    } finally {
      busy = false;
    }
  });
  return {
    title: 'Sign in',
    body: [h('p', null, 'This console is for HR. Sign in with the HR token of the local stack.'), errors, form],
  };
}

/* ------------------------------------------------------------------ cycles */
