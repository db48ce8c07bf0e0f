import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, db, keys, queryAll, tableName } from './table.ts';

/** Who did something: HR (by their identity), a participant through their link, or the workflow itself. */
export type Actor = `hr:${string}` | `employee:${string}` | `manager:${string}` | 'system';

export interface AuditEvent {
  cycleId: string;
  at: string;
  actor: Actor;
  action: string;
  employeeId?: string;
  details?: Record<string, string | number | boolean>;
}

export function auditItem(event: AuditEvent): Record<string, unknown> {
  return { ...keys.audit(event.cycleId, event.at, randomUUID()), ...event };
}

export async function recordAudit(event: AuditEvent): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: auditItem(event) }));
}

/** Many events at once, e.g. one ladder step taken for a whole team. */
export async function recordAudits(events: AuditEvent[]): Promise<void> {
  await batchPut(events.map(auditItem));
}

export async function listAuditEvents(cycleId: string): Promise<AuditEvent[]> {
  const items = await queryAll<AuditEvent>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'AUDIT#' },
  });
  return items.map(({ cycleId: id, at, actor, action, employeeId, details }) => ({
    cycleId: id,
    at,
    actor,
    action,
    employeeId,
    details,
  }));
}
