// @ts-check
/**
 * The client of the HR API: every call the console makes goes through `api`, with the session's bearer
 * token, JSON in and out, and the API's reasons kept when it refuses.
 */
import { endSession } from './auth.js';
import { ApiError, SessionEnded } from './errors.js';
import { readToken } from './session.js';

/**
 * Calls the HR API with the session's token; JSON in and out. A 401 ends the session (unless a token is
 * being tried out); any other 4xx or 5xx becomes an ApiError with the API's reasons.
 * @param {'GET' | 'POST' | 'PUT'} method
 * @param {string} path
 * @param {{ json?: unknown, file?: ArrayBuffer, token?: string, raw?: boolean, accept?: string }} [options]
 * @returns {Promise<any>}
 */
export async function api(method, path, options = {}) {
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
    /** @type {{ error?: unknown, details?: unknown } | undefined} the API's problem body, if it sent one */
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
export const enc = (segment) => encodeURIComponent(segment);

/** @type {Promise<string> | undefined} */
let timeZonePromise;
/** The organisation's time zone (from the settings in force), for dates that carry none of their own. */
export function organisationTimeZone() {
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

/** Forgets the organisation's time zone once the settings change, so the next page reads it again. */
export function forgetOrganisationTimeZone() {
  timeZonePromise = undefined;
}

/* ------------------------------------------------------------------ session */
