import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getEmployee, loadDirectory } from '../../functions/store/employees.ts';
import { db, keys, tableName } from '../../functions/store/table.ts';
import {
  addGoalByCli,
  auditOf,
  clearMailbox,
  cli,
  DAY,
  dateAfter,
  hr,
  mailbox,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * The directory takes what HR actually has (issue 10, part 4): files Excel saves in Windows-1252, with
 * semicolons or tabs, headers such as "Employee ID"; a duplicate id or a byte of no known encoding refused by
 * line; the directory listed page by page; leavers deactivated (in no new cycle, sent no mail, history kept)
 * and activated again. Files are built from bytes here, as Excel writes them.
 */
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];
/** Excel's "CSV" on a German Windows: Windows-1252, semicolons, its own header spelling, CRLF. */
const WINDOWS_ROSTER = Buffer.from([
  ...ascii('Employee ID;Name;E-Mail;Manager ID;Department\r\n'),
  ...ascii('m1;Maria Manager;maria@example.com;;Vertrieb\r\n'),
  ...ascii('e1;Jos'),
  0xe9,
  ...ascii(' M'),
  0xfc,
  ...ascii('ller;jose@example.com;m1;Vertrieb\r\n'),
  ...ascii('e2;Bob Prompt;bob@example.com;m1;Vertrieb\r\n'),
  ...ascii('o1;Otto '),
  0xd6,
  ...ascii('ztrk;otto@example.com;;Betrieb\r\n'),
]);

/** What the CLI prints about WINDOWS_ROSTER before its counts. */
const HOW_IT_READS = [
  'read as Windows-1252 (the file is not UTF-8), columns separated by semicolons',
  'names as perfcycle reads them:',
  '  e1  José Müller  (Vertrieb)',
  '  o1  Otto Öztrk  (Betrieb)',
];

