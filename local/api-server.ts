import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseDuration } from '../functions/domain/time.ts';
import { ClockRefusal } from './clock.ts';
import type { RouteSpec } from '../lib/functions.ts';

/**
 * The HTTP API as API Gateway presents it to the handlers: each request becomes a payload-2.0 event for
 * the route's real handler. HR routes check the printed HR token where AWS checks a Cognito JWT, and pass
 * the same claim shape on. A few local-only routes move the clock.
 */
export interface LocalRoute extends RouteSpec {
  invoke: (event: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;
}

interface ApiRequest {
  request: IncomingMessage;
  response: ServerResponse;
  /** Undefined when the body was larger than the API accepts. */
  body: Buffer | undefined;
  routes: LocalRoute[];
  hrToken: string;
  advance: (ms: number) => Promise<number>;
  now: () => number;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' },
) {
  response.writeHead(status, headers);
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/\{(\w+)\}/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  const match = regex.exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
}

function isHr(request: IncomingMessage, hrToken: string): boolean {
  const given = Buffer.from(String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(hrToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const advanceSchema = z.strictObject({ duration: z.string().max(32) });

/** Content types API Gateway passes to a handler as text; any other body arrives base64-encoded, byte for byte. */
const TEXT_BODY = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)\b)/i;

export async function handleApiRequest({
  request,
  response,
  body: bytes,
  routes,
  hrToken,
  advance,
  now,
}: ApiRequest): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://local');
  const method = request.method ?? 'GET';
  try {
    decodeURIComponent(url.pathname); // route parameters are decoded below; refuse what cannot be
  } catch {
    return send(response, 400, { error: 'invalid percent-encoding in the path', details: [] });
  }
  if (bytes === undefined) return send(response, 413, { error: 'request body is larger than 10 MB', details: [] });
  const body = bytes.toString('utf8');

  if (url.pathname.startsWith('/local/clock')) {
    if (!isHr(request, hrToken)) return send(response, 401, { error: 'HR token required', details: [] });
    if (method === 'GET' && url.pathname === '/local/clock')
      return send(response, 200, { now: new Date(now()).toISOString() });
    if (method === 'POST' && url.pathname === '/local/clock/advance') {
      let duration: number;
      try {
        duration = parseDuration(advanceSchema.parse(JSON.parse(body || '{}')).duration);
      } catch (error) {
        return send(response, 400, { error: 'invalid duration', details: [(error as Error).message.slice(0, 200)] });
      }
      try {
        return send(response, 200, { now: new Date(await advance(duration)).toISOString() });
      } catch (error) {
        if (error instanceof ClockRefusal)
          return send(response, 400, { error: 'invalid duration', details: [error.message] });
        throw error;
      }
    }
  }

  const candidates = routes
    .map((route) => ({ route, params: matchPath(route.path, url.pathname) }))
    .filter((c) => c.params);
  const found = candidates.find((c) => c.route.method === method);
  if (!found) {
    return candidates.length
      ? send(response, 405, { error: `method ${method} not allowed on ${url.pathname}`, details: [] })
      : send(response, 404, { error: 'not found', details: [] });
  }
  const { route, params } = found;
  if (route.auth === 'hr' && !isHr(request, hrToken)) {
    return send(response, 401, { error: 'HR sign-in required: send Authorization: Bearer <token>', details: [] });
  }
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
  const at = new Date();
  const binary = bytes.length > 0 && !!headers['content-type'] && !TEXT_BODY.test(headers['content-type']);
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(params!).length ? params : undefined,
    body: binary ? bytes.toString('base64') : body || undefined,
    isBase64Encoded: binary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(8).toString('hex'),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: at.toISOString(),
      timeEpoch: at.getTime(),
      ...(route.auth === 'hr' ? { authorizer: { jwt: { claims: { sub: 'local-hr' }, scopes: [] } } } : {}),
    },
  };
  try {
    const result = await route.invoke(event);
    send(response, result.statusCode, result.body ?? '', result.headers ?? {});
  } catch (error) {
    console.error(`perfcycle: ${route.method} ${route.path} failed: ${(error as Error).message}`);
    send(response, 500, { error: 'internal error', details: [] });
  }
}
