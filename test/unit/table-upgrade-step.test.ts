import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpgradeCursor } from '#store/upgrade.ts';

/**
 * The upgrade step's control flow, with the store replaced (DynamoDB's error paths and clock-bound waits, which the
 * integration test's local stack does not meet): the table itself is upgraded in test/integration/table-upgrade.test.ts.
 */
const store = vi.hoisted(() => ({
  cursor: { done: false, scanned: 0, rewritten: 0 } as UpgradeCursor,
  page: vi.fn(),
}));
vi.mock('#store/upgrade.ts', () => ({
  describeTableState: async () => ({ status: 'ACTIVE', indexes: [] }),
  createIndex: async () => undefined,
  upgradeCursor: async () => store.cursor,
  saveUpgradeCursor: async (_: string, cursor: UpgradeCursor) => {
    store.cursor = cursor;
  },
  rewritePage: store.page,
  recountPeerCounts: async () => undefined,
}));
const { upgradeStep } = await import('#services/upgrade.ts');

const conflict = () =>
  Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });
const upgrade = { pass: 'after-code' as const, indexes: [], drainMs: 0 };

describe('a step of the table upgrade', () => {
  beforeEach(() => {
    store.cursor = { done: false, scanned: 0, rewritten: 0 };
    store.page.mockReset();
  });

  it('answers "not yet" when a write met a transaction in flight, and goes on from the cursor at the next step', async () => {
    store.page.mockResolvedValueOnce({ next: { pk: 'a', sk: 'b' }, scanned: 10, rewritten: 2, recount: [] });
    store.page.mockRejectedValueOnce(conflict());
    expect(await upgradeStep('run-1', upgrade, 60_000)).toEqual({
      complete: false,
      waiting: 'TransactionConflictException: tried again at the next step',
    });
    expect(store.cursor).toMatchObject({ next: { pk: 'a', sk: 'b' }, scanned: 10, rewritten: 2 });
    store.page.mockResolvedValueOnce({ scanned: 5, rewritten: 1, recount: [] });
    expect(await upgradeStep('run-1', upgrade, 60_000)).toMatchObject({ complete: true, scanned: 15, rewritten: 3 });
    expect(store.page).toHaveBeenLastCalledWith({ pk: 'a', sk: 'b' }, 'after-code');
  });

  it('fails on any other error, which CloudFormation reports', async () => {
    store.page.mockRejectedValueOnce(new Error('kept changing'));
    await expect(upgradeStep('run-1', upgrade, 60_000)).rejects.toThrow('kept changing');
  });

  it('waits for the calls the old code started before its update, from the first step on', async () => {
    const waiting = await upgradeStep('run-1', { ...upgrade, drainMs: 960_000 }, 60_000);
    expect(waiting).toMatchObject({
      complete: false,
      waiting: expect.stringMatching(/^calls of the old code may run until /),
    });
    expect(store.page).not.toHaveBeenCalled();
    // Fifteen minutes later, as the framework asks again and again.
    store.cursor = { ...store.cursor, startedAt: Date.now() - 961_000 };
    store.page.mockResolvedValueOnce({ scanned: 1, rewritten: 0, recount: [] });
    expect(await upgradeStep('run-1', { ...upgrade, drainMs: 960_000 }, 60_000)).toMatchObject({ complete: true });
  });
});

describe('the upgrade custom resource as CloudFormation creates, updates and deletes it', () => {
  const context = { functionName: 't', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 1000 } as Context;
  const event = (RequestType: string, extra: Record<string, unknown> = {}) =>
    ({
      RequestType,
      RequestId: 'req-1',
      ResourceProperties: {
        ServiceToken: 'x',
        pass: 'after-code',
        indexes: [
          {
            IndexName: 'gsi4',
            KeySchema: [{ AttributeName: 'gsi4pk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        drainSeconds: '960',
      },
      ...extra,
    }) as unknown as CloudFormationCustomResourceEvent;

  it('names the resource by its pass, keeps the id it was given, and deletes whatever its properties', async () => {
    const { handler } = await import('../../functions/deploy/upgrade-table.ts');
    expect(await handler(event('Create'), context)).toEqual({ PhysicalResourceId: 'table-upgrade-after-code' });
    expect(await handler(event('Update', { PhysicalResourceId: 'earlier-id' }), context)).toEqual({
      PhysicalResourceId: 'earlier-id',
    });
    const unreadable = event('Delete', { PhysicalResourceId: 'earlier-id', ResourceProperties: { pass: 'gone' } });
    expect(await handler(unreadable, context)).toEqual({ PhysicalResourceId: 'earlier-id' });
    await expect(handler(event('Create', { ResourceProperties: { pass: 'sideways' } }), context)).rejects.toThrow();
  });
});
