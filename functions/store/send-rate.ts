import { conditionalUpdate, keys } from './table.ts';

const names = { '#second': 'second', '#sent': 'sent' };

/**
 * Reserves `wanted` sends in the one-second window `second` (epoch seconds) that allows `max` in all, for
 * every sender sharing the table: one item holds the current window and its count. Answers how many were
 * granted: `wanted`, or 0 when the window has no room for them.
 */
export async function reserveSends(second: number, wanted: number, max: number): Promise<number> {
  // This second's window: add to it while there is room.
  const added = await conditionalUpdate({
    Key: keys.sendRate,
    UpdateExpression: 'ADD #sent :wanted',
    ConditionExpression: '#second = :second AND #sent <= :room',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':wanted': wanted, ':second': second, ':room': max - wanted },
  });
  if (added) return wanted;
  // An earlier second's window (or none yet): this second's starts with us.
  const opened = await conditionalUpdate({
    Key: keys.sendRate,
    UpdateExpression: 'SET #second = :second, #sent = :wanted',
    ConditionExpression: 'attribute_not_exists(#second) OR #second < :second',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':wanted': wanted, ':second': second },
  });
  return opened ? wanted : 0;
}
