import { describe, expect, it } from 'vitest';
import {
  emailSchema,
  importedRow,
  importParts,
  IMPORT_PART_ROWS,
  isActive,
  MAX_ROSTER_ROWS,
  parseRoster,
  reviewerOf,
  rosterPart,
  RosterRejected,
  rosterSample,
  selectParticipants,
  type Employee,
  type Reviewer,
  type RosterProblem,
} from '#domain/employee.ts';
import { readRoster, type Roster } from '#domain/roster-file.ts';

const HEADER = 'employeeId,name,email,managerId,department';
const NOBODY: ReadonlyMap<string, Employee> = new Map();

function csv(...rows: string[]): string {
  return `${[HEADER, ...rows].join('\n')}\n`;
}

function directoryOf(...employees: Employee[]): Map<string, Employee> {
  return new Map(employees.map((employee) => [employee.employeeId, employee]));
}

function problemsOf(text: string, existing: ReadonlyMap<string, Employee> = NOBODY): RosterProblem[] {
  try {
    parseRoster(text, existing);
  } catch (error) {
    if (error instanceof RosterRejected) return error.problems;
    throw error;
  }
  throw new Error('expected the roster to be rejected, it was accepted');
}

const CEO: Employee = { employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' };

describe('parseRoster: accepted files', () => {
  it('returns every row, with the manager only where there is one', () => {
    const rows = parseRoster(
      csv(
        'E1,Ada Boss,ada@example.com,,Board',
        'E2,Bob Lead,bob@example.com,E1,Engineering',
        'E3,Cy Dev,cy@example.com,E2,Engineering',
      ),
      NOBODY,
    );
    expect(rows).toStrictEqual([
      { employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' },
      { employeeId: 'E2', name: 'Bob Lead', email: 'bob@example.com', managerId: 'E1', department: 'Engineering' },
      { employeeId: 'E3', name: 'Cy Dev', email: 'cy@example.com', managerId: 'E2', department: 'Engineering' },
    ]);
  });

  it('accepts a manager listed further down the file', () => {
    const rows = parseRoster(csv('E3,Cy Dev,cy@example.com,E2,Eng', 'E2,Bob Lead,bob@example.com,,Eng'), NOBODY);
    expect(rows.map((row) => [row.employeeId, row.managerId])).toStrictEqual([
      ['E3', 'E2'],
      ['E2', undefined],
    ]);
  });

  it('accepts a manager who exists only in the directory imported earlier', () => {
    const rows = parseRoster(csv('E9,New Hire,new@example.com,E1,Board'), directoryOf(CEO));
    expect(rows).toStrictEqual([
      { employeeId: 'E9', name: 'New Hire', email: 'new@example.com', managerId: 'E1', department: 'Board' },
    ]);
  });

  it('ignores a byte-order mark and Windows line endings', () => {
    const rows = parseRoster(`\uFEFF${HEADER}\r\nE1,Ada Boss,ada@example.com,,Board\r\n`, NOBODY);
    expect(rows).toStrictEqual([{ employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' }]);
  });

  it('keeps commas and quotes inside quoted fields', () => {
    const rows = parseRoster(csv('E1,"Boss, Ada ""The Chief""",ada@example.com,,"Research, Development"'), NOBODY);
    expect(rows).toStrictEqual([
      {
        employeeId: 'E1',
        name: 'Boss, Ada "The Chief"',
        email: 'ada@example.com',
        department: 'Research, Development',
      },
    ]);
  });

  it('trims the spaces around fields', () => {
    const rows = parseRoster(csv(' E1 ,  Ada Boss , ada@example.com ,  , Board '), NOBODY);
    expect(rows).toStrictEqual([{ employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' }]);
  });

  it('reads columns by name in any order and drops columns it does not know', () => {
    const rows = parseRoster(
      'department,email,location,managerId,name,employeeId\nBoard,ada@example.com,Berlin,,Ada Boss,E1\n',
      NOBODY,
    );
    expect(rows).toStrictEqual([{ employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' }]);
  });

  it('skips blank lines', () => {
    const rows = parseRoster(
      `${HEADER}\n\nE1,Ada Boss,ada@example.com,,Board\n\n\nE2,Bob,bob@example.com,E1,Board\n\n`,
      NOBODY,
    );
    expect(rows.map((row) => row.employeeId)).toStrictEqual(['E1', 'E2']);
  });
});

describe('parseRoster: rejected rows', () => {
  it('reports a missing email with its line and employee', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob Lead,,E1,Engineering'))).toStrictEqual([
      { line: 3, employeeId: 'E2', reason: 'email is missing' },
    ]);
  });

  it.each([
    'bob',
    'bob@example',
    'bob@@example.com',
    'bob smith@example.com',
    '<bob@example.com>',
    'bob@exa(mple).com',
    'bob;x@example.com',
    '@example.com',
    'bob@.',
  ])('reports the malformed email %j', (email) => {
    expect(problemsOf(csv(`E2,Bob Lead,"${email}",,Engineering`))).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'not a valid email address' },
    ]);
  });

  it('reports a manager that is neither in the file nor in the directory', () => {
    expect(problemsOf(csv('E2,Bob Lead,bob@example.com,E404,Engineering'), directoryOf(CEO))).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'unknown manager E404' },
    ]);
  });

  it('reports an employee who is their own manager', () => {
    expect(
      problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob Lead,bob@example.com,E2,Engineering')),
    ).toStrictEqual([{ line: 3, employeeId: 'E2', reason: 'an employee cannot be their own manager' }]);
  });

  it('reports every member of a manager cycle', () => {
    expect(
      problemsOf(
        csv(
          'E1,Ada Boss,ada@example.com,,Board',
          'E2,Bob,bob@example.com,E4,Eng',
          'E3,Cy,cy@example.com,E2,Eng',
          'E4,Di,di@example.com,E3,Eng',
          'E5,Ed,ed@example.com,E1,Eng',
        ),
      ),
    ).toStrictEqual([
      { line: 3, employeeId: 'E2', reason: 'manager cycle: this employee is their own manager further up the chain' },
      { line: 4, employeeId: 'E3', reason: 'manager cycle: this employee is their own manager further up the chain' },
      { line: 5, employeeId: 'E4', reason: 'manager cycle: this employee is their own manager further up the chain' },
    ]);
  });

  it('reports a cycle closed through the existing directory, using the file for people it re-imports', () => {
    // In the directory E1 reports to E2; the file re-imports E2 as reporting to E1.
    const existing = directoryOf(
      { ...CEO, managerId: 'E2' },
      { employeeId: 'E2', name: 'Bob', email: 'bob@example.com', department: 'Board' },
    );
    expect(problemsOf(csv('E2,Bob,bob@example.com,E1,Board'), existing)).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'manager cycle: this employee is their own manager further up the chain' },
    ]);
    // The file's own row for E1 overrides the directory's, so moving E1 to the top at the same time is fine.
    expect(
      parseRoster(csv('E2,Bob,bob@example.com,E1,Board', 'E1,Ada Boss,ada@example.com,,Board'), existing),
    ).toHaveLength(2);
  });

  it('reports a loop only on its members, not on people who report into it', () => {
    expect(
      problemsOf(csv('E2,Bob,bob@example.com,E3,Eng', 'E3,Cy,cy@example.com,E2,Eng', 'E4,Di,di@example.com,E2,Eng')),
    ).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'manager cycle: this employee is their own manager further up the chain' },
      { line: 3, employeeId: 'E3', reason: 'manager cycle: this employee is their own manager further up the chain' },
    ]);
  });

  it('reports a duplicate employeeId on its second line, naming the first', () => {
    expect(
      problemsOf(
        csv(
          'E1,Ada Boss,ada@example.com,,Board',
          'E2,Bob,bob@example.com,E1,Eng',
          'E1,Ada Again,ada2@example.com,,Board',
        ),
      ),
    ).toStrictEqual([{ line: 4, employeeId: 'E1', reason: 'duplicate employeeId (first on line 2)' }]);
  });

  it('reports an email address used twice in the file, whatever its case', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob,Ada@Example.com,E1,Eng'))).toStrictEqual([
      { line: 3, employeeId: 'E2', reason: 'duplicate email (first on line 2)' },
    ]);
  });

  it('reports an email address that already belongs to someone else in the directory, unless the file moves it', () => {
    const existing = directoryOf({
      employeeId: 'E9',
      name: 'Old Owner',
      email: 'ada@example.com',
      department: 'Board',
    });
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board'), existing)).toStrictEqual([
      { line: 2, employeeId: 'E1', reason: 'email already belongs to employee E9' },
    ]);
    // The same file gives E9 a new address: the old one is free for E1.
    expect(
      parseRoster(csv('E1,Ada Boss,ada@example.com,,Board', 'E9,Old Owner,old@example.com,,Board'), existing).map(
        (e) => e.email,
      ),
    ).toStrictEqual(['ada@example.com', 'old@example.com']);
  });

  it('reports rows with too few or too many fields', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,Board', 'E2,Bob,bob@example.com,,Eng,extra'))).toStrictEqual([
      { line: 2, reason: 'expected 5 fields, found 4' },
      { line: 3, reason: 'expected 5 fields, found 6' },
    ]);
  });

  it('reports malformed ids, names and departments', () => {
    expect(
      problemsOf(
        csv(
          'E 1,Ada Boss,ada@example.com,,Board',
          ',Nobody,nobody@example.com,,Board',
          'E3,,cy@example.com,,Board',
          'E4,Di,di@example.com,,',
          'E5,Ed,ed@example.com,E/1,Board',
          `E6,${'n'.repeat(201)},f@example.com,,Board`,
        ),
      ),
    ).toStrictEqual([
      { line: 2, employeeId: 'E 1', reason: 'employeeId: 1-64 letters, digits, dot, dash or underscore' },
      { line: 3, employeeId: undefined, reason: 'employeeId: 1-64 letters, digits, dot, dash or underscore' },
      { line: 4, employeeId: 'E3', reason: 'name is missing' },
      { line: 5, employeeId: 'E4', reason: 'department is missing' },
      { line: 6, employeeId: 'E5', reason: 'employeeId: 1-64 letters, digits, dot, dash or underscore' },
      { line: 7, employeeId: 'E6', reason: 'name is longer than 200 characters' },
    ]);
  });

  it('reports every problem of a row and of the file, in line order, and accepts nothing', () => {
    expect(
      problemsOf(
        csv(
          'E1,Ada Boss,ada@example.com,E9,Board',
          'E2,,,,',
          'E3,Cy,cy@example.com,E3,Eng',
          'E4,Di,di@example.com,E1,Eng',
        ),
      ),
    ).toStrictEqual([
      { line: 2, employeeId: 'E1', reason: 'unknown manager E9' },
      { line: 3, employeeId: 'E2', reason: 'name is missing' },
      { line: 3, employeeId: 'E2', reason: 'email is missing' },
      { line: 3, employeeId: 'E2', reason: 'department is missing' },
      { line: 4, employeeId: 'E3', reason: 'an employee cannot be their own manager' },
    ]);
  });

  it('counts blank lines when it names the line of a problem', () => {
    const text = `${HEADER}\nE1,Ada Boss,ada@example.com,,Board\n\nE2,Bob,not-an-email,E1,Eng\n\n\nE3,Cy,cy@example.com,E404,Eng\n`;
    expect(problemsOf(text)).toStrictEqual([
      { line: 4, employeeId: 'E2', reason: 'not a valid email address' },
      { line: 7, employeeId: 'E3', reason: 'unknown manager E404' },
    ]);
  });

  it('counts the line breaks inside quoted fields when it names the line of a later problem', () => {
    const text = `${HEADER}\nE1,"Ada\nBoss",ada@example.com,,Board\nE2,Bob,not-an-email,E1,Eng\n`;
    expect(problemsOf(text)).toStrictEqual([{ line: 4, employeeId: 'E2', reason: 'not a valid email address' }]);
  });

  it('names the line of the first duplicate as it is in the file', () => {
    const text = `${HEADER}\n\nE1,Ada Boss,ada@example.com,,Board\nE1,Ada Again,ada2@example.com,,Board\n`;
    expect(problemsOf(text)).toStrictEqual([
      { line: 4, employeeId: 'E1', reason: 'duplicate employeeId (first on line 3)' },
    ]);
  });

  it('throws a RosterRejected that counts the problems', () => {
    let caught: unknown;
    try {
      parseRoster(csv('E1,Ada Boss,,,Board', 'E2,Bob,bob@example.com,E2,Eng'), NOBODY);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RosterRejected);
    expect(caught).toMatchObject({ name: 'RosterRejected', message: 'roster rejected: 2 problem(s)' });
  });
});

