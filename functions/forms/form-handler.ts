import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import * as z from 'zod';
import { MAX_TEXT_ANSWER } from '#domain/review-form.ts';
import { MAX_SELF_QUESTIONS } from '#domain/settings.ts';
import { checkFormToken, formToken, TokenError } from '#domain/tokens.ts';
import { HttpError, readBody, type HttpEvent, type HttpResult } from '#shared/http.ts';
import { linkSecret } from '#shared/links.ts';
import { logger, observability } from '#shared/observability.ts';
import type { Unavailable } from '#services/unavailable.ts';
import type { FormFields } from '../views/fields.ts';
import { messageView } from '../views/layout.ts';

/**
 * Headers for the pages behind the emailed links: no script, no external resources, and nothing that lets
 * the pages into frames, caches or referrers.
 */
const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** A page a view built, as the answer to a request. */
export function htmlPage(status: number, html: string, headers: Record<string, string> = {}): HttpResult {
  return { statusCode: status, headers: { ...SECURITY_HEADERS, ...headers }, body: html };
}

export function messagePage(status: number, title: string, message: string): HttpResult {
  return htmlPage(status, messageView(title, message));
}

/**
 * The page of a link that cannot open: what it points at no longer exists (404, in the form's own words), or HR
 * cancelled the cycle (410; `cancelledNote` follows the sentence that says so).
 */
export function unavailablePage(
  opened: Unavailable,
  notFound: { title: string; message: string },
  cancelledNote = '',
): HttpResult {
  return opened.state === 'gone'
    ? messagePage(404, notFound.title, notFound.message)
    : messagePage(410, 'This review cycle was cancelled', `HR cancelled "${opened.cycle.name}".${cancelledNote}`);
}

const LINK_PROBLEMS: Record<TokenError['problem'], [number, string, string]> = {
  expired: [410, 'This link has expired', 'The link in your email is no longer valid. Please ask HR for a new one.'],
  'bad-signature': [
    403,
    'This link is not valid',
    'The link may have been changed or copied incompletely. Please open it again from your email.',
  ],
  malformed: [
    403,
    'This link is not valid',
    'The link may have been changed or copied incompletely. Please open it again from your email.',
  ],
  'wrong-purpose': [
    403,
    'This link is not valid',
    'This link belongs to a different form. Please use the link from the right email.',
  ],
};

/** A page answers every problem: a bad link, a body too large, or our own failure, never with a stack trace. */
export function formRoute(handler: (event: HttpEvent) => Promise<HttpResult>) {
  return middy<HttpEvent, HttpResult>()
    .use(observability())
    .use({
      onError: async (request) => {
        const error = request.error;
        if (error instanceof TokenError) {
          const [status, title, message] = LINK_PROBLEMS[error.problem];
          request.response = messagePage(status, title, message);
        } else if (error instanceof HttpError && error.status === 413) {
          request.response = messagePage(
            413,
            'Your answers are too long to send',
            'Please go back, shorten your answers and send them again.',
          );
        } else if (error instanceof HttpError) {
          request.response = messagePage(
            error.status,
            'Your answers could not be sent',
            `${error.message}. Please go back and try again.`,
          );
        } else {
          logger.error('form failed', { error });
          request.response = messagePage(
            500,
            'Something went wrong',
            'Your answers were not saved. Please try again in a few minutes.',
          );
        }
      },
    })
    .handler(handler);
}

export type FormRouteKey = `${'GET' | 'POST'} /forms/${string}`;
type RouteHandler = (event: HttpEvent) => Promise<HttpResult>;
export type FormRouteTable = Partial<Record<FormRouteKey, RouteHandler>>;

/**
 * One handler per route of the function's `RouteSpec` entries, keyed as API Gateway names the route
 * (`routeKey`, "METHOD /path"). Any other route is answered 405 on a known path and 404 otherwise, never
 * by the handler of a neighbouring route.
 */
