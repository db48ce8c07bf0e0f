import { TZDate } from '@date-fns/tz';

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Parses a calendar date `YYYY-MM-DD`, rejecting impossible days such as 2026-02-30. */
export function parseCalendarDate(text: string): { year: number; month: number; day: number } | undefined {
  const match = DATE_RE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    return undefined;
  return { year, month, day };
}

/**
 * A deadline given as a day ends at 23:59:59 of that day in the organisation's time zone, so nobody in
 * that zone loses the evening of the last day. Returns epoch milliseconds.
 */
export function endOfDay(date: string, timeZone: string): number {
  const parsed = parseCalendarDate(date);
  if (!parsed) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  // One second before the next day starts, not "23:59:59 local": when the clocks go back at midnight (Chile),
  // 23:59:59 happens twice and only the second one ends the day.
  return new TZDate(parsed.year, parsed.month - 1, parsed.day + 1, 0, 0, 0, timeZone).getTime() - 1000;
}

/** The last calendar day (`YYYY-MM-DD`) that has ended in `timeZone` by `epochMs`, by `endOfDay`'s measure. */
export function lastDayEndingBy(epochMs: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(epochMs),
  );
  if (endOfDay(day, timeZone) <= epochMs) return day;
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** Durations as HR types them: `3d`, `12h`, `90m`, `1d12h`, `30s`. */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === '') throw new RangeError(`not a duration (e.g. 3d, 12h, 1d12h, 90m): ${text}`);
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return days * DAY_MS + hours * 3_600_000 + minutes * 60_000 + seconds * 1000;
}

/** A deadline as a participant reads it, in the organisation's zone: "Thu 10 Dec 2026, 23:59 (Europe/Berlin)". */
export function formatDeadline(epochMs: number, timeZone: string): string {
  return `${deadlineFormat(timeZone).format(new Date(epochMs))} (${timeZone})`;
}

/** One formatter per zone: building one takes longer than formatting, and a launch formats a deadline a person. */
const deadlineFormats = new Map<string, Intl.DateTimeFormat>();
function deadlineFormat(timeZone: string): Intl.DateTimeFormat {
  let format = deadlineFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    deadlineFormats.set(timeZone, format);
  }
  return format;
}

export { DAY_MS };
