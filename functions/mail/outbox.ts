import { emailSchema } from '#domain/employee.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { forEachLimited } from '#shared/concurrency.ts';
import { config } from '#shared/config.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '#shared/observability.ts';
import { getCycle } from '#store/cycles.ts';
import { settingsInForce } from '#store/settings.ts';
import { listOutbox, queueMailOnce, saveOutcomes, type MailKind, type MailRecord } from '#store/mail.ts';
import { composeEmail, type EmailContent } from './compose.ts';
import { PermanentSendFailure, sendEmail } from './ses.ts';

/** A mail item must stay far below DynamoDB's 400 KB: beyond this many people, the per-person audit events name them. */
const MAX_ABOUT = 1000;

export function newMail(cycleId: string, mailId: string, kind: MailKind, to: string, about: string[], content: EmailContent): MailRecord {
  return { cycleId, mailId, kind, to, about: about.slice(0, MAX_ABOUT), ...content, status: 'PENDING', createdAt: nowIso() };
}

const CHUNK = 250;
const STILL_SENT_WHEN_CANCELLED = new Set<MailKind>(['cancellation', 'delivery-failure']);

export interface FlushResult {
  sent: number;
  failed: number;
  /** True when the time budget ran out with mail still queued; the next checkpoint carries on. */
  remaining: boolean;
}

/**
 * Sends everything queued for a cycle, a chunk at a time with bounded concurrency, and stores each
 * outcome. A message SES refuses (or an address that could never work) is stored as FAILED and reported
 * to HR in one email; it does not stop the others.
 */
export async function flushOutbox(cycleId: string, budgetMs = 10 * 60_000): Promise<FlushResult> {
  const stopAt = Date.now() + budgetMs;
  const result: FlushResult = { sent: 0, failed: 0, remaining: false };
  // A cycle's mail keeps the sender name it was launched with; goal mail uses the one in force.
  const senderName = (await getCycle(cycleId))?.senderName ?? (await settingsInForce()).settings.senderName;
  for (let queued = await listOutbox(cycleId); queued.length; queued = await listOutbox(cycleId)) {
    const failures: MailRecord[] = [];
    for (let i = 0; i < queued.length; i += CHUNK) {
      if (Date.now() >= stopAt) return { ...result, remaining: true };
      const outcomes: MailRecord[] = [];
      // Re-read per chunk: once HR cancels, only the cancellation notes still go out.
      const cancelled = (await getCycle(cycleId))?.phase === 'CANCELLED';
      await forEachLimited(queued.slice(i, i + CHUNK), config().MAIL_CONCURRENCY, async (mail) => {
        outcomes.push(cancelled && !STILL_SENT_WHEN_CANCELLED.has(mail.kind) ? { ...mail, status: 'DROPPED' } : await deliver(mail, senderName));
      });
      await saveOutcomes(outcomes);
      const chunkFailures = outcomes.filter((mail) => mail.status === 'FAILED');
      failures.push(...chunkFailures);
      result.sent += outcomes.filter((mail) => mail.status === 'SENT').length;
    }
    result.failed += failures.length;
    if (failures.length) await reportFailures(cycleId, failures);
  }
  metrics.addMetric('EmailsSent', MetricUnit.Count, result.sent);
  metrics.addMetric('EmailsFailed', MetricUnit.Count, result.failed);
  return result;
}

async function deliver(mail: MailRecord, senderName: string): Promise<MailRecord> {
  try {
    if (!emailSchema.safeParse(mail.to).success) throw new PermanentSendFailure('not a deliverable address');
    await sendEmail(mail.to, mail, senderName);
    logger.info('mail sent', { cycleId: mail.cycleId, mailId: mail.mailId, kind: mail.kind });
    return { ...mail, status: 'SENT', sentAt: nowIso() };
  } catch (error) {
    if (!(error instanceof PermanentSendFailure)) throw error;
    logger.warn('mail failed', { cycleId: mail.cycleId, mailId: mail.mailId, kind: mail.kind, reason: error.message });
    return { ...mail, status: 'FAILED', error: error.message, sentAt: nowIso() };
  }
}

async function reportFailures(cycleId: string, failures: MailRecord[]): Promise<void> {
  // Never report a failed report: that would loop on a broken HR address.
  const reportable = failures.filter((mail) => mail.kind !== 'delivery-failure');
  if (!reportable.length) return;
  const content = composeEmail({
    subject: `perfcycle: ${reportable.length} email${reportable.length === 1 ? '' : 's'} could not be delivered`,
    greeting: 'Hello HR team,',
    paragraphs: ['These emails could not be delivered. Please check the addresses in the directory and re-import it:'],
    list: reportable.map((mail) => `${mail.kind} to ${mail.to} (about ${mail.about.join(', ') || 'the cycle'}): ${mail.error}`),
  });
  await queueMailOnce(newMail(cycleId, `delivery-failure#${nowMs()}`, 'delivery-failure', config().HR_EMAIL, [], content));
}
