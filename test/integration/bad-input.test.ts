import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiFunctions } from '../../lib/functions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../functions/store/employees.ts';
import {
  auditOf,
  cli,
  clearMailbox,
  expectChangesNothing,
  dateAfter,
  hr,
  HOUR,
  linkIn,
  mailbox,
  openForm,
  startLocalStack,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * Malformed, missing and hostile input on every HR route, the CLI and the form links: each gets a clear
 * 4xx (`{ error, details }` from the API, an exit code and a message on stderr from the CLI, an HTML page
 * from the forms) and changes nothing: no directory change, no cycle, no execution, no email.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
o1,Otto Ops,otto@example.com,,Ops
`;

const NOT_A_CYCLE = 'cyc_00000000000000ff';
const MALFORMED_CYCLE_IDS = [
  'nope',
  'cyc_123',
  'CYC_00000000000000FF',
  'cyc_00000000000000fg',
  `cyc_${'a'.repeat(17)}`,
  '%3Cscript%3E',
  'cyc_%2F..%2Femployees',
  `${'x'.repeat(2000)}`,
];

/** Bodies that would be applied if authorization let them through. */
const SNEAKY_BODIES: Record<string, unknown> = {
  '/employees/import': { csv: 'employeeId,name,email,managerId,department\nx9,Mallory,mallory@example.com,,Sales\n' },
  '/cycles': { name: 'Sneaky', selfDue: '2099-01-10', managerDue: '2099-01-20' },
  '/cycles/{cycleId}/extensions': { employeeId: 'e1', until: '2099-01-20' },
  '/cycles/{cycleId}/peers': { employeeId: 'e1', reviewers: ['e2'] },
  '/cycles/{cycleId}/adjustments': { employeeId: 'e1', rating: 1, reason: 'Sneaky' },
  '/employees/{employeeId}/goals': { title: 'Sneaky goal', due: '2099-01-20' },
  '/feedback': { from: 'e2', to: 'e1', kind: 'praise', text: 'Sneaky' },
  '/feedback/requests': { from: 'e1', to: ['e2'] },
  '/settings': { senderName: 'Sneaky' },
};

describe('bad input changes nothing', () => {
  const dir = tempDir('perfcycle-bad-input-');
  let stack: LocalStack;
  let cycleId: string;
  let selfDate: string;
  let managerDate: string;
  let invitations: Mail[];

  /** A request as an attacker or a broken client sends it: any headers, any body. */
  async function raw(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    const response = await fetch(`${stack.apiUrl}${path}`, { method, headers: init.headers, body: init.body });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  }

  /** A 4xx `{ error, details }` whose message and details mention every fragment, and nothing internal. */
  function expectError(response: { status: number; body: any }, status: number, ...fragments: string[]) {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(Object.keys(response.body).sort()).toEqual(['details', 'error']);
    expect(typeof response.body.error).toBe('string');
    expect(response.body.error.length).toBeGreaterThan(0);
    expect(Array.isArray(response.body.details)).toBe(true);
    for (const detail of response.body.details) expect(typeof detail).toBe('string');
    const said = [response.body.error, ...response.body.details].join('\n');
    for (const fragment of fragments) expect(said).toContain(fragment);
    expect(said).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|internal error/);
  }

  function parsedJson(response: { status: number; text: string; contentType: string }) {
    expect(response.contentType).toMatch(/^application\/json/);
    return { status: response.status, body: JSON.parse(response.text) };
  }

  /** Everything a bad request could have changed. */
  async function snapshot() {
    await stack.settled();
    const directory = [...(await loadDirectory()).values()].sort((a, b) => a.employeeId.localeCompare(b.employeeId));
    const status = (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
    const audit = (await auditOf(stack, cycleId)).length;
    const executions = stack.runner
      .list()
      .map((execution) => `${execution.executionArn}:${execution.status}`)
      .sort();
    const mail = (await mailbox(stack)).map((m) => `${m.to}|${m.subject}`);
    return { directory, status, audit, executions, mail };
  }

  /** Runs the bad requests and checks the stored state and the mailbox did not move. */
  const changesNothing = (bad: () => Promise<void>) => expectChangesNothing(stack, snapshot, bad);

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    const imported = await cli(stack, dir.path, 'employees', 'import', 'roster.csv', '--json');
    expect(imported.code, imported.err).toBe(0);
    const now = stack.clock.now();
    selfDate = dateAfter(now, 14);
    managerDate = dateAfter(now, 24);
    const launched = await hr(stack, 'POST', '/cycles', {
      name: '2026 Q4',
      selfDue: selfDate,
      managerDue: managerDate,
      department: 'Sales',
    });
    expect(launched.status).toBe(201);
    cycleId = launched.body.cycleId;
    await stack.settled();
    invitations = await mailbox(stack);
    expect(invitations).toHaveLength(3);
    await clearMailbox(stack);
  });
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  describe('HR routes without a valid HR token', () => {
    // Every HR route of the one route list (lib/functions.ts), so a new route cannot be left out, with
    // bodies that would change something if they were let through.
    const routes = (): [string, string, string | undefined][] => [
      ...apiFunctions
        .flatMap((fn) => fn.routes ?? [])
        .filter((route) => route.auth === 'hr')
        .map((route): [string, string, string | undefined] => [
          route.method,
          route.path
            .replace('{cycleId}', cycleId)
            .replace('{employeeId}', 'e1')
            .replace('{goalId}', 'goal_000000000000'),
          route.method === 'GET' ? undefined : JSON.stringify(SNEAKY_BODIES[route.path] ?? {}),
        ]),
      ['POST', '/local/clock/advance', JSON.stringify({ duration: '30d' })],
    ];
    const badAuthorizations = (): [string, Record<string, string>][] => [
      ['no Authorization header', {}],
      ['an empty bearer token', { authorization: 'Bearer ' }],
      ['a wrong token', { authorization: 'Bearer not-the-hr-token' }],
      ['the token with one character more', { authorization: `Bearer ${stack.hrToken}x` }],
      ['the token cut short', { authorization: `Bearer ${stack.hrToken.slice(0, -1)}` }],
      [
        'the token as Basic credentials',
        { authorization: `Basic ${Buffer.from(`hr:${stack.hrToken}`).toString('base64')}` },
      ],
      ['a JWT-looking token', { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' }],
    ];

    it('answers 401 on every HR route and applies nothing', async () => {
      const clockBefore = stack.clock.now();
      await changesNothing(async () => {
        for (const [method, path, body] of routes()) {
          for (const [what, headers] of badAuthorizations()) {
            const response = await raw(method, path, {
              headers: { ...headers, 'content-type': 'application/json' },
              body,
            });
            expect(response.status, `${method} ${path} with ${what}`).toBe(401);
            expectError(parsedJson(response), 401, 'HR');
          }
        }
      });
      expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.phase).toBe('SELF_REVIEW');
      expect(stack.clock.now() - clockBefore).toBeLessThan(HOUR);
    });
  });

  describe('PUT /settings', () => {
    it('refuses a body that is not JSON, or not a whole valid document, and keeps the defaults', async () => {
      await changesNothing(async () => {
        const notJson = await raw('PUT', '/settings', {
          headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'application/json' },
          body: '{"scale": [',
        });
        expectError(parsedJson(notJson), 400, 'request body must be JSON');
        expectError(await hr(stack, 'PUT', '/settings', []), 400, 'invalid request');
        const partial = await hr(stack, 'PUT', '/settings', { senderName: 'Only this' });
        expectError(partial, 400, 'invalid request');
        expect(partial.body.details).toContain('scale: scale must be a list of points');
        const huge = await hr(stack, 'PUT', '/settings', { senderName: 'x'.repeat(70 * 1024) });
        expectError(huge, 413, 'larger than');
      });
      expect((await hr(stack, 'GET', '/settings')).body.version).toBe(0);
    });
  });

  describe('PATCH /settings', () => {
    it('refuses a body that is not JSON, not an object, or makes invalid settings, naming every problem, and keeps the defaults', async () => {
      const before = (await hr(stack, 'GET', '/settings')).body;
      await changesNothing(async () => {
        const notJson = await raw('PATCH', '/settings', {
          headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'application/json' },
          body: '{"senderName": ',
        });
        expectError(parsedJson(notJson), 400, 'request body must be JSON');
        expectError(await hr(stack, 'PATCH', '/settings', []), 400, 'invalid request', 'must be a JSON object');
        expectError(await hr(stack, 'PATCH', '/settings', 'null'), 400, 'invalid request', 'must be a JSON object');
        const invalid = await hr(stack, 'PATCH', '/settings', {
          senderName: 'x'.repeat(81),
          timeZone: 'Mars/Olympus',
          scale: [],
          timings: { reviewHrGrace: '0h' },
        });
        expectError(invalid, 400, 'invalid request');
        expect(invalid.body.details).toEqual([
          'scale: scale must have 3 to 10 points',
          'timings.reviewHrGrace: timings.reviewHrGrace must be between 1h and 30d',
          'timeZone: timeZone must be an IANA time zone such as Europe/Berlin',
          'senderName: senderName is longer than 80 characters',
        ]);
        // Fewer answers than 3 could be traced to their authors: no organisation may ask for that.
        for (const anonymityThreshold of [2, 2.5, '3']) {
          const lowThreshold = await hr(stack, 'PATCH', '/settings', { anonymityThreshold });
          expectError(lowThreshold, 400, 'invalid request');
          expect(lowThreshold.body.details).toEqual([
            'anonymityThreshold: anonymityThreshold must be a whole number of at least 3 (fewer answers could be traced to their authors)',
          ]);
        }
        const envelope = await hr(stack, 'PATCH', '/settings', {
          version: 7,
          settings: { senderName: 'Fine' },
          savedAt: null,
          extra: true,
        });
        expectError(envelope, 400, 'invalid request', 'extra: not a field of the settings envelope');
        expectError(await hr(stack, 'PATCH', '/settings', { senderName: 'x'.repeat(70 * 1024) }), 413, 'larger than');
      });
      expect((await hr(stack, 'GET', '/settings')).body).toEqual(before);
    });
  });

  describe('POST /cycles', () => {
    const valid = () => ({
      name: 'Bad input Q',
      selfDue: dateAfter(stack.clock.now(), 10),
      managerDue: dateAfter(stack.clock.now(), 20),
    });

    it('refuses wrong types, naming each field', async () => {
      await changesNothing(async () => {
        const wrong = await hr(stack, 'POST', '/cycles', {
          name: 42,
          selfDue: 20261210,
          managerDue: true,
          department: ['Sales'],
        });
        expectError(wrong, 400, 'invalid request');
        expect(wrong.body.details).toEqual([
          'name: name must be text',
          'selfDue: selfDue must be a date YYYY-MM-DD',
          'managerDue: managerDue must be a date YYYY-MM-DD',
          'department: department must be text',
        ]);
        expectError(await hr(stack, 'POST', '/cycles', { ...valid(), name: null }), 400, 'name must be text');
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), selfDue: { $gt: '' } }),
          400,
          'selfDue must be a date YYYY-MM-DD',
        );
      });
    });

    it('refuses missing fields, naming each one', async () => {
      await changesNothing(async () => {
        const empty = await hr(stack, 'POST', '/cycles', {});
        expectError(empty, 400, 'invalid request');
        expect(empty.body.details).toEqual([
          'name: name is required',
          'selfDue: selfDue is required (YYYY-MM-DD)',
          'managerDue: managerDue is required (YYYY-MM-DD)',
        ]);
        const { managerDue: _, ...noManagerDue } = valid();
        expectError(await hr(stack, 'POST', '/cycles', noManagerDue), 400, 'managerDue');
        expectError(await hr(stack, 'POST', '/cycles', { ...valid(), name: '   ' }), 400, 'name is required');
        expectError(await hr(stack, 'POST', '/cycles', { ...valid(), department: '' }), 400, 'department is required');
      });
    });

    it('refuses unknown extra fields, including __proto__', async () => {
      await changesNothing(async () => {
        expectError(await hr(stack, 'POST', '/cycles', { ...valid(), priority: 'high' }), 400, 'priority');
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), phase: 'CLOSED', cycleId: 'cyc_0000000000000001' }),
          400,
          'phase',
          'cycleId',
        );
        const polluted = `{"name":"Polluted","selfDue":"${valid().selfDue}","managerDue":"${valid().managerDue}","__proto__":{"admin":true}}`;
        expectError(await hr(stack, 'POST', '/cycles', polluted), 400, '__proto__');
        expect(({} as any).admin).toBeUndefined();
      });
    });

    it('refuses a name of 10,000 characters and names with control characters', async () => {
      await changesNothing(async () => {
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), name: 'x'.repeat(10_000) }),
          400,
          'name is longer than 120 characters',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), name: 'Q4\r\nBcc: everyone@example.com' }),
          400,
          'control characters',
        );
        expectError(await hr(stack, 'POST', '/cycles', { ...valid(), name: 'Q4\u0000' }), 400, 'control characters');
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), department: 'S'.repeat(101) }),
          400,
          'department is longer than 100 characters',
        );
      });
    });

    it('refuses impossible and malformed dates', async () => {
      await changesNothing(async () => {
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), selfDue: '2026-02-30' }),
          400,
          'selfDue must be a date YYYY-MM-DD',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), managerDue: '2031-02-29' }),
          400,
          'managerDue must be a date YYYY-MM-DD',
        );
        for (const date of [
          '2026-13-01',
          '2026-00-10',
          '10/12/2026',
          '2026-12-10T00:00:00Z',
          '2026-1-5',
          '',
          ' 2026-12-10',
          '+02026-12-10',
        ]) {
          expectError(
            await hr(stack, 'POST', '/cycles', { ...valid(), selfDue: date }),
            400,
            'selfDue must be a date YYYY-MM-DD',
          );
        }
      });
    });

    it('refuses reminder and escalation timings that are not durations in range', async () => {
      await changesNothing(async () => {
        for (const reminderLead of ['3x', '', 'd3', 3, '1d'.repeat(20)]) {
          expectError(
            await hr(stack, 'POST', '/cycles', { ...valid(), reminderLead }),
            400,
            'reminderLead must be a duration such as 3d or 12h',
          );
        }
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), reminderLead: '31d' }),
          400,
          'reminderLead must be between 1h and 30d',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), hrGrace: '30m' }),
          400,
          'hrGrace must be between 1h and 30d',
        );
      });
    });

    it('refuses deadlines in the past or out of order', async () => {
      const now = stack.clock.now();
      await changesNothing(async () => {
        expectError(
          await hr(stack, 'POST', '/cycles', {
            name: 'Past',
            selfDue: dateAfter(now, -1),
            managerDue: dateAfter(now, 10),
          }),
          400,
          'invalid deadlines',
          'selfDue must be in the future',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', { name: 'Past', selfDue: '2020-01-01', managerDue: '2020-02-01' }),
          400,
          'selfDue must be in the future',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', {
            name: 'Unordered',
            selfDue: dateAfter(now, 20),
            managerDue: dateAfter(now, 10),
          }),
          400,
          'managerDue must be after selfDue',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', {
            name: 'Same day',
            selfDue: dateAfter(now, 10),
            managerDue: dateAfter(now, 10),
          }),
          400,
          'managerDue must be after selfDue',
        );
      });
    });

    it('refuses a cycle longer than its workflow can run, naming the limit and the latest manager deadline that fits', async () => {
      const now = stack.clock.now();
      let latest = '';
      await changesNothing(async () => {
        const forever = await hr(stack, 'POST', '/cycles', {
          name: 'Forever',
          selfDue: '9999-12-30',
          managerDue: '9999-12-31',
        });
        expectError(
          forever,
          400,
          'invalid deadlines',
          'a cycle may last at most 364 days',
          'one AWS Step Functions Standard execution, limited to one year',
        );
        latest = /managerDue must be (\d{4}-\d{2}-\d{2}) or earlier/.exec(forever.body.details.join('\n'))![1];
        // From launch to the last step: the manager deadline, 2 days of HR grace, the release, the reminder 5 days later.
        expect([dateAfter(now, 356), dateAfter(now, 357)]).toContain(latest);
        const dayLate = dateAfter(Date.parse(`${latest}T12:00:00Z`), 1);
        expectError(
          await hr(stack, 'POST', '/cycles', { name: 'Day late', selfDue: dateAfter(now, 150), managerDue: dayLate }),
          400,
          `managerDue must be ${latest} or earlier`,
        );
        expectError(
          await hr(stack, 'POST', '/cycles', {
            name: 'Slow',
            selfDue: dateAfter(now, 150),
            managerDue: latest,
            hrGrace: '3d',
          }),
          400,
          'a cycle may last at most 364 days',
        );
      });
      // The date it names is one that fits.
      const fits = await hr(stack, 'POST', '/cycles', {
        name: 'Longest',
        selfDue: dateAfter(now, 150),
        managerDue: latest,
        department: 'Ops',
      });
      expect(fits.status).toBe(201);
      expect((await hr(stack, 'POST', `/cycles/${fits.body.cycleId}/cancel`)).status).toBe(200);
      await stack.settled();
      await clearMailbox(stack);
    });

    it('refuses a department with nobody in it, listing the existing ones', async () => {
      await changesNothing(async () => {
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), department: 'Nobody Here' }),
          400,
          'unknown department',
          'Nobody Here',
          'the departments are: "Ops", "Sales"',
        );
      });
    });

    it('refuses a body that is not a JSON object', async () => {
      await changesNothing(async () => {
        for (const body of ['name=2026+Q4&selfDue=2026-12-10', '{"name": "2026 Q4",', "{'name': 'x'}", '']) {
          expectError(await hr(stack, 'POST', '/cycles', body), 400, 'request body must be JSON');
        }
        for (const body of ['null', '[]', '"2026 Q4"', '42', JSON.stringify([valid()])]) {
          expectError(await hr(stack, 'POST', '/cycles', body), 400, 'invalid request');
        }
        const form = await raw('POST', '/cycles', {
          headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'name=x',
        });
        expectError(parsedJson(form), 400, 'request body must be JSON');
      });
    });

    it('refuses a body over the size limit with 413', async () => {
      await changesNothing(async () => {
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), name: 'x'.repeat(70 * 1024) }),
          413,
          'larger than',
        );
        expectError(
          await hr(stack, 'POST', '/cycles', { ...valid(), padding: ' '.repeat(11 * 1024 * 1024) }),
          413,
          'larger than',
        );
      });
    });

    it('accepts a name with markup but escapes it in every email and page', async () => {
      const name = '<script>alert("q4")</script><img src=x onerror=alert(1)>';
      const launched = await hr(stack, 'POST', '/cycles', { ...valid(), name, department: 'Ops' });
      expect(launched.status).toBe(201);
      expect(launched.body.name).toBe(name);
      await stack.settled();
      const mails = await mailbox(stack);
      await clearMailbox(stack);
      expect(mails.map((mail) => mail.to)).toEqual(['otto@example.com']);
      const [invitation] = mails;
      expect(invitation.subject).toBe(`${name}: your self-assessment is open`);
      expect(invitation.html).not.toMatch(/<script|<img/i);
      expect(invitation.html).toContain('&lt;script&gt;alert(&quot;q4&quot;)&lt;/script&gt;');
      const page = await (await fetch(linkIn(invitation, '/forms/self'))).text();
      expect(page).not.toMatch(/<script|<img/i);
      expect(page).toContain('&lt;script&gt;');
      const cancelled = await hr(stack, 'POST', `/cycles/${launched.body.cycleId}/cancel`);
      expect(cancelled.status).toBe(200);
      await stack.settled();
      const [note] = await mailbox(stack);
      expect(note.html).not.toMatch(/<script|<img/i);
      await clearMailbox(stack);
    });
  });

  describe('cycle ids', () => {
    const routes = (id: string): [string, string, unknown][] => [
      ['GET', `/cycles/${id}`, undefined],
      ['POST', `/cycles/${id}/extensions`, { employeeId: 'e1', until: dateAfter(stack.clock.now(), 20) }],
      ['POST', `/cycles/${id}/adjustments`, { employeeId: 'e1', rating: 1, reason: 'Sneaky' }],
      ['POST', `/cycles/${id}/cancel`, {}],
      ['POST', `/cycles/${id}/resume`, {}],
      ['GET', `/cycles/${id}/audit`, undefined],
      ['GET', `/cycles/${id}/report/people`, undefined],
    ];

    it('answers 404 for a well-formed id that is no cycle', async () => {
      await changesNothing(async () => {
        for (const [method, path, body] of routes(NOT_A_CYCLE)) {
          expectError(await hr(stack, method as 'GET' | 'POST', path, body), 404, `cycle ${NOT_A_CYCLE} not found`);
        }
      });
    });

    it('answers 400 for a cycle id with broken percent-encoding', async () => {
      await changesNothing(async () => {
        for (const id of ['%E0%A4%A', '%']) {
          for (const [method, path, body] of routes(id))
            expectError(
              await hr(stack, method as 'GET' | 'POST', path, body),
              400,
              'invalid percent-encoding in the path',
            );
        }
      });
    });

    it('answers 400 for a malformed id', async () => {
      await changesNothing(async () => {
        for (const id of MALFORMED_CYCLE_IDS) {
          for (const [method, path, body] of routes(id)) {
            const response = await hr(stack, method as 'GET' | 'POST', path, body);
            expect(response.status, `${method} ${path.slice(0, 80)}`).toBe(400);
            expectError(response, 400, 'invalid cycleId', 'not a cycle id');
          }
        }
      });
    });
  });

  describe('POST /cycles/{id}/extensions', () => {
    it('refuses an unknown or malformed employee', async () => {
      await changesNothing(async () => {
        const until = dateAfter(stack.clock.now(), 20);
        expectError(
          await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 'zz9', until }),
          404,
          'participant zz9',
          'not found',
        );
        // In the directory, but not in this (Sales) cycle.
        expectError(
          await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 'o1', until }),
          404,
          'participant o1',
        );
        for (const employeeId of ['../e1', '<b>e1</b>', '', 'e'.repeat(65), 'e1 OR 1=1']) {
          expectError(
            await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId, until }),
            400,
            'employeeId',
          );
        }
        expectError(
          await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 7, until }),
          400,
          'employeeId',
        );
      });
    });

    it('refuses dates before the current deadline, after the manager deadline, in the past or impossible', async () => {
      const now = stack.clock.now();
      const extend = (until: unknown) =>
        hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 'e1', until });
      await changesNothing(async () => {
        expectError(
          await extend(dateAfter(now, 5)),
          400,
          'invalid extension',
          'until must be after the current deadline',
        );
        expectError(await extend(selfDate), 400, 'until must be after the current deadline');
        expectError(
          await extend(dateAfter(Date.parse(`${managerDate}T12:00:00Z`), 1)),
          400,
          'until must not be after the manager deadline',
        );
        expectError(await extend('2030-01-01'), 400, 'until must not be after the manager deadline');
        expectError(await extend(dateAfter(now, -2)), 400, 'until must be in the future');
        expectError(await extend('2026-02-30'), 400, 'until must be a date YYYY-MM-DD');
        expectError(await extend(20261231), 400, 'until');
      });
    });

    it('refuses missing fields, extra fields and bodies that are not JSON', async () => {
      const until = dateAfter(stack.clock.now(), 20);
      const path = `/cycles/${cycleId}/extensions`;
      await changesNothing(async () => {
        expectError(await hr(stack, 'POST', path, {}), 400, 'employeeId', 'until is required');
        expectError(await hr(stack, 'POST', path, { employeeId: 'e1' }), 400, 'until is required');
        expectError(await hr(stack, 'POST', path, { employeeId: 'e1', until, days: 5 }), 400, 'days');
        expectError(await hr(stack, 'POST', path, 'employeeId=e1'), 400, 'request body must be JSON');
        expectError(await hr(stack, 'POST', path), 400, 'request body must be JSON');
        expectError(
          await hr(stack, 'POST', path, { employeeId: 'e1', until: 'x'.repeat(70 * 1024) }),
          413,
          'larger than',
        );
      });
      const status = (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
      expect(status.extensions).toEqual({});
      const audit = (await auditOf(stack, cycleId)).map((event: any) => event.action);
      expect(audit).not.toContain('deadline-extended');
    });
  });

  describe('POST /cycles/{id}/resume', () => {
    it('refuses to resume a cycle whose workflow runs, or a finished one, with 409', async () => {
      const launched = await hr(stack, 'POST', '/cycles', {
        name: 'Finished early',
        selfDue: dateAfter(stack.clock.now(), 10),
        managerDue: dateAfter(stack.clock.now(), 20),
        department: 'Ops',
      });
      expect(launched.status).toBe(201);
      await stack.settled();
      expect((await hr(stack, 'POST', `/cycles/${launched.body.cycleId}/cancel`)).status).toBe(200);
      await stack.settled();
      await changesNothing(async () => {
        expectError(
          await hr(stack, 'POST', `/cycles/${cycleId}/resume`, {}),
          409,
          `the workflow of cycle ${cycleId} is running: there is nothing to resume`,
        );
        expectError(
          await hr(stack, 'POST', `/cycles/${launched.body.cycleId}/resume`),
          409,
          `cycle ${launched.body.cycleId} is cancelled: its workflow has nothing left to do`,
        );
      });
      expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.needsAttention).toBeNull();
      const audit = (await auditOf(stack, launched.body.cycleId)).map((event: any) => event.action);
      expect(audit).not.toContain('cycle-resumed');
    });
  });

  describe('POST /employees/import', () => {
    const BAD_ROSTER = `employeeId,name,email,managerId,department
n1,Nina New,nina@example.com,m1,Sales
n2,Ned Nomail,,m1,Sales
n3,Nora Bademail,nora-at-example.com,m1,Sales
n4,Nick Nomanager,nick@example.com,ghost,Sales
c1,Cleo Circle,cleo@example.com,c2,Sales
c2,Carl Circle,carl@example.com,c1,Sales
e1,Ann Renamed,ann.new@example.com,m1,Sales
e1,Ann Twice,ann.twice@example.com,m1,Sales
`;
    const expectRosterProblems = (details: string[]) => {
      expect(details).toEqual([
        'line 3 (n2): email is missing',
        'line 4 (n3): not a valid email address',
        'line 5 (n4): unknown manager ghost',
        expect.stringMatching(/^line 6 \(c1\): manager cycle/),
        expect.stringMatching(/^line 7 \(c2\): manager cycle/),
        'line 9 (e1): duplicate employeeId (first on line 8)',
      ]);
    };

    it('rejects a file with bad rows whole, reporting each by line number (JSON and text/csv)', async () => {
      await changesNothing(async () => {
        const asJson = await hr(stack, 'POST', '/employees/import', { csv: BAD_ROSTER });
        expectError(asJson, 400, 'roster rejected: nothing was imported');
        expectRosterProblems(asJson.body.details);
        const asCsv = parsedJson(
          await raw('POST', '/employees/import', {
            headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'text/csv' },
            body: BAD_ROSTER,
          }),
        );
        expectError(asCsv, 400, 'roster rejected');
        expectRosterProblems(asCsv.body.details);
      });
      // Nothing applied: the directory is as it was, and the first good row of the file was not created.
      const again = await hr(stack, 'POST', '/employees/import', { csv: ROSTER });
      expect(again.body).toEqual({
        imported: 4,
        created: 0,
        updated: 0,
        unchanged: 4,
        encoding: 'UTF-8',
        separator: ',',
        sample: [],
      });
      expect((await loadDirectory()).has('n1')).toBe(false);
      expect((await loadDirectory()).get('e1')?.email).toBe('ann@example.com');
    });

    it('rejects other malformed rosters with the line at fault', async () => {
      const header = 'employeeId,name,email,managerId,department';
      const cases: [string, string][] = [
        [`${header}\nz1,Zoe,zoe@example.com,,Sales,extra\n`, 'line 2: expected 5 fields, found 6'],
        [`${header}\nz1,Zoe,zoe@example.com\n`, 'line 2: expected 5 fields, found 3'],
        [`${header}\nz1,"Zoe,zoe@example.com,,Sales\n`, 'not valid CSV'],
        ['employeeId,name,email\nz1,Zoe,zoe@example.com\n', 'line 1: header must name the columns'],
        [`${header}\n`, 'line 1: no employees after the header'],
        [`${header}\nz1,Zoe,zoe@example.com,z1,Sales\n`, 'line 2 (z1): an employee cannot be their own manager'],
        [`${header}\n../z1,Zoe,zoe@example.com,,Sales\n`, 'line 2 (../z1): employeeId'],
        [`${header}\nz1,Zoe,"zoe@example.com>\r\nBcc: all@example.com",,Sales\n`, 'not a valid email address'],
        [`${header}\nz1,,zoe@example.com,,Sales\n`, 'line 2 (z1): name is missing'],
        [`${header}\nz1,Zoe,zoe@example.com,,\n`, 'line 2 (z1): department is missing'],
      ];
      await changesNothing(async () => {
        for (const [csv, problem] of cases) {
          const response = await hr(stack, 'POST', '/employees/import', { csv });
          expectError(response, 400, problem);
        }
        expectError(await hr(stack, 'POST', '/employees/import', { csv: '' }), 400, 'csv is empty');
        expectError(await hr(stack, 'POST', '/employees/import', { csv: 42 }), 400, 'csv');
        expectError(await hr(stack, 'POST', '/employees/import', { csv: ROSTER, mode: 'replace' }), 400, 'mode');
        expectError(await hr(stack, 'POST', '/employees/import', '{"csv": '), 400, 'request body must be JSON');
        const huge = parsedJson(
          await raw('POST', '/employees/import', {
            headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'text/csv' },
            body: `${header}\n${'z1,Zoe,zoe@example.com,,Sales\n'.repeat(200_000)}`,
          }),
        );
        expectError(huge, 413, 'larger than');
      });
      expect((await loadDirectory()).has('z1')).toBe(false);
    });

    it('launches a cycle with exactly the directory as it was', async () => {
      // A launch snapshots the directory: a rejected file left no participant behind. (The Sales cycle is
      // running for the same quarter: this second cycle for everyone is intended.)
      const launched = await hr(stack, 'POST', '/cycles', {
        name: 'Directory check',
        selfDue: dateAfter(stack.clock.now(), 10),
        managerDue: dateAfter(stack.clock.now(), 20),
        allowOverlap: true,
      });
      expect(launched.status).toBe(201);
      await stack.settled();
      expect((await mailbox(stack)).map((mail) => mail.to).sort()).toEqual([
        'ann@example.com',
        'bob@example.com',
        'maria@example.com',
        'otto@example.com',
      ]);
      expect((await hr(stack, 'POST', `/cycles/${launched.body.cycleId}/cancel`)).status).toBe(200);
      await stack.settled();
      await clearMailbox(stack);
    });
  });

  describe('POST /local/clock/advance', () => {
    /** The clock's offset from real time, which only a move changes. */
    const offset = () => stack.clock.now() - Date.now();

    it('refuses what is not a duration, and a move of more than 400 days, and the clock stays put', async () => {
      const before = offset();
      await changesNothing(async () => {
        for (const duration of ['forever', '', '-1d', '1.5d', 3]) {
          expectError(await hr(stack, 'POST', '/local/clock/advance', { duration }), 400, 'invalid duration');
        }
        // Each of these used to be accepted: the clock stopped at every day on the way and the call never ended.
        for (const duration of ['401d', '400d1s', '9601h', '9999999999999999999999999999d']) {
          expectError(
            await hr(stack, 'POST', '/local/clock/advance', { duration }),
            400,
            'invalid duration',
            'the clock moves at most 400 days at a time',
          );
        }
      });
      expect(Math.abs(offset() - before)).toBeLessThan(1000);
    });
  });

  describe('the CLI', () => {
    /** A clear message on stderr, no stack trace, nothing on stdout. */
    function expectCliError(result: { code: number; out: string; err: string }, code: 1 | 2, ...fragments: string[]) {
      expect(result.code, result.err).toBe(code);
      expect(result.out).toBe('');
      for (const fragment of fragments) expect(result.err).toContain(fragment);
      expect(result.err).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    }

    it('refuses a missing file, a bad roster and missing arguments', async () => {
      writeFileSync(
        join(dir.path, 'bad.csv'),
        'employeeId,name,email,managerId,department\nq1,Quinn,quinn-at-example,m1,Sales\nq2,Quentin,quentin@example.com,nobody,Sales\n',
      );
      await changesNothing(async () => {
        expectCliError(
          await cli(stack, dir.path, 'employees', 'import', 'no-such-roster.csv'),
          1,
          'no such file: no-such-roster.csv',
        );
        expectCliError(
          await cli(stack, dir.path, 'employees', 'import', 'bad.csv'),
          1,
          'roster rejected',
          'line 2 (q1): not a valid email address',
          'line 3 (q2): unknown manager nobody',
        );
        expectCliError(await cli(stack, dir.path, 'employees', 'import'), 2, "missing required argument 'file'");
        // Every missing required flag at once, not one per attempt.
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'launch', '--name', 'No dates'),
          2,
          '2 problems with the options of `perfcycle cycle launch`',
          '  - --self-due is required',
          '  - --manager-due is required',
        );
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'launch'),
          2,
          '3 problems',
          '--name is required',
          '--self-due is required',
          '--manager-due is required',
        );
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'launch', '--self-due', selfDate, '--manager-due', managerDate),
          2,
          'error: --name is required',
        );
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'extend', cycleId, '--until', dateAfter(stack.clock.now(), 20)),
          2,
          'error: --employee is required',
        );
        expectCliError(
          await cli(stack, dir.path, 'goals', 'check-in'),
          2,
          '4 problems',
          '--employee is required',
          '--goal is required',
          '--progress is required',
          '--status is required',
        );
        expectCliError(await cli(stack, dir.path, 'cycle', 'status'), 2, "missing required argument 'cycleId'");
        expectCliError(await cli(stack, dir.path, 'cycle', 'cancel'), 2, "missing required argument 'cycleId'");
        expectCliError(await cli(stack, dir.path, 'cycle', 'resume'), 2, "missing required argument 'cycleId'");
        expectCliError(await cli(stack, dir.path, 'cycle', 'frobnicate'), 2, "unknown command 'frobnicate'");
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'status', cycleId, '--verbose'),
          2,
          "unknown option '--verbose'",
        );
      });
    });

    it('passes the API\u2019s refusals on to stderr with exit code 1', async () => {
      await changesNothing(async () => {
        expectCliError(
          await cli(
            stack,
            dir.path,
            'cycle',
            'launch',
            '--name',
            'Q',
            '--self-due',
            managerDate,
            '--manager-due',
            selfDate,
          ),
          1,
          'invalid deadlines',
          'managerDue must be after selfDue',
        );
        expectCliError(
          await cli(
            stack,
            dir.path,
            'cycle',
            'launch',
            '--name',
            'Q',
            '--self-due',
            selfDate,
            '--manager-due',
            managerDate,
            '--department',
            'Nobody Here',
          ),
          1,
          'unknown department',
          'the departments are: "Ops", "Sales"',
        );
        expectCliError(
          await cli(
            stack,
            dir.path,
            'cycle',
            'launch',
            '--name',
            'Q',
            '--self-due',
            '9999-12-30',
            '--manager-due',
            '9999-12-31',
          ),
          1,
          'invalid deadlines',
          'a cycle may last at most 364 days',
          'or earlier',
        );
        expectCliError(await cli(stack, dir.path, 'cycle', 'status', 'nope'), 1, 'invalid cycleId');
        expectCliError(await cli(stack, dir.path, 'cycle', 'status', '../employees/import'), 1, 'invalid cycleId');
        expectCliError(await cli(stack, dir.path, 'cycle', 'cancel', NOT_A_CYCLE), 1, `cycle ${NOT_A_CYCLE} not found`);
        expectCliError(await cli(stack, dir.path, 'cycle', 'resume', NOT_A_CYCLE), 1, `cycle ${NOT_A_CYCLE} not found`);
        expectCliError(await cli(stack, dir.path, 'cycle', 'resume', 'nope'), 1, 'invalid cycleId');
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'resume', cycleId),
          1,
          `the workflow of cycle ${cycleId} is running: there is nothing to resume`,
        );
        expectCliError(await cli(stack, dir.path, 'cycle', 'audit', NOT_A_CYCLE), 1, 'not found');
        expectCliError(
          await cli(
            stack,
            dir.path,
            'cycle',
            'extend',
            cycleId,
            '--employee',
            'zz9',
            '--until',
            dateAfter(stack.clock.now(), 20),
          ),
          1,
          'participant zz9',
        );
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'extend', cycleId, '--employee', 'e1', '--until', '2030-01-01'),
          1,
          'until must not be after the manager deadline',
        );
        expectCliError(await cli(stack, dir.path, 'clock', 'advance', 'forever'), 1, 'invalid duration');
        expectCliError(
          await cli(stack, dir.path, 'clock', 'advance', '9999999999999999999999999999d'),
          1,
          'invalid duration',
          'the clock moves at most 400 days at a time',
        );
      });
    });

    it('refuses an impossible date before sending anything, naming the flag', async () => {
      await changesNothing(async () => {
        expectCliError(
          await cli(
            stack,
            dir.path,
            'cycle',
            'launch',
            '--name',
            'Q',
            '--self-due',
            '2026-02-30',
            '--manager-due',
            managerDate,
          ),
          2,
          'error: --self-due: 2026-02-30 is not a date (YYYY-MM-DD)',
        );
        expectCliError(
          await cli(
            stack,
            dir.path,
            'cycle',
            'launch',
            '--name',
            'Q',
            '--self-due',
            '2026-13-01',
            '--manager-due',
            'tomorrow',
          ),
          2,
          '--self-due: 2026-13-01 is not a date',
          '--manager-due: tomorrow is not a date',
        );
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'launch', '--self-due', '2031-02-29'),
          2,
          '--name is required',
          '--manager-due is required',
          '--self-due: 2031-02-29 is not a date',
        );
        expectCliError(
          await cli(stack, dir.path, 'cycle', 'extend', cycleId, '--employee', 'e1', '--until', '2026-02-30'),
          2,
          '--until: 2026-02-30 is not a date',
        );
        expectCliError(
          await cli(stack, dir.path, 'goals', 'add', '--employee', 'e1', '--title', 'x', '--due', '2027-02-30'),
          2,
          '--due: 2027-02-30 is not a date',
        );
      });
    });

    it('under --json, errors are one JSON object on stderr, stdout stays empty and the exit code is not 0', async () => {
      const jsonError = (result: { code: number; out: string; err: string }) => {
        expect(result.out).toBe('');
        expect(result.err.endsWith('\n')).toBe(true);
        const parsed = JSON.parse(result.err);
        expect(Object.keys(parsed).sort()).toEqual(['details', 'error']);
        return { code: result.code, ...parsed };
      };
      await changesNothing(async () => {
        expect(
          jsonError(await cli(stack, dir.path, 'cycle', 'launch', '--name', 'Q', '--self-due', '2026-02-30', '--json')),
        ).toEqual({
          code: 2,
          error: '2 problems with the options of `perfcycle cycle launch`',
          details: [
            '--manager-due is required (manager review deadline, YYYY-MM-DD)',
            '--self-due: 2026-02-30 is not a date (YYYY-MM-DD)',
          ],
        });
        expect(
          jsonError(
            await cli(
              stack,
              dir.path,
              'cycle',
              'launch',
              '--name',
              'Q',
              '--self-due',
              managerDate,
              '--manager-due',
              selfDate,
              '--json',
            ),
          ),
        ).toMatchObject({
          code: 1,
          error: 'invalid deadlines',
          details: expect.arrayContaining([expect.stringContaining('managerDue must be after selfDue')]),
        });
        expect(jsonError(await cli(stack, dir.path, 'cycle', 'cancel', NOT_A_CYCLE, '--json'))).toEqual({
          code: 1,
          error: `cycle ${NOT_A_CYCLE} not found`,
          details: [],
        });
        expect(jsonError(await cli(stack, dir.path, 'cycle', 'status', cycleId, '--verbose', '--json'))).toEqual({
          code: 2,
          error: "unknown option '--verbose'",
          details: [],
        });
        expect(
          jsonError(await cli({ ...stack, apiUrl: 'http://127.0.0.1:1' }, dir.path, 'cycle', 'list', '--json')),
        ).toMatchObject({ code: 1, error: expect.stringContaining('cannot reach the perfcycle API') });
      });
      // Without --json the same refusal is text.
      const text = await cli(stack, dir.path, 'cycle', 'cancel', NOT_A_CYCLE);
      expect(text.err).toBe(`error: cycle ${NOT_A_CYCLE} not found\n`);
    });

    it('prints its version, and lists every cycle in text and JSON', async () => {
      const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
      expect(await cli(stack, dir.path, '--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
      const list = await cli(stack, dir.path, 'cycle', 'list', '--json');
      expect(list.code, list.err).toBe(0);
      const { cycles } = JSON.parse(list.out);
      const ours = cycles.find((c: any) => c.cycleId === cycleId);
      expect(ours).toMatchObject({
        phase: 'SELF_REVIEW',
        selfCompletion: expect.any(Number),
        managerCompletion: expect.any(Number),
      });
      const text = await cli(stack, dir.path, 'cycle', 'list');
      expect(text.code, text.err).toBe(0);
      expect(text.out.split('\n')).toHaveLength(cycles.length);
      expect(text.out).toContain(`${cycleId}  ${ours.name}`);
      expect(text.out).toContain(
        `SELF_REVIEW, ${ours.participants} participants; self due ${ours.selfDue} ${ours.selfCompletion}% done; manager due ${ours.managerDue} ${ours.managerCompletion}% done`,
      );
    });

    it('says so when the API is unreachable or the token is wrong or missing', async () => {
      await changesNothing(async () => {
        const unreachable = await cli({ ...stack, apiUrl: 'http://127.0.0.1:1' }, dir.path, 'cycle', 'status', cycleId);
        expectCliError(unreachable, 1, 'cannot reach the perfcycle API at http://127.0.0.1:1', 'is the stack running');
        const wrongToken = await cli({ ...stack, hrToken: 'not-the-hr-token' }, dir.path, 'cycle', 'cancel', cycleId);
        expectCliError(wrongToken, 1, 'HR sign-in required');
        const noToken = await cli({ ...stack, hrToken: '' }, dir.path, 'cycle', 'status', cycleId);
        expectCliError(noToken, 1, 'no HR token: set PERFCYCLE_TOKEN');
        const wrongImport = await cli(
          { ...stack, hrToken: 'not-the-hr-token' },
          dir.path,
          'employees',
          'import',
          'roster.csv',
        );
        expectCliError(wrongImport, 1, 'HR sign-in required');
      });
      expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.phase).toBe('SELF_REVIEW');
    });
  });

  describe('form links', () => {
    /** An HTML page with the status and title, and nothing internal. */
    function expectPage(
      response: { status: number; contentType: string; text: string },
      status: number,
      title: string,
    ) {
      expect(response.status).toBe(status);
      expect(response.contentType).toMatch(/^text\/html/);
      expect(response.text).toContain(`<h1>${title}</h1>`);
      expect(response.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|TokenError|Error:|<script/i);
    }
    const ann = () => linkIn(invitations.find((mail) => mail.to === 'ann@example.com')!, '/forms/self');
    const annToken = () => new URL(ann()).searchParams.get('t')!;
    const selfCounts = async () => (await hr(stack, 'GET', `/cycles/${cycleId}`)).body.counts.self;

    it('answers a missing, garbage or tampered link with a 403 page', async () => {
      const [payload, signature] = annToken().split('.');
      const otherPerson = Buffer.from(
        Buffer.from(payload, 'base64url').toString().replace('"p":"e1"', '"p":"e2"'),
      ).toString('base64url');
      await changesNothing(async () => {
        for (const query of [
          '',
          '?t=',
          '?t=garbage',
          '?t=a.b',
          '?t=..',
          `?t=${'A'.repeat(5000)}.${'B'.repeat(43)}`,
          `?t=${encodeURIComponent(`${otherPerson}.${signature}`)}`,
          `?t=${encodeURIComponent(`${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)}`,
          `?t=${encodeURIComponent('<script>alert(1)</script>')}`,
        ]) {
          expectPage(await raw('GET', `/forms/self${query}`), 403, 'This link is not valid');
        }
      });
    });

    it('refuses a POST without its per-form token, or with a wrong one, and records nothing', async () => {
      const before = await selfCounts();
      const answers = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Tests', nextGoals: 'More tests' };
      const hidden = await openForm(ann());
      expect(hidden.formToken).toBeTruthy();
      await changesNothing(async () => {
        expectPage(
          await raw('POST', '/forms/self', {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ t: hidden.t, ...answers }).toString(),
          }),
          403,
          'This link is not valid',
        );
        expectPage(
          await raw('POST', '/forms/self', {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              t: hidden.t,
              formToken: `${hidden.formToken.slice(0, -1)}x`,
              ...answers,
            }).toString(),
          }),
          403,
          'This link is not valid',
        );
        expectPage(
          await raw('POST', '/forms/self', {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ formToken: hidden.formToken, ...answers }).toString(),
          }),
          403,
          'This link is not valid',
        );
        const huge = await raw('POST', '/forms/self', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...hidden, ...answers, wentWell: 'x'.repeat(600 * 1024) }).toString(),
        });
        expectPage(huge, 413, 'Your answers are too long to send');
      });
      expect(await selfCounts()).toEqual(before);
    });

    it('refuses a team-page link on the self-assessment form (wrong purpose)', async () => {
      // The team pages are sent when the self-assessment phase ends.
      await stack.advance(Date.parse(`${selfDate}T23:59:59Z`) + HOUR - stack.clock.now());
      const mails = await mailbox(stack);
      await clearMailbox(stack);
      const request = mails.find(
        (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('2026 Q4: please review your team'),
      );
      expect(request).toBeDefined();
      const teamLink = linkIn(request!, '/forms/team');
      expect((await fetch(teamLink)).status).toBe(200);
      const teamToken = new URL(teamLink).searchParams.get('t')!;
      const before = await selfCounts();
      await changesNothing(async () => {
        const wrongPurpose = await raw('GET', `/forms/self?t=${encodeURIComponent(teamToken)}`);
        expectPage(wrongPurpose, 403, 'This link is not valid');
        expect(wrongPurpose.text).toContain('belongs to a different form');
        const hidden = await openForm(teamLink);
        const posted = await raw('POST', '/forms/self', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            ...hidden,
            overallRating: '5',
            wentWell: 'x',
            toImprove: 'y',
            nextGoals: 'z',
          }).toString(),
        });
        expectPage(posted, 403, 'This link is not valid');
        // And the other way round: a self-assessment link does not open the team page.
        expectPage(await raw('GET', `/forms/team?t=${encodeURIComponent(annToken())}`), 403, 'This link is not valid');
      });
      expect(await selfCounts()).toEqual(before);
    });
  });
});
