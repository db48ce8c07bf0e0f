// @ts-check
/**
 * Signing HR in and out: the token in the link `npm start` prints, Cognito's managed login (authorization
 * code with PKCE) in AWS, the end of a session after a 401, and signing out.
 */
import { DEFAULT_ROUTE, goTo, setFlash } from './router.js';
import { authConfig, NEXT_KEY, PKCE_KEY, readToken, TOKEN_KEY } from './session.js';

/** @import { AuthConfig } from './session.js' */

/** The link `npm start` prints carries the token in the fragment (`#token=...`): keep it for the session, once, and drop it from the address. */
export function acceptTokenFromFragment() {
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
export function endSession() {
  if (!readToken()) return;
  sessionStorage.removeItem(TOKEN_KEY);
  if (!location.hash.startsWith('#/sign-in')) sessionStorage.setItem(NEXT_KEY, location.hash);
  setFlash({ kind: 'status', text: 'Your session ended; please sign in again.' });
  goTo('#/sign-in');
}

export function signOut() {
  const config = authConfig();
  sessionStorage.clear();
  if (config.auth === 'cognito') {
    const url = new URL(`${config.domain}/logout`);
    url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri }).toString();
    location.assign(url.toString());
    return;
  }
  setFlash({ kind: 'status', text: 'You are signed out.' });
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
export async function startCognitoSignIn(config) {
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
export async function finishCognitoSignIn(config) {
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
    setFlash({ kind: 'alert', text: `Sign-in failed: ${params.get('error_description') ?? error}.` });
    return;
  }
  if (!pending.verifier || !pending.state || pending.state !== params.get('state')) {
    setFlash({
      kind: 'alert',
      text: 'Sign-in failed: the answer from the sign-in page does not belong to this tab. Please sign in again.',
    });
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
    /** @type {{ id_token?: unknown } | null} */
    const tokens = await response.json();
    if (typeof tokens?.id_token !== 'string') throw new Error('the sign-in service sent no ID token');
    sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
    history.replaceState(
      null,
      '',
      `${location.pathname}${pending.next?.startsWith('#/') ? pending.next : DEFAULT_ROUTE}`,
    );
  } catch (failure) {
    setFlash({
      kind: 'alert',
      text: `Sign-in failed: ${failure instanceof Error ? failure.message : String(failure)}. Please try again.`,
    });
  }
}

/* ------------------------------------------------------------------ routing */
