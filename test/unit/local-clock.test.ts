import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '#domain/time.ts';
import { CLOCK_OFFSET_ENV } from '#shared/clock.ts';
import { ClockRefusal, LocalClock, type ClockDriven } from '../../local/clock.ts';

/** A daily job on the clock, as the local goal-watch schedule is: the clock stops at each of its days. */
function daily(clock: LocalClock): ClockDriven & { runs: number } {
  let next = clock.now() + DAY_MS;
  return {
    runs: 0,
    nextWake: () => next,
    async runDue() {
      while (next <= clock.now()) {
        next += DAY_MS;
        this.runs++;
      }
    },
  };
}

describe('LocalClock.advance', () => {
  afterEach(() => {
    delete process.env[CLOCK_OFFSET_ENV];
  });

  it('moves up to 400 days in one go, stopping at each day on the way', async () => {
    const clock = new LocalClock();
    const job = daily(clock);
    const before = clock.now();
    const now = await clock.advance(400 * DAY_MS, [job]);
    expect(now - before).toBeGreaterThanOrEqual(400 * DAY_MS);
    expect(now - before).toBeLessThan(400 * DAY_MS + 1000);
    expect(job.runs).toBe(400);
  });

  it.each([
    ['a millisecond more than 400 days', 400 * DAY_MS + 1, 'the clock moves at most 400 days at a time'],
    ['a duration beyond any date', 1e28 * DAY_MS, 'the clock moves at most 400 days at a time'],
    ['an endless one', Infinity, 'the clock moves at most 400 days at a time'],
    ['a step back', -1, 'the clock only moves forward'],
    ['not a number', NaN, 'the clock only moves forward'],
  ])('refuses %s and changes nothing', async (_, byMs, reason) => {
    const clock = new LocalClock();
    const job = daily(clock);
    const offset = process.env[CLOCK_OFFSET_ENV];
    await expect(clock.advance(byMs, [job])).rejects.toThrow(new ClockRefusal(reason));
    expect(process.env[CLOCK_OFFSET_ENV]).toBe(offset);
    expect(job.runs).toBe(0);
  });
});
