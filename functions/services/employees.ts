import { importedRow, isActive, readRoster, rosterPart, rosterSample, type Employee } from '#domain/employee.ts';
import { nowIso } from '#shared/clock.ts';
import { logger } from '#shared/observability.ts';
import type { Actor } from '#store/audit.ts';
import { activateEmployee, deactivateEmployee, getEmployee, listDirectoryPage, loadDirectory, saveEmployees } from '#store/employees.ts';
import { NotFound } from './errors.ts';

/** The employee a request names; a 404 when there is none. */
export async function requireEmployee(employeeId: string): Promise<Employee> {
  const employee = await getEmployee(employeeId);
  if (!employee) throw new NotFound(`employee ${employeeId}`);
  return employee;
}

/** The names of the given people, each read once; someone who left the directory is shown by id. */
export async function employeeNames(employeeIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(employeeIds)];
  const employees = await Promise.all(unique.map((id) => getEmployee(id)));
  return new Map(unique.map((id, index) => [id, employees[index]?.name ?? id]));
}

export interface ImportRequest {
  dryRun: boolean;
  /** Save only this part (1-based) of `parts`; the whole file is still read and checked, so every part sees the same rows. */
  part?: { part: number; parts: number };
}

/**
 * An import of a roster file, all rows or none: every row is checked against the directory before anything
 * is saved. The answer shows how the file was read (encoding, separator) and a sample of names as they are
 * stored. A dry run checks and saves nothing; a part saves only its rows (the CLI's progress).
 */
export async function importRoster(file: Uint8Array, request: ImportRequest, actor: Actor) {
  const existing = await loadDirectory();
  const { employees, encoding, separator } = readRoster(file, existing);
  const read = { encoding, separator, sample: rosterSample(employees) };
  const rows = request.part ? rosterPart(employees, request.part.part, request.part.parts) : employees;
  const created = rows.filter((employee) => !existing.has(employee.employeeId)).length;
  const counts = { created, updated: rows.length - created };
  if (request.dryRun) return { dryRun: true, imported: 0, valid: employees.length, ...counts, ...read };
  await saveEmployees(rows.map((row) => importedRow(row, existing.get(row.employeeId))), nowIso());
  logger.info('roster imported', { actor, ...counts, ...request.part });
  return { imported: rows.length, ...counts, ...(request.part ? { ...request.part, valid: employees.length } : {}), ...read };
}

/** A page of the directory, each person with whether they are active. */
export async function listEmployees(query: { department?: string; limit: number; cursor?: string }) {
  const page = await listDirectoryPage(query);
  return { employees: page.employees.map((employee) => ({ ...employee, active: isActive(employee) })), ...(page.cursor ? { nextCursor: page.cursor } : {}) };
}

/**
 * Deactivates a leaver (in no new cycle, sent no more mail; their goals, reviews and audit stay) or activates
 * them again. `changed` is false when they already were as asked.
 */
export async function setEmployeeActive(employeeId: string, active: boolean, actor: Actor) {
  const before = await requireEmployee(employeeId);
  const after = active ? await activateEmployee(employeeId) : await deactivateEmployee(employeeId, nowIso(), actor);
  if (!after) throw new NotFound(`employee ${employeeId}`);
  const changed = isActive(before) !== isActive(after);
  if (changed) logger.info(active ? 'employee activated' : 'employee deactivated', { actor, employeeId });
  return { ...after, active: isActive(after), changed };
}
