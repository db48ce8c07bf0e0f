// @ts-check
/**
 * The perfcycle HR console (issue 5): one page with hash routes, plain DOM code, no framework, no build step.
 * This module starts it; the browser loads the others as native ES modules, one per page, with the router
 * (router.js), the API client (api.js), sign-in (auth.js) and the shared DOM and format helpers.
 *
 * The console holds no data of its own. Every view comes from the HR API on the same origin, called with
 * the session's bearer token: the token `npm start` prints (local) or the Cognito ID token (in AWS). The
 * token is kept in sessionStorage only, so it ends with the tab, and it never enters the DOM.
 *
 * The page's Content-Security-Policy allows no inline script and no inline style, so everything here is
 * built with DOM APIs (never innerHTML), charts are inline SVG with presentation attributes, and every
 * style lives in app.css.
 */
import { acceptTokenFromFragment, finishCognitoSignIn, signOut } from './auth.js';
import { calibrationPage } from './page-calibration.js';
import { clockPage } from './page-clock.js';
import { cyclePage } from './page-cycle.js';
import { cyclesPage } from './page-cycles.js';
import { goalsPage } from './page-goals.js';
import { importPage } from './page-import.js';
import { launchPage } from './page-launch.js';
import { settingsPage } from './page-settings.js';
import { signInPage } from './page-sign-in.js';
import { failurePage, show, startRouter } from './router.js';
import { loadConfig } from './session.js';

/** @import { Route } from './router.js' */
/** @import { AuthConfig } from './session.js' */

/** @type {readonly Route[]} */
const ROUTES = [
  { path: /^\/sign-in$/, public: true, page: () => signInPage() },
  { path: /^\/cycles$/, nav: '#/cycles', page: () => cyclesPage() },
  { path: /^\/cycles\/([^/]+)$/, nav: '#/cycles', current: 'true', page: (match) => cyclePage(safeDecode(match[1])) },
  {
    path: /^\/cycles\/([^/]+)\/calibration$/,
    nav: '#/cycles',
    current: 'true',
    page: (match) => calibrationPage(safeDecode(match[1])),
  },
  { path: /^\/import$/, nav: '#/import', page: () => importPage() },
  { path: /^\/launch$/, nav: '#/launch', page: () => launchPage() },
  { path: /^\/goals$/, nav: '#/goals', page: (_match, query) => goalsPage(query.get('period') ?? undefined) },
  { path: /^\/settings$/, nav: '#/settings', page: () => settingsPage() },
  { path: /^\/clock$/, nav: '#/clock', page: () => clockPage() },
];

/** @param {string} text */
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function focusHeading() {
  const heading = /** @type {HTMLElement | null} */ (document.querySelector('main h1'));
  heading?.focus();
  heading?.scrollIntoView();
}

async function start() {
  document.getElementById('skip-link')?.addEventListener('click', (event) => {
    // The fragment is the router's: move the focus instead of following "#main".
    event.preventDefault();
    focusHeading();
  });
  document.getElementById('sign-out')?.addEventListener('click', signOut);
  /** @type {AuthConfig} */
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    show(failurePage(error));
    return;
  }
  acceptTokenFromFragment();
  if (config.auth === 'cognito') await finishCognitoSignIn(config);
  await startRouter(ROUTES);
}

void start();
