// @ts-check
/**
 * The hash router: it renders the route in the address into <main>, keeps the nav's current link, carries
 * a message over to the next page, and sends a visitor without a session to sign in. The routes themselves
 * are main.js's, so no page module is imported here and pages can navigate without an import cycle.
 */
import { append, errorBox, h, showErrors } from './dom.js';
import { ApiError, SessionEnded } from './errors.js';
import { authConfig, NEXT_KEY, readToken } from './session.js';

const PRODUCT = 'perfcycle console';
export const DEFAULT_ROUTE = '#/cycles';

/** @import { Child } from './types.js' */
/** @typedef {{ title: string, heading?: string, body: Child[] }} Page */
/** @typedef {{ kind: 'status' | 'alert', text: string }} Flash */
/**
 * @typedef {object} Route
 * @property {RegExp} path
 * @property {(match: RegExpExecArray, query: URLSearchParams) => Page | Promise<Page>} page
 * @property {string} [nav] the nav link that leads here
 * @property {'page' | 'true'} [current] how that link is marked: the page itself, or the section it belongs to
 * @property {boolean} [public] shown without a session
 */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
let renderTicket = 0;
/** @type {readonly Route[]} */
let routes = [];
/** @type {Flash | undefined} */
let flash;

/**
 * A message for the next page shown, such as the outcome of the action that leads there.
 * @param {Flash} note
 */
export function setFlash(note) {
  flash = note;
}

/** @param {string} cycleId */
export const cycleHref = (cycleId) => `#/cycles/${encodeURIComponent(cycleId)}`;

/**
 * Starts routing: renders the address now and on every change of its fragment.
 * @param {readonly Route[]} table
 */
export async function startRouter(table) {
  routes = table;
  window.addEventListener('hashchange', () => void render());
  await render();
}

/**
 * Goes to a route; renders at once when the address is that route already.
 * @param {string} hash
 */
export function goTo(hash) {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

/**
 * Renders the route in the address into <main>: the page's data is fetched fresh every time, so a reload
 * or a re-render shows the numbers as they are now.
 * @param {{ focus?: 'h1' | 'status' }} [options]
 */
export async function render(options = {}) {
  const ticket = ++renderTicket;
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const signedIn = Boolean(readToken());
  if (path === '' || path === '/' || (path === '/sign-in' && signedIn)) {
    history.replaceState(null, '', signedIn ? DEFAULT_ROUTE : '#/sign-in');
    return render(options);
  }
  const found = routes.map((route) => ({ route, match: route.path.exec(path) })).find((candidate) => candidate.match);
  if (found && !found.route.public && !signedIn) {
    sessionStorage.setItem(NEXT_KEY, location.hash);
    history.replaceState(null, '', '#/sign-in');
    return render(options);
  }
  main.setAttribute('aria-busy', 'true');
  /** @type {Page} */
  let page;
  try {
    page = found?.match ? await found.route.page(found.match, new URLSearchParams(search)) : notFoundPage();
  } catch (error) {
    if (error instanceof SessionEnded) return;
    page = failurePage(error);
  }
  // A newer navigation started while this one waited for the API: that one shows.
  if (ticket !== renderTicket) return;
  updateNav(signedIn && Boolean(readToken()), found?.route);
  show(page, options.focus);
}

/**
 * @param {boolean} signedIn
 * @param {Route | undefined} route
 */
function updateNav(signedIn, route) {
  nav.hidden = !signedIn;
  // The clock belongs to the local stack; in AWS time is real.
  const clockItem = document.getElementById('nav-clock');
  if (clockItem) clockItem.hidden = authConfig().auth !== 'local';
  for (const link of nav.querySelectorAll('a')) {
    if (route?.nav && link.getAttribute('href') === route.nav)
      link.setAttribute('aria-current', route.current ?? 'page');
    else link.removeAttribute('aria-current');
  }
}

/**
 * Puts a page into <main>: its one h1 (focusable, and focused so keyboard and screen-reader users start
 * there), the message carried over from the last action, the status region, then the page.
 * @param {Page} page
 * @param {'h1' | 'status'} [focus]
 */
export function show(page, focus = 'h1') {
  document.title = `${page.title} - ${PRODUCT}`;
  const heading = h('h1', { tabindex: '-1' }, page.heading ?? page.title);
  const note = flash;
  flash = undefined;
  const alert = note?.kind === 'alert' ? h('div', { class: 'errors', role: 'alert' }, h('p', null, note.text)) : null;
  const status = h(
    'div',
    { id: 'page-status', class: 'page-status', role: 'status', tabindex: '-1' },
    note?.kind === 'status' ? note.text : null,
  );
  const content = document.createDocumentFragment();
  append(content, [heading, alert, status, page.body]);
  main.replaceChildren(content);
  main.removeAttribute('aria-busy');
  (focus === 'status' && note ? status : heading).focus();
}

/**
 * Shows the current page again, with a message from the action that just happened.
 * @param {string} message
 */
export function renderWithMessage(message) {
  flash = { kind: 'status', text: message };
  return render({ focus: 'status' });
}

/** @returns {Page} */
export function notFoundPage() {
  return {
    title: 'Page not found',
    body: [
      h('p', null, 'There is no such page in the console. ', h('a', { href: DEFAULT_ROUTE }, 'Go to the cycles'), '.'),
    ],
  };
}

/**
 * A page whose data could not be loaded: the reason, and a way on.
 * @param {unknown} error
 * @returns {Page}
 */
export function failurePage(error) {
  const box = errorBox();
  showErrors(box, error, 'This page could not be loaded');
  const back = h('p', null, h('a', { href: DEFAULT_ROUTE }, 'Back to the cycles'));
  if (error instanceof ApiError && error.status === 404) return { title: 'Not found', body: [box, back] };
  if (error instanceof ApiError && error.status >= 400 && error.status < 500)
    return { title: 'This page cannot be shown', body: [box, back] };
  // The server or the network failed: trying again may help.
  const retry = h('button', { type: 'button', class: 'secondary', onclick: () => void render() }, 'Try again');
  return { title: 'Something went wrong', body: [box, h('p', null, retry)] };
}

/* ------------------------------------------------------------------ sign-in */
