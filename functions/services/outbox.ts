import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { flushOutbox, type FlushResult } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { metrics } from '#shared/observability.ts';
import { type FirstUnsent, firstUnsentMail, firstUnsentOfEachScope } from '#store/mail.ts';

/**
 * The scheduled flusher: every few minutes, whatever any scope has queued and due (mail SES could not take
 * earlier, mail a crashed sender left behind, a cancelled cycle's mail to drop) goes out, without waiting
 * for the scope's next checkpoint or a restart. It reads the first unsent mail of each scope that holds any
 * (one read when none does, however many cycles ever ran), which also gives the unsent mail's age.
 *
 * Afterwards it publishes how long the oldest mail still unsent has been waiting (0 when none is), so an
 * alarm tells someone when mail stays stuck: SES refusing to take it, or more than a flush can send.
 */
export async function flushEveryOutbox(
  budgetMs: number,
): Promise<{ scopes: number; oldestUnsentSeconds: number } & Omit<FlushResult, 'remaining'>> {
  const stopAt = Date.now() + budgetMs;
  const firsts = await firstUnsentOfEachScope();
  const total = { scopes: firsts.size, sent: 0, failed: 0, deferred: 0 };
  for (const [scope, first] of firsts) {
    if (first.dueAt > nowIso()) continue;
    const left = stopAt - Date.now();
    if (left <= 0) break;
    const flushed = await flushOutbox(scope, { budgetMs: left });
    total.sent += flushed.sent;
    total.failed += flushed.failed;
    total.deferred += flushed.deferred;
    const next = await firstUnsentMail(scope);
    if (next) firsts.set(scope, next);
    else firsts.delete(scope);
  }
  const oldestUnsentSeconds = unsentAge([...firsts.values()], nowMs());
  metrics.addMetric('OldestUnsentMailAge', MetricUnit.Seconds, oldestUnsentSeconds);
  return { ...total, oldestUnsentSeconds };
}

/**
 * Seconds since the oldest of the scopes' first-due unsent mails was queued, or 0. A mail deferred to a later
 * attempt moves back in the index only behind mail that is unsent as well.
 */
export function unsentAge(firsts: (FirstUnsent | undefined)[], now: number): number {
  const oldest = Math.min(...firsts.map((mail) => (mail ? Date.parse(mail.createdAt) : Number.POSITIVE_INFINITY)));
  return Number.isFinite(oldest) ? Math.max(0, Math.round((now - oldest) / 1000)) : 0;
}
