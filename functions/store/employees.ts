import type { Employee } from '#domain/employee.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, db, keys, queryAll, tableName } from './table.ts';

export async function loadDirectory(): Promise<Map<string, Employee>> {
  const items = await queryAll<Employee & Record<string, unknown>>({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.directory.gsi3pk },
  });
  return new Map(items.map((item) => [item.employeeId, toEmployee(item)]));
}

/** The employee fields of a stored item, without keys, index attributes or an empty manager. */
function toEmployee({ employeeId, name, email, managerId, department }: Employee): Employee {
  return managerId ? { employeeId, name, email, managerId, department } : { employeeId, name, email, department };
}

/** Upserts by employeeId: re-importing the same person replaces their record, never adds a second one. */
export async function saveEmployees(employees: Employee[], at: string): Promise<void> {
  await batchPut(
    employees.map((employee) => ({
      ...keys.employee(employee.employeeId),
      ...keys.directory,
      gsi3sk: employee.employeeId,
      gsi1pk: keys.employeeEmail(employee.email),
      gsi1sk: employee.employeeId,
      ...(employee.managerId ? { gsi2pk: keys.reports(employee.managerId), gsi2sk: employee.employeeId } : {}),
      ...employee,
      updatedAt: at,
    })),
  );
}

export async function getEmployee(employeeId: string): Promise<Employee | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.employee(employeeId) }));
  return result.Item ? toEmployee(result.Item as Employee) : undefined;
}

/** A manager's direct reports, through the reports index (never the whole directory). */
export async function listReports(managerId: string): Promise<Employee[]> {
  const items = await queryAll<Employee>({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.reports(managerId) },
  });
  return items.map(toEmployee);
}

/** The employee with an email address (case-insensitive), through the email index. */
export async function findByEmail(email: string): Promise<Employee | undefined> {
  const [item] = await queryAll<Employee>({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.employeeEmail(email) },
  });
  return item && toEmployee(item);
}
