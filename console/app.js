// @ts-check
/**
 * The perfcycle HR console (issue 5): one page with hash routes, plain DOM code, no framework, no build step.
 *
 * The console holds no data of its own. Every view comes from the HR API on the same origin, called with
 * the session's bearer token: the token `npm start` prints (local) or the Cognito ID token (in AWS). The
 * token is kept in sessionStorage only, so it ends with the tab, and it never enters the DOM.
 *
 * The page's Content-Security-Policy allows no inline script and no inline style, so everything here is
 * built with DOM APIs (never innerHTML), charts are inline SVG with presentation attributes, and every
 * style lives in app.css.
 */

const PRODUCT = 'perfcycle console';
const TOKEN_KEY = 'perfcycle.console.token';
/** The route to return to after signing in. */
const NEXT_KEY = 'perfcycle.console.next';
/** The PKCE verifier and state of a Cognito sign-in in progress. */
const PKCE_KEY = 'perfcycle.console.pkce';
const SVG_NS = 'http://www.w3.org/2000/svg';
const DEFAULT_ROUTE = '#/cycles';

/** @typedef {{ auth: 'local' } | { auth: 'cognito', domain: string, clientId: string, redirectUri: string }} AuthConfig */
/** @typedef {Node | string | number | null | undefined | false | readonly any[]} Child a node, text, nothing, or a list of these */
/** @typedef {{ title: string, heading?: string, body: Child[] }} Page */
/** @typedef {{ kind: 'status' | 'alert', text: string }} Flash */
/** @typedef {'pending' | 'submitted' | 'late' | 'overdue'} PhaseState */
/** @typedef {Record<PhaseState, number>} PhaseCounts */
/**
 * @typedef {object} Route
 * @property {RegExp} path
 * @property {(match: RegExpExecArray, query: URLSearchParams) => Page | Promise<Page>} page
 * @property {string} [nav] the nav link that leads here
 * @property {'page' | 'true'} [current] how that link is marked: the page itself, or the section it belongs to
 * @property {boolean} [public] shown without a session
 */

/* ------------------------------------------------------------------ DOM helpers */

let idCounter = 0;
/** @param {string} prefix */
const uid = (prefix) => `${prefix}-${++idCounter}`;

/**
 * Sets attributes; `on<event>` functions become listeners; null, undefined and false leave the attribute out.
 * @param {Element} node
 * @param {Record<string, unknown> | null | undefined} attrs
 */
function setAttributes(node, attrs) {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function')
      node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Node) parent.appendChild(child);
    else if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * An HTML element. Text children become text nodes: nothing is ever parsed as markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {SVGElement}
 */
function svg(tag, attrs, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/**
 * A form control with its visible label, and a hint read with it.
 * @param {string} label
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 * @param {Child} [hint]
 */
function field(label, control, hint) {
  if (!control.id) control.id = uid('field');
  const hintNode = hint ? h('p', { class: 'hint', id: uid('hint') }, hint) : null;
  if (hintNode)
    control.setAttribute(
      'aria-describedby',
      [control.getAttribute('aria-describedby'), hintNode.id].filter(Boolean).join(' '),
    );
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), hintNode, control);
}

/**
 * A titled section of a page (a region named by its h2).
 * @param {string} title
 * @param {...Child} children
 */
function section(title, ...children) {
  const id = uid('heading');
  return h('section', { class: 'section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/**
 * A table inside a region that scrolls sideways on a narrow screen; the region is focusable (so the
 * keyboard can scroll it) and named by the table's caption.
 * @param {string} caption
 * @param {string[]} headers
 * @param {Child[][]} rows
 * @param {{ numeric?: number[], nowrap?: number[], hideCaption?: boolean, rowHeaders?: boolean, wide?: boolean }} [options]
 *   numeric: columns aligned right; nowrap: columns kept on one line (dates); wide: scrolls rather than squeezes on a phone
 */
function table(caption, headers, rows, options = {}) {
  const captionId = uid('caption');
  const numeric = new Set(options.numeric ?? []);
  const nowrap = new Set(options.nowrap ?? []);
  const classOf = (/** @type {number} */ column) =>
    [numeric.has(column) ? 'num' : '', nowrap.has(column) ? 'nowrap' : ''].filter(Boolean).join(' ') || null;
  const cell = (/** @type {Child} */ content, /** @type {number} */ column) =>
    column === 0 && options.rowHeaders
      ? h('th', { scope: 'row', class: classOf(column) }, content)
      : h('td', { class: classOf(column) }, content);
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
    h(
      'table',
      { class: options.wide ? 'wide' : null },
      h('caption', { id: captionId, class: options.hideCaption ? 'visually-hidden' : null }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text, column) => h('th', { scope: 'col', class: numeric.has(column) ? 'num' : null }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((row) => h('tr', null, row.map(cell))),
      ),
    ),
  );
}

/**
 * A description list of label and value pairs.
 * @param {[string, Child][]} pairs
 */
function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value))),
  );
}

/** An empty alert region, shown when it has something to say; focusable so a long form can move to it. */
function errorBox() {
  return h('div', { class: 'errors', role: 'alert', tabindex: '-1', hidden: true });
}

/**
 * Fills an alert region: a sentence, and the API's reasons as a list, word for word.
 * @param {HTMLElement} box
 * @param {unknown} problem a text, an ApiError or any error
 * @param {string} [lead] what did not happen, e.g. "The cycle was not launched"
 */