describe('parseRoster: rejected files', () => {
  const HEADER_RULE =
    'header must name the columns employeeId,name,email,managerId,department (any case; spaces, "_" and "-" ignored), separated by commas, semicolons or tabs';

  it('names the missing columns of a bad header, and what the header held', () => {
    expect(problemsOf('employeeId,name,email,manager,dept\nE1,Ada Boss,ada@example.com,,Board\n')).toStrictEqual([
      {
        line: 1,
        reason: `${HEADER_RULE}; missing: managerId, department; the header read with commas has "employeeId", "name", "email", "manager", "dept"`,
      },
    ]);
  });

  it('says how it read a header with a separator it does not know', () => {
    expect(
      problemsOf('employeeId|name|email|managerId|department\nE1|Ada Boss|ada@example.com||Board\n'),
    ).toStrictEqual([
      {
        line: 1,
        reason: `${HEADER_RULE}; missing: employeeId, name, email, managerId, department; the header read with commas has "employeeId|name|email|managerId|department"`,
      },
    ]);
  });

  it('refuses a column given twice under two spellings', () => {
    expect(
      problemsOf(
        'employeeId,name,Email,managerId,department,E-mail\nE1,Ada Boss,ada@example.com,,Board,ada@example.com\n',
      ),
    ).toStrictEqual([
      {
        line: 1,
        reason: `${HEADER_RULE}; given twice: email; the header read with commas has "employeeId", "name", "Email", "managerId", "department", "E-mail"`,
      },
    ]);
  });

  it('refuses a file with no header', () => {
    const reason = `${HEADER_RULE}; missing: employeeId, name, email, managerId, department`;
    expect(problemsOf('')).toStrictEqual([{ line: 1, reason }]);
    expect(problemsOf('\uFEFF\n\n')).toStrictEqual([{ line: 1, reason }]);
    expect(problemsOf('E1,Ada Boss,ada@example.com,,Board\n')).toStrictEqual([
      {
        line: 1,
        reason: `${reason}; the header read with commas has "E1", "Ada Boss", "ada@example.com", "", "Board"`,
      },
    ]);
  });

  it('refuses a header without employees', () => {
    expect(problemsOf(`${HEADER}\n`)).toStrictEqual([{ line: 1, reason: 'no employees after the header' }]);
    expect(problemsOf(`${HEADER}\n\n\n`)).toStrictEqual([{ line: 1, reason: 'no employees after the header' }]);
  });

  it('refuses text that is not CSV, with the line the parser stopped at', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,"Bob,bob@example.com,E1,Eng'))).toStrictEqual([
      { line: 3, reason: 'not valid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 3' },
    ]);
  });

  it(`refuses more than ${MAX_ROSTER_ROWS} rows, and accepts exactly that many`, () => {
    const rows = Array.from({ length: MAX_ROSTER_ROWS }, (_, i) => `E${i},Person ${i},p${i}@example.com,,Ops`);
    expect(parseRoster(csv(...rows), NOBODY)).toHaveLength(MAX_ROSTER_ROWS);
    expect(problemsOf(csv(...rows, 'X1,One Too Many,x@example.com,,Ops'))).toStrictEqual([
      { line: 1, reason: `more than ${MAX_ROSTER_ROWS} rows` },
    ]);
  });
});

