import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { flushOutbox, type FlushResult } from '#mail/outbox.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { metrics } from '#shared/observability.ts';
import { listCycles } from '#store/cycles.ts';
import { firstUnsentMail, type FirstUnsent } from '#store/mail.ts';
import { FEEDBACK_MAIL_SCOPE } from './feedback.ts';
import { GOAL_MAIL_SCOPE } from './goals.ts';

/**
 * The scheduled flusher: every few minutes, whatever any scope has queued and due (mail SES could not take
 * earlier, mail a crashed sender left behind, a cancelled cycle's mail to drop) goes out, without waiting
 * for the scope's next checkpoint or a restart. Cycles are a handful a year, so each is looked at; a
 * scope with nothing due costs one query (its first outbox entry), which also gives its unsent mail's age.
 *
 * Afterwards it publishes how long the oldest mail still unsent has been waiting (0 when none is), so an
 * alarm tells someone when mail stays stuck: SES refusing to take it, or more than a flush can send.
 */
export async function flushEveryOutbox(
  budgetMs: number,
): Promise<{ scopes: number; oldestUnsentSeconds: number } & Omit<FlushResult, 'remaining'>> {
  const stopAt = Date.now() + budgetMs;
  const scopes = [GOAL_MAIL_SCOPE, FEEDBACK_MAIL_SCOPE, ...(await listCycles()).map((cycle) => cycle.cycleId)];
  const firsts = new Map(
    await Promise.all(scopes.map(async (scope) => [scope, await firstUnsentMail(scope)] as const)),
  );
  const total = { scopes: scopes.length, sent: 0, failed: 0, deferred: 0 };
  for (const scope of scopes) {
    const first = firsts.get(scope);
    if (!first || first.dueAt > nowIso()) continue;
    const left = stopAt - Date.now();
    if (left <= 0) break;
    const flushed = await flushOutbox(scope, { budgetMs: left });
    total.sent += flushed.sent;
    total.failed += flushed.failed;
    total.deferred += flushed.deferred;
    firsts.set(scope, await firstUnsentMail(scope));
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
