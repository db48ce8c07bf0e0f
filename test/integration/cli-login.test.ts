import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../cli/program.ts';
import { tempDir } from '../support/local.ts';

/**
 * `perfcycle login` / `logout` against local stand-ins: the managed login (authorize redirect, token endpoint
 * that checks the PKCE verifier against the challenge, refresh, revoke) and the HR API (records the bearer).
 * The test is the browser: it opens the printed address and follows the redirect to the CLI's loopback.
 */

const CLIENT_ID = 'test-client-id';

interface Issued {
  challenge: string;
  redirectUri: string;
}

async function body(request: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return new URLSearchParams(text);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The managed login's stand-in. */
function authStandIn() {
  const codes = new Map<string, Issued>();
  const refreshTokens = new Set<string>();
  const state = {
    issued: 0,
    refreshed: 0,
    revoked: [] as string[],
    refuseRefresh: false,
    expiresIn: 3600,
    tokenRequests: [] as Record<string, string>[],
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const q = url.searchParams;
      // The sign-in (password, MFA) is the managed login's business: the stand-in signs in at once.
      if (
        q.get('client_id') !== CLIENT_ID ||
        q.get('response_type') !== 'code' ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge') ||
        !q.get('state')
      ) {
        json(400, { error: 'invalid_request' });
        return;
      }
      const code = randomUUID();
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
      const location = new URL(q.get('redirect_uri')!);
      location.searchParams.set('code', code);
      location.searchParams.set('state', q.get('state')!);
      response.writeHead(302, { location: location.toString() });
      response.end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = await body(request);
      state.tokenRequests.push(Object.fromEntries(form));
      if (form.get('client_id') !== CLIENT_ID) return json(400, { error: 'invalid_client' });
      if (form.get('grant_type') === 'authorization_code') {
        const issued = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!issued || issued.redirectUri !== form.get('redirect_uri')) return json(400, { error: 'invalid_grant' });
        if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge)
          return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        state.issued++;
        const refresh = `refresh-${randomUUID()}`;
        refreshTokens.add(refresh);
        return json(200, {
          id_token: `id-${state.issued}-${randomUUID()}`,
          access_token: `access-${randomUUID()}`,
          refresh_token: refresh,
          expires_in: state.expiresIn,
          token_type: 'Bearer',
        });
      }
      if (form.get('grant_type') === 'refresh_token') {
        if (state.refuseRefresh || !refreshTokens.has(form.get('refresh_token') ?? ''))
          return json(400, { error: 'invalid_grant', error_description: 'Refresh Token has expired' });
        state.refreshed++;
        return json(200, {
          id_token: `id-refreshed-${state.refreshed}-${randomUUID()}`,
          access_token: `access-${randomUUID()}`,
          expires_in: 3600,
          token_type: 'Bearer',
        });
      }
      return json(400, { error: 'unsupported_grant_type' });
    }
    if (request.method === 'POST' && url.pathname === '/oauth2/revoke') {
      const form = await body(request);
      state.revoked.push(form.get('token') ?? '');
      refreshTokens.delete(form.get('token') ?? '');
      response.writeHead(200);
      response.end();
      return;
    }
    json(404, { error: 'not found' });
  });
  return { server, state };
}

/** The HR API's stand-in: records the Authorization header of each request. */
function apiStandIn() {
  const authorizations: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ cycles: [] }));
  });
  return { server, authorizations };
}

