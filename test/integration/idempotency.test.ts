import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHandler, json, type HttpEvent } from '../../functions/shared/http.ts';
import { idempotencyKey } from '../../functions/shared/idempotency.ts';
import { listFeedbackFor } from '../../functions/store/feedback.ts';
import { queryAll } from '../../functions/store/table.ts';
import { freePort, listen } from '../../local/stack.ts';
import { auditOf, cli, dateAfter, hr, mailbox, startLocalStack, tempDir, type LocalStack } from '../support/local.ts';

/**
 * The creating routes take an Idempotency-Key (issue 10, part 1): the same key and request twice, one after
 * the other or at the same moment, apply once and answer the first answer again; the same key with another
 * request is refused and changes nothing; the CLI sends one key per invocation and retries a lost
 * connection with it, so a dropped answer never creates twice.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Quiet,cid@example.com,m1,Sales
o1,Otto Ops,otto@example.com,,Ops
o2,Olga Ops,olga@example.com,o1,Ops
`;

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

/** A creating route: the n-th distinct request to it, and what a user can see it change. */
interface CreatingRoute {
  name: string;
  path: () => string;
  request: (n: number) => { body: string; contentType?: string };
  status: number;
  /** The stored state the route changes, as a user (or HR, through the API) sees it. */
  state: () => Promise<unknown>;
  /** How many emails one application of the route sends. */
  mails: number;
}