/** The rows of a roster file given as bytes, or its problems. */
function readOrProblems(file: Uint8Array, existing: ReadonlyMap<string, Employee> = NOBODY): Roster | RosterProblem[] {
  try {
    return readRoster(file, existing);
  } catch (error) {
    if (error instanceof RosterRejected) return error.problems;
    throw error;
  }
}

const ascii = (text: string) => [...Buffer.from(text, 'latin1')];
/** `José Müller` as Excel's plain "CSV" writes it on Windows: é is 0xE9, ü is 0xFC, one byte each. */
const JOSE_1252 = [...ascii('E1,Jos'), 0xe9, ...ascii(' M'), 0xfc, ...ascii('ller,jose@example.com,,Vertrieb\r\n')];
const JOSE = { employeeId: 'E1', name: 'José Müller', email: 'jose@example.com', department: 'Vertrieb' };

describe('readRoster: the encodings HR\u2019s tools save', () => {
  it('reads UTF-8, with or without a byte-order mark', () => {
    const text = `${HEADER}\nE1,José Müller,jose@example.com,,Vertrieb\n`;
    for (const file of [
      Buffer.from(text, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
    ]) {
      expect(readRoster(file, NOBODY)).toStrictEqual({ employees: [JOSE], encoding: 'UTF-8', separator: ',' });
    }
  });

  it('reads a file that is not UTF-8 as Windows-1252: the names as they are meant, not Jos\uFFFD M\uFFFDller', () => {
    const file = Buffer.from([
      ...ascii(`${HEADER}\r\n`),
      ...JOSE_1252,
      ...ascii('E2,Fran'),
      0xe7,
      ...ascii('ois '),
      0x8c,
      ...ascii('uvre,fo@example.com,E1,Vertrieb\r\n'),
    ]);
    expect(readRoster(file, NOBODY)).toStrictEqual({
      employees: [
        JOSE,
        { employeeId: 'E2', name: 'François Œuvre', email: 'fo@example.com', managerId: 'E1', department: 'Vertrieb' },
      ],
      encoding: 'Windows-1252',
      separator: ',',
    });
  });

  it('reads UTF-16 with its byte-order mark (Excel\u2019s "Unicode text", tab-separated)', () => {
    const text = `${HEADER.replaceAll(',', '\t')}\r\nE1\tJosé Müller\tjose@example.com\t\tVertrieb\r\n`;
    expect(readRoster(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), NOBODY)).toStrictEqual({
      employees: [JOSE],
      encoding: 'UTF-16',
      separator: '\t',
    });
  });

  it.each([0x81, 0x8d, 0x8f, 0x90, 0x9d])(
    'refuses byte 0x%s, which Windows-1252 does not define, with its line',
    (byte) => {
      const file = Buffer.from([
        ...ascii(`${HEADER}\n`),
        ...JOSE_1252,
        ...ascii('E2,Bad '),
        byte,
        ...ascii('Byte,bad@example.com,E1,Vertrieb\n'),
      ]);
      expect(readOrProblems(file)).toStrictEqual([
        {
          line: 3,
          reason: `byte 0x${byte.toString(16).toUpperCase()} is neither UTF-8 nor Windows-1252, so the file's encoding is unknown: save it as "CSV UTF-8" and import it again`,
        },
      ]);
    },
  );

  it('refuses a file marked UTF-8 that has other bytes, with the first line that has them', () => {
    const file = Buffer.from([
      0xef,
      0xbb,
      0xbf,
      ...Buffer.from(`${HEADER}\nE2,Zoë,zoe@example.com,,Vertrieb\n`, 'utf8'),
      ...JOSE_1252,
    ]);
    expect(readOrProblems(file)).toStrictEqual([
      {
        line: 3,
        reason:
          'the file starts as UTF-8 (byte-order mark) but this line has bytes that are not UTF-8: save the whole file as "CSV UTF-8" and import it again',
      },
    ]);
  });

  it('names the line of a problem the same way in a Windows-1252 file', () => {
    const file = Buffer.from([
      ...ascii(`${HEADER}\r\n\r\n`),
      ...JOSE_1252,
      ...ascii('E2,J'),
      0xfc,
      ...ascii('rgen,not-an-email,E1,Vertrieb\r\n'),
    ]);
    expect(readOrProblems(file)).toStrictEqual([{ line: 4, employeeId: 'E2', reason: 'not a valid email address' }]);
  });
});

