import { describe, expect, it } from 'vitest';
import {
  emailSchema,
  MAX_ROSTER_ROWS,
  parseRoster,
  reviewerOf,
  RosterRejected,
  selectParticipants,
  type Employee,
  type Reviewer,
  type RosterProblem,
} from '#domain/employee.ts';

const HEADER = 'employeeId,name,email,managerId,department';
const NOBODY: ReadonlyMap<string, Employee> = new Map();

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
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
      csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob Lead,bob@example.com,E1,Engineering', 'E3,Cy Dev,cy@example.com,E2,Engineering'),
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
    expect(rows).toStrictEqual([{ employeeId: 'E9', name: 'New Hire', email: 'new@example.com', managerId: 'E1', department: 'Board' }]);
  });

  it('ignores a byte-order mark and Windows line endings', () => {
    const rows = parseRoster(`\uFEFF${HEADER}\r\nE1,Ada Boss,ada@example.com,,Board\r\n`, NOBODY);
    expect(rows).toStrictEqual([{ employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' }]);
  });

  it('keeps commas and quotes inside quoted fields', () => {
    const rows = parseRoster(csv('E1,"Boss, Ada ""The Chief""",ada@example.com,,"Research, Development"'), NOBODY);
    expect(rows).toStrictEqual([
      { employeeId: 'E1', name: 'Boss, Ada "The Chief"', email: 'ada@example.com', department: 'Research, Development' },
    ]);
  });

  it('trims the spaces around fields', () => {
    const rows = parseRoster(csv(' E1 ,  Ada Boss , ada@example.com ,  , Board '), NOBODY);
    expect(rows).toStrictEqual([{ employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' }]);
  });

  it('reads columns by name in any order and drops columns it does not know', () => {
    const rows = parseRoster('department,email,location,managerId,name,employeeId\nBoard,ada@example.com,Berlin,,Ada Boss,E1\n', NOBODY);
    expect(rows).toStrictEqual([{ employeeId: 'E1', name: 'Ada Boss', email: 'ada@example.com', department: 'Board' }]);
  });

  it('skips blank lines', () => {
    const rows = parseRoster(`${HEADER}\n\nE1,Ada Boss,ada@example.com,,Board\n\n\nE2,Bob,bob@example.com,E1,Board\n\n`, NOBODY);
    expect(rows.map((row) => row.employeeId)).toStrictEqual(['E1', 'E2']);
  });
});

describe('parseRoster: rejected rows', () => {
  it('reports a missing email with its line and employee', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob Lead,,E1,Engineering'))).toStrictEqual([
      { line: 3, employeeId: 'E2', reason: 'email is missing' },
    ]);
  });

  it.each(['bob', 'bob@example', 'bob@@example.com', 'bob smith@example.com', '<bob@example.com>', 'bob@exa(mple).com', 'bob;x@example.com', '@example.com', 'bob@.'])(
    'reports the malformed email %j',
    (email) => {
      expect(problemsOf(csv(`E2,Bob Lead,"${email}",,Engineering`))).toStrictEqual([
        { line: 2, employeeId: 'E2', reason: 'not a valid email address' },
      ]);
    },
  );

  it('reports a manager that is neither in the file nor in the directory', () => {
    expect(problemsOf(csv('E2,Bob Lead,bob@example.com,E404,Engineering'), directoryOf(CEO))).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'unknown manager E404' },
    ]);
  });

  it('reports an employee who is their own manager', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob Lead,bob@example.com,E2,Engineering'))).toStrictEqual([
      { line: 3, employeeId: 'E2', reason: 'an employee cannot be their own manager' },
    ]);
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
    const existing = directoryOf({ ...CEO, managerId: 'E2' }, { employeeId: 'E2', name: 'Bob', email: 'bob@example.com', department: 'Board' });
    expect(problemsOf(csv('E2,Bob,bob@example.com,E1,Board'), existing)).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'manager cycle: this employee is their own manager further up the chain' },
    ]);
    // The file's own row for E1 overrides the directory's, so moving E1 to the top at the same time is fine.
    expect(parseRoster(csv('E2,Bob,bob@example.com,E1,Board', 'E1,Ada Boss,ada@example.com,,Board'), existing)).toHaveLength(2);
  });

  it('reports a loop only on its members, not on people who report into it', () => {
    expect(problemsOf(csv('E2,Bob,bob@example.com,E3,Eng', 'E3,Cy,cy@example.com,E2,Eng', 'E4,Di,di@example.com,E2,Eng'))).toStrictEqual([
      { line: 2, employeeId: 'E2', reason: 'manager cycle: this employee is their own manager further up the chain' },
      { line: 3, employeeId: 'E3', reason: 'manager cycle: this employee is their own manager further up the chain' },
    ]);
  });

  it('reports a duplicate employeeId on its second line, naming the first', () => {
    expect(
      problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob,bob@example.com,E1,Eng', 'E1,Ada Again,ada2@example.com,,Board')),
    ).toStrictEqual([{ line: 4, employeeId: 'E1', reason: 'duplicate employeeId (first on line 2)' }]);
  });

  it('reports an email address used twice in the file, whatever its case', () => {
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board', 'E2,Bob,Ada@Example.com,E1,Eng'))).toStrictEqual([
      { line: 3, employeeId: 'E2', reason: 'duplicate email (first on line 2)' },
    ]);
  });

  it('reports an email address that already belongs to someone else in the directory, unless the file moves it', () => {
    const existing = directoryOf({ employeeId: 'E9', name: 'Old Owner', email: 'ada@example.com', department: 'Board' });
    expect(problemsOf(csv('E1,Ada Boss,ada@example.com,,Board'), existing)).toStrictEqual([
      { line: 2, employeeId: 'E1', reason: 'email already belongs to employee E9' },
    ]);
    // The same file gives E9 a new address: the old one is free for E1.
    expect(parseRoster(csv('E1,Ada Boss,ada@example.com,,Board', 'E9,Old Owner,old@example.com,,Board'), existing).map((e) => e.email)).toStrictEqual([
      'ada@example.com',
      'old@example.com',
    ]);
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
      problemsOf(csv('E1,Ada Boss,ada@example.com,E9,Board', 'E2,,,,', 'E3,Cy,cy@example.com,E3,Eng', 'E4,Di,di@example.com,E1,Eng')),
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
    expect(problemsOf(text)).toStrictEqual([{ line: 4, employeeId: 'E1', reason: 'duplicate employeeId (first on line 3)' }]);
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
  it('names the missing columns of a bad header', () => {
    expect(problemsOf('employeeId,name,email,manager,dept\nE1,Ada Boss,ada@example.com,,Board\n')).toStrictEqual([
      { line: 1, reason: 'header must name the columns employeeId,name,email,managerId,department; missing: managerId, department' },
    ]);
  });

  it('treats column names as case-sensitive', () => {
    expect(problemsOf('EmployeeId,name,email,managerId,department\nE1,Ada Boss,ada@example.com,,Board\n')).toStrictEqual([
      { line: 1, reason: 'header must name the columns employeeId,name,email,managerId,department; missing: employeeId' },
    ]);
  });

  it('refuses a file with no header', () => {
    const reason = 'header must name the columns employeeId,name,email,managerId,department; missing: employeeId, name, email, managerId, department';
    expect(problemsOf('')).toStrictEqual([{ line: 1, reason }]);
    expect(problemsOf('\uFEFF\n\n')).toStrictEqual([{ line: 1, reason }]);
    expect(problemsOf('E1,Ada Boss,ada@example.com,,Board\n')).toStrictEqual([{ line: 1, reason }]);
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

describe('emailSchema', () => {
  it.each(['ada@example.com', 'ada.boss+perf@mail.example.co.uk', "o'brien@example.ie"])('accepts %s', (email) => {
    expect(emailSchema.safeParse(email).success).toBe(true);
  });

  it.each(['ada@example', 'ada example@example.com', 'ada@example.com\r\nBcc: x@evil.test', `${'a'.repeat(243)}@example.com`])(
    'refuses %j',
    (email) => {
      expect(emailSchema.safeParse(email).success).toBe(false);
    },
  );
});

describe('reviewerOf', () => {
  const hr: Reviewer = { key: 'HR', name: 'HR', email: 'hr@example.com' };
  const lead: Employee = { employeeId: 'E2', name: 'Bob Lead', email: 'bob@example.com', managerId: 'E1', department: 'Eng' };
  const dev: Employee = { employeeId: 'E3', name: 'Cy Dev', email: 'cy@example.com', managerId: 'E2', department: 'Eng' };
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
