import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, keys, queryAll, tableName } from './table.ts';

/**
 * A person's cycles, listed under them (`EMP#id` / `CYCLE#releasedAt#cycleId`) when their result is
 * released, so their history reads one partition instead of every cycle.
 */
export async function recordParticipation(employeeId: string, cycleId: string, releasedAt: string): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.participation(employeeId, releasedAt, cycleId), cycleId, releasedAt },
    }),
  );
}

/** Newest first. */
export async function listParticipations(employeeId: string): Promise<{ cycleId: string; releasedAt: string }[]> {
  const items = await queryAll<{ cycleId: string; releasedAt: string }>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.employee(employeeId).pk, ':prefix': 'CYCLE#' },
    ScanIndexForward: false,
  });
  return items.map(({ cycleId, releasedAt }) => ({ cycleId, releasedAt }));
}
