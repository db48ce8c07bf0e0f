/**
 * When an email that SES could not take is tried again, and when perfcycle stops trying. SES being
 * throttled, failing or unreachable is nobody's mistake: the email waits in the outbox and is tried again
 * with growing pauses, and only a message that has kept failing for a whole day is given up and reported
 * to HR, who can then act on it by other means.
 */
const MINUTE_MS = 60_000;
export const FIRST_RETRY_MS = MINUTE_MS;
export const LONGEST_RETRY_MS = 60 * MINUTE_MS;
export const GIVE_UP_AFTER_MS = 24 * 60 * MINUTE_MS;

/**
 * The pause before attempt `failures + 1`: one minute doubling per failure up to an hour, drawn with full
 * jitter (anywhere up to that), so many messages deferred at once do not all come back at the same instant.
 * At least a few seconds, so a retry never comes back before the flush that deferred it is over.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(5_000, Math.round(ceiling * random()));
}

/** A message that has failed transiently since `firstFailedAt` (or for the first time now) is given up once a day has passed. */
export function givesUp(firstFailedAt: number, now: number): boolean {
  return now - firstFailedAt >= GIVE_UP_AFTER_MS;
}
