import { execFile } from 'node:child_process';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * Signing HR in to perfcycle in AWS: Cognito's managed login with the authorization code flow, PKCE (S256)
 * and a loopback redirect; the tokens are kept in the user's config directory (0600) and refreshed there.
 * Tokens are never printed.
 */

/** What `perfcycle login` keeps, in `$XDG_CONFIG_HOME/perfcycle/credentials.json` (or `~/.config/perfcycle/`). */
export interface Credentials {
  apiUrl: string;
  /** The managed login's base URL, `https://<domain>`. */
  authDomain: string;
  clientId: string;
  /** Sent to the API: its JWT authorizer checks `aud` against the app client id, which Cognito's ID token carries. */
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** ISO time at which the ID token expires. */
  expiresAt: string;
}

/** A failure the CLI reports with exit code 1 (program.ts maps it onto its own failure). */
export class LoginFailure extends Error {}

/** Refresh a token that expires within this margin, so a request never arrives with a token that just lapsed. */
const REFRESH_MARGIN_MS = 60_000;
/** The port registered as `http://localhost:<port>/callback` on the app client (Cognito matches callback URLs exactly). */
export const DEFAULT_CALLBACK_PORT = 8976;

export function credentialsFile(env: Record<string, string | undefined>): string {
  const home = env.HOME ?? env.USERPROFILE;
  const base = env.XDG_CONFIG_HOME || (home ? join(home, '.config') : undefined);
  if (!base) throw new LoginFailure('cannot tell where to keep the sign-in: set HOME or XDG_CONFIG_HOME');
  return join(base, 'perfcycle', 'credentials.json');
}

/** The stored sign-in, if any (none where there is no config directory to keep one in). */
export function readCredentials(env: Record<string, string | undefined>): Credentials | undefined {
  if (!env.XDG_CONFIG_HOME && !env.HOME && !env.USERPROFILE) return undefined;
  const file = credentialsFile(env);
  if (!existsSync(file)) return undefined;
  let stored: Partial<Credentials>;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new LoginFailure(`${file} is not readable JSON: run perfcycle login`);
  }
  for (const key of ['apiUrl', 'authDomain', 'clientId', 'idToken', 'refreshToken', 'expiresAt'] as const) {
    if (typeof stored[key] !== 'string' || !stored[key])
      throw new LoginFailure(`${file} has no ${key}: run perfcycle login`);
  }
  return { ...(stored as Credentials), authDomain: authBase(stored.authDomain!) };
}