describe('readRoster: separators', () => {
  const rows = (separator: string) =>
    Buffer.from(
      [HEADER, 'E1,Ada Boss,ada@example.com,,Board', 'E2,Bob,bob@example.com,E1,Eng']
        .map((line) => line.replaceAll(',', separator))
        .join('\r\n'),
    );
  const expected = [
    { employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' },
    { employeeId: 'E2', name: 'Bob', email: 'bob@example.com', managerId: 'E1', department: 'Eng' },
  ];

  it.each([',', ';', '\t'] as const)('detects %j from the header', (separator) => {
    expect(readRoster(rows(separator), NOBODY)).toStrictEqual({ employees: expected, encoding: 'UTF-8', separator });
  });

  it('reads the whole file with the header\u2019s separator: a comma inside a semicolon file stays in the name, and the other way round', () => {
    const semicolons = Buffer.from(
      'employeeId;name;email;managerId;department\nE1;Boss, Ada;ada@example.com;;R&D, Europe\n',
    );
    expect(readRoster(semicolons, NOBODY).employees).toStrictEqual([
      { employeeId: 'E1', name: 'Boss, Ada', email: 'ada@example.com', department: 'R&D, Europe' },
    ]);
    const commas = Buffer.from(`${HEADER}\nE1,Ada; the Boss,ada@example.com,,Board\n`);
    expect(readRoster(commas, NOBODY).employees[0]!.name).toBe('Ada; the Boss');
  });

  it('reports a semicolon row with a missing field by its line', () => {
    expect(
      readOrProblems(Buffer.from('employeeId;name;email;managerId;department\nE1;Ada Boss;ada@example.com;Board\n')),
    ).toStrictEqual([{ line: 2, reason: 'expected 5 fields, found 4' }]);
  });
});

describe('parseRoster: header names as HRIS exports spell them', () => {
  it.each([
    'Employee ID,Name,E-mail,Manager ID,Department',
    'EMPLOYEE_ID,NAME,EMAIL,MANAGER_ID,DEPARTMENT',
    'employee-id, Name , e.mail,managerid,department',
    'EmployeeId,name,email,ManagerId,department',
  ])('reads %j', (header) => {
    expect(parseRoster(`${header}\nE1,Ada Boss,ada@example.com,,Board\n`, NOBODY)).toStrictEqual([
      { employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' },
    ]);
  });

  it('reads "Employee ID" from a semicolon-separated Windows-1252 file', () => {
    const file = Buffer.from([
      ...ascii('Employee ID;Name;E-Mail;Manager ID;Department\r\n'),
      ...ascii('E1;Jos'),
      0xe9,
      ...ascii(' M'),
      0xfc,
      ...ascii('ller;jose@example.com;;Vertrieb\r\n'),
    ]);
    expect(readRoster(file, NOBODY)).toStrictEqual({ employees: [JOSE], encoding: 'Windows-1252', separator: ';' });
  });
});

describe('parseRoster: one row per person', () => {
  it('reports a duplicate id even when the first row has another problem', () => {
    expect(problemsOf(csv('E1,Ada Boss,not-an-email,,Board', 'E1,Ada Again,ada@example.com,,Board'))).toStrictEqual([
      { line: 2, employeeId: 'E1', reason: 'not a valid email address' },
      { line: 3, employeeId: 'E1', reason: 'duplicate employeeId (first on line 2)' },
    ]);
  });

  it('reports ids that differ only in case, naming both lines and how the first is spelled', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'e1,Ada Again,ada2@example.com,,Board'))).toStrictEqual(
      [
        {
          line: 3,
          employeeId: 'e1',
          reason: 'duplicate employeeId (first on line 2 as E1: ids that differ only in case are one person to HR)',
        },
      ],
    );
  });

  it('reports every later row of an id, each naming the first', () => {
    expect(
      problemsOf(
        csv('E1,A,a@example.com,,B', 'E1,B,b@example.com,,B', 'E2,C,c@example.com,,B', 'E1,D,d@example.com,,B'),
      ),
    ).toStrictEqual([
      { line: 3, employeeId: 'E1', reason: 'duplicate employeeId (first on line 2)' },
      { line: 5, employeeId: 'E1', reason: 'duplicate employeeId (first on line 2)' },
    ]);
  });
});