function showErrors(box, problem, lead) {
  if (problem instanceof SessionEnded) return;
  box.replaceChildren();
  if (typeof problem === 'string') append(box, [h('p', null, problem)]);
  else if (problem instanceof ApiError) {
    append(box, [
      h('p', null, lead ? `${lead}: ${withStop(problem.message)}` : withStop(capitalised(problem.message))),
      problem.details.length
        ? h(
            'ul',
            null,
            problem.details.map((detail) => h('li', null, detail)),
          )
        : null,
    ]);
  } else
    append(box, [
      h(
        'p',
        null,
        `${lead ?? 'Something went wrong'}: ${withStop(problem instanceof Error ? problem.message : String(problem))}`,
      ),
    ]);
  box.hidden = false;
}

/** @param {HTMLElement} box */
function clearErrors(box) {
  box.replaceChildren();
  box.hidden = true;
}

/** @param {string} text */
const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);
/** @param {string} text */
const withStop = (text) => (/[.!?]$/.test(text) ? text : `${text}.`);
/**
 * @param {number} count
 * @param {string} one
 * @param {string} [many]
 */
const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Empties the page's status region, so an outcome that no longer holds (a file found valid before) is not left showing. */
function clearStatus() {
  const region = document.getElementById('page-status');
  if (region) region.textContent = '';
}

/**
 * Says something in the page's status region (read out by screen readers without moving the focus).
 * @param {string} text
 */
function announce(text) {
  const region = document.getElementById('page-status');
  if (!region) return;
  region.textContent = '';
  // A new text node, so a repeat of the same message is announced again.
  region.append(document.createTextNode(text));
}

/* ------------------------------------------------------------------ words and formats */

/** @type {Record<string, string>} */
const PHASES = {
  SELF_REVIEW: 'Self-assessment',
  MANAGER_REVIEW: 'Manager review',
  CALIBRATION: 'Calibration',
  RELEASING: 'Releasing results',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};
/** @param {string} phase */
const phaseText = (phase) => PHASES[phase] ?? phase;

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

/** @type {Record<string, string>} */
const GOAL_STATUS = { ON_TRACK: 'On track', AT_RISK: 'At risk', OFF_TRACK: 'Off track' };

/**
 * @param {string} timeZone
 * @param {Intl.DateTimeFormatOptions} options
 */
function dateFormat(timeZone, options) {
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  }
}

/**
 * The parts of an instant in a zone, by type.
 * @param {Date} date
 * @param {string} timeZone
 */
function partsOf(date, timeZone) {
  const parts = dateFormat(timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  return (/** @type {string} */ type) => parts.find((part) => part.type === type)?.value ?? '';
}

/**
 * A day as the emails write it: "Thu 10 Dec 2026", in the given zone.
 * @param {string} iso
 * @param {string} timeZone
 */
function formatDate(iso, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = partsOf(date, timeZone);
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/**
 * "Thu 10 Dec 2026, 09:30", in the given zone.
 * @param {string} iso
 * @param {string} timeZone
 */
function formatDateTime(iso, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = partsOf(date, timeZone);
  return `${formatDate(iso, timeZone)}, ${part('hour')}:${part('minute')}`;
}

/**
 * A calendar date (YYYY-MM-DD, no time) in words.
 * @param {string} day
 */
const formatDay = (day) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDate(`${day}T12:00:00Z`, 'UTC') : day);

/**
 * The calendar date (YYYY-MM-DD) an instant falls on in a zone, for a date input.
 * @param {string} iso
 * @param {string} timeZone
 */
function calendarDate(iso, timeZone) {
  const parts = dateFormat(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(iso),
  );
  const part = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** @param {string | null | undefined} period "2026-Q4" */
const periodText = (period) => (period ? period.replace('-', ' ') : 'Not set');
/** @param {number} value */
const percent = (value) => `${value}%`;

/**
 * A duration as settings write it ("3d", "12h", "1d12h") in words.
 * @param {string} text
 */
function durationText(text) {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(text).trim());
  if (!match || !String(text).trim()) return String(text);
  const units = ['day', 'hour', 'minute', 'second'];
  const parts = match.slice(1).flatMap((value, i) => (value === undefined ? [] : [plural(Number(value), units[i])]));
  return parts.join(' ') || String(text);
}

/* ------------------------------------------------------------------ API */

class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string[]} details
   */
  constructor(status, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.details = details;
  }
}

/** Thrown after a 401: the session is gone and the sign-in page is on its way. */
class SessionEnded extends Error {}

/** @returns {string | null} */
const readToken = () => sessionStorage.getItem(TOKEN_KEY);

/**
 * Calls the HR API with the session's token; JSON in and out. A 401 ends the session (unless a token is
 * being tried out); any other 4xx or 5xx becomes an ApiError with the API's reasons.
 * @param {'GET' | 'POST' | 'PUT'} method
 * @param {string} path
 * @param {{ json?: unknown, file?: ArrayBuffer, token?: string, raw?: boolean, accept?: string }} [options]
 * @returns {Promise<any>}
 */
async function api(method, path, options = {}) {
  const token = options.token ?? readToken();
  /** @type {Record<string, string>} */
  const headers = { accept: options.accept ?? 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  /** @type {string | ArrayBuffer | undefined} */
  let body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.file !== undefined) {
    // A file goes as its bytes: the API reads its encoding (UTF-8 or Windows-1252), which text would already have lost.
    headers['content-type'] = 'application/octet-stream';
    body = options.file;
  }
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'the console could not reach the server', ['Check the connection, then try again.']);
  }
  if (response.status === 401 && options.token === undefined) {
    endSession();
    throw new SessionEnded('session ended');
  }
  if (!response.ok) {
    /** @type {any} */
    const problem = await response.json().catch(() => undefined);
    const details = Array.isArray(problem?.details) ? problem.details.map(String) : [];
    throw new ApiError(
      response.status,
      typeof problem?.error === 'string' ? problem.error : `the server answered ${response.status}`,
      details,
    );
  }
  return options.raw ? response : response.json();
}