describe('Idempotency-Key on the creating routes', () => {
  const dir = tempDir('perfcycle-idempotency-');
  let stack: LocalStack;
  let cycleId: string;
  let selfDate: string;
  let managerDate: string;

  async function post(
    path: string,
    key: string | undefined,
    request: { body: string; contentType?: string },
  ): Promise<Answer> {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.hrToken}`,
        'content-type': request.contentType ?? 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body: request.body,
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }
  const jsonRequest = (body: unknown) => ({ body: JSON.stringify(body) });
  const mail = async () => (await mailbox(stack)).map((m) => `${m.to}|${m.subject}`).sort();
  /** What the route changed and the mailbox, once the workflows it started have settled. */
  async function seen(route: CreatingRoute) {
    await stack.settled();
    return { state: await route.state(), mail: await mail() };
  }

  const routes: CreatingRoute[] = [
    {
      name: 'POST /employees/import',
      path: () => '/employees/import',
      // Each import adds one person; an import that ran again would stamp everyone's updatedAt anew.
      request: (n) => ({ body: `${ROSTER}x${n},Xavier ${n},xavier${n}@example.com,,Lab\n`, contentType: 'text/csv' }),
      status: 200,
      state: async () =>
        (
          await queryAll<{ employeeId: string; updatedAt: string }>({
            IndexName: 'gsi3',
            KeyConditionExpression: 'gsi3pk = :pk',
            ExpressionAttributeValues: { ':pk': 'DIRECTORY' },
          })
        )
          .map((item) => `${item.employeeId}|${item.updatedAt}`)
          .sort(),
      mails: 0,
    },
    {
      name: 'POST /cycles',
      path: () => '/cycles',
      request: (n) =>
        jsonRequest({
          name: `Ops ${n}`,
          selfDue: selfDate,
          managerDue: managerDate,
          department: 'Ops',
          allowOverlap: true,
        }),
      status: 201,
      state: async () => ({
        cycles: (await hr(stack, 'GET', '/cycles')).body.cycles.map((c: any) => `${c.cycleId}|${c.name}|${c.phase}`),
        executions: stack.runner.list().length,
      }),
      // An invitation to each of the two Ops people.
      mails: 2,
    },
    {
      name: 'POST /employees/{employeeId}/goals',
      path: () => '/employees/e1/goals',
      request: (n) => jsonRequest({ title: `Goal ${n}`, due: managerDate, weight: 1 }),
      status: 201,
      state: async () =>
        (await hr(stack, 'GET', '/employees/e1/goals')).body.goals.map((g: any) => `${g.goalId}|${g.title}`),
      mails: 1,
    },
    {
      name: 'POST /feedback',
      path: () => '/feedback',
      request: (n) => jsonRequest({ from: 'e2', to: 'e1', kind: 'constructive', text: `Note ${n}` }),
      status: 201,
      state: async () =>
        (await listFeedbackFor('e1', '2000-01-01', '3000-01-01')).map((f) => `${f.feedbackId}|${f.text}`),
      // The person and their manager.
      mails: 2,
    },
    {
      name: 'POST /feedback/requests',
      path: () => '/feedback/requests',
      request: (n) => jsonRequest({ from: 'e1', to: ['e2', 'e3'], message: `Question ${n}` }),
      status: 201,
      // A request shows as its emails, one to each colleague with a link to answer.
      state: async () => (await mail()).filter((m) => m.endsWith('|Ann Early asks for your feedback')),
      mails: 2,
    },
    {
      name: 'POST /cycles/{cycleId}/extensions',
      path: () => `/cycles/${cycleId}/extensions`,
      // Each extension must go past the last one: run again, the same request would be refused 400.
      request: (n) => jsonRequest({ employeeId: 'e1', until: dateAfter(Date.parse(`${selfDate}T12:00:00Z`), n) }),
      status: 200,
      state: async () => ({
        extensions: (await auditOf(stack, cycleId))
          .filter((e: any) => e.action === 'deadline-extended')
          .map((e: any) => e.details.until),
        executions: stack.runner.list().length,
      }),
      mails: 0,
    },
  ];
  let requests = 0;
  /** A request to `route` unlike any sent before. */
  const fresh = (route: CreatingRoute) => route.request(++requests);

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    const now = stack.clock.now();
    selfDate = dateAfter(now, 14);
    managerDate = dateAfter(now, 40);
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Sales Q',
      selfDue: selfDate,
      managerDue: managerDate,
      department: 'Sales',
    });
    expect(launched.status).toBe(201);
    cycleId = launched.body.cycleId;
    await stack.settled();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  describe.each(routes)('$name', (route) => {
    it('applies the same key and request once, and answers the first answer again', async () => {
      const before = await seen(route);
      const key = randomUUID();
      const request = fresh(route);
      const first = await post(route.path(), key, request);
      expect(first.status, first.text).toBe(route.status);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const applied = await seen(route);
      expect(applied.mail.length - before.mail.length).toBe(route.mails);
      expect(applied.state).not.toEqual(before.state);

      const again = await post(route.path(), key, request);
      expect({ status: again.status, text: again.text }).toEqual({ status: first.status, text: first.text });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await seen(route)).toEqual(applied);
    });

    it('refuses the same key with another request (422) and changes nothing', async () => {
      const key = randomUUID();
      expect((await post(route.path(), key, fresh(route))).status).toBe(route.status);
      const before = await seen(route);
      const other = await post(route.path(), key, fresh(route));
      expect(other.status).toBe(422);
      expect(JSON.parse(other.text)).toEqual({
        error: 'this Idempotency-Key was already used for a different request',
        details: ['a key stands for one request (same path and body); send a new key for a new request'],
      });
      expect(await seen(route)).toEqual(before);
    });

    it('applies duplicates sent at the same moment once: the others wait (409) or get the same answer', async () => {
      const before = await seen(route);
      const key = randomUUID();
      const request = fresh(route);
      const answers = await Promise.all(Array.from({ length: 4 }, () => post(route.path(), key, request)));
      const done = answers.filter((answer) => answer.status !== 409);
      expect(done.length).toBeGreaterThan(0);
      expect(new Set(done.map((answer) => `${answer.status} ${answer.text}`)).size).toBe(1);
      expect(done[0]!.status).toBe(route.status);
      for (const busy of answers.filter((answer) => answer.status === 409)) {
        expect(JSON.parse(busy.text).error).toBe('a request with this Idempotency-Key is in progress');
        expect(busy.headers.get('retry-after')).toBe('1');
      }
      const after = await seen(route);
      expect(after.mail.length - before.mail.length).toBe(route.mails);
      // Sent once more now that the first has finished, it is the first's answer.
      const late = await post(route.path(), key, request);
      expect(`${late.status} ${late.text}`).toBe(`${done[0]!.status} ${done[0]!.text}`);
      expect(await seen(route)).toEqual(after);
    });
  });

  it('keeps keys apart per route, and runs requests without a key as before', async () => {
    const key = randomUUID();
    const goal = await post('/employees/e2/goals', key, jsonRequest({ title: 'Shared key goal', due: managerDate }));
    const feedback = await post(
      '/feedback',
      key,
      jsonRequest({ from: 'e1', to: 'e2', kind: 'constructive', text: 'Shared key note' }),
    );
    expect([goal.status, feedback.status]).toEqual([201, 201]);
    const plain = jsonRequest({ title: 'No key', due: managerDate });
    expect((await post('/employees/e2/goals', undefined, plain)).status).toBe(201);
    expect((await post('/employees/e2/goals', undefined, plain)).status).toBe(201);
    const titles = (await hr(stack, 'GET', '/employees/e2/goals')).body.goals.map((g: any) => g.title);
    expect(titles.filter((title: string) => title === 'No key')).toHaveLength(2);
    expect(titles.filter((title: string) => title === 'Shared key goal')).toHaveLength(1);
  });

  it('answers a refusal (4xx) again for its key, without running the request again', async () => {
    const key = randomUUID();
    const request = jsonRequest({ employeeId: 'nobody', until: managerDate });
    const first = await post(`/cycles/${cycleId}/extensions`, key, request);
    expect(first.status).toBe(404);
    const again = await post(`/cycles/${cycleId}/extensions`, key, request);
    expect({ status: again.status, text: again.text, replayed: again.headers.get('idempotent-replayed') }).toEqual({
      status: 404,
      text: first.text,
      replayed: 'true',
    });
  });

  it('refuses a malformed key (400) and applies nothing', async () => {
    const before = await seen(routes[2]!);
    for (const key of ['', 'has space', 'k'.repeat(256), 'caf\u00e9']) {
      const answer = await post('/employees/e1/goals', key, jsonRequest({ title: 'Bad key', due: managerDate }));
      expect(answer.status, JSON.stringify(key)).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        error: 'invalid Idempotency-Key',
        details: ['an Idempotency-Key is 1 to 255 printable ASCII characters without spaces, e.g. a UUID'],
      });
    }
    expect(await seen(routes[2]!)).toEqual(before);
    expect(
      (
        await post(
          '/employees/e1/goals',
          'k'.repeat(255),
          jsonRequest({ title: 'Longest key', due: managerDate, weight: 1 }),
        )
      ).status,
    ).toBe(201);
  });

  describe('a failure', () => {
    /** A handler behind the same middy stack as the API's, invoked the way API Gateway does. */
    const event = (key: string, body: string): HttpEvent =>
      ({
        routeKey: 'POST /test',
        rawPath: '/test',
        rawQueryString: '',
        headers: { 'idempotency-key': key },
        body,
        isBase64Encoded: false,
        requestContext: { authorizer: { jwt: { claims: { sub: 'test-hr' } } } },
      }) as unknown as HttpEvent;
    const context = { getRemainingTimeInMillis: () => 30_000 } as Context;

    it('(5xx or thrown) frees the key, so a retry runs the request again', async () => {
      let runs = 0;
      let failing = true;
      const handler = apiHandler(
        async () => {
          runs++;
          if (failing) throw new Error('dependency down');
          return json(201, { runs });
        },
        { idempotency: idempotencyKey() },
      );
      const key = randomUUID();
      expect((await handler(event(key, '{}'), context)).statusCode).toBe(500);
      failing = false;
      expect(await handler(event(key, '{}'), context)).toMatchObject({ statusCode: 201, body: '{"runs":2}' });
      expect(await handler(event(key, '{}'), context)).toMatchObject({ statusCode: 201, body: '{"runs":2}' });
      expect(runs).toBe(2);
    });

    it('keeps another caller with the same key apart', async () => {
      let runs = 0;
      const handler = apiHandler(async () => json(201, { runs: ++runs }), { idempotency: idempotencyKey() });
      const key = randomUUID();
      const other = event(key, '{}');
      other.requestContext.authorizer!.jwt!.claims!.sub = 'other-hr';
      expect((await handler(event(key, '{}'), context)).body).toBe('{"runs":1}');
      expect((await handler(event(key, '{}'), context)).body).toBe('{"runs":1}');
      expect((await handler(other, context)).body).toBe('{"runs":2}');
    });
  });

  describe('the CLI', () => {
    /**
     * A proxy in front of the API that records each request's Idempotency-Key and, while `dropping` is
     * above zero, forwards a request and then drops the connection instead of answering: the request was
     * applied, the answer is lost. Listens on `port` (0: any free one).
     */
    async function startProxy(port = 0) {
      const keys: string[] = [];
      let dropping = 0;
      const server: Server = createServer(async (request: IncomingMessage, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        keys.push(String(request.headers['idempotency-key'] ?? ''));
        const upstream = await fetch(`${stack.apiUrl}${request.url}`, {
          method: request.method,
          headers: Object.fromEntries(
            ['authorization', 'content-type', 'idempotency-key']
              .filter((h) => request.headers[h])
              .map((h) => [h, String(request.headers[h])]),
          ),
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        const text = await upstream.text();
        if (dropping > 0) {
          dropping--;
          request.socket.destroy();
          return;
        }
        response.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        response.end(text);
      });
      return {
        url: `http://127.0.0.1:${await listen(server, port)}`,
        keys,
        drop: (count: number) => (dropping = count),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      };
    }
    const goalTitles = async (employeeId: string) =>
      (await hr(stack, 'GET', `/employees/${employeeId}/goals`)).body.goals.map((g: any) => g.title);

    it('retries a lost answer with the same key: the goal is set once, the output is the first answer', async () => {
      const proxy = await startProxy();
      try {
        proxy.drop(2);
        const mailBefore = (await mail()).length;
        const added = await cli(
          { ...stack, apiUrl: proxy.url },
          dir.path,
          'goals',
          'add',
          '--employee',
          'e3',
          '--title',
          'Ship the beta',
          '--due',
          managerDate,
          '--json',
        );
        expect(added.code, added.err).toBe(0);
        expect(added.err).toBe('');
        expect(JSON.parse(added.out)).toMatchObject({ employeeId: 'e3', title: 'Ship the beta' });
        expect(proxy.keys).toHaveLength(3);
        expect(new Set(proxy.keys).size).toBe(1);
        expect(proxy.keys[0]).toMatch(/^[0-9a-f-]{36}$/);
        expect(await goalTitles('e3')).toEqual(['Ship the beta']);
        expect((await mail()).length - mailBefore).toBe(1);

        // Running the command again is a new request: a new key, a second goal.
        const second = await cli(
          { ...stack, apiUrl: proxy.url },
          dir.path,
          'goals',
          'add',
          '--employee',
          'e3',
          '--title',
          'Ship the beta',
          '--due',
          managerDate,
        );
        expect(second.code, second.err).toBe(0);
        expect(proxy.keys).toHaveLength(4);
        expect(proxy.keys[3]).not.toBe(proxy.keys[0]);
        expect(await goalTitles('e3')).toEqual(['Ship the beta', 'Ship the beta']);
      } finally {
        await proxy.close();
      }
    });

    it('retries while the API refuses connections, and gives up with the reason after a few attempts', async () => {
      const port = await freePort();
      const apiUrl = `http://127.0.0.1:${port}`;
      // Nothing listens at first; the API comes up a moment later.
      const opening = new Promise((done) => setTimeout(done, 300)).then(() => startProxy(port));
      try {
        const given = await cli(
          { ...stack, apiUrl },
          dir.path,
          'feedback',
          'give',
          '--from',
          'o2',
          '--to',
          'o1',
          '--kind',
          'praise',
          '--text',
          'Steady hands',
        );
        expect(given.code, given.err).toBe(0);
        expect(given.err).toBe('');
        expect(given.out).toMatch(/: praise from o2 to o1 sent$/);
        expect((await opening).keys).toHaveLength(1);
      } finally {
        await (await opening).close();
      }
      const started = Date.now();
      const down = await cli(
        { ...stack, apiUrl },
        dir.path,
        'feedback',
        'give',
        '--from',
        'o2',
        '--to',
        'o1',
        '--kind',
        'praise',
        '--text',
        'Again',
      );
      expect(down.code).toBe(1);
      expect(down.err).toContain(`cannot reach the perfcycle API at ${apiUrl}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_700);
    });
  });
});
