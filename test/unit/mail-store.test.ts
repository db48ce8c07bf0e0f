import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailRecord } from '#store/mail.ts';
import { serviceTestEnv } from '../support/services.ts';

/** What the outbox writes of a mail SES took, around the DynamoDB calls the local stack cannot intercept. */
const dynamo = mockClient(DynamoDBDocumentClient);
serviceTestEnv();
afterEach(() => dynamo.reset());

const mail: MailRecord = {
  cycleId: 'c1',
  mailId: 'invitation#e1',
  kind: 'invitation',
  to: 'ann@example.com',
  subject: 'Q4: your self-assessment is open',
  text: 'Please answer by Wed 9 Dec 2026.',
  html: '<p>Please answer by Wed 9 Dec 2026.</p>',
  about: ['e1'],
  status: 'PENDING',
  createdAt: '2026-12-01T12:00:00.000Z',
};

const putItems = () =>
  dynamo
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => Object.values(call.args[0].input.RequestItems ?? {}).flat())
    .map((request) => request.PutRequest?.Item ?? {});

describe('a mail queued and sent by one sender', () => {
  it('stores its outcome with the body compressed when it was queued, not compressed again', async () => {
    const { queueMailsClaimed, saveOutcomes } = await import('#store/mail.ts');
    dynamo.on(BatchWriteCommand).resolves({});
    await queueMailsClaimed([mail], { owner: 'launch', leaseUntil: 1, dueAgainAt: '2026-12-01T12:05:00.000Z' });
    await saveOutcomes([{ ...mail, status: 'SENT', sentAt: '2026-12-01T12:00:01.000Z', messageId: 'm-1' }]);
    const [queued, sent] = putItems().filter((item) => item.sk === `MAIL#${mail.mailId}`);
    expect(queued?.status).toBe('SENDING');
    expect(sent).toMatchObject({ status: 'SENT', messageId: 'm-1' });
    // The same bytes, the same buffer: reused, not rebuilt.
    expect(sent?.body).toBe(queued?.body);
    // It left the outbox index.
    expect(sent).not.toHaveProperty('gsi2pk');
  });
});
