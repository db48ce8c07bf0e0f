import { RuleViolation } from '#domain/cycle.ts';
import { isActive, type Employee } from '#domain/employee.ts';
import { departmentKey } from '#domain/launch-checks.ts';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, conditionalUpdateReturning, db, keys, queryAll, tableName } from './table.ts';

/** Everyone in the directory, deactivated people included (with when and by whom). */
export async function loadDirectory(): Promise<Map<string, Employee>> {
  const items = await queryAll<Employee & Record<string, unknown>>({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.directory.gsi3pk },
  });
  return new Map(items.map((item) => [item.employeeId, toEmployee(item)]));
}

/** The employee fields of a stored item, without keys, index attributes or an empty manager. */
function toEmployee({
  employeeId,
  name,
  email,
  managerId,
  department,
  deactivatedAt,
  deactivatedBy,
}: Employee): Employee {
  return {
    employeeId,
    name,
    email,
    ...(managerId ? { managerId } : {}),
    department,
    ...(deactivatedAt ? { deactivatedAt } : {}),
    ...(deactivatedBy ? { deactivatedBy } : {}),
  };
}

/** A manager's reports while the person is active; the leavers otherwise (see the key table). */
function teamKeys(employee: Pick<Employee, 'employeeId' | 'managerId' | 'deactivatedAt'>) {
  if (!isActive(employee)) return { ...keys.leavers, gsi2sk: employee.employeeId };
  return employee.managerId ? { gsi2pk: keys.reports(employee.managerId), gsi2sk: employee.employeeId } : {};
}

/** Upserts by employeeId: re-importing the same person replaces their record, never adds a second one. */
export async function saveEmployees(employees: Employee[], at: string): Promise<void> {
  await batchPut(
    employees.map((employee) => ({
      ...keys.employee(employee.employeeId),
      ...keys.directory,
      gsi3sk: keys.directoryEntry(departmentKey(employee.department), employee.employeeId),
      gsi1pk: keys.employeeEmail(employee.email),
      gsi1sk: employee.employeeId,
      ...teamKeys(employee),
      ...employee,
      updatedAt: at,
    })),
  );
}

export async function getEmployee(employeeId: string): Promise<Employee | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.employee(employeeId) }));
  return result.Item ? toEmployee(result.Item as Employee) : undefined;
}

/** A manager's active direct reports, through the reports index (never the whole directory). */
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

/** Where a page of the directory ends: its sort key, which also names the employee, URL-safe. */
const encodeCursor = (sortKey: string) => Buffer.from(sortKey, 'utf8').toString('base64url');
const CURSOR_SORT_KEY = /^(?:[^#]*#)?[A-Za-z0-9._-]{1,64}$/;

/**
 * One page of the directory through its index, ordered by department then employeeId: a department's page
 * reads only that department (case-insensitive, as HR types it). `cursor` is the previous page's.
 */
export async function listDirectoryPage(options: {
  department?: string;
  limit: number;
  cursor?: string;
}): Promise<{ employees: Employee[]; cursor?: string }> {
  const prefix =
    options.department === undefined ? undefined : keys.directoryEntry(departmentKey(options.department), '');
  let ExclusiveStartKey: Record<string, string> | undefined;
  if (options.cursor !== undefined) {
    const sortKey = Buffer.from(options.cursor, 'base64url').toString('utf8');
    if (!CURSOR_SORT_KEY.test(sortKey) || (prefix !== undefined && !sortKey.startsWith(prefix))) {
      throw new RuleViolation('invalid cursor', ['pass the cursor of the page before, with the same department']);
    }
    ExclusiveStartKey = {
      ...keys.employee(sortKey.slice(sortKey.lastIndexOf('#') + 1)),
      ...keys.directory,
      gsi3sk: sortKey,
    };
  }
  const page = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: prefix === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.directory.gsi3pk,
        ...(prefix === undefined ? {} : { ':prefix': prefix }),
      },
      Limit: options.limit,
      ExclusiveStartKey,
    }),
  );
  const last = page.LastEvaluatedKey?.gsi3sk as string | undefined;
  return {
    employees: (page.Items ?? []).map((item) => toEmployee(item as Employee)),
    ...(last ? { cursor: encodeCursor(last) } : {}),
  };
}

/**
 * Deactivates a person, or leaves them as they are when they already are (keeping when and by whom). Answers
 * the person as stored, or undefined when there is nobody with that id.
 */
export function deactivateEmployee(employeeId: string, at: string, by: string): Promise<Employee | undefined> {
  return conditionalUpdateReturning<Employee>({
    Key: keys.employee(employeeId),
    UpdateExpression:
      'SET deactivatedAt = if_not_exists(deactivatedAt, :at), deactivatedBy = if_not_exists(deactivatedBy, :by), gsi2pk = :leavers, gsi2sk = :id',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':at': at, ':by': by, ':leavers': keys.leavers.gsi2pk, ':id': employeeId },
  }).then((item) => item && toEmployee(item));
}

/**
 * Activates a person again: back among their manager's reports. The update is guarded by the manager read
 * before it, so an import moving them meanwhile is not undone (the read is then taken again).
 */
export async function activateEmployee(employeeId: string): Promise<Employee | undefined> {
  for (;;) {
    const current = await getEmployee(employeeId);
    if (!current) return undefined;
    const team = teamKeys({ employeeId, managerId: current.managerId });
    const updated = await conditionalUpdateReturning<Employee>({
      Key: keys.employee(employeeId),
      UpdateExpression: `REMOVE deactivatedAt, deactivatedBy${'gsi2pk' in team ? ' SET gsi2pk = :team, gsi2sk = :id' : ', gsi2pk, gsi2sk'}`,
      ConditionExpression: current.managerId
        ? 'managerId = :manager'
        : 'attribute_exists(pk) AND attribute_not_exists(managerId)',
      ExpressionAttributeValues: {
        ...('gsi2pk' in team ? { ':team': team.gsi2pk, ':id': employeeId } : {}),
        ...(current.managerId ? { ':manager': current.managerId } : {}),
      },
    });
    if (updated) return toEmployee(updated);
  }
}

/** The addresses (lower case) of everyone deactivated, through the leavers' index: mail to them is dropped. */
export async function deactivatedAddresses(): Promise<Set<string>> {
  const items = await queryAll<Pick<Employee, 'email'>>({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.leavers.gsi2pk },
    ProjectionExpression: 'email',
  });
  return new Set(items.map((item) => item.email.toLowerCase()));
}