/** Writes the file whole (a temporary file renamed over it), readable by its owner only, in a directory only the owner enters. */
export function writeCredentials(env: Record<string, string | undefined>, credentials: Credentials): string {
  const file = credentialsFile(env);
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/**
 * The managed login's base URL from a domain (`perfcycle-prod-1234.auth.eu-west-1.amazoncognito.com`) or a URL.
 * HTTPS only; plain HTTP is accepted for a loopback stand-in (tests), never for a remote host.
 */
export function authBase(domain: string): string {
  const url = new URL(/^[a-z]+:\/\//i.test(domain) ? domain : `https://${domain}`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new LoginFailure(`the sign-in domain must be HTTPS: ${domain}`);
  }
  return url.origin;
}

function apiBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
    throw new LoginFailure(`the API URL must be HTTPS: ${apiUrl}`);
  return apiUrl.replace(/\/$/, '');
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** A PKCE verifier (43 characters of 32 random bytes) and its S256 challenge (RFC 7636). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

interface TokenAnswer {
  id_token?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

async function tokenRequest(authDomain: string, form: Record<string, string>): Promise<TokenAnswer> {
  let response: Response;
  try {
    response = await fetch(`${authDomain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new LoginFailure(`cannot reach the sign-in service at ${authDomain} (${(error as Error).message})`);
  }
  let answer: TokenAnswer;
  try {
    answer = (await response.json()) as TokenAnswer;
  } catch {
    answer = {};
  }
  if (!response.ok) {
    // The error code and its description only: the service's answer to a failed request holds no token.
    throw new LoginFailure(
      `the sign-in service refused (${answer.error ?? `HTTP ${response.status}`}${answer.error_description ? `: ${answer.error_description}` : ''})`,
    );
  }
  return answer;
}

function expiry(now: number, answer: TokenAnswer): string {
  return new Date(
    now + (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600) * 1000,
  ).toISOString();
}

export interface LoginOptions {
  apiUrl?: string;
  authDomain?: string;
  clientId?: string;
  stack?: string;
  port: number;
  timeoutSeconds: number;
}

export interface LoginIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Reads a CloudFormation stack's outputs (OutputKey -> OutputValue); by default through the AWS CLI. */
  stackOutputs?: (stack: string) => Promise<Record<string, string>>;
}

/** A stack's outputs through `aws cloudformation describe-stacks` (the SDK's CloudFormation client is not a dependency). */
export function describeStackOutputs(stack: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    execFile(
      'aws',
      ['cloudformation', 'describe-stacks', '--stack-name', stack, '--output', 'json'],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          reject(
            new LoginFailure(
              missing
                ? `reading the outputs of stack ${stack} needs the AWS CLI (aws), which is not installed: pass --api-url, --auth-domain and --client-id instead`
                : `cannot read the outputs of stack ${stack}: ${String(stderr).trim().split('\n').at(-1) || error.message}; or pass --api-url, --auth-domain and --client-id`,
            ),
          );
          return;
        }
        try {
          const outputs: { OutputKey: string; OutputValue: string }[] = JSON.parse(stdout).Stacks?.[0]?.Outputs ?? [];
          resolve(Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue])));
        } catch {
          reject(new LoginFailure(`the AWS CLI answered something that is not JSON for stack ${stack}`));
        }
      },
    );
  });
}

async function target(
  io: LoginIo,
  options: LoginOptions,
): Promise<{ apiUrl: string; authDomain: string; clientId: string }> {
  let outputs: Record<string, string> = {};
  if (options.stack) outputs = await (io.stackOutputs ?? describeStackOutputs)(options.stack);
  const apiUrl = options.apiUrl ?? outputs.ApiUrl ?? io.env.PERFCYCLE_API_URL;
  const authDomain = options.authDomain ?? outputs.AuthDomain;
  const clientId = options.clientId ?? outputs.UserPoolClientId;
  const missing = [
    ...(apiUrl
      ? []
      : [
          options.stack
            ? `stack ${options.stack} has no ApiUrl output: pass --api-url`
            : '--api-url (or --stack <name>, or PERFCYCLE_API_URL)',
        ]),
    ...(authDomain
      ? []
      : [
          options.stack
            ? `stack ${options.stack} has no AuthDomain output: pass --auth-domain`
            : '--auth-domain (or --stack <name>)',
        ]),
    ...(clientId
      ? []
      : [
          options.stack
            ? `stack ${options.stack} has no UserPoolClientId output: pass --client-id`
            : '--client-id (or --stack <name>)',
        ]),
  ];
  if (missing.length) throw new LoginFailure(`cannot sign in without: ${missing.join('; ')}`);
  return { apiUrl: apiBase(apiUrl!), authDomain: authBase(authDomain!), clientId: clientId! };
}

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Waits on the loopback server for the managed login's redirect, checks its state, exchanges the code (with
 * the PKCE verifier) and answers the browser with the outcome. One redirect settles it: a wrong state ends the login.
 */
function awaitCallback(
  server: Server,
  state: string,
  timeoutMs: number,
  exchange: (code: string) => Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        finish(
          new LoginFailure(`no answer from the sign-in page within ${timeoutMs / 1000} s: run perfcycle login again`),
        ),
      timeoutMs,
    );
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    server.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const answer = (status: number, title: string, text: string) => {
        response.writeHead(status, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
        });
        response.end(page(title, text));
      };
      if (url.pathname !== '/callback' || settled) {
        answer(404, 'Not found', 'This page only receives the perfcycle sign-in.');
        return;
      }
      const error = url.searchParams.get('error');
      const code = url.searchParams.get('code');
      if (!sameText(url.searchParams.get('state') ?? '', state)) {
        answer(400, 'Sign-in refused', 'The answer does not belong to this sign-in. Run perfcycle login again.');
        finish(
          new LoginFailure(
            'the sign-in answer carries the wrong state (not this login\u2019s): refused; run perfcycle login again',
          ),
        );
        return;
      }
      if (error || !code) {
        const reason = error
          ? `${error}${url.searchParams.get('error_description') ? `: ${url.searchParams.get('error_description')}` : ''}`
          : 'no code';
        answer(400, 'Sign-in failed', 'The sign-in did not complete. Return to the terminal.');
        finish(new LoginFailure(`the sign-in did not complete (${reason})`));
        return;
      }
      exchange(code).then(
        () => {
          answer(200, 'Signed in to perfcycle', 'You can close this page and return to the terminal.');
          finish();
        },
        (failure: Error) => {
          answer(502, 'Sign-in failed', 'The code could not be exchanged. Return to the terminal.');
          finish(failure);
        },
      );
    });
  });
}

export async function login(io: LoginIo, options: LoginOptions): Promise<void> {
  const { apiUrl, authDomain, clientId } = await target(io, options);
  const file = credentialsFile(io.env);
  const { verifier, challenge } = pkce();
  const state = base64url(randomBytes(16));

  const server = createServer();
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LoginFailure(
          error.code === 'EADDRINUSE'
            ? `port ${options.port} is in use: close what holds it (or another perfcycle login) and try again`
            : `cannot listen for the sign-in: ${error.message}`,
        ),
      ),
    );
    // Loopback only: nothing outside this machine can deliver (or read) the code.
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  try {
    const port = (server.address() as AddressInfo).port;
    // Cognito accepts plain HTTP only for `localhost`, and matches the callback URL exactly (port included).
    const redirectUri = `http://localhost:${port}/callback`;
    const authorize = new URL(`${authDomain}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    io.err(
      `Open this address in a browser and sign in (waiting up to ${options.timeoutSeconds >= 120 ? `${Math.round(options.timeoutSeconds / 60)} min` : `${options.timeoutSeconds} s`}):\n\n  ${authorize}\n\n`,
    );

    await awaitCallback(server, state, options.timeoutSeconds * 1000, async (code) => {
      const now = Date.now();
      const tokens = await tokenRequest(authDomain, {
        grant_type: 'authorization_code',
        client_id: clientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      if (!tokens.id_token || !tokens.refresh_token)
        throw new LoginFailure('the sign-in service answered without an ID token or a refresh token');
      writeCredentials(io.env, {
        apiUrl,
        authDomain,
        clientId,
        idToken: tokens.id_token,
        accessToken: tokens.access_token ?? '',
        refreshToken: tokens.refresh_token,
        expiresAt: expiry(now, tokens),
      });
    });
    io.out(
      `signed in to ${apiUrl}; the sign-in is kept in ${file} (readable by you only) and renewed as needed; \`perfcycle logout\` removes it`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The stored ID token, renewed with the refresh token when it expires within a minute (and stored again). */
export async function freshCredentials(
  env: Record<string, string | undefined>,
  credentials: Credentials,
): Promise<Credentials> {
  const now = Date.now();
  if (Date.parse(credentials.expiresAt) - now > REFRESH_MARGIN_MS) return credentials;
  let tokens: TokenAnswer;
  try {
    tokens = await tokenRequest(credentials.authDomain, {
      grant_type: 'refresh_token',
      client_id: credentials.clientId,
      refresh_token: credentials.refreshToken,
    });
  } catch (error) {
    throw new LoginFailure(
      `the sign-in has expired and could not be renewed (${(error as Error).message}): run perfcycle login`,
    );
  }
  if (!tokens.id_token)
    throw new LoginFailure('the sign-in has expired and the renewal sent no ID token: run perfcycle login');
  const renewed: Credentials = {
    ...credentials,
    idToken: tokens.id_token,
    accessToken: tokens.access_token ?? credentials.accessToken,
    // Cognito keeps the refresh token unless rotation is on; a rotated one replaces it.
    refreshToken: tokens.refresh_token ?? credentials.refreshToken,
    expiresAt: expiry(now, tokens),
  };
  writeCredentials(env, renewed);
  return renewed;
}

/** Removes the stored sign-in (idempotent); the refresh token is revoked first, best effort. */
export async function logout(io: LoginIo): Promise<void> {
  const file = credentialsFile(io.env);
  if (!existsSync(file)) {
    io.out(`not signed in: no credentials at ${file}; nothing to remove`);
    return;
  }
  let revoked = false;
  try {
    const stored = readCredentials(io.env);
    if (stored) {
      const response = await fetch(`${stored.authDomain}/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: stored.refreshToken, client_id: stored.clientId }).toString(),
        signal: AbortSignal.timeout(5000),
      });
      revoked = response.ok;
    }
  } catch {
    // An unreadable file or an unreachable service: the file goes anyway.
  }
  rmSync(file, { force: true });
  io.out(
    `signed out: removed ${file}${revoked ? ' and revoked its refresh token' : ' (its refresh token could not be revoked; it lapses on its own)'}`,
  );
}
