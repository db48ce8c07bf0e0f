import type { Employee } from '#domain/employee.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, db, keys, queryAll, tableName } from './table.ts';

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

export async function employeeExists(employeeId: string): Promise<boolean> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.employee(employeeId), ProjectionExpression: 'pk' }));
  return result.Item !== undefined;
}
