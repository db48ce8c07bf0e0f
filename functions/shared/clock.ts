/**
 * The one notion of "now" for perfcycle. In AWS the offset is absent and this is the real time; the local
 * runtime moves time forward (`perfcycle clock advance`) by setting the offset, so every handler, the
 * workflow runner and the domain rules agree on what time it is.
 */
export const CLOCK_OFFSET_ENV = 'PERFCYCLE_CLOCK_OFFSET_MS';

export function nowMs(): number {
  const offset = Number(process.env[CLOCK_OFFSET_ENV] ?? 0);
  return Date.now() + (Number.isFinite(offset) ? offset : 0);
}

export function nowIso(): string {
  return new Date(nowMs()).toISOString();
}