describe('deactivated people', () => {
  const leaver: Employee = {
    employeeId: 'E2',
    name: 'Bob Left',
    email: 'bob@example.com',
    managerId: 'E1',
    department: 'Eng',
    deactivatedAt: '2026-03-01T00:00:00.000Z',
    deactivatedBy: 'hr:x',
  };
  const report: Employee = {
    employeeId: 'E3',
    name: 'Cy',
    email: 'cy@example.com',
    managerId: 'E2',
    department: 'Eng',
  };
  const hr: Reviewer = { key: 'HR', name: 'HR', email: 'hr@example.com' };
  const directory = directoryOf(CEO, leaver, report);

  it('are in no new cycle, for everyone or their department', () => {
    expect(isActive(leaver)).toBe(false);
    expect(isActive(report)).toBe(true);
    expect(selectParticipants(directory).map((e) => e.employeeId)).toStrictEqual(['E1', 'E3']);
    expect(selectParticipants(directory, 'eng').map((e) => e.employeeId)).toStrictEqual(['E3']);
  });

  it('review nobody: HR reviews the reports of a manager who left', () => {
    expect(reviewerOf(report, directory, hr)).toBe(hr);
  });

  it('stay deactivated when an HRIS export still lists them; an import never deactivates anyone', () => {
    const row: Employee = {
      employeeId: 'E2',
      name: 'Bob Renamed',
      email: 'bob@example.com',
      managerId: 'E1',
      department: 'Eng',
    };
    expect(importedRow(row, leaver)).toStrictEqual({
      ...row,
      deactivatedAt: leaver.deactivatedAt,
      deactivatedBy: 'hr:x',
    });
    expect(importedRow(report, report)).toBe(report);
    expect(importedRow(report, undefined)).toBe(report);
  });
});