/** @param {string} segment */
const enc = (segment) => encodeURIComponent(segment);

/** @type {Promise<string> | undefined} */
let timeZonePromise;
/** The organisation's time zone (from the settings in force), for dates that carry none of their own. */
function organisationTimeZone() {
  timeZonePromise ??= api('GET', '/settings').then(
    (current) => String(current?.settings?.timeZone ?? 'UTC'),
    (error) => {
      timeZonePromise = undefined;
      if (error instanceof SessionEnded) throw error;
      return 'UTC';
    },
  );
  return timeZonePromise;
}

/* ------------------------------------------------------------------ session */

/** @type {AuthConfig} */
let authConfig = { auth: 'local' };
/** @type {Flash | undefined} */
let flash;

async function loadConfig() {
  const response = await fetch('/console/config.json', { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`the console's configuration could not be loaded (${response.status})`);
  /** @type {any} */
  const config = await response.json();
  if (
    config?.auth === 'cognito' &&
    typeof config.domain === 'string' &&
    typeof config.clientId === 'string' &&
    typeof config.redirectUri === 'string'
  ) {
    return /** @type {AuthConfig} */ ({
      auth: 'cognito',
      domain: config.domain.replace(/\/$/, ''),
      clientId: config.clientId,
      redirectUri: config.redirectUri,
    });
  }
  return /** @type {AuthConfig} */ ({ auth: 'local' });
}

/** The link `npm start` prints carries the token in the fragment (`#token=...`): keep it for the session, once, and drop it from the address. */
function acceptTokenFromFragment() {
  const match = /^#token=([^&]*)/.exec(location.hash);
  if (!match) return;
  let token = '';
  try {
    token = decodeURIComponent(match[1]).trim();
  } catch {
    token = '';
  }
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, '', `${location.pathname}${location.search}${token ? DEFAULT_ROUTE : '#/sign-in'}`);
}

/** After a 401: forget the token and ask for a new sign-in, coming back here afterwards. */
function endSession() {
  if (!readToken()) return;
  sessionStorage.removeItem(TOKEN_KEY);
  if (!location.hash.startsWith('#/sign-in')) sessionStorage.setItem(NEXT_KEY, location.hash);
  flash = { kind: 'status', text: 'Your session ended; please sign in again.' };
  goTo('#/sign-in');
}

function signOut() {
  const config = authConfig;
  sessionStorage.clear();
  if (config.auth === 'cognito') {
    const url = new URL(`${config.domain}/logout`);
    url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri }).toString();
    location.assign(url.toString());
    return;
  }
  flash = { kind: 'status', text: 'You are signed out.' };
  goTo('#/sign-in');
}

