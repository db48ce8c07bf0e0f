import { sleep } from '#shared/concurrency.ts';

/** Reserves sends in a shared one-second window; answers how many were granted. */
export type ReserveSends = (second: number, wanted: number, max: number) => Promise<number>;

/**
 * Keeps every sender together under SES's send rate. Each sender reserves sends in blocks of a quarter of
 * the rate from one shared window per second (see store/send-rate.ts) and spends them within that second;
 * what a second's reservation leaves unspent is lost, never carried over. So the senders together never
 * start more than `perSecond` sends in one second of the clock; SES measures its rate over a moving
 * second, where two full windows back to back can show up to twice the rate for an instant, which SES
 * answers with throttling that the sender retries.
 */
export class SendRateLimiter {
  private second = -1;
  private tokens = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly reserve: ReserveSends,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more send may start; at once when there is no limit. */
  take(): Promise<void> {
    if (!this.perSecond) return Promise.resolve();
    // One caller at a time, so a block is spent in the order the sends asked for it.
    const mine = this.turn.then(() => this.nextToken());
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private async nextToken(): Promise<void> {
    const block = Math.max(1, Math.ceil(this.perSecond / 4));
    for (;;) {
      const second = Math.floor(this.now() / 1000);
      if (second !== this.second) [this.second, this.tokens] = [second, 0];
      if (this.tokens > 0) {
        this.tokens--;
        return;
      }
      const granted =
        (await this.reserve(second, block, this.perSecond)) || (await this.reserve(second, 1, this.perSecond));
      // A reservation that came back in the next second counted for the one before: it cannot be spent now.
      if (granted && Math.floor(this.now() / 1000) === second) {
        this.tokens = granted - 1;
        return;
      }
      await sleep(1000 - (this.now() % 1000));
    }
  }
}
