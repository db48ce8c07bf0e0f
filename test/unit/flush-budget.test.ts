import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CycleRecord } from '#store/cycles.ts';
import type { MailRecord } from '#store/mail.ts';
import { serviceTestEnv } from '../support/services.ts';

/** A flush that runs out of time, around the SES and DynamoDB calls (the local mailbox answers at once). */
const dynamo = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
serviceTestEnv();
// A line per mail sent would bury the test's output.
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
afterEach(() => {
  dynamo.reset();
  ses.reset();
});

const mails: MailRecord[] = Array.from({ length: 1000 }, (_, i) => ({
  cycleId: 'c1',
  mailId: `invitation#e${i}`,
  kind: 'invitation',
  to: `p${i}@example.com`,
  about: [`e${i}`],
  subject: 'Your self-assessment is open',
  text: 'text',
  html: '<p>html</p>',
  status: 'PENDING',
  createdAt: '2026-12-02T09:00:00.000Z',
}));

const written = () =>
  dynamo
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => Object.values(call.args[0].input.RequestItems ?? {}).flat())
    .map((request) => request.PutRequest?.Item ?? {})
    .filter((item) => String(item.sk).startsWith('MAIL#'));

describe('a flush whose time budget runs out', () => {
  it('stops sending at once and puts back every mail it held and never tried', async () => {
    const { flushOutbox } = await import('#mail/outbox.ts');
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(GetCommand).resolves({});
    // SES takes 20 ms a message: 16 senders get through about 80 in the 100 ms budget.
    let sends = 0;
    ses.on(SendEmailCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { MessageId: `m-${sends++}` };
    });
    const claim = { owner: 'launch_1', leaseUntil: Date.now() + 600_000, dueAgainAt: '2026-12-02T09:05:00.000Z' };
    const cycle = { record: { phase: 'SELF_REVIEW', senderName: 'HR' } as CycleRecord, readAt: Date.now() };

    const result = await flushOutbox('c1', { first: mails, claim, onlyFirst: true, cycle, budgetMs: 100 });

    expect(result.remaining).toBe(true);
    expect(result.sent).toBe(sends);
    // Each of the 16 senders starts at most 6 sends in 100 ms of 20 ms sends: none starts once the budget is spent.
    expect(sends).toBeLessThanOrEqual(16 * 6);
    const sent = written().filter((item) => item.status === 'SENT');
    const released = written().filter((item) => item.status === 'PENDING');
    expect(sent).toHaveLength(sends);
    // Each mail either went out or is back in the outbox, due now: none is left to wait for its lease.
    expect(released.every((item) => item.gsi2pk !== undefined)).toBe(true);
    expect(new Set([...sent, ...released].map((item) => item.sk)).size).toBe(mails.length);
  });
});