/** @param {Uint8Array} bytes */
function base64url(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Cognito's managed login, authorization code with PKCE: a random verifier and state are kept in this
 * tab's sessionStorage, and the browser goes to the login page.
 * @param {Extract<AuthConfig, { auth: 'cognito' }>} config
 */
async function startCognitoSignIn(config) {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const next = sessionStorage.getItem(NEXT_KEY) ?? DEFAULT_ROUTE;
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, next }));
  const url = new URL(`${config.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from Cognito with `?code=&state=` (or `?error=`): check the state, trade the code for tokens, keep
 * the ID token as the bearer token, and clean the address.
 * @param {Extract<AuthConfig, { auth: 'cognito' }>} config
 */
async function finishCognitoSignIn(config) {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return;
  /** @type {{ verifier?: string, state?: string, next?: string }} */
  let pending = {};
  try {
    pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? '{}');
  } catch {
    pending = {};
  }
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}#/sign-in`);
  if (error) {
    flash = { kind: 'alert', text: `Sign-in failed: ${params.get('error_description') ?? error}.` };
    return;
  }
  if (!pending.verifier || !pending.state || pending.state !== params.get('state')) {
    flash = {
      kind: 'alert',
      text: 'Sign-in failed: the answer from the sign-in page does not belong to this tab. Please sign in again.',
    };
    return;
  }
  try {
    const response = await fetch(`${config.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code: code ?? '',
        redirect_uri: config.redirectUri,
        code_verifier: pending.verifier,
      }),
      credentials: 'omit',
    });
    if (!response.ok) throw new Error(`the sign-in service answered ${response.status}`);
    /** @type {any} */
    const tokens = await response.json();
    if (typeof tokens?.id_token !== 'string') throw new Error('the sign-in service sent no ID token');
    sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
    history.replaceState(
      null,
      '',
      `${location.pathname}${pending.next && pending.next.startsWith('#/') ? pending.next : DEFAULT_ROUTE}`,
    );
  } catch (failure) {
    flash = {
      kind: 'alert',
      text: `Sign-in failed: ${failure instanceof Error ? failure.message : String(failure)}. Please try again.`,
    };
  }
}

/* ------------------------------------------------------------------ routing */

/** @type {Route[]} */
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

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
let renderTicket = 0;

/**
 * Goes to a route; renders at once when the address is that route already.
 * @param {string} hash
 */
function goTo(hash) {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

/**
 * Renders the route in the address into <main>: the page's data is fetched fresh every time, so a reload
 * or a re-render shows the numbers as they are now.
 * @param {{ focus?: 'h1' | 'status' }} [options]
 */
async function render(options = {}) {
  const ticket = ++renderTicket;
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const signedIn = Boolean(readToken());
  if (path === '' || path === '/' || (path === '/sign-in' && signedIn)) {
    history.replaceState(null, '', signedIn ? DEFAULT_ROUTE : '#/sign-in');
    return render(options);
  }
  const found = ROUTES.map((route) => ({ route, match: route.path.exec(path) })).find((candidate) => candidate.match);
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
  if (clockItem) clockItem.hidden = authConfig.auth !== 'local';
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
function show(page, focus = 'h1') {
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
function renderWithMessage(message) {
  flash = { kind: 'status', text: message };
  return render({ focus: 'status' });
}

/** @returns {Page} */
function notFoundPage() {
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
function failurePage(error) {
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

/** @returns {Page} */
function signInPage() {
  const config = authConfig;
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
      await api('GET', '/cycles', { token });
      sessionStorage.setItem(TOKEN_KEY, token);
      input.value = '';
      const next = sessionStorage.getItem(NEXT_KEY);
      sessionStorage.removeItem(NEXT_KEY);
      goTo(next && next.startsWith('#/') && !next.startsWith('#/sign-in') ? next : DEFAULT_ROUTE);
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

/** @param {string} cycleId */
const cycleHref = (cycleId) => `#/cycles/${enc(cycleId)}`;

/** @returns {Promise<Page>} */
async function cyclesPage() {
  const { cycles } = await api('GET', '/cycles');
  /** @type {any[]} */
  const list = cycles ?? [];
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
 * the escalations sent, goal outcomes and results; and HR's actions: extend a deadline, cancel, download.
 * @param {string} cycleId
 * @returns {Promise<Page>}
 */
async function cyclePage(cycleId) {
  const [status, report, audit] = await Promise.all([
    api('GET', `/cycles/${enc(cycleId)}`),
    api('GET', `/cycles/${enc(cycleId)}/report`),
    api('GET', `/cycles/${enc(cycleId)}/audit`),
  ]);
  const timeZone = String(status.timeZone ?? 'UTC');
  const running = status.phase === 'SELF_REVIEW' || status.phase === 'MANAGER_REVIEW';
  /** @type {any[]} */
  const people = report.people ?? [];
  const names = new Map(people.map((person) => [person.employeeId, person.name]));

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

  /** @type {any[]} */
  const overdue = status.overdue ?? [];
  /** @type {any[]} */
  const escalations = (audit.events ?? []).filter(
    (/** @type {any} */ event) => event.action === 'mail-sent' && event.details && ESCALATIONS[event.details.kind],
  );
  /** @type {any[]} */
  const departments = report.departments ?? [];
  const goals = status.goals ?? { counts: {}, missed: [] };
  const results = status.results ?? { released: 0, acknowledged: 0, disagreed: 0, unacknowledged: [] };

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
                `${d.self.submitted + d.self.late} (${percent(d.self.completion)})`,
                d.self.overdue,
                `${d.manager.submitted + d.manager.late} (${percent(d.manager.completion)})`,
                d.manager.overdue,
              ]),
              { numeric: [1, 2, 3, 4, 5], hideCaption: true, rowHeaders: true, wide: true },
            )
          : h('p', null, 'No participants yet.'),
      ),

      section(
        'Overdue',
        overdue.length
          ? table(
              'Overdue people',
              ['Name', 'Employee id', 'Overdue with', 'Was due', 'Manager or reviewer'],
              overdue.map((person) => [
                person.name,
                person.employeeId,
                person.phase === 'self' ? 'Self-assessment' : 'Manager review',
                formatDate(person.due, timeZone),
                person.reviewer,
              ]),
              { nowrap: [3], hideCaption: true, rowHeaders: true, wide: true },
            )
          : h('p', null, 'Nobody is overdue.'),
      ),

      section(
        'Escalations sent',
        escalations.length
          ? table(
              'Reminders and escalations sent',
              ['Sent', 'Kind', 'To', 'Subject'],
              escalations.map((event) => [
                formatDateTime(event.at, timeZone),
                ESCALATIONS[event.details.kind],
                event.details.to ?? '',
                event.details.subject ?? '',
              ]),
              { nowrap: [0], hideCaption: true, wide: true },
            )
          : h('p', null, 'No reminder or escalation has been sent yet.'),
      ),

      running ? extensionSection(cycleId, status, people, names, timeZone) : null,

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
        goals.missed?.length
          ? table(
              'Missed goals',
              ['Name', 'Goal', 'Was due', 'Manager'],
              goals.missed.map((/** @type {any} */ goal) => [
                goal.name,
                goal.title,
                formatDay(goal.due),
                goal.manager ?? '',
              ]),
              { nowrap: [2], rowHeaders: true, wide: true },
            )
          : null,
      ),

      section(
        'Results',
        results.released
          ? [
              table(
                'Results and acknowledgements',
                ['Released', 'Acknowledged', 'Disagreed', 'Not yet acknowledged'],
                [[results.released, results.acknowledged, results.disagreed, results.unacknowledged.length]],
                { numeric: [0, 1, 2, 3], hideCaption: true },
              ),
              results.unacknowledged.length
                ? table(
                    'Results not yet acknowledged',
                    ['Name', 'Employee id', 'Manager'],
                    results.unacknowledged.map((/** @type {any} */ person) => [
                      person.name,
                      person.employeeId,
                      person.manager,
                    ]),
                    { rowHeaders: true },
                  )
                : null,
            ]
          : h('p', null, 'No results have been released yet.'),
      ),

      running ? cancelSection(cycleId, status) : null,
    ],
  };
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
      await api('POST', `/cycles/${enc(cycleId)}/resume`, { json: {} });
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
 * Moves one person's self-assessment deadline (people who have not submitted it yet).
 * @param {string} cycleId
 * @param {any} status
 * @param {any[]} people
 * @param {Map<string, string>} names
 * @param {string} timeZone
 */
