import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  endOfDay,
  formatDeadline,
  isValidTimeZone,
  lastDayEndingBy,
  parseCalendarDate,
  parseDuration,
} from '#domain/time.ts';

/** Local wall-clock reading of an instant in a zone, e.g. "2026-12-10 23:59:59". */
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(epochMs: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

describe('parseCalendarDate', () => {
  it('parses a plain YYYY-MM-DD date into its numbers', () => {
    expect(parseCalendarDate('2026-12-10')).toStrictEqual({ year: 2026, month: 12, day: 10 });
    expect(parseCalendarDate('2026-01-01')).toStrictEqual({ year: 2026, month: 1, day: 1 });
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseCalendarDate('2028-02-29')).toStrictEqual({ year: 2028, month: 2, day: 29 });
    expect(parseCalendarDate('2026-02-29')).toBeUndefined();
    expect(parseCalendarDate('2100-02-29')).toBeUndefined();
    expect(parseCalendarDate('2000-02-29')).toStrictEqual({ year: 2000, month: 2, day: 29 });
  });

  it.each(['2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-12-00', '2026-12-32'])(
    'rejects the impossible day %s',
    (text) => {
      expect(parseCalendarDate(text)).toBeUndefined();
    },
  );

  it.each([
    '',
    '2026-1-05',
    '2026-12-1',
    '26-12-10',
    '2026/12/10',
    ' 2026-12-10',
    '2026-12-10 ',
    '2026-12-10T00:00',
    '10.12.2026',
  ])('rejects the malformed text %j', (text) => {
    expect(parseCalendarDate(text)).toBeUndefined();
  });
});

