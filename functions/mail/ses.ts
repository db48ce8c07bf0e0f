import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '#shared/config.ts';
import { observed } from '#shared/sdk-observer.ts';
import type { EmailContent } from './compose.ts';

/** Attempts per send, the SDK's standard retry mode backing off with jitter between them. */
export const SEND_ATTEMPTS = 4;

let client: SESv2Client | undefined;

function ses(): SESv2Client {
  // Standard retry mode retries throttling, 5xx and network errors (a refused port, a reset, a timeout) with
  // exponential backoff and full jitter. (Adaptive mode would also slow the client after throttling, down to
  // half a send per second for as long as throttling persists; the shared send-rate limit paces us instead.)
  // The request timeout turns an SES that hangs into such an error: by default it only warns.
  client ??= observed(
    new SESv2Client({
      endpoint: config().SES_ENDPOINT,
      maxAttempts: SEND_ATTEMPTS,
      retryMode: 'standard',
      requestHandler: {
        requestTimeout: config().MAIL_SEND_TIMEOUT_MS,
        connectionTimeout: config().MAIL_SEND_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    }),
    'ses',
  );
  return client;
}

/** SES refuses these for the one message (a bad address, a rejected message): sending it again cannot help. */
const PERMANENT_FAILURES = new Set(['BadRequestException', 'MessageRejected', 'NotFoundException']);

/** The message can never be sent as it is: it fails alone and HR is told what to fix. */
export class PermanentSendFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PermanentSendFailure';
  }
}

const THROTTLING = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'Throttling']);

/** SES could not take the message now (throttled, failing, unreachable, paused) even after the SDK's retries: it stays queued. */
export class TransientSendFailure extends Error {
  constructor(
    reason: string,
    /** SES is there but asks us to slow down, as opposed to failing or unreachable. */
    readonly throttled: boolean,
  ) {
    super(reason);
    this.name = 'TransientSendFailure';
  }
}

const ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

/** SES error texts can quote addresses ("... failed the check: ann@example.com"): logs and the audit keep ids only. */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}

/**
 * `"Display Name" <address>`: quoted when the name is plain ASCII, as a MIME encoded-word otherwise, so a
 * name such as "Büro Müller" or one with quotes arrives intact.
 */
export function fromAddress(name: string, address: string): string {
  const display = /^[\x20-\x7e]*$/.test(name)
    ? `"${name.replace(/["\\]/g, '\\$&')}"`
    : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

/**
 * Sends one email and answers SES's message id. Every failure comes out classified: permanent for this
 * message, or transient (anything else SES or the network answers, once the SDK's retries are spent).
 */
export async function sendEmail(to: string, content: EmailContent, senderName: string): Promise<string> {
  try {
    const sent = await ses().send(
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
    return sent.MessageId ?? '';
  } catch (error) {
    const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
    const reason = redactAddresses(`${name}: ${message}`);
    if (PERMANENT_FAILURES.has(name)) throw new PermanentSendFailure(reason);
    throw new TransientSendFailure(reason, THROTTLING.has(name) || $metadata?.httpStatusCode === 429);
  }
}
