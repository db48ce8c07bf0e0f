import { describe, expect, it } from 'vitest';
import { crashDuringLaunch, crashDuringReminders } from '../support/crash.ts';

/**
 * kill -9 of the whole stack in the middle of sending, then a restart: nobody loses an email, and the only
 * duplicates are the sends that were in flight at the kill (at most MAIL_CONCURRENCY, 16).
 */
describe('a crash in the middle of sending', () => {
  it('loses no invitation of a 2,000-person launch, and repeats at most the 16 in flight', async () => {
    const count = await crashDuringLaunch(2000);
    expect(count.sentBeforeKill).toBeGreaterThan(0);
    expect(count.sentBeforeKill).toBeLessThan(2000);
    expect(count.lost).toBe(0);
    expect(count.duplicated).toBeLessThanOrEqual(16);
  }, 300_000);

  it('loses no reminder of a 2,000-person checkpoint, and repeats at most the 16 in flight', async () => {
    const count = await crashDuringReminders(2000);
    expect(count.sentBeforeKill).toBeGreaterThan(0);
    expect(count.sentBeforeKill).toBeLessThan(2000);
    expect(count.lost).toBe(0);
    expect(count.duplicated).toBeLessThanOrEqual(16);
  }, 300_000);
});