describe('rosterSample', () => {
  it('shows up to five rows with characters beyond ASCII, as they will be stored', () => {
    const people = [
      { employeeId: 'E1', name: 'Ada', email: 'a@example.com', department: 'Board' },
      JOSE,
      { employeeId: 'E3', name: 'Cy', email: 'c@example.com', department: 'Öffentlichkeit' },
      ...Array.from({ length: 6 }, (_, i) => ({
        employeeId: `N${i}`,
        name: `Zoë ${i}`,
        email: `z${i}@example.com`,
        department: 'B',
      })),
    ];
    expect(rosterSample(people)).toStrictEqual([
      { employeeId: 'E1', name: 'José Müller', department: 'Vertrieb' },
      { employeeId: 'E3', name: 'Cy', department: 'Öffentlichkeit' },
      { employeeId: 'N0', name: 'Zoë 0', department: 'B' },
      { employeeId: 'N1', name: 'Zoë 1', department: 'B' },
      { employeeId: 'N2', name: 'Zoë 2', department: 'B' },
    ]);
    expect(
      rosterSample([{ employeeId: 'E1', name: 'Ada', email: 'a@example.com', department: 'Board' }]),
    ).toStrictEqual([]);
  });
});

describe('import parts', () => {
  it(`saves up to ${IMPORT_PART_ROWS} rows in one part, then parts of ${IMPORT_PART_ROWS}, at most 10`, () => {
    expect([1, 1000, 1001, 5000, 9999, 50_000].map(importParts)).toStrictEqual([1, 1, 2, 5, 10, 10]);
  });

  it('splits the rows into consecutive parts that cover each row once', () => {
    const rows = Array.from({ length: 5003 }, (_, i) => i);
    const parts = importParts(rows.length);
    const joined = Array.from({ length: parts }, (_, i) => rosterPart(rows, i + 1, parts)).flat();
    expect(joined).toStrictEqual(rows);
    expect([parts, rosterPart(rows, 1, parts).length]).toStrictEqual([6, 834]);
  });
});

