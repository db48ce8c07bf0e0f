import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceTestEnv } from '../support/services.ts';

/** The age the outbox flusher publishes for the unsent-mail alarm: one outbox-index read per scope. */
const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

const clock = serviceTestEnv();
afterEach(() => dynamo.reset());

const firstUnsent = (scope: string, first?: { dueAt: string; createdAt: string }) =>
  dynamo.on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': `OUTBOX#${scope}` } }).resolves({
    Items: first
      ? [{ pk: 'x', sk: 'y', gsi2sk: `${first.dueAt}#m`, createdAt: first.createdAt, body: 'not read' }]
      : [],
  });

describe('the scheduled flusher when nothing is due', () => {
  it('reads one outbox entry per scope, sends nothing, and publishes the age of the oldest unsent mail', async () => {
    clock.set(NOW);
    const { flushEveryOutbox } = await import('#services/outbox.ts');
    const { FEEDBACK_MAIL_SCOPE } = await import('#services/feedback.ts');
    const { GOAL_MAIL_SCOPE } = await import('#services/goals.ts');
    dynamo
      .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': 'CYCLES' } })
      .resolves({ Items: [{ pk: 'CYCLE#c1', sk: 'META', cycleId: 'c1' }] });
    // A deferred mail queued 90 minutes ago, due again in an hour; the goal scope's mail is due in 10 minutes.
    firstUnsent('c1', { dueAt: '2026-12-01T13:00:00.000Z', createdAt: '2026-12-01T10:30:00.000Z' });
    firstUnsent(GOAL_MAIL_SCOPE, { dueAt: '2026-12-01T12:10:00.000Z', createdAt: '2026-12-01T11:50:00.000Z' });
    firstUnsent(FEEDBACK_MAIL_SCOPE);
    expect(await flushEveryOutbox(60_000)).toEqual({
      scopes: 3,
      sent: 0,
      failed: 0,
      deferred: 0,
      oldestUnsentSeconds: 90 * 60,
    });
    const outboxReads = dynamo
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((query) => String(query.ExpressionAttributeValues?.[':pk']).startsWith('OUTBOX#'));
    expect(outboxReads).toHaveLength(3);
    for (const query of outboxReads) expect(query.Limit).toBe(1);
    expect(dynamo.calls()).toHaveLength(4);
  });

  it('publishes 0 when nothing is unsent', async () => {
    const { unsentAge } = await import('#services/outbox.ts');
    expect(unsentAge([undefined, undefined], NOW)).toBe(0);
  });
});
