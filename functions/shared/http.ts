import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ZodError, type ZodType } from 'zod';
import { RuleViolation } from '#domain/cycle.ts';
import { RosterRejected } from '#domain/employee.ts';
import { Conflict, NotFound } from '#services/errors.ts';
import type { Actor } from '#store/audit.ts';
import { logger, observability } from './observability.ts';

/** The HTTP API event; HR routes carry the JWT authorizer's claims (locally: the HR token's). */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
};
export type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

declare const jsonBody: unique symbol;
/** A JSON answer that keeps its body's type, so a route table can check it against the route's response type. */
export type JsonResult<B> = HttpResult & { readonly [jsonBody]?: B };

export function json<B>(status: number, body: B): JsonResult<B> {
  return { statusCode: status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** Maps what the caller got wrong to a 4xx `{ error, details }`; anything else is a 500 that says nothing internal. */
export function errorResponse(error: unknown): HttpResult {
  if (error instanceof HttpError) return json(error.status, { error: error.message, details: error.details });
  if (error instanceof ZodError) {
    return json(400, {
      error: 'invalid request',
      details: error.issues.map((issue) =>
        issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
      ),
    });
  }
  if (error instanceof RosterRejected) {
    return json(400, {
      error: 'roster rejected: nothing was imported',
      details: error.problems.map((p) => `line ${p.line}${p.employeeId ? ` (${p.employeeId})` : ''}: ${p.reason}`),
    });
  }
  if (error instanceof Conflict) return json(409, { error: error.message, details: error.details });
  if (error instanceof RuleViolation) return json(400, { error: error.message, details: error.details });
  if (error instanceof NotFound) return json(404, { error: error.message, details: [] });
  logger.error('unhandled error', { error });
  return json(500, { error: 'internal error', details: [] });
}

const jsonErrors = (): MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: async (request) => {
    request.response = errorResponse(request.error);
  },
});

/**
 * The middy stack every JSON API handler shares; `sendsMail` handlers also publish the mail metrics. Creating
 * routes pass `idempotency` (functions/shared/idempotency.ts): it sits inside the error mapping, so it sees
 * the answer an error becomes.
 */
export function apiHandler(
  handler: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  options: { sendsMail?: boolean; idempotency?: MiddlewareObj<HttpEvent, HttpResult, Error, Context> } = {},
) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use([
      ...observability({ metrics: options.sendsMail }),
      ...(options.idempotency ? [options.idempotency] : []),
      jsonErrors(),
    ])
    .handler(handler);
}

/**
 * The body's bytes as the client sent them, refusing anything larger than `maxBytes` before decoding it.
 * API Gateway hands a binary body (such as application/octet-stream) over base64-encoded, byte for byte.
 */
export function readBodyBytes(event: HttpEvent, maxBytes: number): Buffer {
  const raw = event.body ?? '';
  const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (size > maxBytes) throw new HttpError(413, `request body is larger than ${maxBytes} bytes`);
  return Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** The body as UTF-8 text (see readBodyBytes). */
export function readBody(event: HttpEvent, maxBytes: number): string {
  return readBodyBytes(event, maxBytes).toString('utf8');
}

export function parseJsonBody<T>(event: HttpEvent, schema: ZodType<T>, maxBytes = 64 * 1024): T {
  const text = readBody(event, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body must be JSON', ['send a JSON object with content-type application/json']);
  }
  return schema.parse(value);
}

export function pathParameter<T>(event: HttpEvent, name: string, schema: ZodType<T>): T {
  const result = schema.safeParse(event.pathParameters?.[name]);
  if (!result.success)
    throw new HttpError(
      400,
      `invalid ${name}`,
      result.error.issues.map((issue) => issue.message),
    );
  return result.data;
}

/** The HR person behind a request, from the authorizer's claims; ids only, never their address. */
export function hrActor(event: HttpEvent): Actor {
  const subject = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof subject !== 'string' || !subject) throw new HttpError(401, 'HR sign-in required');
  return `hr:${subject}`;
}
