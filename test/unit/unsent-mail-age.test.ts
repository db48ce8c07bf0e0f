import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

/** The age the outbox flusher publishes for the unsent-mail alarm: one outbox-index read per scope. */
const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

beforeAll(() => {
  Object.assign(process.env, {
    TABLE_NAME: 't',
    MAIL_FROM: 'perfcycle@example.com',
    ORG_NAME: 'Example Org',
    HR_EMAIL: 'hr@example.com',
    BASE_URL: 'https://x.example.com',
    LINK_SECRET: 'x'.repeat(40),
    AWS_REGION: 'eu-west-1',
  });
});
afterEach(() => {
  dynamo.reset();
  vi.useRealTimers();
});

const firstUnsent = (scope: string, createdAt?: string) =>
  dynamo
    .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': `OUTBOX#${scope}` } })
    .resolves({ Items: createdAt ? [{ pk: 'x', sk: 'y', cycleId: scope, mailId: 'm', createdAt }] : [] });

describe('oldestUnsentAge', () => {
  it('is the seconds since the oldest of the scopes\u2019 first-due unsent mails was queued, reading one item per scope', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const { oldestUnsentAge } = await import('#services/outbox.ts');
    firstUnsent('a', '2026-12-01T11:50:00.000Z');
    firstUnsent('b', '2026-12-01T10:30:00.000Z');
    firstUnsent('c');
    expect(await oldestUnsentAge(['a', 'b', 'c'])).toBe(90 * 60);
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(3);
    for (const query of queries) expect(query.Limit).toBe(1);
  });

  it('is 0 when nothing is unsent', async () => {
    const { oldestUnsentAge } = await import('#services/outbox.ts');
    firstUnsent('a');
    expect(await oldestUnsentAge(['a'])).toBe(0);
  });
});
