import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailRecord } from '#store/mail.ts';
import { serviceTestEnv } from '../support/services.ts';

/**
 * A mail a workflow step queues claimed whose put the SDK retried after its first try had landed: the retry is
 * refused by the put's own condition. The table is mocked: this reply cannot be lost on demand on the local stack.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
serviceTestEnv();
afterEach(() => dynamo.reset());

const mail: MailRecord = {
  cycleId: 'c1',
  mailId: 'self-reminder#1#e1',
  kind: 'self-reminder',
  to: 'ann@example.com',
  about: ['e1'],
  subject: 'Reminder',
  text: 'text',
  html: '<p>html</p>',
  status: 'PENDING',
  createdAt: '2026-12-02T09:00:00.000Z',
};
const claim = {
  owner: 'flush_mine',
  leaseUntil: Date.now() + 300_000,
  dueAgainAt: '2026-12-02T09:05:00.000Z',
  marked: true,
};
const refusedPut = () =>
  dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

describe('queueing a mail claimed when the put was refused', () => {
  it('takes the mail as this sender\u2019s when the stored one is claimed by it (its own retried put)', async () => {
    const { queueMailOnce } = await import('#store/mail.ts');
    refusedPut();
    dynamo.on(GetCommand).resolves({ Item: { claimedBy: 'flush_mine' } });
    expect(await queueMailOnce(mail, claim)).toBe(true);
  });

  it('leaves a mail queued before, by another sender or sent, to be claimed like any other', async () => {
    const { queueMailOnce } = await import('#store/mail.ts');
    refusedPut();
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { claimedBy: 'flush_other' } })
      .resolvesOnce({ Item: {} });
    expect(await queueMailOnce(mail, claim)).toBe(false);
    expect(await queueMailOnce(mail, claim)).toBe(false);
    // Without a claim, a refused put is simply a mail queued before: nothing is read.
    expect(await queueMailOnce(mail)).toBe(false);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(2);
  });
});
