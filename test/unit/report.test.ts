import { describe, expect, it } from 'vitest';
import {
  buildReport,
  goalCountsOf,
  countsByLabel,
  csvLines,
  REPORT_COLUMNS,
  reportRow,
  reportSummaries,
  toCsv,
  type PersonFacts,
} from '#domain/report.ts';

const LABELS = ['Below', 'Meets', 'Exceeds'];

/** The goals of the people's facts, each counted in its owner's department: test data where nobody moved. */
const ownGoals = (people: PersonFacts[]) =>
  people.flatMap((p) => p.goals.map((outcome) => ({ department: p.department, outcome })));

const reportOf = (people: PersonFacts[], labels = LABELS) => buildReport(people, ownGoals(people), labels);

function person(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return {
    employeeId: 'E0',
    name: 'Someone',
    department: 'Engineering',
    manager: 'Boss',
    managerId: 'B0',
    self: 'pending',
    review: 'pending',
    goals: [],
    acknowledgement: 'no result',
    ...overrides,
  };
}

/** The (reviewer, department) groups' counts, as the cycle's counters keep them, counted here by hand. */
function groupCounts(people: PersonFacts[]) {
  const group = (department: string, managerId: string, manager: string) => ({
    department,
    managerId,
    manager,
    participants: 0,
    self: { pending: 0, submitted: 0, late: 0, overdue: 0 },
    review: { pending: 0, submitted: 0, late: 0, overdue: 0 },
    before: {} as Record<string, number>,
    after: {} as Record<string, number>,
    adjusted: 0,
    unacknowledged: 0,
    disagreed: 0,
  });
  const groups = new Map<string, ReturnType<typeof group>>();
  for (const p of people) {
    const key = `${p.managerId}#${p.department}`;
    const g = groups.get(key) ?? group(p.department, p.managerId, p.manager);
    groups.set(key, g);
    g.participants++;
    g.self[p.self]++;
    g.review[p.review]++;
    if (p.score) g.before[p.score.label] = (g.before[p.score.label] ?? 0) + 1;
    const final = p.adjustedRating ?? p.score;
    if (final) g.after[final.label] = (g.after[final.label] ?? 0) + 1;
    if (p.adjustedRating) g.adjusted++;
    if (p.acknowledgement === 'unacknowledged') g.unacknowledged++;
    if (p.acknowledgement === 'disagreed') g.disagreed++;
  }
  return [...groups.values()];
}

