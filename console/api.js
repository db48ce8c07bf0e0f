// @ts-check
/**
 * The client of the HR API: every call the console makes goes through `api`, with the session's bearer
 * token, JSON in and out, and the API's reasons kept when it refuses.
 */
import { endSession } from './auth.js';
import { ApiError, SessionEnded } from './errors.js';
import { readToken } from './session.js';

/** @import { ApiRequest, Responses, Route } from './types.js' */

/**
 * Sends a request to a route of the HR API with the session's token and answers the response. A 401 ends the
 * session (unless a token is being tried out); any other 4xx or 5xx becomes an ApiError with the API's reasons.
 * @template {Route} R
 * @param {R} route its route key, `METHOD /path` with `{name}` parameters
 * @param {ApiRequest<R>} request
 * @returns {Promise<Response>}
 */
export async function send(route, request) {
  const [method, template] = route.split(' ');
  const token = request.token ?? readToken();
  /** @type {Record<string, string>} */
  const headers = { accept: request.accept ?? 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  /** @type {string | ArrayBuffer | undefined} */
  let body;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.file !== undefined) {
    // A file goes as its bytes: the API reads its encoding (UTF-8 or Windows-1252), which text would already have lost.
    headers['content-type'] = 'application/octet-stream';
    body = request.file;
  }
  /** @type {Response} */
  let response;
  try {
    response = await fetch(pathOf(template, request), {
      method,
      headers,
      body,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'the console could not reach the server', ['Check the connection, then try again.']);
  }
  if (response.status === 401 && request.token === undefined) {
    endSession();
    throw new SessionEnded('session ended');
  }
  if (!response.ok) {
    /** @type {{ error?: unknown, details?: unknown } | undefined} the API's problem body (ApiError), if it sent one */
    const problem = await response.json().catch(() => undefined);
    const details = Array.isArray(problem?.details) ? problem.details.map(String) : [];
    throw new ApiError(
      response.status,
      typeof problem?.error === 'string' ? problem.error : `the server answered ${response.status}`,
      details,
    );
  }
  return response;
}

/**
 * Calls a route of the HR API (see `send`) and answers its JSON body, typed as its handler answers it.
 * @template {Route} R
 * @param {R} route
 * @param {ApiRequest<R>} request
 * @returns {Promise<Responses[R]>}
 */
export async function api(route, request) {
  return (await send(route, request)).json();
}

/**
 * The route's path with each parameter filled in (URI-encoded), then the query without its unset values.
 * @param {string} template
 * @param {{ params?: Partial<Record<string, string>>, query?: Record<string, string | undefined> }} request
 */
function pathOf(template, request) {
  const path = template.replace(/\{(\w+)\}/g, (_, /** @type {string} */ name) =>
    encodeURIComponent(request.params?.[name] ?? ''),
  );
  const query = new URLSearchParams(
    Object.entries(request.query ?? {}).filter(
      /** @returns {entry is [string, string]} */ (entry) => entry[1] !== undefined,
    ),
  );
  return query.size ? `${path}?${query}` : path;
}

/** @param {string} segment */
export const enc = (segment) => encodeURIComponent(segment);

/** @type {Promise<string> | undefined} */
let timeZonePromise;
/** The organisation's time zone (from the settings in force), for dates that carry none of their own. */
export function organisationTimeZone() {
  timeZonePromise ??= api('GET /settings', {}).then(
    (current) => current.settings.timeZone,
    (error) => {
      timeZonePromise = undefined;
      if (error instanceof SessionEnded) throw error;
      return 'UTC';
    },
  );
  return timeZonePromise;
}

/** Forgets the organisation's time zone once the settings change, so the next page reads it again. */
export function forgetOrganisationTimeZone() {
  timeZonePromise = undefined;
}

/* ------------------------------------------------------------------ session */
