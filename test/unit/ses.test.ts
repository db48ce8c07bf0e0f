import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

/** SES error paths, which the local mailbox cannot produce: it accepts every message. */
const ses = mockClient(SESv2Client);
const content = { subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' };

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
afterEach(() => ses.reset());

function failure(name: string) {
  return Object.assign(new Error(`${name} from SES`), { name, $metadata: {} });
}

describe('sendEmail', () => {
  it('sends both parts from the configured sender, under the organisation\u2019s sender name', async () => {
    const { sendEmail } = await import('#mail/ses.ts');
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await sendEmail('ann@example.com', content, 'Acme HR');
    const input = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(input.FromEmailAddress).toBe('"Acme HR" <perfcycle@example.com>');
    expect(input.Destination?.ToAddresses).toEqual(['ann@example.com']);
    expect(input.Content?.Simple?.Body?.Html?.Data).toBe('<p>Hi</p>');
    expect(input.Content?.Simple?.Body?.Text?.Data).toBe('Hi');
  });

  it.each(['MessageRejected', 'BadRequestException', 'NotFoundException'])(
    'turns %s into a failure of that one message',
    async (name) => {
      const { sendEmail, PermanentSendFailure } = await import('#mail/ses.ts');
      ses.on(SendEmailCommand).rejects(failure(name));
      const error = await sendEmail('bad@example.com', content, 'HR').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentSendFailure);
      expect((error as Error).message).toContain(name);
    },
  );

  it.each([
    'AccountSuspendedException',
    'SendingPausedException',
    'TooManyRequestsException',
    'InternalFailure',
    'ECONNREFUSED',
    'TimeoutError',
  ])('turns %s into a transient failure: the message stays queued', async (name) => {
    const { sendEmail, TransientSendFailure } = await import('#mail/ses.ts');
    ses.on(SendEmailCommand).rejects(failure(name));
    const error = await sendEmail('ann@example.com', content, 'HR').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientSendFailure);
    expect((error as Error).message).toContain(name);
  });

  it.each([
    ['TooManyRequestsException', true],
    ['LimitExceededException', true],
    ['InternalFailure', false],
    ['ECONNREFUSED', false],
  ])('tells throttling (%s: %s) from SES failing or unreachable', async (name, throttled) => {
    const { sendEmail } = await import('#mail/ses.ts');
    ses.on(SendEmailCommand).rejects(failure(name));
    expect(
      await sendEmail('ann@example.com', content, 'HR').catch((e: unknown) => (e as { throttled: boolean }).throttled),
    ).toBe(throttled);
  });

  it('answers SES\u2019s message id', async () => {
    const { sendEmail } = await import('#mail/ses.ts');
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-42' });
    expect(await sendEmail('ann@example.com', content, 'HR')).toBe('m-42');
  });

  it('keeps addresses out of the reason it gives, which reaches logs and the audit', async () => {
    const { sendEmail } = await import('#mail/ses.ts');
    ses.on(SendEmailCommand).rejects(
      Object.assign(new Error('Email address is not verified: ann.early+q4@example.com, <bob@example.org>'), {
        name: 'MessageRejected',
        $metadata: {},
      }),
    );
    const error = (await sendEmail('ann.early+q4@example.com', content, 'HR').catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('MessageRejected: Email address is not verified: <address>, <<address>>');
    expect(error.message).not.toMatch(/@/);
  });
});

describe('fromAddress', () => {
  it.each([
    ['Acme HR', '"Acme HR" <hr@acme.test>'],
    ['Say "hi" \\ HR', '"Say \\"hi\\" \\\\ HR" <hr@acme.test>'],
    ['Büro Müller', '=?UTF-8?B?QsO8cm8gTcO8bGxlcg==?= <hr@acme.test>'],
  ])('names the sender %j as %s', async (name, expected) => {
    const { fromAddress } = await import('#mail/ses.ts');
    expect(fromAddress(name, 'hr@acme.test')).toBe(expected);
  });
});