describe('emailSchema', () => {
  it.each(['ada@example.com', 'ada.boss+perf@mail.example.co.uk', "o'brien@example.ie"])('accepts %s', (email) => {
    expect(emailSchema.safeParse(email).success).toBe(true);
  });

  it.each([
    'ada@example',
    'ada example@example.com',
    'ada@example.com\r\nBcc: x@evil.test',
    `${'a'.repeat(243)}@example.com`,
  ])('refuses %j', (email) => {
    expect(emailSchema.safeParse(email).success).toBe(false);
  });
});

describe('reviewerOf', () => {
  const hr: Reviewer = { key: 'HR', name: 'HR', email: 'hr@example.com' };
  const lead: Employee = {
    employeeId: 'E2',
    name: 'Bob Lead',
    email: 'bob@example.com',
    managerId: 'E1',
    department: 'Eng',
  };
  const dev: Employee = {
    employeeId: 'E3',
    name: 'Cy Dev',
    email: 'cy@example.com',
    managerId: 'E2',
    department: 'Eng',
  };
  const directory = directoryOf(CEO, lead, dev);

  it('is the manager from the directory', () => {
    expect(reviewerOf(dev, directory, hr)).toStrictEqual({ key: 'E2', name: 'Bob Lead', email: 'bob@example.com' });
    expect(reviewerOf(lead, directory, hr)).toStrictEqual({ key: 'E1', name: 'Ada Boss', email: 'ada@example.com' });
  });

  it('is HR for someone at the top of the directory', () => {
    expect(reviewerOf(CEO, directory, hr)).toBe(hr);
  });

  it('is HR when the manager is no longer in the directory', () => {
    expect(reviewerOf({ ...dev, managerId: 'E404' }, directory, hr)).toBe(hr);
  });
});

