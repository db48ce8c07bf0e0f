import { flushOutbox, type FlushResult } from '#mail/outbox.ts';
import { listCycles } from '#store/cycles.ts';
import { FEEDBACK_MAIL_SCOPE } from './feedback.ts';
import { GOAL_MAIL_SCOPE } from './goals.ts';

/**
 * The scheduled flusher: every few minutes, whatever any scope has queued and due (mail SES could not take
 * earlier, mail a crashed sender left behind, a cancelled cycle's mail to drop) goes out, without waiting
 * for the scope's next checkpoint or a restart. Cycles are a handful a year, so each is looked at; a
 * scope with nothing due costs one query.
 */
export async function flushEveryOutbox(budgetMs: number): Promise<{ scopes: number } & Omit<FlushResult, 'remaining'>> {
  const stopAt = Date.now() + budgetMs;
  const scopes = [GOAL_MAIL_SCOPE, FEEDBACK_MAIL_SCOPE, ...(await listCycles()).map((cycle) => cycle.cycleId)];
  const total = { scopes: scopes.length, sent: 0, failed: 0, deferred: 0 };
  for (const scope of scopes) {
    const left = stopAt - Date.now();
    if (left <= 0) break;
    const flushed = await flushOutbox(scope, { budgetMs: left });
    total.sent += flushed.sent;
    total.failed += flushed.failed;
    total.deferred += flushed.deferred;
  }
  return total;
}
