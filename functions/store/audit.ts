import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, db, keys, queryAll, queryPage, tableName } from './table.ts';

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
  const items = await queryAll<Record<string, unknown>>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'AUDIT#' },
  });
  return items.map(eventOf);
}

/** One page of a cycle's audit in time order: its events, and its emails' outcomes (store/mail.ts), from `start`. */
export async function auditPage(cycleId: string, page: { limit: number; start?: Record<string, unknown> }) {
  const { items, next } = await queryPage<Record<string, unknown>>(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.cyclePartition(cycleId), ':prefix': 'AUDIT#' },
    },
    { ...page, keyNames: ['pk', 'sk'] },
  );
  return { events: items.map(eventOf), next };
}

/** One page of the reminder ladder's emails sent in a cycle, in time order. */
export async function escalationsPage(cycleId: string, page: { limit: number; start?: Record<string, unknown> }) {
  const { items, next } = await queryPage<Record<string, unknown>>(
    {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.escalations(cycleId) },
    },
    { ...page, keyNames: ['pk', 'sk', 'gsi3pk', 'gsi3sk'] },
  );
  return { events: items.map(eventOf), next };
}

function eventOf(item: Record<string, unknown>): AuditEvent & { about?: string[] } {
  const { cycleId, at, actor, action, employeeId, details, about } = item as unknown as AuditEvent & {
    about?: string[];
  };
  return { cycleId, at, actor, action, employeeId, details, ...(about ? { about } : {}) };
}
