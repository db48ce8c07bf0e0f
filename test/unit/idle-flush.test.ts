import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceTestEnv } from '../support/services.ts';

/** The age the outbox flusher publishes for the unsent-mail alarm: one outbox-index read per scope holding mail, and one more. */
const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

const clock = serviceTestEnv();
afterEach(() => dynamo.reset());

/** The outbox index answers the first entry after `after`. */
const entryAfter = (after: string | undefined, first?: { scope: string; dueAt: string; createdAt: string }) =>
  dynamo
    .on(QueryCommand, {
      IndexName: 'gsi2',
      ExpressionAttributeValues: after ? { ':pk': 'OUTBOX', ':after': after } : { ':pk': 'OUTBOX' },
    })
    .resolves({
      Items: first
        ? [
            {
              pk: 'x',
              sk: 'y',
              gsi2sk: `${first.scope}#${first.dueAt}#m`,
              createdAt: first.createdAt,
              body: 'not read',
            },
          ]
        : [],
    });

describe('the scheduled flusher when nothing is due', () => {
  it('reads the first outbox entry of each scope holding mail, sends nothing, and publishes the age of the oldest unsent mail', async () => {
    clock.set(NOW);
    const { flushEveryOutbox } = await import('#services/outbox.ts');
    const { GOAL_MAIL_SCOPE } = await import('#services/goals.ts');
    // A cycle's deferred mail queued 90 minutes ago, due again in an hour; the goal scope's mail is due in 10
    // minutes; no other scope (the feedback scope, other cycles) holds unsent mail.
    entryAfter(undefined, { scope: 'c1', dueAt: '2026-12-01T13:00:00.000Z', createdAt: '2026-12-01T10:30:00.000Z' });
    entryAfter('c1$', {
      scope: GOAL_MAIL_SCOPE,
      dueAt: '2026-12-01T12:10:00.000Z',
      createdAt: '2026-12-01T11:50:00.000Z',
    });
    entryAfter(`${GOAL_MAIL_SCOPE}$`);
    expect(await flushEveryOutbox(60_000)).toEqual({
      scopes: 2,
      sent: 0,
      failed: 0,
      deferred: 0,
      oldestUnsentSeconds: 90 * 60,
    });
    const reads = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(reads.map((query) => query.ExpressionAttributeValues?.[':after'])).toEqual([
      undefined,
      'c1$',
      `${GOAL_MAIL_SCOPE}$`,
    ]);
    for (const query of reads) expect(query.Limit).toBe(1);
    // Nothing else: no list of the cycles that ever ran.
    expect(dynamo.calls()).toHaveLength(3);
  });

  it('reads once when no scope holds unsent mail', async () => {
    clock.set(NOW);
    const { flushEveryOutbox } = await import('#services/outbox.ts');
    entryAfter(undefined);
    expect(await flushEveryOutbox(60_000)).toEqual({
      scopes: 0,
      sent: 0,
      failed: 0,
      deferred: 0,
      oldestUnsentSeconds: 0,
    });
    expect(dynamo.calls()).toHaveLength(1);
  });

  it('publishes 0 when nothing is unsent', async () => {
    const { unsentAge } = await import('#services/outbox.ts');
    expect(unsentAge([undefined, undefined], NOW)).toBe(0);
  });
});
