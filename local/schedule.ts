import type { ClockDriven } from './clock.ts';

const DAY_MS = 86_400_000;

/**
 * The local stand-in for the EventBridge rule that starts the goal watch once a day: it fires at the same
 * hour (UTC) on the project clock, once for every day the clock passes, in order.
 */
export class LocalDailySchedule implements ClockDriven {
  private next: number;

  constructor(
    hourUtc: number,
    private readonly now: () => number,
    private readonly fire: (at: number) => Promise<void>,
  ) {
    const today = new Date(now());
    const atToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), hourUtc);
    this.next = atToday > now() ? atToday : atToday + DAY_MS;
  }

  nextWake(): number {
    return this.next;
  }

  async runDue(): Promise<void> {
    while (this.next <= this.now()) {
      const at = this.next;
      this.next = at + DAY_MS;
      await this.fire(at);
    }
  }
}

/**
 * The local stand-in for an EventBridge rate rule that invokes a function every `periodMs` on the project
 * clock. It never stops the clock on its own account (a jump of a month would otherwise stop thousands of
 * times): it fires when the clock passes its time, once however far the clock jumped, which is all a
 * flusher needs, since one run sends everything due.
 */
export class LocalRateSchedule implements ClockDriven {
  private next: number;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number,
    private readonly fire: () => Promise<void>,
  ) {
    this.next = now() + periodMs;
  }

  nextWake(): undefined {
    return undefined;
  }

  async runDue(): Promise<void> {
    if (this.now() < this.next) return;
    this.next = this.now() + this.periodMs;
    await this.fire();
  }
}