function extensionSection(cycleId, status, people, names, timeZone) {
  const extensions = Object.entries(status.extensions ?? {});
  const extended = extensions.length
    ? h(
        'ul',
        { class: 'plain' },
        extensions.map(([employeeId, until]) =>
          h(
            'li',
            null,
            `${names.get(employeeId) ?? employeeId} (${employeeId}): until ${formatDate(String(until), timeZone)}`,
          ),
        ),
      )
    : null;
  const eligible = people.filter((person) => person.self === 'pending' || person.self === 'overdue');
  if (!eligible.length) {
    return section(
      'Extend a deadline',
      h('p', null, 'Everyone has submitted the self-assessment: there is no deadline left to extend.'),
      extended && [h('h3', null, 'Extended deadlines'), extended],
    );
  }
  // Overdue people first: they are the usual reason for an extension.
  eligible.sort((a, b) => Number(b.self === 'overdue') - Number(a.self === 'overdue') || a.name.localeCompare(b.name));
  const errors = errorBox();
  const employee = h(
    'select',
    { name: 'employeeId', required: true },
    eligible.map((person) =>
      h(
        'option',
        { value: person.employeeId },
        `${person.name} (${person.employeeId}), ${person.self === 'overdue' ? 'overdue' : 'not submitted yet'}`,
      ),
    ),
  );
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
      field('Employee', employee, 'Everyone who has not submitted the self-assessment.'),
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
    if (!until.value) {
      showErrors(errors, 'Choose the new deadline.');
      until.focus();
      return;
    }
    busy = true;
    try {
      const result = await api('POST', `/cycles/${enc(cycleId)}/extensions`, {
        json: { employeeId: employee.value, until: until.value },
      });
      await renderWithMessage(
        `${names.get(employee.value) ?? employee.value} now has until ${formatDate(result.until, timeZone)} for the self-assessment.`,
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
 * An action that asks first, on the page itself: `ask` opens the question with `yes` and a way back, which
 * returns to `ask`. Returns the question's group, hidden until asked.
 * @param {HTMLButtonElement} ask
 * @param {string} question
 * @param {HTMLButtonElement} yes
 * @param {string} back the label of the way back
 * @param {() => void} onAsk
 */
function confirmStep(ask, question, yes, back, onAsk) {
  const questionId = uid('confirm');
  const questionNode = h('p', { id: questionId, tabindex: '-1', class: 'confirm-question' }, question);
  const no = h('button', { type: 'button', class: 'secondary' }, back);
  const group = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-labelledby': questionId, hidden: true },
    questionNode,
    h('div', { class: 'actions' }, yes, no),
  );
  ask.addEventListener('click', () => {
    onAsk();
    group.hidden = false;
    ask.hidden = true;
    questionNode.focus();
  });
  no.addEventListener('click', () => {
    group.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  return group;
}

/**
 * Cancelling asks first, on the page itself.
 * @param {string} cycleId
 * @param {any} status
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
      const result = await api('POST', `/cycles/${enc(cycleId)}/cancel`, { json: {} });
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
    const response = /** @type {Response} */ (
      await api('GET', `/cycles/${enc(cycleId)}/report?format=csv`, { raw: true, accept: 'text/csv' })
    );
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
 * @param {any} group figures of a group: `before` and `after` with `counts` aligned with `scale`
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
 * @param {any[]} groups
 * @param {number} step one scale point
 */
function groupTable(caption, first, groups, step) {
  const flag = (/** @type {any} */ g) =>
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
async function calibrationPage(cycleId) {
  const view = await api('GET', `/cycles/${enc(cycleId)}/calibration?limit=200`);
  const figures = view.figures;
  /** @type {{ value: number, label: string }[]} */
  const scale = view.scale;
  const calibrating = view.phase === 'CALIBRATION';
  /** @type {any[]} */
  const flaggedManagers = figures.managers.filter((/** @type {any} */ m) => m.before.outlier || m.after.outlier);
  const participantRows = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: !view.nextCursor }, 'Show more participants');
  const moreErrors = errorBox();
  let cursor = view.nextCursor;
  /** @param {any[]} people */
  const addParticipants = (people) =>
    append(
      participantRows,
      people.map((person) => participantRow(cycleId, person, scale, calibrating)),
    );
  addParticipants(view.participants);
  more.addEventListener('click', async () => {
    clearErrors(moreErrors);
    try {
      const next = await api(
        'GET',
        `/cycles/${enc(cycleId)}/calibration?${new URLSearchParams({ limit: '200', cursor })}`,
      );
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
          ...figures.departments.map((/** @type {any} */ d) => distributionFigure(d, scale, `Department ${d.name}`)),
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
              view.missing.map((/** @type {any} */ m) => [m.name, m.employeeId, m.department, m.managerName]),
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
 * @param {any} person
 * @param {{ value: number, label: string }[]} scale
 * @param {boolean} calibrating
 */
function participantRow(cycleId, person, scale, calibrating) {
  const final = person.finalPoint ? `${person.finalRating} (${person.finalPoint.label})` : 'None';
  const adjusted = person.adjusted ? `Yes, from ${person.adjustment.from}: ${person.adjustment.reason}` : 'No';
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
 * @param {any} person
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
        { value: point.value, selected: point.value === person.finalPoint.value },
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
      const result = await api('POST', `/cycles/${enc(cycleId)}/adjustments`, {
        json: { employeeId: person.employeeId, rating: Number(rating.value), reason: reason.value.trim() },
      });
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
 * @param {any} view
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
      await api('POST', `/cycles/${enc(cycleId)}/release`, { json: force ? { force: true } : {} });
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

/** @type {Record<string, string>} */
const SEPARATOR_NAMES = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/**
 * How the API read the file, and its names beyond ASCII as they will be stored: a file read in the wrong
 * encoding shows there before anything is saved.
 * @param {{ encoding: string, separator: string, sample: { employeeId: string, name: string, department: string }[] }} result
 */
function howRead(result) {
  const encoding = result.encoding === 'Windows-1252' ? 'Windows-1252 (the file is not UTF-8)' : result.encoding;
  return [
    h('p', null, `Read as ${encoding}, columns separated by ${SEPARATOR_NAMES[result.separator] ?? result.separator}.`),
    ...(result.sample.length
      ? [
          h('p', null, 'Names as they will be stored:'),
          h(
            'ul',
            null,
            ...result.sample.map((person) =>
              h('li', null, `${person.name} (${person.employeeId}, ${person.department})`),
            ),
          ),
        ]
      : []),
  ];
}

/** @returns {Page} */
function importPage() {
  const errors = errorBox();
  const preview = h('div', { class: 'preview', hidden: true });
  const file = h('input', { type: 'file', name: 'directory', accept: '.csv,text/csv', required: true });
  let busy = false;
  /** The checked file's bytes, sent again as they are when HR applies it. */
  /** @type {ArrayBuffer | undefined} */
  let checked;

  const form = h(
    'form',
    { class: 'panel', novalidate: true },
    field(
      'Directory CSV',
      file,
      'A CSV file with the header employeeId,name,email,managerId,department (any case) and one row per person, separated by commas, semicolons or tabs, in UTF-8 or Windows-1252. Nothing is saved until you apply it.',
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Check file')),
  );

  const check = async () => {
    if (busy) return;
    clearErrors(errors);
    clearStatus();
    checked = undefined;
    preview.hidden = true;
    preview.replaceChildren();
    const chosen = file.files?.[0];
    if (!chosen) {
      showErrors(errors, 'Choose a CSV file first.');
      file.focus();
      return;
    }
    busy = true;
    try {
      checked = await chosen.arrayBuffer();
      const result = await api('POST', '/employees/import?dryRun=true', { file: checked });
      const apply = h('button', { type: 'button', class: 'primary' }, 'Apply import');
      apply.addEventListener('click', () => void applyImport(apply));
      const line = `${plural(result.valid, 'person', 'people')}: ${result.created} new, ${result.updated} updated`;
      preview.replaceChildren(
        h('h2', null, 'Ready to import'),
        h('p', null, `${line}.`),
        ...howRead(result),
        h('p', null, apply),
      );
      preview.hidden = false;
      announce(`The file is valid: ${line}. Nothing is saved until you apply it.`);
    } catch (error) {
      showErrors(
        errors,
        error,
        error instanceof ApiError && error.status === 400 ? undefined : 'The file could not be checked',
      );
      if (error instanceof ApiError && error.details.length)
        append(errors, [h('p', null, 'Correct these lines in the file, then choose it again.')]);
    } finally {
      busy = false;
    }
  };

  /** @param {HTMLButtonElement} apply */
  const applyImport = async (apply) => {
    if (busy) return;
    busy = true;
    try {
      const result = await api('POST', '/employees/import', { file: checked });
      preview.hidden = true;
      preview.replaceChildren();
      form.reset();
      checked = undefined;
      await renderWithMessage(
        `Imported ${plural(result.imported, 'person', 'people')}: ${result.created} new, ${result.updated} updated.`,
      );
    } catch (error) {
      showErrors(errors, error, 'The import was not applied');
      errors.focus();
      apply.hidden = true;
    } finally {
      busy = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void check();
  });
  file.addEventListener('change', () => void check());

  return {
    title: 'Import directory',
    body: [
      h(
        'p',
        null,
        'Everyone in the organisation, with their manager and department. Importing again updates people by their employee id.',
      ),
      form,
      errors,
      preview,
    ],
  };
}

/* ------------------------------------------------------------------ launch */

/**
 * The settings a launch copies, in words.
 * @param {any} current GET /settings
 */
function settingsInForce(current) {
  const settings = current.settings;
  /** @type {any[]} */
  const scale = settings.scale ?? [];
  /** @type {any[]} */
  const competencies = settings.competencies ?? [];
  return section(
    'Settings in force',
    h(
      'p',
      null,
      current.version
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
async function launchPage() {
  const current = await api('GET', '/settings');
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
      const cycle = await api('POST', '/cycles', { json: request });
      flash = { kind: 'status', text: `"${cycle.name}" was launched: the invitations are on their way.` };
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

/**
 * @param {string} [period]
 * @returns {Promise<Page>}
 */
async function goalsPage(period) {
  const errors = errorBox();
  const [attention, praise, timeZone] = await Promise.all([
    api('GET', `/goals/attention${period ? `?period=${enc(period)}` : ''}`).catch((error) => {
      if (error instanceof ApiError && error.status === 400) {
        showErrors(errors, error, 'Those goals could not be shown');
        return undefined;
      }
      throw error;
    }),
    api('GET', '/recognition'),
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

  /** @param {any[]} goals @param {string} caption */
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
  /** @type {any[]} */
  const recognition = praise.recognition ?? [];
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

/**
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {'text' | 'number'} [type]
 * @property {number} [maxlength]
 * @property {'small' | 'medium' | 'large'} [size] how much of the row it takes
 */

/**
 * An editable list of rows (scale points, competencies, questions): each row's inputs are labelled with
 * the row's number ("Point 2 label"), with a button to remove the row and one below to add a row.
 * @param {{ name: string, columns: Column[], rows: Record<string, unknown>[], addLabel: string }} spec
 */
function rowList(spec) {
  const list = h('ol', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'secondary' }, spec.addLabel);
  /** @returns {Record<string, string>[]} */
  const read = () =>
    [...list.children].map((row) =>
      Object.fromEntries(
        spec.columns.map((column) => [
          column.key,
          /** @type {HTMLInputElement} */ (row.querySelector(`[data-key="${column.key}"]`)).value,
        ]),
      ),
    );
  /**
   * @param {Record<string, string>[]} rows
   * @param {number} [focusRow] the row whose first input gets the focus; -1 for the add button
   */
  const draw = (rows, focusRow) => {
    list.replaceChildren(
      ...rows.map((row, index) => {
        const number = index + 1;
        const remove = h(
          'button',
          { type: 'button', class: 'secondary small' },
          `Remove ${spec.name.toLowerCase()} ${number}`,
        );
        remove.addEventListener('click', () => {
          const current = read();
          current.splice(index, 1);
          draw(current, current.length ? Math.min(index, current.length - 1) : -1);
        });
        return h(
          'li',
          { class: 'row' },
          spec.columns.map((column) => {
            const wrapper = field(
              `${spec.name} ${number} ${column.label}`,
              h('input', {
                type: column.type ?? 'text',
                'data-key': column.key,
                value: row[column.key] ?? '',
                maxlength: column.maxlength,
                autocomplete: 'off',
                inputmode: column.type === 'number' ? 'numeric' : null,
              }),
            );
            wrapper.classList.add(`size-${column.size ?? 'medium'}`);
            return wrapper;
          }),
          h('div', { class: 'row-actions' }, remove),
        );
      }),
    );
    if (focusRow === -1) add.focus();
    else if (focusRow !== undefined)
      /** @type {HTMLElement | null} */ (list.children[focusRow]?.querySelector('input'))?.focus();
  };
  add.addEventListener('click', () => {
    const current = read();
    current.push(Object.fromEntries(spec.columns.map((column) => [column.key, ''])));
    draw(current, current.length - 1);
  });
  draw(
    spec.rows.map((row) =>
      Object.fromEntries(
        spec.columns.map((column) => [
          column.key,
          row[column.key] === undefined || row[column.key] === null ? '' : String(row[column.key]),
        ]),
      ),
    ),
  );
  return { node: h('div', null, list, add), read };
}

/**
 * Numbers go to the API as numbers; what is not a number goes as typed, for the API to explain.
 * @param {string} text
 */
function numberOrText(text) {
  if (!text.trim()) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/** @type {[string, string, string][]} timing key, label, hint */
const TIMINGS = [
  [
    'reviewReminderLead',
    'Reminder before a review deadline',
    'Employees and managers are reminded this long before their deadline.',
  ],
  [
    'reviewHrGrace',
    'Escalation to HR after a review deadline',
    'HR hears of what is still missing this long after the deadline.',
  ],
  ['goalReminderLead', 'Reminder before a goal is due', 'Between 1 and 60 days.'],
  ['goalHrGrace', 'Escalation to HR after a missed goal', 'Between 1 and 60 days.'],
  ['acknowledgementReminder', 'Reminder to acknowledge results', 'This long after the results are released.'],
];

/* ------------------------------------------------------------------ local clock */

/**
 * The local stack's clock (only there: in AWS time is real). Moving it forward runs everything that falls
 * due on the way, in order, so HR can play a whole quarter in the browser.
 * @returns {Promise<Page>}
 */
async function clockPage() {
  if (authConfig.auth !== 'local') return notFoundPage();
  const [{ now }, timeZone] = await Promise.all([api('GET', '/local/clock'), organisationTimeZone()]);
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
      const moved = await api('POST', '/local/clock/advance', { json: { duration: duration.value.trim() } });
      flash = {
        kind: 'status',
        text: `The clock is now ${formatDateTime(moved.now, timeZone)}. Everything that fell due on the way ran, in order.`,
      };
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

/** @returns {Promise<Page>} */
async function settingsPage() {
  const current = await api('GET', '/settings');
  const settings = current.settings;
  const errors = errorBox();

  const scale = rowList({
    name: 'Point',
    columns: [
      { key: 'value', label: 'value', type: 'number', size: 'small' },
      { key: 'label', label: 'label', maxlength: 60 },
      { key: 'description', label: 'description', maxlength: 300, size: 'large' },
    ],
    rows: settings.scale ?? [],
    addLabel: 'Add a scale point',
  });
  const competencies = rowList({
    name: 'Competency',
    columns: [
      { key: 'id', label: 'id', maxlength: 40, size: 'small' },
      { key: 'label', label: 'name', maxlength: 80 },
      { key: 'description', label: 'description (optional)', maxlength: 300, size: 'large' },
    ],
    rows: settings.competencies ?? [],
    addLabel: 'Add a competency',
  });
  const questions = rowList({
    name: 'Question',
    columns: [
      { key: 'id', label: 'id', maxlength: 40, size: 'small' },
      { key: 'label', label: 'text', maxlength: 120, size: 'large' },
    ],
    rows: settings.selfQuestions ?? [],
    addLabel: 'Add a question',
  });

  /** @type {Record<string, HTMLInputElement>} */
  const timings = {};
  const timingFields = TIMINGS.map(([key, label, hint]) => {
    timings[key] = h('input', {
      type: 'text',
      name: key,
      value: settings.timings?.[key] ?? '',
      maxlength: 16,
      autocomplete: 'off',
      'aria-describedby': 'duration-hint',
    });
    return field(label, timings[key], hint);
  });

  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zoneListId = uid('zones');
  const timeZone = h('input', {
    type: 'text',
    name: 'timeZone',
    value: settings.timeZone ?? '',
    list: zoneListId,
    autocomplete: 'off',
  });
  const senderName = h('input', {
    type: 'text',
    name: 'senderName',
    value: settings.senderName ?? '',
    maxlength: 80,
    autocomplete: 'off',
  });
  const goalsWeight = h('input', {
    type: 'number',
    name: 'goals',
    value: settings.scoreWeights?.goals ?? '',
    min: 0,
    max: 100,
    step: 1,
    inputmode: 'numeric',
  });
  const competenciesWeight = h('input', {
    type: 'number',
    name: 'competencies',
    value: settings.scoreWeights?.competencies ?? '',
    min: 0,
    max: 100,
    step: 1,
    inputmode: 'numeric',
  });
  const recognition = h(
    'select',
    { name: 'recognition' },
    h('option', { value: 'immediate', selected: settings.recognition === 'immediate' }, 'Immediately, by email'),
    h('option', { value: 'weekly-digest', selected: settings.recognition === 'weekly-digest' }, 'In a weekly digest'),
  );

  /** @param {string} legend @param {...Child} children */
  const group = (legend, ...children) => h('fieldset', { class: 'group' }, h('legend', null, legend), ...children);

  let busy = false;
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true },
    group(
      'Rating scale',
      h('p', { class: 'hint' }, '3 to 10 points, each with a whole-number value, a label and what it means.'),
      scale.node,
    ),
    group(
      'Competencies',
      h(
        'p',
        { class: 'hint' },
        'Rated by managers for every participant; the id is lower-case letters, digits and dashes.',
      ),
      competencies.node,
    ),
    group(
      'Self-assessment questions',
      h('p', { class: 'hint' }, 'At least one; the id is letters and digits.'),
      questions.node,
    ),
    group(
      'Timings',
      h('p', { class: 'hint', id: 'duration-hint' }, 'Durations such as 3d (days) or 12h (hours).'),
      timingFields,
    ),
    group(
      'Organisation',
      field('Time zone', timeZone, 'An IANA time zone such as Europe/Berlin: deadlines end at 23:59 in it.'),
      h(
        'datalist',
        { id: zoneListId },
        zones.map((zone) => h('option', { value: zone })),
      ),
      field('Sender name', senderName, 'The name emails come from.'),
    ),
    group(
      'Final score',
      h(
        'p',
        { class: 'hint' },
        'How much of the final score comes from the goals and from the competencies; together 100.',
      ),
      h(
        'div',
        { class: 'field-row' },
        field('Goals weight (%)', goalsWeight),
        field('Competencies weight (%)', competenciesWeight),
      ),
    ),
    group('Recognition', field('Deliver praise', recognition)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save settings')),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(errors);
    const draft = {
      scale: scale
        .read()
        .map((row) => ({ value: numberOrText(row.value), label: row.label, description: row.description })),
      competencies: competencies
        .read()
        .map((row) => ({
          id: row.id,
          label: row.label,
          ...(row.description.trim() ? { description: row.description } : {}),
        })),
      selfQuestions: questions.read().map((row) => ({ id: row.id, label: row.label })),
      timings: Object.fromEntries(TIMINGS.map(([key]) => [key, timings[key].value.trim()])),
      timeZone: timeZone.value.trim(),
      senderName: senderName.value,
      scoreWeights: { goals: numberOrText(goalsWeight.value), competencies: numberOrText(competenciesWeight.value) },
      recognition: recognition.value,
    };
    busy = true;
    try {
      const saved = await api('PUT', '/settings', { json: draft });
      timeZonePromise = undefined;
      await renderWithMessage(
        saved.saved === false
          ? `Nothing changed: version ${saved.version} stays in force.`
          : `Saved as version ${saved.version}. The next cycle launched uses it; running cycles keep theirs.`,
      );
    } catch (error) {
      showErrors(errors, error, 'The settings were not saved');
      errors.focus();
    } finally {
      busy = false;
    }
  });

  return {
    title: 'Settings',
    body: [
      h(
        'p',
        { class: 'version' },
        current.version
          ? `Version ${current.version} is in force, saved ${formatDateTime(current.savedAt, settings.timeZone)} by ${current.savedBy ?? 'HR'}.`
          : 'The defaults are in force (version 0): no settings have been saved yet.',
      ),
      h(
        'p',
        null,
        'Saving stores a new version for the next cycle; a running cycle keeps the version it was launched with.',
      ),
      errors,
      form,
    ],
  };
}

/* ------------------------------------------------------------------ start */

function focusHeading() {
  const heading = /** @type {HTMLElement | null} */ (main.querySelector('h1'));
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
  try {
    authConfig = await loadConfig();
  } catch (error) {
    show(failurePage(error));
    return;
  }
  acceptTokenFromFragment();
  if (authConfig.auth === 'cognito') await finishCognitoSignIn(authConfig);
  window.addEventListener('hashchange', () => void render());
  await render();
}

void start();
