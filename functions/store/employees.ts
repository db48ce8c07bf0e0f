import type { Employee } from '#domain/employee.ts';
import { batchPut, keys, queryAll } from './table.ts';

export async function loadDirectory(): Promise<Map<string, Employee>> {
  const items = await queryAll<Employee & Record<string, unknown>>({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.directory.gsi3pk },
  });
  return new Map(
    items.map(({ employeeId, name, email, managerId, department }) => [
      employeeId,
      managerId ? { employeeId, name, email, managerId, department } : { employeeId, name, email, department },
    ]),
  );
}

/** Upserts by employeeId: re-importing the same person replaces their record, never adds a second one. */
export async function saveEmployees(employees: Employee[], at: string): Promise<void> {
  await batchPut(
    employees.map((employee) => ({
      ...keys.employee(employee.employeeId),
      ...keys.directory,
      gsi3sk: employee.employeeId,
      ...employee,
      updatedAt: at,
    })),
  );
}