describe('perfcycle login / logout', () => {
  const auth = authStandIn();
  const api = apiStandIn();
  let authUrl = '';
  let apiUrl = '';
  let config: ReturnType<typeof tempDir>;
  const credentialsPath = () => join(config.path, 'perfcycle', 'credentials.json');

  beforeAll(async () => {
    authUrl = await listen(auth.server);
    apiUrl = await listen(api.server);
  });
  afterAll(() => {
    auth.server.close();
    api.server.close();
  });
  afterEach(() => config?.remove());

  function run(argv: string[], extra: Partial<CliIo> = {}) {
    let out = '';
    let err = '';
    const io: CliIo = {
      env: { XDG_CONFIG_HOME: config.path },
      cwd: config.path,
      out: (text) => (out += text),
      err: (text) => (err += text),
      ...extra,
    };
    const done = runCli(argv, io);
    return { done, out: () => out, err: () => err };
  }

  /** Waits for the printed sign-in address, then does what the browser does: opens it and follows the redirect. */
  async function browse(
    run: { err: () => string },
    tamper?: (callback: URL) => void,
  ): Promise<{ callback: URL; status: number; page: string }> {
    let printed: RegExpExecArray | null = null;
    for (let i = 0; i < 200 && !printed; i++) {
      printed = /(https?:\/\/\S+\/oauth2\/authorize\?\S+)/.exec(run.err());
      if (!printed) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!printed) throw new Error(`no sign-in address printed: ${run.err()}`);
    const authorize = await fetch(printed[1]!, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.headers.get('location')!);
    tamper?.(callback);
    const answer = await fetch(callback);
    return { callback, status: answer.status, page: await answer.text() };
  }

  async function signIn() {
    const login = run([
      'login',
      '--port',
      '0',
      '--api-url',
      apiUrl,
      '--auth-domain',
      authUrl,
      '--client-id',
      CLIENT_ID,
    ]);
    const browsed = await browse(login);
    return { code: await login.done, out: login.out(), err: login.err(), browsed };
  }

  it('signs in with the code flow and PKCE, keeps the tokens (0600, directory 0700) and sends the ID token to the API', async () => {
    config = tempDir('perfcycle-login-');
    const { code, out, err, browsed } = await signIn();
    expect(code, err).toBe(0);
    expect(browsed.status).toBe(200);
    expect(browsed.page).toContain('Signed in');
    // The loopback redirect, as the app client registers it.
    expect(browsed.callback.origin).toMatch(/^http:\/\/localhost:\d+$/);
    expect(browsed.callback.pathname).toBe('/callback');

    const authorizeUrl = new URL(/(http\S+oauth2\/authorize\S+)/.exec(err)![1]!);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      code_challenge_method: 'S256',
      scope: 'openid',
    });
    const exchange = auth.state.tokenRequests.at(-1)!;
    expect(exchange).toMatchObject({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      redirect_uri: authorizeUrl.searchParams.get('redirect_uri'),
    });
    expect(exchange.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    const file = credentialsPath();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(config.path, 'perfcycle')).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toMatchObject({
      apiUrl,
      authDomain: authUrl,
      clientId: CLIENT_ID,
      idToken: expect.stringMatching(/^id-/),
      accessToken: expect.stringMatching(/^access-/),
      refreshToken: expect.stringMatching(/^refresh-/),
    });
    expect(Date.parse(stored.expiresAt)).toBeGreaterThan(Date.now() + 3500_000);
    // No token is ever printed.
    for (const token of [stored.idToken, stored.accessToken, stored.refreshToken])
      expect(out + err).not.toContain(token);
    expect(out).toContain(file);

    // A later command, without PERFCYCLE_TOKEN or PERFCYCLE_API_URL, goes to the stored API with the ID token.
    const list = run(['cycle', 'list']);
    expect(await list.done, list.err()).toBe(0);
    expect(list.out()).toContain('no cycles yet');
    expect(api.authorizations.at(-1)).toBe(`Bearer ${stored.idToken}`);

    // An explicit PERFCYCLE_TOKEN wins; a stored sign-in is never sent to another API.
    const other = run(['cycle', 'list'], {
      env: { XDG_CONFIG_HOME: config.path, PERFCYCLE_API_URL: `${apiUrl}/`, PERFCYCLE_TOKEN: 'explicit' },
    });
    expect(await other.done).toBe(0);
    expect(api.authorizations.at(-1)).toBe('Bearer explicit');
    // PERFCYCLE_API_URL naming the signed-in API takes the sign-in, even where a local stack's token file lies.
    mkdirSync(join(config.path, '.data'));
    writeFileSync(join(config.path, '.data', 'hr-token'), 'local-token');
    const named = run(['cycle', 'list'], { env: { XDG_CONFIG_HOME: config.path, PERFCYCLE_API_URL: `${apiUrl}/` } });
    expect(await named.done, named.err()).toBe(0);
    expect(api.authorizations.at(-1)).toBe(`Bearer ${stored.idToken}`);
    const elsewhere = run(['cycle', 'list'], {
      env: { XDG_CONFIG_HOME: config.path, PERFCYCLE_API_URL: 'http://127.0.0.1:9', PERFCYCLE_DATA_DIR: config.path },
    });
    expect(await elsewhere.done).toBe(1);
    expect(elsewhere.err()).toContain('no HR token');
  });

  it('renews an expired token with the refresh token and stores it; a refused renewal says to log in again', async () => {
    config = tempDir('perfcycle-login-');
    expect((await signIn()).code).toBe(0);
    const file = credentialsPath();
    const first = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...first, expiresAt: new Date(Date.now() - 1000).toISOString() }), {
      mode: 0o600,
    });

    const refreshedBefore = auth.state.refreshed;
    const list = run(['cycle', 'list']);
    expect(await list.done, list.err()).toBe(0);
    expect(auth.state.refreshed).toBe(refreshedBefore + 1);
    expect(auth.state.tokenRequests.at(-1)).toEqual({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: first.refreshToken,
    });
    const renewed = JSON.parse(readFileSync(file, 'utf8'));
    expect(renewed.idToken).toMatch(/^id-refreshed-/);
    expect(renewed.refreshToken).toBe(first.refreshToken);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.now() + 3500_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(api.authorizations.at(-1)).toBe(`Bearer ${renewed.idToken}`);

    // A token still valid for more than a minute is used as it is.
    const again = run(['cycle', 'list']);
    expect(await again.done).toBe(0);
    expect(auth.state.refreshed).toBe(refreshedBefore + 1);

    // The refresh token has lapsed: exit 1, told to log in, nothing sent to the API.
    writeFileSync(file, JSON.stringify({ ...renewed, expiresAt: new Date(Date.now() + 30_000).toISOString() }), {
      mode: 0o600,
    });
    auth.state.refuseRefresh = true;
    const calls = api.authorizations.length;
    try {
      const lapsed = run(['cycle', 'list']);
      expect(await lapsed.done).toBe(1);
      expect(lapsed.err()).toMatch(/run perfcycle login/);
      expect(lapsed.err()).not.toContain(renewed.refreshToken);
      expect(api.authorizations.length).toBe(calls);
    } finally {
      auth.state.refuseRefresh = false;
    }
  });

  it('refuses an answer with the wrong state, and exchanges no code', async () => {
    config = tempDir('perfcycle-login-');
    const requests = auth.state.tokenRequests.length;
    const login = run([
      'login',
      '--port',
      '0',
      '--api-url',
      apiUrl,
      '--auth-domain',
      authUrl,
      '--client-id',
      CLIENT_ID,
    ]);
    const browsed = await browse(login, (callback) => callback.searchParams.set('state', 'forged'));
    expect(browsed.status).toBe(400);
    expect(await login.done).toBe(1);
    expect(login.err()).toMatch(/wrong state/);
    expect(auth.state.tokenRequests.length).toBe(requests);
    expect(existsSync(credentialsPath())).toBe(false);
  });

  it('reads the API URL, sign-in domain and client id from the stack outputs with --stack', async () => {
    config = tempDir('perfcycle-login-');
    const asked: string[] = [];
    const stackOutputs = async (name: string) => {
      asked.push(name);
      return { ApiUrl: `${apiUrl}/`, AuthDomain: authUrl, UserPoolClientId: CLIENT_ID, UserPoolId: 'pool' };
    };
    const login = run(['login', '--port', '0', '--stack', 'perfcycle-prod'], { stackOutputs });
    expect((await browse(login)).status).toBe(200);
    expect(await login.done, login.err()).toBe(0);
    expect(asked).toEqual(['perfcycle-prod']);
    expect(JSON.parse(readFileSync(credentialsPath(), 'utf8'))).toMatchObject({
      apiUrl,
      authDomain: authUrl,
      clientId: CLIENT_ID,
    });

    // Without a stack or the three settings: said what is missing, nothing waits.
    const bare = run(['login', '--port', '0']);
    expect(await bare.done).toBe(1);
    expect(bare.err()).toMatch(/--auth-domain/);
    // A remote sign-in domain must be HTTPS.
    const insecure = run([
      'login',
      '--port',
      '0',
      '--api-url',
      apiUrl,
      '--auth-domain',
      'http://login.example.com',
      '--client-id',
      CLIENT_ID,
    ]);
    expect(await insecure.done).toBe(1);
    expect(insecure.err()).toMatch(/must be HTTPS/);
  });

  it('logout removes the stored sign-in and revokes its refresh token; a second logout says there was nothing', async () => {
    config = tempDir('perfcycle-login-');
    expect((await signIn()).code).toBe(0);
    const { refreshToken } = JSON.parse(readFileSync(credentialsPath(), 'utf8'));
    const out = run(['logout']);
    expect(await out.done).toBe(0);
    expect(out.out()).toMatch(/signed out: removed .*credentials\.json and revoked/);
    expect(auth.state.revoked).toContain(refreshToken);
    expect(existsSync(credentialsPath())).toBe(false);

    const again = run(['logout']);
    expect(await again.done).toBe(0);
    expect(again.out()).toMatch(/not signed in/);

    const list = run(['cycle', 'list'], { env: { XDG_CONFIG_HOME: config.path, PERFCYCLE_DATA_DIR: config.path } });
    expect(await list.done).toBe(1);
    expect(list.err()).toMatch(/perfcycle login/);
  });
});