describe('selectParticipants', () => {
  const people: Employee[] = [
    { employeeId: 'E3', name: 'Cy', email: 'cy@example.com', managerId: 'E2', department: 'Engineering' },
    { employeeId: 'E1', name: 'Ada', email: 'ada@example.com', department: 'Board' },
    { employeeId: 'E2', name: 'Bob', email: 'bob@example.com', managerId: 'E1', department: 'Engineering' },
    { employeeId: 'E4', name: 'Di', email: 'di@example.com', managerId: 'E1', department: 'Sales' },
  ];
  const directory = directoryOf(...people);
  const ids = (selected: Employee[]) => selected.map((employee) => employee.employeeId);

  it('selects everyone, ordered by employeeId', () => {
    expect(ids(selectParticipants(directory))).toStrictEqual(['E1', 'E2', 'E3', 'E4']);
  });

  it('selects one department however HR types it', () => {
    expect(ids(selectParticipants(directory, 'Engineering'))).toStrictEqual(['E2', 'E3']);
    expect(ids(selectParticipants(directory, '  engineering '))).toStrictEqual(['E2', 'E3']);
    expect(ids(selectParticipants(directory, 'SALES'))).toStrictEqual(['E4']);
  });

  it('selects nobody for a department that does not exist, and everyone for a blank one', () => {
    expect(selectParticipants(directory, 'Marketing')).toStrictEqual([]);
    expect(selectParticipants(directory, 'Engineer')).toStrictEqual([]);
    expect(ids(selectParticipants(directory, '   '))).toStrictEqual(['E1', 'E2', 'E3', 'E4']);
  });

  it('gives the same order whatever order the directory is in', () => {
    expect(selectParticipants(directoryOf(...[...people].reverse()))).toStrictEqual(selectParticipants(directory));
  });
});
