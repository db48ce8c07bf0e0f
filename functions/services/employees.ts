import type { Employee } from '#domain/employee.ts';
import { getEmployee } from '#store/employees.ts';
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