export function routeTable(routes: FormRouteTable): RouteHandler {
  const table = new Map(Object.entries(routes));
  return async (event) => {
    const route = table.get(event.routeKey);
    if (route) return route(event);
    const path = event.routeKey.slice(event.routeKey.indexOf(' ') + 1);
    const allowed = [...table.keys()].filter((key) => key.endsWith(` ${path}`)).map((key) => key.split(' ')[0]);
    return allowed.length
      ? htmlPage(405, messageView('This page cannot do that', 'Please open the link from your email again.'), {
          allow: allowed.join(', '),
        })
      : messagePage(404, 'Page not found', 'There is no page at this address. Please open the link from your email.');
  };
}

/** A form function: its route table inside the error pages of `formRoute`. */
export function formRoutes(routes: FormRouteTable) {
  return formRoute(routeTable(routes));
}

/**
 * Room for every text answer at full length in any script: a character can take 9 bytes once
 * percent-encoded (3 UTF-8 bytes, each as %XX), plus the tokens, the ratings and the proposed goals.
 * The self-assessment has the most text fields (the manager's review has three).
 */
const FORM_BODY_LIMIT = MAX_SELF_QUESTIONS * MAX_TEXT_ANSWER * 9 + 16 * 1024;

export interface FormPost {
  token: string;
  /** The one-time id of the rendered form this post came from: the same post twice carries the same id. */
  submissionId: string;
  fields: URLSearchParams;
}

const submissionIdSchema = z.uuid();

/** Reads a posted form and checks its per-form token against the link token it carries. */
export async function readFormPost(event: HttpEvent): Promise<FormPost> {
  const fields = new URLSearchParams(readBody(event, FORM_BODY_LIMIT));
  const token = fields.get('t') ?? '';
  if (!token) throw new TokenError('malformed');
  if (!checkFormToken(token, fields.get('formToken') ?? '', await linkSecret())) throw new TokenError('malformed');
  const submissionId = submissionIdSchema.safeParse(fields.get('submissionId'));
  if (!submissionId.success)
    throw new HttpError(
      400,
      'This page is out of date: open the link from your email again, and send the form from there',
    );
  return { token, submissionId: submissionId.data, fields };
}

const versionSchema = z.coerce.number().int().min(0);

/** The version of the answers a form of answers was rendered with: its hidden `version` field. */
export function postedVersion(post: FormPost): number {
  const version = versionSchema.safeParse(post.fields.get('version') ?? '');
  if (!version.success)
    throw new HttpError(
      400,
      'This page is out of date: open the link from your email again, and send the form from there',
    );
  return version.data;
}

/**
 * Each call gives a new submission id, so every form rendered (one per goal, per report) is counted once
 * on its own, and a page opened afresh makes a new submission.
 */
export async function formFields(token: string): Promise<FormFields> {
  const base = { t: token, formToken: formToken(token, await linkSecret()) };
  return (extra = {}) => ({ ...base, ...extra, submissionId: randomUUID() });
}

/**
 * Post/Redirect/Get: a recorded post is answered with 303 to the page that shows its outcome, so reloading
 * that page reads it again and a browser never offers to send the form twice.
 */
export function seeOther(path: string, token: string, query: Record<string, string> = {}): HttpResult {
  return {
    statusCode: 303,
    headers: { location: `${path}?${new URLSearchParams({ t: token, ...query })}`, 'cache-control': 'no-store' },
    body: '',
  };
}

/** The outcome notice a redirected page shows: only known codes, so a crafted URL cannot put words on the page. */
export function noticeOf<T extends string>(event: HttpEvent, notices: Record<T, string>): string | undefined {
  const code = event.queryStringParameters?.notice;
  return code && Object.hasOwn(notices, code) ? notices[code as T] : undefined;
}

export function linkToken(event: HttpEvent): string {
  const token = event.queryStringParameters?.t;
  if (!token) throw new TokenError('malformed');
  return token;
}
