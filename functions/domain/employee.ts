import { isDeepStrictEqual } from 'node:util';
import { parse } from 'csv-parse/sync';
import * as z from 'zod';

/**
 * The employee directory as HR's HRIS exports it: `employeeId,name,email,managerId,department`.
 * A file is accepted whole or not at all, so a rejected import never leaves half a directory behind.
 */
export interface Employee {
  employeeId: string;
  name: string;
  email: string;
  managerId?: string;
  department: string;
  /** Set while HR has deactivated the person (a leaver): in no new cycle and sent no mail; their history stays. */
  deactivatedAt?: string;
  deactivatedBy?: string;
}

export interface RosterProblem {
  line: number;
  employeeId?: string;
  reason: string;
}

const ROSTER_COLUMNS = ['employeeId', 'name', 'email', 'managerId', 'department'] as const;
export const MAX_ROSTER_ROWS = 50_000;

// Practical address check: one @, a dot in the domain, nothing that breaks a header or HTML.
const EMAIL_RE = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\]+$/;
export const emailSchema = z.string().max(254).regex(EMAIL_RE, 'not a valid email address');

/**
 * Colleagues' addresses typed into one field, separated by spaces, commas or semicolons: each once, in lower
 * case, every one an address, at least one and at most `max` (`tooMany` says so).
 */
