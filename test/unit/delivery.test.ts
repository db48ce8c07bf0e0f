import { describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS, GIVE_UP_AFTER_MS, givesUp, LONGEST_RETRY_MS, retryDelayMs } from '#domain/delivery.ts';
import { SendRateLimiter, type ReserveSends } from '#mail/send-rate.ts';

describe('retrying an email SES could not take', () => {
  it('waits up to a minute after the first failure, doubling per failure up to an hour, never less than 5 s', () => {
    expect(retryDelayMs(1, () => 1)).toBe(FIRST_RETRY_MS);
    expect(retryDelayMs(2, () => 1)).toBe(2 * FIRST_RETRY_MS);
    expect(retryDelayMs(6, () => 1)).toBe(32 * FIRST_RETRY_MS);
    expect(retryDelayMs(7, () => 1)).toBe(LONGEST_RETRY_MS);
    expect(retryDelayMs(40, () => 1)).toBe(LONGEST_RETRY_MS);
    expect(retryDelayMs(3, () => 0.5)).toBe(2 * FIRST_RETRY_MS);
    expect(retryDelayMs(1, () => 0)).toBe(5_000);
  });

  it('gives a message up once it has failed for a whole day, not a millisecond before', () => {
    expect(givesUp(0, GIVE_UP_AFTER_MS - 1)).toBe(false);
    expect(givesUp(0, GIVE_UP_AFTER_MS)).toBe(true);
  });
});

/** The shared window of store/send-rate.ts, in memory: one current second and its count. */
function sharedWindow(): ReserveSends {
  const window = { second: -1, sent: 0 };
  return async (second, wanted, max) => {
    await new Promise((done) => setTimeout(done, 1));
    if (window.second === second && window.sent <= max - wanted) {
      window.sent += wanted;
      return wanted;
    }
    if (window.second < second) {
      Object.assign(window, { second, sent: wanted });
      return wanted;
    }
    return 0;
  };
}

describe('the send rate shared by every sender', () => {
  it('lets two senders together start at most the rate in any second of the clock, and every send goes', async () => {
    const reserve = sharedWindow();
    const senders = [new SendRateLimiter(20, reserve), new SendRateLimiter(20, reserve)];
    const starts: number[] = [];
    const started = Date.now();
    await Promise.all(
      senders.map((sender) =>
        Promise.all(
          Array.from({ length: 30 }, async () => {
            await sender.take();
            starts.push(Date.now());
          }),
        ),
      ),
    );
    expect(starts).toHaveLength(60);
    const perSecond = Map.groupBy(starts, (at) => Math.floor(at / 1000));
    expect(Math.max(...[...perSecond.values()].map((group) => group.length))).toBeLessThanOrEqual(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000 - (started % 1000));
  });

  it('never waits when there is no limit', async () => {
    const limiter = new SendRateLimiter(0, () => Promise.reject(new Error('no window without a limit')));
    const started = Date.now();
    await Promise.all(Array.from({ length: 1000 }, () => limiter.take()));
    expect(Date.now() - started).toBeLessThan(100);
  });
});