/** Tiny RFC 4180 parser: quoted fields with doubled quotes, CRLF between records, a final CRLF allowed. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += char;
      i++;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      i++;
    } else if (char === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      field += char;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe('buildReport', () => {
  const people: PersonFacts[] = [
    person({
      employeeId: 'E1',
      name: 'Ann',
      department: 'Sales',
      manager: 'Mia',
      self: 'submitted',
      review: 'submitted',
      score: { value: 3.2, label: 'Meets' },
      overallRating: 3,
      goals: ['met', 'met', 'missed'],
      acknowledgement: 'acknowledged',
    }),
    person({
      employeeId: 'E2',
      name: 'Bob',
      department: 'Engineering',
      manager: 'Max',
      self: 'late',
      review: 'overdue',
      goals: ['open', 'done-late'],
      acknowledgement: 'no result',
    }),
    person({
      employeeId: 'E3',
      name: 'Cai',
      department: 'Sales',
      manager: 'Mia',
      self: 'overdue',
      review: 'late',
      score: { value: 4.6, label: 'Exceeds' },
      goals: ['cancelled', 'met'],
      acknowledgement: 'unacknowledged',
    }),
    person({
      employeeId: 'E4',
      name: 'Dee',
      department: 'Finance',
      manager: 'Moe',
      self: 'pending',
      review: 'pending',
      acknowledgement: 'disagreed',
      score: { value: 3.0, label: 'Meets' },
    }),
    person({
      employeeId: 'E5',
      name: 'Eve',
      department: 'Engineering',
      manager: 'Max',
      self: 'submitted',
      review: 'submitted',
      score: { value: 4.8, label: 'Exceeds' },
      goals: ['missed'],
      acknowledgement: 'unacknowledged',
    }),
  ];
  const report = reportOf(people, LABELS);

  it('summarises each phase over everyone', () => {
    expect(report.overall.participants).toBe(5);
    // self: submitted E1,E5; late E2; overdue E3; pending E4 → (2+1)/5 = 60
    expect(report.overall.self).toEqual({
      participants: 5,
      pending: 1,
      submitted: 2,
      late: 1,
      overdue: 1,
      completion: 60,
    });
    // review: submitted E1,E5; late E3; overdue E2; pending E4 → 60
    expect(report.overall.manager).toEqual({
      participants: 5,
      pending: 1,
      submitted: 2,
      late: 1,
      overdue: 1,
      completion: 60,
    });
  });

  it('rounds completion to one decimal', () => {
    const twoOfThree = reportOf(
      [
        person({ self: 'submitted', review: 'late' }),
        person({ self: 'late', review: 'overdue' }),
        person({ self: 'overdue', review: 'pending' }),
      ],
      LABELS,
    );
    expect(twoOfThree.overall.self.completion).toBe(66.7);
    expect(twoOfThree.overall.manager.completion).toBe(33.3);
    const oneOfSix = reportOf([person({ self: 'late' }), ...Array.from({ length: 5 }, () => person())], LABELS);
    expect(oneOfSix.overall.self.completion).toBe(16.7);
    const all = reportOf([person({ self: 'submitted' }), person({ self: 'late' })], LABELS);
    expect(all.overall.self.completion).toBe(100);
  });

  it('reports 0 completion and zero counts with no participants', () => {
    const empty = reportOf([], LABELS);
    const zero = { participants: 0, pending: 0, submitted: 0, late: 0, overdue: 0, completion: 0 };
    expect(empty.overall.participants).toBe(0);
    expect(empty.overall.self).toEqual(zero);
    expect(empty.overall.manager).toEqual(zero);
    expect(empty.overall.ratings).toEqual({ Below: 0, Meets: 0, Exceeds: 0, 'no rating': 0 });
    expect(empty.overall.goals).toEqual({ open: 0, met: 0, 'done-late': 0, missed: 0, cancelled: 0 });
    expect(empty.overall.unacknowledged).toBe(0);
    expect(empty.overall.disagreed).toBe(0);
    expect(empty.departments).toEqual([]);
  });

  it('distributes ratings in label order with zeros for unused labels and a no-rating count', () => {
    expect(report.overall.ratings).toEqual({ Below: 0, Meets: 2, Exceeds: 2, 'no rating': 1 });
    expect(Object.keys(report.overall.ratings)).toEqual(['Below', 'Meets', 'Exceeds', 'no rating']);
    const reversed = reportOf(people, ['Exceeds', 'Meets', 'Below']);
    expect(Object.keys(reversed.overall.ratings)).toEqual(['Exceeds', 'Meets', 'Below', 'no rating']);
  });

  it('sums goal outcomes over people', () => {
    expect(report.overall.goals).toEqual({ open: 1, met: 3, 'done-late': 1, missed: 2, cancelled: 1 });
  });

  it('counts unacknowledged and disagreed results', () => {
    expect(report.overall.unacknowledged).toBe(2);
    expect(report.overall.disagreed).toBe(1);
  });

  it('summarises departments sorted by name', () => {
    expect(report.departments.map((department) => department.department)).toEqual(['Engineering', 'Finance', 'Sales']);
    const [engineering, finance, sales] = report.departments;
    expect(engineering).toEqual({
      department: 'Engineering',
      participants: 2,
      self: { participants: 2, pending: 0, submitted: 1, late: 1, overdue: 0, completion: 100 },
      manager: { participants: 2, pending: 0, submitted: 1, late: 0, overdue: 1, completion: 50 },
      ratings: { Below: 0, Meets: 0, Exceeds: 1, 'no rating': 1 },
      goals: { open: 1, met: 0, 'done-late': 1, missed: 1, cancelled: 0 },
      unacknowledged: 1,
      disagreed: 0,
    });
    expect(finance).toEqual({
      department: 'Finance',
      participants: 1,
      self: { participants: 1, pending: 1, submitted: 0, late: 0, overdue: 0, completion: 0 },
      manager: { participants: 1, pending: 1, submitted: 0, late: 0, overdue: 0, completion: 0 },
      ratings: { Below: 0, Meets: 1, Exceeds: 0, 'no rating': 0 },
      goals: { open: 0, met: 0, 'done-late': 0, missed: 0, cancelled: 0 },
      unacknowledged: 0,
      disagreed: 1,
    });
    expect(sales).toEqual({
      department: 'Sales',
      participants: 2,
      self: { participants: 2, pending: 0, submitted: 1, late: 0, overdue: 1, completion: 50 },
      manager: { participants: 2, pending: 0, submitted: 1, late: 1, overdue: 0, completion: 100 },
      ratings: { Below: 0, Meets: 1, Exceeds: 1, 'no rating': 0 },
      goals: { open: 0, met: 3, 'done-late': 0, missed: 1, cancelled: 1 },
      unacknowledged: 1,
      disagreed: 0,
    });
  });

  it('department summaries add up to the overall one', () => {
    const sum = (pick: (summary: (typeof report.departments)[number]) => number) =>
      report.departments.reduce((total, department) => total + pick(department), 0);
    expect(sum((d) => d.participants)).toBe(report.overall.participants);
    expect(sum((d) => d.self.submitted)).toBe(report.overall.self.submitted);
    expect(sum((d) => d.manager.overdue)).toBe(report.overall.manager.overdue);
    expect(sum((d) => d.ratings['no rating'])).toBe(report.overall.ratings['no rating']);
    expect(sum((d) => d.goals.met)).toBe(report.overall.goals.met);
    expect(sum((d) => d.unacknowledged)).toBe(report.overall.unacknowledged);
  });

  it('counts only released results without an acknowledgement as unacknowledged', () => {
    const noResultOnly = reportOf(
      [
        person({ acknowledgement: 'no result' }),
        person({ acknowledgement: 'acknowledged' }),
        person({ acknowledgement: 'disagreed' }),
      ],
      LABELS,
    );
    expect(noResultOnly.overall.unacknowledged).toBe(0);
    expect(noResultOnly.overall.disagreed).toBe(1);
  });

  it('counts each goal in the department it counts in, not in its owner\u2019s department now', () => {
    const moved = [
      person({ employeeId: 'E1', department: 'Ops', goals: ['missed'] }),
      person({ employeeId: 'E2', department: 'Sales' }),
    ];
    const figures = buildReport(moved, [{ department: 'Sales', outcome: 'missed' }], LABELS);
    expect(figures.departments.map((d) => [d.department, d.goals.missed])).toEqual([
      ['Ops', 0],
      ['Sales', 1],
    ]);
    expect(figures.overall.goals).toEqual({ open: 0, met: 0, 'done-late': 0, missed: 1, cancelled: 0 });
  });

  it('gives the same figures from the counts of each (reviewer, department) group as from the people', () => {
    expect(reportSummaries(groupCounts(people), goalCountsOf(ownGoals(people)), LABELS)).toEqual(report);
  });
});

describe('buildReport: calibration', () => {
  const people = [
    person({
      employeeId: 'E1',
      department: 'Sales',
      manager: 'Mia',
      managerId: 'M1',
      score: { value: 2.4, label: 'Meets' },
      adjustedRating: { value: 3, label: 'Exceeds' },
    }),
    person({
      employeeId: 'E2',
      department: 'Sales',
      manager: 'Mia',
      managerId: 'M1',
      score: { value: 2, label: 'Meets' },
    }),
    // Another Mia: told apart by id.
    person({
      employeeId: 'E3',
      department: 'Ops',
      manager: 'Mia',
      managerId: 'M2',
      score: { value: 3, label: 'Exceeds' },
      adjustedRating: { value: 1, label: 'Below' },
    }),
    person({ employeeId: 'E4', department: 'Ops', manager: 'Max', managerId: 'M3' }),
  ];
  const report = reportOf(people, LABELS);

  it('distributes the final ratings, HR\u2019s where adjusted', () => {
    expect(report.overall.ratings).toEqual({ Below: 1, Meets: 1, Exceeds: 1, 'no rating': 1 });
  });

  it('shows ratings before and after calibration overall, per department and per manager', () => {
    expect(report.calibration).toEqual({
      adjusted: 2,
      before: { Below: 0, Meets: 2, Exceeds: 1, 'no rating': 1 },
      after: { Below: 1, Meets: 1, Exceeds: 1, 'no rating': 1 },
      departments: [
        {
          department: 'Ops',
          adjusted: 1,
          before: { Below: 0, Meets: 0, Exceeds: 1, 'no rating': 1 },
          after: { Below: 1, Meets: 0, Exceeds: 0, 'no rating': 1 },
        },
        {
          department: 'Sales',
          adjusted: 1,
          before: { Below: 0, Meets: 2, Exceeds: 0, 'no rating': 0 },
          after: { Below: 0, Meets: 1, Exceeds: 1, 'no rating': 0 },
        },
      ],
      managers: [
        {
          managerId: 'M3',
          manager: 'Max',
          adjusted: 0,
          before: { Below: 0, Meets: 0, Exceeds: 0, 'no rating': 1 },
          after: { Below: 0, Meets: 0, Exceeds: 0, 'no rating': 1 },
        },
        {
          managerId: 'M1',
          manager: 'Mia',
          adjusted: 1,
          before: { Below: 0, Meets: 2, Exceeds: 0, 'no rating': 0 },
          after: { Below: 0, Meets: 1, Exceeds: 1, 'no rating': 0 },
        },
        {
          managerId: 'M2',
          manager: 'Mia',
          adjusted: 1,
          before: { Below: 0, Meets: 0, Exceeds: 1, 'no rating': 0 },
          after: { Below: 1, Meets: 0, Exceeds: 0, 'no rating': 0 },
        },
      ],
    });
  });
});

describe('reportSummaries', () => {
  it('reads counts by scale point as counts by label, leaving out points nobody is at', () => {
    const scale = [
      { value: 1, label: 'Below', description: '' },
      { value: 2, label: 'Meets', description: '' },
      { value: 3, label: 'Exceeds', description: '' },
    ];
    expect(countsByLabel(scale, { 1: 2, 2: 0, 3: 5 })).toEqual({ Below: 2, Exceeds: 5 });
  });

  it('gives the calibration figures of the groups\u2019 counts as from the people, adjustments included', () => {
    const people = [
      person({ employeeId: 'E1', managerId: 'M1', manager: 'Mia', score: { value: 2, label: 'Meets' } }),
      person({
        employeeId: 'E2',
        managerId: 'M1',
        manager: 'Mia',
        department: 'Ops',
        score: { value: 2.4, label: 'Meets' },
        adjustedRating: { value: 3, label: 'Exceeds' },
        acknowledgement: 'disagreed',
      }),
      person({ employeeId: 'E3', managerId: 'M2', manager: 'Al', self: 'overdue', goals: ['missed'] }),
    ];
    expect(
      reportSummaries(groupCounts(people), goalCountsOf([{ department: 'Engineering', outcome: 'missed' }]), LABELS),
    ).toEqual(reportOf(people, LABELS));
  });
});

describe('reportRow', () => {
  const full = person({
    employeeId: 'E1',
    name: 'Ann',
    department: 'Sales',
    manager: 'Mia',
    self: 'submitted',
    review: 'late',
    score: { value: 3.25, label: 'Meets' },
    overallRating: 4,
    goals: ['met', 'met', 'done-late', 'missed', 'open', 'open', 'open', 'cancelled'],
    acknowledgement: 'disagreed',
  });

  it('has one value per column, in column order', () => {
    const row = reportRow(full);
    expect(row).toHaveLength(REPORT_COLUMNS.length);
    expect(Object.fromEntries(REPORT_COLUMNS.map((column, index) => [column, row[index]]))).toEqual({
      employeeId: 'E1',
      name: 'Ann',
      department: 'Sales',
      manager: 'Mia',
      'self-assessment': 'submitted',
      'manager review': 'late',
      'final score': '3.25',
      'final rating': 'Meets',
      'overall rating': '4',
      'goals met': '2',
      'goals done late': '1',
      'goals missed': '1',
      'goals open': '3',
      acknowledgement: 'disagreed',
      managerRating: '4',
      finalRating: '3.25',
      adjusted: 'no',
    });
    expect(row.every((value) => typeof value === 'string')).toBe(true);
  });

  it('gives the final rating after calibration beside the manager\u2019s, marked adjusted', () => {
    const row = reportRow({ ...full, adjustedRating: { value: 4, label: 'Exceeds' } });
    const cell = (column: (typeof REPORT_COLUMNS)[number]) => row[REPORT_COLUMNS.indexOf(column)];
    expect([
      cell('final score'),
      cell('final rating'),
      cell('managerRating'),
      cell('finalRating'),
      cell('adjusted'),
    ]).toEqual(['3.25', 'Exceeds', '4', '4', 'yes']);
  });

  it('leaves score, rating and overall rating empty when missing', () => {
    const row = reportRow(
      person({ employeeId: 'E9', self: 'overdue', review: 'pending', acknowledgement: 'no result' }),
    );
    expect(row).toHaveLength(REPORT_COLUMNS.length);
    expect(row[REPORT_COLUMNS.indexOf('final score')]).toBe('');
    expect(row[REPORT_COLUMNS.indexOf('final rating')]).toBe('');
    expect(row[REPORT_COLUMNS.indexOf('overall rating')]).toBe('');
    expect(row.slice(REPORT_COLUMNS.indexOf('goals met'), REPORT_COLUMNS.indexOf('goals open') + 1)).toEqual([
      '0',
      '0',
      '0',
      '0',
    ]);
    expect(row.slice(REPORT_COLUMNS.indexOf('managerRating'))).toEqual(['', '', '']);
  });

  it('keeps a zero overall rating and a zero score', () => {
    const row = reportRow(person({ score: { value: 0, label: 'Below' }, overallRating: 0 }));
    expect(row[REPORT_COLUMNS.indexOf('final score')]).toBe('0');
    expect(row[REPORT_COLUMNS.indexOf('final rating')]).toBe('Below');
    expect(row[REPORT_COLUMNS.indexOf('overall rating')]).toBe('0');
  });
});

describe('toCsv', () => {
  it('starts with a BOM and ends every line with CRLF, including the last', () => {
    const csv = toCsv([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(csv).toBe('\uFEFFa,b\r\nc,d\r\n');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('leaves plain fields unquoted', () => {
    expect(toCsv([['E1', 'Ann Smith', 'Sales', '3.25', 'no result']])).toBe(
      '\uFEFFE1,Ann Smith,Sales,3.25,no result\r\n',
    );
  });

  it('quotes fields with a comma, quote, CR or LF and doubles quotes', () => {
    expect(toCsv([['Smith, Ann']])).toBe('\uFEFF"Smith, Ann"\r\n');
    expect(toCsv([['Ann "Annie" Smith']])).toBe('\uFEFF"Ann ""Annie"" Smith"\r\n');
    expect(toCsv([['line1\nline2']])).toBe('\uFEFF"line1\nline2"\r\n');
    expect(toCsv([['line1\r\nline2']])).toBe('\uFEFF"line1\r\nline2"\r\n');
    expect(toCsv([['a\rb']])).toBe('\uFEFF"a\rb"\r\n');
    expect(toCsv([['"']])).toBe('\uFEFF""""\r\n');
  });

  it('keeps accents and non-Latin scripts unchanged', () => {
    expect(toCsv([['Zoë Ångström', '山田 太郎', 'Ελένη', 'Müller-Lüdenscheidt']])).toBe(
      '\uFEFFZoë Ångström,山田 太郎,Ελένη,Müller-Lüdenscheidt\r\n',
    );
  });

  it('prefixes fields a spreadsheet would run as a formula with an apostrophe', () => {
    expect(toCsv([['=SUM(A1:A2)']])).toBe("\uFEFF'=SUM(A1:A2)\r\n");
    expect(toCsv([['+1']])).toBe("\uFEFF'+1\r\n");
    expect(toCsv([['-1']])).toBe("\uFEFF'-1\r\n");
    expect(toCsv([['@cmd']])).toBe("\uFEFF'@cmd\r\n");
    expect(toCsv([['\tx']])).toBe("\uFEFF'\tx\r\n");
    expect(toCsv([['\rx']])).toBe('\uFEFF"\'\rx"\r\n');
  });

  it('quotes a formula field after prefixing it when it also needs quoting', () => {
    expect(toCsv([['=HYPERLINK("http://x","y")']])).toBe('\uFEFF"\'=HYPERLINK(""http://x"",""y"")"\r\n');
    expect(toCsv([['-1,2']])).toBe('\uFEFF"\'-1,2"\r\n');
    expect(toCsv([['@a\nb']])).toBe('\uFEFF"\'@a\nb"\r\n');
  });

  it('does not prefix formula characters that are not at the start', () => {
    expect(toCsv([['a=b', 'x-y', 'me@example.com', "O'Brien"]])).toBe("\uFEFFa=b,x-y,me@example.com,O'Brien\r\n");
  });

  it('a file written as a header and then page after page of rows is the CSV in one piece', () => {
    const rows = [
      ['E1', 'Ann'],
      ['E2', 'Smith, Bob'],
      ['E3', '=1'],
    ];
    expect(toCsv([['employeeId', 'name']]) + csvLines(rows.slice(0, 2)) + csvLines(rows.slice(2)) + csvLines([])).toBe(
      toCsv([['employeeId', 'name'], ...rows]),
    );
  });

  it('keeps an empty field empty', () => {
    expect(toCsv([['', 'a', '']])).toBe('\uFEFF,a,\r\n');
    expect(toCsv([['']])).toBe('\uFEFF\r\n');
  });

  it('round-trips tricky report rows through an RFC 4180 parser', () => {
    const people: PersonFacts[] = [
      person({ employeeId: 'E1', name: 'Smith, Ann', manager: 'Zoë Ångström', department: 'R&D "Labs"' }),
      person({
        employeeId: 'E2',
        name: '山田 太郎',
        manager: 'line1\nline2',
        department: 'Ops\r\nEast',
        score: { value: 3.5, label: 'Meets' },
        overallRating: 3,
      }),
      person({ employeeId: 'E3', name: 'Ελένη "Lena"', manager: '', department: 'a,b,c', goals: ['met', 'missed'] }),
      person({
        employeeId: 'E4',
        name: 'Plain Name',
        manager: 'Boss',
        department: 'Sales',
        acknowledgement: 'unacknowledged',
      }),
    ];
    const rows = [[...REPORT_COLUMNS], ...people.map(reportRow)];
    const csv = toCsv(rows);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const parsed = parseCsv(csv.slice(1));
    expect(parsed).toHaveLength(people.length + 1);
    for (const row of parsed) expect(row).toHaveLength(REPORT_COLUMNS.length);
    expect(parsed).toEqual(rows);
  });

  it('round-trips formula-like values with only the apostrophe added', () => {
    const values = ['=1+1', '-5', '+x', '@y', '=A1,"B"', 'ok'];
    const parsed = parseCsv(toCsv([values]).slice(1));
    expect(parsed).toEqual([["'=1+1", "'-5", "'+x", "'@y", '\'=A1,"B"', 'ok']]);
  });
});
