import { parse } from 'csv-parse/sync';
import { z } from 'zod';

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
}

export interface RosterProblem {
  line: number;
  employeeId?: string;
  reason: string;
}

export const ROSTER_COLUMNS = ['employeeId', 'name', 'email', 'managerId', 'department'] as const;
export const MAX_ROSTER_ROWS = 50_000;

// Practical address check: one @, a dot in the domain, nothing that breaks a header or HTML.
const EMAIL_RE = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\]+$/;
export const emailSchema = z.string().max(254).regex(EMAIL_RE, 'not a valid email address');
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

/**
 * Parses and validates a roster against the people already in the directory (a manager may be someone
 * imported earlier). Throws RosterRejected with every problem by line number; returns the rows otherwise.
 */
export function parseRoster(csvText: string, existing: ReadonlyMap<string, Employee>): Employee[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types do not model `info: true`, which wraps every record as { record, info }.
    records = parse(csvText.replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new RosterRejected([{ line, reason: `not valid CSV: ${(error as Error).message}` }]);
  }
  const [first, ...rows] = records;
  const header = first?.record;
  const missing = ROSTER_COLUMNS.filter((column) => !header?.includes(column));
  if (!header || missing.length) {
    throw new RosterRejected([
      { line: 1, reason: `header must name the columns ${ROSTER_COLUMNS.join(',')}; missing: ${missing.join(', ') || 'all'}` },
    ]);
  }
  if (rows.length === 0) throw new RosterRejected([{ line: 1, reason: 'no employees after the header' }]);
  if (rows.length > MAX_ROSTER_ROWS) throw new RosterRejected([{ line: 1, reason: `more than ${MAX_ROSTER_ROWS} rows` }]);

  const problems: RosterProblem[] = [];
  const byId = new Map<string, { employee: Employee; line: number }>();
  rows.forEach(({ record: cells, info }) => {
    // The parser counts the blank lines it skips, so this is the line in the file (for a record with a quoted
    // line break, the line it ends on).
    const line = info.lines;
    if (cells.length !== header.length) {
      problems.push({ line, reason: `expected ${header.length} fields, found ${cells.length}` });
      return;
    }
    const raw = Object.fromEntries(header.map((column, i) => [column, cells[i]]));
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => ({ line, employeeId: raw.employeeId || undefined, reason: issue.message })));
      return;
    }
    const { managerId, ...rest } = parsed.data;
    if (byId.has(rest.employeeId)) {
      problems.push({ line, employeeId: rest.employeeId, reason: `duplicate employeeId (first on line ${byId.get(rest.employeeId)!.line})` });
      return;
    }
    byId.set(rest.employeeId, { employee: managerId ? { ...rest, managerId } : rest, line });
  });

  // An address reaches one person: mail, feedback requests by address and sign-in all rely on it.
  const emailOwners = new Map<string, { id: string; line?: number }>();
  for (const [id, employee] of existing) if (!byId.has(id)) emailOwners.set(employee.email.toLowerCase(), { id });
  for (const [id, { employee, line }] of byId) {
    const owner = emailOwners.get(employee.email.toLowerCase());
    if (!owner) emailOwners.set(employee.email.toLowerCase(), { id, line });
    else problems.push({ line, employeeId: id, reason: owner.line ? `duplicate email (first on line ${owner.line})` : `email already belongs to employee ${owner.id}` });
  }

  const managerOf = (id: string): string | undefined => (byId.get(id)?.employee ?? existing.get(id))?.managerId;
  for (const [id, { employee, line }] of byId) {
    if (!employee.managerId) continue;
    if (employee.managerId === id) {
      problems.push({ line, employeeId: id, reason: 'an employee cannot be their own manager' });
    } else if (!byId.has(employee.managerId) && !existing.has(employee.managerId)) {
      problems.push({ line, employeeId: id, reason: `unknown manager ${employee.managerId}` });
    } else if (reachesSelf(id, managerOf)) {
      problems.push({ line, employeeId: id, reason: 'manager cycle: this employee is their own manager further up the chain' });
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

/** The reviewer of a participant: their manager, or HR for someone at the top of the directory. */
export interface Reviewer {
  key: string;
  name: string;
  email: string;
}

export function reviewerOf(employee: Employee, directory: ReadonlyMap<string, Employee>, hr: Reviewer): Reviewer {
  const manager = employee.managerId ? directory.get(employee.managerId) : undefined;
  return manager ? { key: manager.employeeId, name: manager.name, email: manager.email } : hr;
}

/** Everyone, or one department (case-insensitive, as HR types it), in a stable order. */
export function selectParticipants(directory: ReadonlyMap<string, Employee>, department?: string): Employee[] {
  const wanted = department?.trim().toLowerCase();
  return [...directory.values()]
    .filter((employee) => !wanted || employee.department.toLowerCase() === wanted)
    .sort((a, b) => a.employeeId.localeCompare(b.employeeId));
}