describe('endOfDay', () => {
  it.each([
    // Winter time (UTC+1).
    ['2026-12-10', 'Europe/Berlin', '2026-12-10T22:59:59Z'],
    // Summer time (UTC+2).
    ['2026-07-15', 'Europe/Berlin', '2026-07-15T21:59:59Z'],
    // The day Berlin springs forward (02:00 -> 03:00): the evening is already UTC+2.
    ['2026-03-29', 'Europe/Berlin', '2026-03-29T21:59:59Z'],
    // The day Berlin falls back (03:00 -> 02:00): the evening is UTC+1 again.
    ['2026-10-25', 'Europe/Berlin', '2026-10-25T22:59:59Z'],
    // New York springs forward on 2026-03-08: that evening is EDT (UTC-4), the evening before EST (UTC-5).
    ['2026-03-07', 'America/New_York', '2026-03-08T04:59:59Z'],
    ['2026-03-08', 'America/New_York', '2026-03-09T03:59:59Z'],
    // New York falls back on 2026-11-01: that evening is EST (UTC-5), the evening before EDT (UTC-4).
    ['2026-10-31', 'America/New_York', '2026-11-01T03:59:59Z'],
    ['2026-11-01', 'America/New_York', '2026-11-02T04:59:59Z'],
    // Half-hour offset, no DST (UTC+5:30).
    ['2026-12-10', 'Asia/Kolkata', '2026-12-10T18:29:59Z'],
    ['2026-06-10', 'Asia/Kolkata', '2026-06-10T18:29:59Z'],
    // Quarter-hour offset with DST: UTC+13:45 in the southern summer, UTC+12:45 in winter.
    ['2026-12-10', 'Pacific/Chatham', '2026-12-10T10:14:59Z'],
    ['2026-06-10', 'Pacific/Chatham', '2026-06-10T11:14:59Z'],
    // Chatham leaves DST on 2026-04-05 (03:45 -> 02:45) and enters it on 2026-09-27 (02:45 -> 03:45).
    ['2026-04-04', 'Pacific/Chatham', '2026-04-04T10:14:59Z'],
    ['2026-04-05', 'Pacific/Chatham', '2026-04-05T11:14:59Z'],
    ['2026-09-26', 'Pacific/Chatham', '2026-09-26T11:14:59Z'],
    ['2026-09-27', 'Pacific/Chatham', '2026-09-27T10:14:59Z'],
    // A date line crossing: the day ends while most of the world is still on its morning.
    ['2026-12-31', 'Pacific/Kiritimati', '2026-12-31T09:59:59Z'],
    ['2026-12-31', 'UTC', '2026-12-31T23:59:59Z'],
    ['2028-02-29', 'UTC', '2028-02-29T23:59:59Z'],
  ])('%s in %s ends at %s', (date, timeZone, expected) => {
    expect(endOfDay(date, timeZone)).toBe(Date.parse(expected));
  });

  it('gives the whole last hour when the clocks go back at midnight (Chile, 2026-04-05 00:00 -> 2026-04-04 23:00)', () => {
    // 23:00-23:59:59 of 4 April happens twice in Santiago: first at UTC-3, then again at UTC-4. The day is only
    // over after the second pass, so the deadline must be the later instant.
    const end = endOfDay('2026-04-04', 'America/Santiago');
    expect(end).toBe(Date.parse('2026-04-05T03:59:59Z'));
    expect(wallClock(end + 1000, 'America/Santiago')).toBe('2026-04-05 00:00:00');
  });

  it('ends the day before a spring-forward at midnight (Chile, 2026-09-06 00:00 -> 01:00) at 23:59:59 local', () => {
    const end = endOfDay('2026-09-05', 'America/Santiago');
    expect(end).toBe(Date.parse('2026-09-06T03:59:59Z'));
    expect(wallClock(end + 1000, 'America/Santiago')).toBe('2026-09-06 01:00:00');
  });

  it('ends a day whose last hour is skipped (Greenland springs forward 2026-03-28 23:00 -> 03-29 00:00) at its last real second', () => {
    // 23:00-23:59:59 of 28 March never happens in Nuuk; the day's last second is 22:59:59 at UTC-2.
    const end = endOfDay('2026-03-28', 'America/Nuuk');
    expect(end).toBe(Date.parse('2026-03-29T00:59:59Z'));
    expect(wallClock(end, 'America/Nuuk')).toBe('2026-03-28 22:59:59');
    expect(wallClock(end + 1000, 'America/Nuuk')).toBe('2026-03-29 00:00:00');
    expect(formatDeadline(end, 'America/Nuuk')).toBe('Sat, 28 Mar 2026, 22:59 (America/Nuuk)');
  });

  it.each([
    'Europe/Berlin',
    'America/New_York',
    'America/Santiago',
    'America/Havana',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
  ])('in %s, every day of 2026 ends at 23:59:59 local with the next day one second later', (timeZone) => {
    const mismatches: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      const next = new Date(day + DAY_MS).toISOString().slice(0, 10);
      const end = endOfDay(date, timeZone);
      const atEnd = wallClock(end, timeZone);
      const after = wallClock(end + 1000, timeZone);
      if (atEnd !== `${date} 23:59:59` || !after.startsWith(`${next} `))
        mismatches.push(`${date}: ${atEnd} then ${after}`);
    }
    expect(mismatches).toStrictEqual([]);
  });

  it.each(['2026-02-30', '2026-12-1', '', 'tomorrow'])('rejects %j with a RangeError naming the input', (text) => {
    expect(() => endOfDay(text, 'Europe/Berlin')).toThrow(new RangeError(`not a calendar date (YYYY-MM-DD): ${text}`));
  });
});

