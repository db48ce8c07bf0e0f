import { describe, expect, it } from 'vitest';
import { crashDuringLaunch, crashDuringReminders } from '../support/crash.ts';

/**
 * kill -9 of the whole stack in the middle of sending, then a restart: nobody loses an email, and the only
 * duplicates are the sends that were in flight at the kill (at most MAIL_CONCURRENCY, 16).
 */
describe('a crash in the middle of sending', () => {
  it.each([
    ['invitation of a 2,000-person launch', crashDuringLaunch],
    ['reminder of a 2,000-person checkpoint', crashDuringReminders],
  ])(
    'loses no %s, and repeats at most the 16 in flight',
    async (_, crash) => {
      const count = await crash(2000);
      expect(count.sentBeforeKill).toBeGreaterThan(0);
      expect(count.sentBeforeKill).toBeLessThan(2000);
      expect(count.lost).toBe(0);
      expect(count.duplicated).toBeLessThanOrEqual(16);
    },
    900_000,
  );
});
