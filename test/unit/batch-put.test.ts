import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceTestEnv } from '../support/services.ts';

/** How a batch write builds its items, around the DynamoDB calls (the local stack cannot show when items are built). */
const dynamo = mockClient(DynamoDBDocumentClient);
serviceTestEnv();
afterEach(() => dynamo.reset());

describe('a batch write of items that are costly to build', () => {
  it('writes its first batch before it has built them all, and stores every one once', async () => {
    const { batchPutEach } = await import('#store/table.ts');
    const values = Array.from({ length: 1000 }, (_, i) => i);
    let built = 0;
    let builtAtFirstWrite: number | undefined;
    dynamo.on(BatchWriteCommand).callsFake(async () => {
      builtAtFirstWrite ??= built;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return {};
    });
    await batchPutEach(values, (value) => {
      built++;
      return { pk: 'P', sk: `S#${value}` };
    });
    // A batch of 25 is built just before its own write, so building overlaps the writes in flight.
    expect(builtAtFirstWrite).toBe(25);
    const written = dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap((call) => Object.values(call.args[0].input.RequestItems ?? {}).flat())
      .map((request) => request.PutRequest?.Item?.sk);
    expect(written.sort()).toEqual(values.map((value) => `S#${value}`).sort());
  });
});