describe('lastDayEndingBy', () => {
  it.each([
    ['at the end of a Berlin day', '2026-12-10T22:59:59Z', 'Europe/Berlin', '2026-12-10'],
    ['a millisecond before it', '2026-12-10T22:59:58.999Z', 'Europe/Berlin', '2026-12-09'],
    ['at midnight in Berlin', '2026-12-10T23:00:00Z', 'Europe/Berlin', '2026-12-10'],
    ['in the UTC evening, already the next day in Berlin', '2026-12-10T23:30:00Z', 'UTC', '2026-12-09'],
    ['over a month end', '2027-03-01T04:00:00Z', 'UTC', '2027-02-28'],
    // 23:00-23:59:59 of 4 April happens twice in Santiago: during the first pass the day has not ended yet.
    ['during the first of the two last hours in Santiago', '2026-04-05T02:30:00Z', 'America/Santiago', '2026-04-03'],
    ['after the second one', '2026-04-05T03:59:59Z', 'America/Santiago', '2026-04-04'],
  ])('%s (%s, %s) is %s', (_, instant, timeZone, expected) => {
    const day = lastDayEndingBy(Date.parse(instant), timeZone);
    expect(day).toBe(expected);
    expect(endOfDay(day, timeZone)).toBeLessThanOrEqual(Date.parse(instant));
    expect(
      endOfDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10), timeZone),
    ).toBeGreaterThan(Date.parse(instant));
  });
});

describe('parseDuration', () => {
  it.each([
    ['3d', 3 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['30s', 30_000],
    ['1d12h', 36 * 3_600_000],
    ['1d2h3m4s', 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4000],
    ['2h30m', 9_000_000],
    [' 2h ', 7_200_000],
    ['0s', 0],
    ['14d', 14 * 86_400_000],
  ])('%j is %i ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(['', '   ', '3', 'd', '1.5h', '-1d', '12h1d', '3D', '3 d', '1w', '3d3d', 'abc'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(new RangeError(`not a duration (e.g. 3d, 12h, 1d12h, 90m): ${text}`));
  });

  it('exports a day of 86 400 000 ms', () => {
    expect(DAY_MS).toBe(86_400_000);
  });
});

describe('formatDeadline', () => {
  it('shows the end of a day as the participant reads it in the organisation zone', () => {
    expect(formatDeadline(Date.parse('2026-12-10T22:59:59Z'), 'Europe/Berlin')).toBe(
      'Thu, 10 Dec 2026, 23:59 (Europe/Berlin)',
    );
    expect(formatDeadline(Date.parse('2026-12-10T18:29:59Z'), 'Asia/Kolkata')).toBe(
      'Thu, 10 Dec 2026, 23:59 (Asia/Kolkata)',
    );
    expect(formatDeadline(Date.parse('2026-12-10T10:14:59Z'), 'Pacific/Chatham')).toBe(
      'Thu, 10 Dec 2026, 23:59 (Pacific/Chatham)',
    );
  });

  it('reads the same instant in the zone it is given', () => {
    const instant = Date.parse('2026-12-10T22:59:59Z');
    expect(formatDeadline(instant, 'America/New_York')).toBe('Thu, 10 Dec 2026, 17:59 (America/New_York)');
    expect(formatDeadline(instant, 'UTC')).toBe('Thu, 10 Dec 2026, 22:59 (UTC)');
  });

  it('uses a 24-hour clock with midnight as 00:00 of the next day', () => {
    expect(formatDeadline(Date.parse('2026-12-10T23:00:00Z'), 'Europe/Berlin')).toBe(
      'Fri, 11 Dec 2026, 00:00 (Europe/Berlin)',
    );
    expect(formatDeadline(Date.parse('2026-12-10T12:05:00Z'), 'Europe/Berlin')).toBe(
      'Thu, 10 Dec 2026, 13:05 (Europe/Berlin)',
    );
  });

  it('agrees with endOfDay on the day, across a DST change', () => {
    expect(formatDeadline(endOfDay('2026-11-01', 'America/New_York'), 'America/New_York')).toBe(
      'Sun, 1 Nov 2026, 23:59 (America/New_York)',
    );
    expect(formatDeadline(endOfDay('2026-03-08', 'America/New_York'), 'America/New_York')).toBe(
      'Sun, 8 Mar 2026, 23:59 (America/New_York)',
    );
  });
});

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'])('knows %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['', 'Mars/Base', 'Europe/Berlin ', 'Berlin', '+25:00'])('refuses %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});
