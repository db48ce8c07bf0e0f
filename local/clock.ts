import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DAY_MS } from '../functions/domain/time.ts';
import { CLOCK_OFFSET_ENV, nowMs } from '../functions/shared/clock.ts';

/** Something that wants to run at instants on the clock: a parked execution, a daily schedule. */
export interface ClockDriven {
  /** The earliest instant it wants to run at, if any. */
  nextWake(): number | undefined;
  /** Runs everything due at the clock's now, until nothing more is. */
  runDue(): Promise<void>;
}

/**
 * The most the clock moves in one go: more than any cycle needs, and a move still ends (the clock stops at
 * every daily schedule on the way, so a move of a million years would run for ever).
 */
const MAX_ADVANCE_DAYS = 400;

/** A move the clock refuses; it has changed nothing. */
export class ClockRefusal extends RangeError {}

/**
 * The local stack's clock: real time plus an offset that HR moves forward. Moving it runs everything
 * that falls due on the way, in order: the clock stops at each wake-up of a parked execution, lets it run
 * to its next wait, and only then moves on, so a jump of a month still sends each reminder at its time.
 */
export class LocalClock {
  constructor(private readonly file?: string) {
    const saved = file && existsSync(file) ? Number(JSON.parse(readFileSync(file, 'utf8')).offsetMs) : 0;
    this.setOffset(Number.isFinite(saved) ? saved : 0);
  }

  now(): number {
    return nowMs();
  }

  private setOffset(offsetMs: number): void {
    process.env[CLOCK_OFFSET_ENV] = String(offsetMs);
    if (this.file) writeFileSync(this.file, JSON.stringify({ offsetMs }));
  }

  async advance(byMs: number, parts: ClockDriven[]): Promise<number> {
    if (Number.isNaN(byMs) || byMs < 0) throw new ClockRefusal('the clock only moves forward');
    if (byMs > MAX_ADVANCE_DAYS * DAY_MS)
      throw new ClockRefusal(`the clock moves at most ${MAX_ADVANCE_DAYS} days at a time`);
    const runDue = async () => {
      for (const part of parts) await part.runDue();
    };
    const earliest = () => Math.min(...parts.map((part) => part.nextWake() ?? Infinity));
    await runDue();
    const target = this.now() + byMs;
    for (let wake = earliest(); wake <= target; wake = earliest()) {
      if (wake > this.now()) this.setOffset(wake - Date.now());
      await runDue();
    }
    this.setOffset(target - Date.now());
    await runDue();
    return this.now();
  }
}