export function colleagueAddressesSchema(max: number, tooMany: string) {
  return z
    .string()
    .transform((text) => [
      ...new Set(
        text
          .split(/[\s,;]+/)
          .map((address) => address.trim().toLowerCase())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(
          z.string().refine((address) => emailSchema.safeParse(address).success, {
            error: (issue) => `Not an email address: ${String(issue.input)}`,
          }),
        )
        .min(1, 'Enter at least one colleague\u2019s email address')
        .max(max, tooMany),
    );
}
export const employeeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'employeeId: 1-64 letters, digits, dot, dash or underscore');

const rowSchema = z.object({
  employeeId: employeeIdSchema,
  name: z.string().trim().min(1, 'name is missing').max(200, 'name is longer than 200 characters'),
  email: z.string().trim().min(1, 'email is missing').pipe(emailSchema),
  managerId: z.union([z.literal(''), employeeIdSchema]),
  department: z.string().trim().min(1, 'department is missing').max(100, 'department is longer than 100 characters'),
});

export class RosterRejected extends Error {
  constructor(readonly problems: RosterProblem[]) {
    super(`roster rejected: ${problems.length} problem(s)`);
    this.name = 'RosterRejected';
  }
}

const ROSTER_SEPARATORS = [',', ';', '\t'] as const;
export type RosterSeparator = (typeof ROSTER_SEPARATORS)[number];

/** How a header cell names a column: case, spaces, underscores, hyphens and dots do not matter ("Employee ID", "e-mail"). */
export const columnKey = (name: string) => name.toLowerCase().replace(/[\s_.-]/g, '');
const COLUMN_BY_KEY = new Map<string, (typeof ROSTER_COLUMNS)[number]>(
  ROSTER_COLUMNS.map((column) => [columnKey(column), column]),
);

/** The header's cells read with `separator`, or undefined when the line is not CSV with it. */
function headerCells(headerLine: string, separator: RosterSeparator): string[] | undefined {
  try {
    return (parse(headerLine, { delimiter: separator, trim: true, relax_column_count: true }) as string[][])[0];
  } catch {
    return undefined;
  }
}

/**
 * The separator of a file, from its header: the one of comma, semicolon (Excel where the decimal mark is a
 * comma) and tab that makes the most known column names (the roster's, or `columns`); comma when none does.
 * One separator for the whole file, so a semicolon inside a comma-separated name stays in the name.
 */
export function detectSeparator(text: string, columns: readonly string[] = ROSTER_COLUMNS): RosterSeparator {
  const headerLine = /^[^\S\n]*\S.*$/m.exec(text)?.[0] ?? '';
  const wanted = new Set(columns.map(columnKey));
  let best: { separator: RosterSeparator; known: number } = { separator: ',', known: 0 };
  for (const separator of ROSTER_SEPARATORS) {
    const known = new Set((headerCells(headerLine, separator) ?? []).map(columnKey).filter((key) => wanted.has(key)))
      .size;
    if (known > best.known) best = { separator, known };
  }
  return best.separator;
}

const SEPARATOR_NAMES: Record<RosterSeparator, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/** "commas", "semicolons" or "tabs": how a separator is named to HR. */
export const separatorName = (separator: RosterSeparator) => SEPARATOR_NAMES[separator];

/**
 * The roster's columns by position: each header cell that names a known column (see columnKey), unknown
 * ones ignored. Problems name the columns missing or given twice, what the header held, and the separators
 * perfcycle reads, so a file with another separator says why it was not understood.
 */
function headerColumns(header: string[] | undefined, separator: RosterSeparator): (string | undefined)[] {
  const columns = (header ?? []).map((cell) => COLUMN_BY_KEY.get(columnKey(cell)));
  const missing = ROSTER_COLUMNS.filter((column) => !columns.includes(column));
  const twice = ROSTER_COLUMNS.filter((column) => columns.indexOf(column) !== columns.lastIndexOf(column));
  if (!header || missing.length || twice.length) {
    const found = header?.length
      ? `; the header read with ${separatorName(separator)} has ${header.map((cell) => JSON.stringify(cell)).join(', ')}`
      : '';
    throw new RosterRejected([
      {
        line: 1,
        reason:
          `header must name the columns ${ROSTER_COLUMNS.join(',')} (any case; spaces, "_" and "-" ignored), separated by commas, semicolons or tabs; ` +
          [
            missing.length || !header ? `missing: ${missing.join(', ') || 'all'}` : '',
            twice.length ? `given twice: ${twice.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ') +
          found,
      },
    ]);
  }
  return columns;
}

/**
 * Parses and validates a roster's text against the people already in the directory (a manager may be someone
 * imported earlier). Throws RosterRejected with every problem by line number; returns the rows otherwise.
 */
export function parseRoster(
  csvText: string,
  existing: ReadonlyMap<string, Employee>,
  separator: RosterSeparator = detectSeparator(csvText),
): Employee[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types do not model `info: true`, which wraps every record as { record, info }.
    records = parse(csvText.replace(/^\uFEFF/, ''), {
      delimiter: separator,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new RosterRejected([{ line, reason: `not valid CSV: ${(error as Error).message}` }]);
  }
  const [first, ...rows] = records;
  const header = first?.record;
  const columns = headerColumns(header, separator);
  if (rows.length === 0) throw new RosterRejected([{ line: 1, reason: 'no employees after the header' }]);
  if (rows.length > MAX_ROSTER_ROWS)
    throw new RosterRejected([{ line: 1, reason: `more than ${MAX_ROSTER_ROWS} rows` }]);

  const problems: RosterProblem[] = [];
  const byId = new Map<string, { employee: Employee; line: number }>();
  // Every id seen, valid row or not, by its lower case: a second row for an id is a mistake whatever else is wrong with the first.
  const idLines = new Map<string, { id: string; line: number }>();
  rows.forEach(({ record: cells, info }) => {
    // The parser counts the blank lines it skips, so this is the line in the file (for a record with a quoted
    // line break, the line it ends on).
    const line = info.lines;
    if (cells.length !== columns.length) {
      problems.push({ line, reason: `expected ${columns.length} fields, found ${cells.length}` });
      return;
    }
    const raw: Record<string, string> = {};
    columns.forEach((column, i) => {
      if (column) raw[column] = cells[i]!;
    });
    if (raw.employeeId) {
      const seen = idLines.get(raw.employeeId.toLowerCase());
      if (seen) {
        const spelled =
          seen.id === raw.employeeId ? '' : ` as ${seen.id}: ids that differ only in case are one person to HR`;
        problems.push({
          line,
          employeeId: raw.employeeId,
          reason: `duplicate employeeId (first on line ${seen.line}${spelled})`,
        });
        return;
      }
      idLines.set(raw.employeeId.toLowerCase(), { id: raw.employeeId, line });
    }
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((issue) => ({
          line,
          employeeId: raw.employeeId || undefined,
          reason: issue.message,
        })),
      );
      return;
    }
    const { managerId, ...rest } = parsed.data;
    byId.set(rest.employeeId, { employee: managerId ? { ...rest, managerId } : rest, line });
  });

  // An address reaches one person: mail, feedback requests by address and sign-in all rely on it.
  const emailOwners = new Map<string, { id: string; line?: number }>();
  for (const [id, employee] of existing) if (!byId.has(id)) emailOwners.set(employee.email.toLowerCase(), { id });
  for (const [id, { employee, line }] of byId) {
    const owner = emailOwners.get(employee.email.toLowerCase());
    if (!owner) emailOwners.set(employee.email.toLowerCase(), { id, line });
    else
      problems.push({
        line,
        employeeId: id,
        reason: owner.line
          ? `duplicate email (first on line ${owner.line})`
          : `email already belongs to employee ${owner.id}`,
      });
  }

  const managerOf = (id: string): string | undefined => (byId.get(id)?.employee ?? existing.get(id))?.managerId;
  for (const [id, { employee, line }] of byId) {
    if (!employee.managerId) continue;
    if (employee.managerId === id) {
      problems.push({ line, employeeId: id, reason: 'an employee cannot be their own manager' });
    } else if (!byId.has(employee.managerId) && !existing.has(employee.managerId)) {
      problems.push({ line, employeeId: id, reason: `unknown manager ${employee.managerId}` });
    } else if (reachesSelf(id, managerOf)) {
      problems.push({
        line,
        employeeId: id,
        reason: 'manager cycle: this employee is their own manager further up the chain',
      });
    }
  }
  if (problems.length) throw new RosterRejected(problems.sort((a, b) => a.line - b.line));
  return [...byId.values()].map((entry) => entry.employee);
}

function reachesSelf(start: string, managerOf: (id: string) => string | undefined): boolean {
  const seen = new Set<string>([start]);
  for (let current = managerOf(start); current; current = managerOf(current)) {
    if (current === start) return true;
    if (seen.has(current)) return false; // a loop further up that does not include `start`: reported on its own members
    seen.add(current);
  }
  return false;
}

/** Whether HR has not deactivated the person: only active people are invited to new cycles and sent mail. */
export function isActive(employee: Pick<Employee, 'deactivatedAt'>): boolean {
  return !employee.deactivatedAt;
}

/**
 * A row of an import as it is stored: the HRIS's fields, and the deactivation HR made in perfcycle, which an
 * HRIS export that still lists a leaver does not undo (`employees activate` does).
 */
export function importedRow(row: Employee, previous: Employee | undefined): Employee {
  return previous?.deactivatedAt
    ? {
        ...row,
        deactivatedAt: previous.deactivatedAt,
        ...(previous.deactivatedBy ? { deactivatedBy: previous.deactivatedBy } : {}),
      }
    : row;
}

/**
 * Whether importing `row` would store `previous` again as it is: a directory exported from the HRIS each quarter
 * lists mostly people who did not change, and rewriting each of them (with its three index entries) would cost four
 * writes a person for nothing.
 */
export function unchangedByImport(row: Employee, previous: Employee | undefined): boolean {
  return previous !== undefined && isDeepStrictEqual(importedRow(row, previous), previous);
}

/** The reviewer of a participant: their manager, or HR for someone at the top of the directory. */
export interface Reviewer {
  key: string;
  name: string;
  email: string;
}

/** The manager reviews; HR does when there is none, or when the manager has left (deactivated) or is not in the directory. */
export function reviewerOf(employee: Employee, directory: ReadonlyMap<string, Employee>, hr: Reviewer): Reviewer {
  const manager = employee.managerId ? directory.get(employee.managerId) : undefined;
  return manager && isActive(manager) ? { key: manager.employeeId, name: manager.name, email: manager.email } : hr;
}

/** Everyone active, or the active people of one department (case-insensitive, as HR types it), in a stable order. */
export function selectParticipants(directory: ReadonlyMap<string, Employee>, department?: string): Employee[] {
  const wanted = department?.trim().toLowerCase();
  return [...directory.values()]
    .filter((employee) => isActive(employee) && (!wanted || employee.department.toLowerCase() === wanted))
    .sort((a, b) => a.employeeId.localeCompare(b.employeeId));
}

/**
 * What HR checks before applying a file: up to `max` rows whose name or department has characters beyond
 * ASCII (accents, umlauts), as they will be stored. A wrongly read file shows there; an ASCII file has nothing to check.
 */
export function rosterSample(
  employees: readonly Employee[],
  max = 5,
): Pick<Employee, 'employeeId' | 'name' | 'department'>[] {
  return employees
    .filter((employee) => /[^\p{ASCII}]/u.test(employee.name + employee.department))
    .slice(0, max)
    .map(({ employeeId, name, department }) => ({ employeeId, name, department }));
}

/** An import of more rows than this is saved in parts, so the CLI can show its progress. */
export const IMPORT_PART_ROWS = 1000;
const MAX_IMPORT_PARTS = 10;

/**
 * How many parts an import of `rows` rows is saved in: one up to IMPORT_PART_ROWS, then parts of that many,
 * but never more than MAX_IMPORT_PARTS (each part checks the whole file again, so the checks stay a small multiple).
 */
export function importParts(rows: number): number {
  return Math.min(MAX_IMPORT_PARTS, Math.max(1, Math.ceil(rows / IMPORT_PART_ROWS)));
}

/** The rows of part `part` (1-based) of `parts`: consecutive, the same for every request of one file. */
export function rosterPart<T>(rows: readonly T[], part: number, parts: number): T[] {
  const size = Math.ceil(rows.length / parts);
  return rows.slice((part - 1) * size, part * size);
}
