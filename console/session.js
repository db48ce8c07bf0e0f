// @ts-check
/**
 * What this tab's session keeps: the bearer token (sessionStorage only, so it ends with the tab, and never in
 * the DOM), the route to return to after signing in, and how HR signs in here.
 */

export const TOKEN_KEY = 'perfcycle.console.token';
/** The route to return to after signing in. */
export const NEXT_KEY = 'perfcycle.console.next';
/** The PKCE verifier and state of a Cognito sign-in in progress. */
export const PKCE_KEY = 'perfcycle.console.pkce';

/** @typedef {{ auth: 'local' } | { auth: 'cognito', domain: string, clientId: string, redirectUri: string }} AuthConfig */

/** @returns {string | null} */
export const readToken = () => sessionStorage.getItem(TOKEN_KEY);

/** @type {AuthConfig} */
let config = { auth: 'local' };
/** How HR signs in: Cognito's managed login in AWS, the token `npm start` prints locally. */
export const authConfig = () => config;

/** Reads `config.json` once, at the start. */
export async function loadConfig() {
  config = await readConfig();
  return config;
}

async function readConfig() {
  const response = await fetch('/console/config.json', { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`the console's configuration could not be loaded (${response.status})`);
  /** @type {{ auth?: unknown, domain?: unknown, clientId?: unknown, redirectUri?: unknown } | null} */
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
