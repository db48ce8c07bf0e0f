import { importedRow, rosterPart, rosterSample, unchangedByImport } from '#domain/employee.ts';
import { readRoster } from '#domain/roster-file.ts';
import { nowIso } from '#shared/clock.ts';
import { logger } from '#shared/observability.ts';
import type { Actor } from '#store/audit.ts';
import { loadDirectory, saveEmployees } from '#store/employees.ts';

export interface ImportRequest {
  dryRun: boolean;
  /** Save only this part (1-based) of `parts`; the whole file is still read and checked, so every part sees the same rows. */
  part?: { part: number; parts: number };
}

/**
 * An import of a roster file, all rows or none: every row is checked against the directory before anything
 * is saved. The answer shows how the file was read (encoding, separator) and a sample of names as they are
 * stored. A dry run checks and saves nothing; a part saves only its rows (the CLI's progress). A row that
 * changes nothing is counted as unchanged and not written.
 */
export async function importRoster(file: Uint8Array, request: ImportRequest, actor: Actor) {
  const existing = await loadDirectory();
  const { employees, encoding, separator } = readRoster(file, existing);
  const read = { encoding, separator, sample: rosterSample(employees) };
  const rows = request.part ? rosterPart(employees, request.part.part, request.part.parts) : employees;
  // Rows that would store a person as they already are are counted, not written (updatedAt: when the record last changed).
  const changed = rows.filter((row) => !unchangedByImport(row, existing.get(row.employeeId)));
  const created = changed.filter((employee) => !existing.has(employee.employeeId)).length;
  const counts = { created, updated: changed.length - created, unchanged: rows.length - changed.length };
  if (request.dryRun) return { dryRun: true, imported: 0, valid: employees.length, ...counts, ...read };
  await saveEmployees(
    changed.map((row) => importedRow(row, existing.get(row.employeeId))),
    nowIso(),
  );
  logger.info('roster imported', { actor, ...counts, ...request.part });
  return {
    imported: rows.length,
    ...counts,
    ...(request.part ? { ...request.part, valid: employees.length } : {}),
    ...read,
  };
}
