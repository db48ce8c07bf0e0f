import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '#shared/config.ts';
import type { EmailContent } from './compose.ts';

let client: SESv2Client | undefined;

function ses(): SESv2Client {
  // The SDK's standard retry mode backs off on throttling (TooManyRequests, LimitExceeded) by itself.
  client ??= new SESv2Client({ endpoint: config().SES_ENDPOINT, maxAttempts: 8 });
  return client;
}

/** SES refuses these for the one message (a bad address, a rejected message); the rest of the batch goes on. */
const PERMANENT_FAILURES = new Set(['BadRequestException', 'MessageRejected', 'NotFoundException']);

export class PermanentSendFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PermanentSendFailure';
  }
}

/**
 * `"Display Name" <address>`: quoted when the name is plain ASCII, as a MIME encoded-word otherwise, so a
 * name such as "Büro Müller" or one with quotes arrives intact.
 */
export function fromAddress(name: string, address: string): string {
  const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

export async function sendEmail(to: string, content: EmailContent, senderName: string): Promise<void> {
  try {
    await ses().send(
      new SendEmailCommand({
        FromEmailAddress: fromAddress(senderName, config().MAIL_FROM),
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: content.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: content.text, Charset: 'UTF-8' }, Html: { Data: content.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  } catch (error) {
    const name = (error as Error).name;
    if (PERMANENT_FAILURES.has(name)) throw new PermanentSendFailure(`${name}: ${(error as Error).message}`);
    throw error;
  }
}