describe('the employee directory', () => {
  const dir = tempDir('perfcycle-directory-');
  let stack: LocalStack;
  const write = (name: string, content: Buffer | string) => writeFileSync(join(dir.path, name), content);
  const directory = async () =>
    [...(await loadDirectory()).values()]
      .map((e) => `${e.employeeId}|${e.name}|${e.department}${e.deactivatedAt ? '|deactivated' : ''}`)
      .sort();
  /** POST /employees/import with the file's bytes, as the CLI and the console send them. */
  const postFile = async (path: string, body: Uint8Array | string, contentType = 'application/octet-stream') => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    stack = await startLocalStack({});
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  describe('import', () => {
    it('a dry run of a Windows-1252 file shows the names as they will be stored, and stores nothing', async () => {
      const checked = await postFile('/employees/import?dryRun=true', WINDOWS_ROSTER);
      expect(checked).toEqual({
        status: 200,
        body: {
          dryRun: true,
          imported: 0,
          valid: 4,
          created: 4,
          updated: 0,
          unchanged: 0,
          encoding: 'Windows-1252',
          separator: ';',
          sample: [
            { employeeId: 'e1', name: 'José Müller', department: 'Vertrieb' },
            { employeeId: 'o1', name: 'Otto Öztrk', department: 'Betrieb' },
          ],
        },
      });
      expect(await directory()).toEqual([]);
      write('windows.csv', WINDOWS_ROSTER);
      const dryRun = await cli(stack, dir.path, 'employees', 'import', 'windows.csv', '--dry-run');
      expect(dryRun).toEqual({
        code: 0,
        out: [...HOW_IT_READS, 'valid: 4 employees (4 new, 0 updated); nothing saved'].join('\n'),
        err: '',
      });
      expect(await directory()).toEqual([]);
    });

    it('imports a Windows-1252, semicolon-separated file with "Employee ID" headers through the CLI, names intact', async () => {
      const imported = await cli(stack, dir.path, 'employees', 'import', 'windows.csv');
      expect(imported.err).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.out).toBe([...HOW_IT_READS, 'imported 4 employees (4 new, 0 updated)'].join('\n'));
      expect(await getEmployee('e1')).toEqual({
        employeeId: 'e1',
        name: 'José Müller',
        email: 'jose@example.com',
        managerId: 'm1',
        department: 'Vertrieb',
      });
      expect(await directory()).toEqual([
        'e1|José Müller|Vertrieb',
        'e2|Bob Prompt|Vertrieb',
        'm1|Maria Manager|Vertrieb',
        'o1|Otto Öztrk|Betrieb',
      ]);
    });

    it('imports the same file again without writing anyone, and writes only the row that changed', async () => {
      const updatedAt = async () =>
        Object.fromEntries(
          await Promise.all(
            ['e1', 'e2', 'm1', 'o1'].map(async (id) => {
              const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.employee(id) }));
              return [id, Item?.updatedAt];
            }),
          ),
        );
      const before = await updatedAt();
      await stack.advance(60_000);
      const again = await cli(stack, dir.path, 'employees', 'import', 'windows.csv');
      expect(again.out.split('\n').at(-1)).toBe('imported 4 employees (0 new, 0 updated, 4 unchanged)');
      expect(await updatedAt()).toEqual(before);

      // Bob moves to another department: his row alone is written.
      write(
        'moved.csv',
        Buffer.from(
          WINDOWS_ROSTER.toString('latin1').replace('bob@example.com;m1;Vertrieb', 'bob@example.com;m1;Betrieb'),
          'latin1',
        ),
      );
      const moved = await cli(stack, dir.path, 'employees', 'import', 'moved.csv', '--dry-run');
      expect(moved.out.split('\n').at(-1)).toBe('valid: 4 employees (0 new, 1 updated, 3 unchanged); nothing saved');
      expect((await cli(stack, dir.path, 'employees', 'import', 'moved.csv')).out.split('\n').at(-1)).toBe(
        'imported 4 employees (0 new, 1 updated, 3 unchanged)',
      );
      const after = await updatedAt();
      expect(after.e2).not.toBe(before.e2);
      expect({ ...after, e2: before.e2 }).toEqual(before);
      expect(await directory()).toContain('e2|Bob Prompt|Betrieb');
      expect(await cli(stack, dir.path, 'employees', 'import', 'windows.csv')).toMatchObject({ code: 0 });
      expect(await directory()).toContain('e2|Bob Prompt|Vertrieb');
    });

    it('imports a tab-separated UTF-8 file with headers in other case, and a semicolon file sent as text/csv', async () => {
      write(
        'tabs.csv',
        Buffer.from(
          'EMPLOYEEID\tname\temail\tmanager_id\tDEPARTMENT\ne3\tZoë Tab\tzoe@example.com\tm1\tVertrieb\n',
          'utf8',
        ),
      );
      const tabs = await cli(stack, dir.path, 'employees', 'import', 'tabs.csv', '--json');
      expect(tabs.code, tabs.err).toBe(0);
      expect(JSON.parse(tabs.out)).toEqual({
        imported: 1,
        created: 1,
        updated: 0,
        unchanged: 0,
        encoding: 'UTF-8',
        separator: '\t',
        sample: [{ employeeId: 'e3', name: 'Zoë Tab', department: 'Vertrieb' }],
      });
      const semicolons = await postFile(
        '/employees/import',
        'employee id;name;email;managerid;department\ne3;Zoë Semicolon;zoe@example.com;m1;Vertrieb\n',
        'text/csv',
      );
      expect(semicolons).toEqual({
        status: 200,
        body: {
          imported: 1,
          created: 0,
          updated: 1,
          unchanged: 0,
          encoding: 'UTF-8',
          separator: ';',
          sample: [{ employeeId: 'e3', name: 'Zoë Semicolon', department: 'Vertrieb' }],
        },
      });
      expect((await getEmployee('e3'))?.name).toBe('Zoë Semicolon');
    });

    it('refuses a byte that is neither UTF-8 nor Windows-1252, with its line, and a duplicate id naming both lines; stores nothing', async () => {
      const before = await directory();
      write(
        'undefined-byte.csv',
        Buffer.from([
          ...ascii('employeeId,name,email,managerId,department\r\nn1,Nina,nina@example.com,,Vertrieb\r\nn2,Bad '),
          0x81,
          ...ascii('Byte,bad@example.com,,Vertrieb\r\n'),
        ]),
      );
      expect(await cli(stack, dir.path, 'employees', 'import', 'undefined-byte.csv')).toEqual({
        code: 1,
        out: '',
        err: 'error: roster rejected: nothing was imported\n  - line 3: byte 0x81 is neither UTF-8 nor Windows-1252, so the file\'s encoding is unknown: save it as "CSV UTF-8" and import it again\n',
      });
      // The first row of the id has a problem of its own: the second is still reported, naming the first.
      write(
        'duplicate.csv',
        'employeeId;name;email;managerId;department\nn1;Nina;not-an-email;;Vertrieb\nn2;Ned;ned@example.com;;Vertrieb\nn1;Nina Again;nina@example.com;;Vertrieb\n',
      );
      expect(await cli(stack, dir.path, 'employees', 'import', 'duplicate.csv')).toEqual({
        code: 1,
        out: '',
        err: 'error: roster rejected: nothing was imported\n  - line 2 (n1): not a valid email address\n  - line 4 (n1): duplicate employeeId (first on line 2)\n',
      });
      const viaApi = await postFile(
        '/employees/import?dryRun=true',
        Buffer.from([
          ...ascii('employeeId,name,email,managerId,department\nn1,Nina '),
          0x9d,
          ...ascii(',nina@example.com,,Vertrieb\n'),
        ]),
      );
      expect(viaApi.status).toBe(400);
      expect(viaApi.body.details).toEqual([
        'line 2: byte 0x9D is neither UTF-8 nor Windows-1252, so the file\'s encoding is unknown: save it as "CSV UTF-8" and import it again',
      ]);
      for (const query of ['part=2', 'part=3&parts=2', 'part=0&parts=2', 'dryRun=yes']) {
        expect((await postFile(`/employees/import?${query}`, WINDOWS_ROSTER)).status, query).toBe(400);
      }
      expect(await directory()).toEqual(before);
    });

    it('shows progress on stderr for more than 1,000 rows, and saves every row once', async () => {
      const rows = Array.from(
        { length: 2500 },
        (_, i) => `big${i};Person ${i};big${i}@example.com;${i < 10 ? '' : `big${i % 10}`};Groß`,
      );
      write('big.csv', Buffer.from(['employeeId;name;email;managerId;department', ...rows].join('\r\n'), 'latin1'));
      const imported = await cli(stack, dir.path, 'employees', 'import', 'big.csv');
      expect(imported.code, imported.err).toBe(0);
      expect(imported.err).toBe(
        [
          'imported 834 of 2500 rows (part 1 of 3)',
          'imported 1668 of 2500 rows (part 2 of 3)',
          'imported 2500 of 2500 rows (part 3 of 3)',
          '',
        ].join('\n'),
      );
      expect(imported.out.split('\n').at(-1)).toBe('imported 2500 employees (2500 new, 0 updated)');
      expect(imported.out).toContain('  big0  Person 0  (Groß)');
      const big = [...(await loadDirectory()).values()].filter((e) => e.employeeId.startsWith('big'));
      expect(big).toHaveLength(2500);
      expect(new Set(big.map((e) => e.department))).toEqual(new Set(['Groß']));
    }, 60_000);
  });

  describe('list', () => {
    it('lists the directory by department, as text and as JSON, one department in any case', async () => {
      const text = await cli(stack, dir.path, 'employees', 'list', '--department', 'VERTRIEB');
      expect(text).toEqual({
        code: 0,
        out: [
          'e1  José Müller <jose@example.com>  Vertrieb, manager m1',
          'e2  Bob Prompt <bob@example.com>  Vertrieb, manager m1',
          'e3  Zoë Semicolon <zoe@example.com>  Vertrieb, manager m1',
          'm1  Maria Manager <maria@example.com>  Vertrieb',
        ].join('\n'),
        err: '',
      });
      const asJson = await cli(stack, dir.path, 'employees', 'list', '--department', ' betrieb ', '--json');
      expect(asJson.code, asJson.err).toBe(0);
      expect(JSON.parse(asJson.out)).toEqual({
        employees: [
          { employeeId: 'o1', name: 'Otto Öztrk', email: 'otto@example.com', department: 'Betrieb', active: true },
        ],
      });
      const everyone = await cli(stack, dir.path, 'employees', 'list', '--json');
      expect(JSON.parse(everyone.out).employees).toHaveLength(2505);
      expect(await cli(stack, dir.path, 'employees', 'list', '--department', 'Marketing')).toEqual({
        code: 0,
        out: 'nobody in department "Marketing"',
        err: '',
      });
    });

    it('pages through the index: each page holds its limit, the cursor leads on, every person once', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await hr(
          stack,
          'GET',
          `/employees?department=vertrieb&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.employees.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.employees.map((e: any) => e.employeeId));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(['e1', 'e2', 'e3', 'm1']);
      expect(pages).toBeGreaterThanOrEqual(2);
      const first = await hr(stack, 'GET', '/employees?limit=2');
      const otherDepartment = await hr(stack, 'GET', `/employees?department=Betrieb&cursor=${first.body.nextCursor}`);
      expect(otherDepartment).toEqual({
        status: 400,
        body: { error: 'invalid cursor', details: ['pass the cursor of the page before, with the same department'] },
      });
      expect((await hr(stack, 'GET', '/employees?limit=0')).status).toBe(400);
    });
  });

  describe('leavers', () => {
    let firstCycle: string;
    const selfDue = () => dateAfter(stack.clock.now(), 14);
    const managerDue = () => dateAfter(stack.clock.now(), 24);
    const launch = async (name: string) => {
      const launched = await hr(stack, 'POST', '/cycles', {
        name,
        selfDue: selfDue(),
        managerDue: managerDue(),
        department: 'Vertrieb',
        allowOverlap: true,
      });
      expect(launched.status, JSON.stringify(launched.body)).toBe(201);
      await stack.settled();
      return launched.body.cycleId as string;
    };

    beforeAll(async () => {
      await clearMailbox(stack);
      firstCycle = await launch('Before leaving');
      await addGoalByCli(stack, dir.path, {
        employee: 'e2',
        title: 'Hand over the accounts',
        due: dateAfter(stack.clock.now(), 60),
      });
      expect((await mailbox(stack)).map((m) => m.to)).toContain('bob@example.com');
      await clearMailbox(stack);
    }, 60_000);

    it('refuses an unknown id with a 404 naming it', async () => {
      expect(await hr(stack, 'POST', '/employees/nobody/deactivate')).toEqual({
        status: 404,
        body: { error: 'employee nobody not found', details: [] },
      });
      expect(await cli(stack, dir.path, 'employees', 'activate', 'nobody')).toEqual({
        code: 1,
        out: '',
        err: 'error: employee nobody not found\n',
      });
    });

    it('deactivates a leaver: no more mail, not even what falls due in a running cycle; their history stays', async () => {
      const deactivated = await cli(stack, dir.path, 'employees', 'deactivate', 'e2');
      expect(deactivated).toEqual({
        code: 0,
        out: 'Bob Prompt (e2) is deactivated: in no new cycle and sent no more mail; their history stays',
        err: '',
      });
      const again = await cli(stack, dir.path, 'employees', 'deactivate', 'e2', '--json');
      expect(JSON.parse(again.out)).toMatchObject({
        employeeId: 'e2',
        active: false,
        changed: false,
        deactivatedBy: 'hr:local-hr',
      });

      // The self-assessment reminders of the running cycle fall due: the others get theirs, the leaver none.
      await stack.advance(12 * DAY);
      await stack.settled();
      const reminded = (await mailbox(stack))
        .filter((m) => m.subject.startsWith('Reminder: Before leaving'))
        .map((m) => m.to)
        .sort();
      expect(reminded).toEqual(['jose@example.com', 'maria@example.com', 'zoe@example.com']);
      expect((await mailbox(stack)).map((m) => m.to)).not.toContain('bob@example.com');
      const audit = await auditOf(stack, firstCycle);
      expect(
        audit
          .filter((e: any) => e.action === 'mail-dropped')
          .map((e: any) => [e.details.kind, e.details.to, e.details.error]),
      ).toEqual([['self-reminder', 'bob@example.com', 'the recipient is deactivated']]);
      // History kept: the invitation sent before, the goal, and the person in the directory.
      expect(
        audit
          .filter((e: any) => e.action === 'mail-sent' && e.details.to === 'bob@example.com')
          .map((e: any) => e.details.kind),
      ).toEqual(['invitation']);
      expect((await hr(stack, 'GET', '/employees/e2/goals')).body.goals.map((g: any) => g.title)).toEqual([
        'Hand over the accounts',
      ]);
      const listed = await cli(stack, dir.path, 'employees', 'list', '--department', 'vertrieb');
      expect(listed.out).toContain(
        `e2  Bob Prompt <bob@example.com>  Vertrieb, manager m1  (deactivated ${new Date(stack.clock.now() - 12 * DAY).toISOString().slice(0, 10)})`,
      );
    }, 60_000);

    it('leaves a deactivated person out of a new cycle, also when a re-import still lists them', async () => {
      expect((await cli(stack, dir.path, 'employees', 'import', 'windows.csv')).code).toBe(0);
      expect((await getEmployee('e2'))?.deactivatedAt).toBeDefined();
      await clearMailbox(stack);
      const cycleId = await launch('After leaving');
      expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.participants).toBe(3);
      expect((await mailbox(stack)).map((m) => m.to).sort()).toEqual([
        'jose@example.com',
        'maria@example.com',
        'zoe@example.com',
      ]);
    }, 60_000);

    it('activates them again: in the next cycle, and mailed', async () => {
      expect(await cli(stack, dir.path, 'employees', 'activate', 'e2')).toEqual({
        code: 0,
        out: 'Bob Prompt (e2) is active again',
        err: '',
      });
      expect(await getEmployee('e2')).toEqual({
        employeeId: 'e2',
        name: 'Bob Prompt',
        email: 'bob@example.com',
        managerId: 'm1',
        department: 'Vertrieb',
      });
      await clearMailbox(stack);
      const cycleId = await launch('Back again');
      expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).body.participants).toBe(4);
      expect((await mailbox(stack)).map((m) => m.to)).toContain('bob@example.com');
    }, 60_000);
  });
});
