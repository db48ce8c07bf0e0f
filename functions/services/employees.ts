import { isActive, type Employee } from '#domain/employee.ts';
import { nowIso } from '#shared/clock.ts';
import { logger } from '#shared/observability.ts';
import type { Actor } from '#store/audit.ts';
import { activateEmployee, deactivateEmployee, getEmployee, listDirectoryPage } from '#store/employees.ts';
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

/** A page of the directory, each person with whether they are active. */
export async function listEmployees(query: { department?: string; limit: number; cursor?: string }) {
  const page = await listDirectoryPage(query);
  return {
    employees: page.employees.map((employee) => ({ ...employee, active: isActive(employee) })),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
  };
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
