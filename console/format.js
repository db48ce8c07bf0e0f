// @ts-check
/** Words and formats: how the console writes phases, dates, periods and durations. */

/** @param {string} text */
export const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);
/** @param {string} text */
export const withStop = (text) => (/[.!?]$/.test(text) ? text : `${text}.`);
/**
 * @param {number} count
 * @param {string} one
 * @param {string} [many]
 */
export const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** @type {Record<string, string>} */
const PHASES = {
  SELF_REVIEW: 'Self-assessment',
  MANAGER_REVIEW: 'Manager review',
  CALIBRATION: 'Calibration',
  RELEASING: 'Releasing results',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};
/** @param {string} phase */
export const phaseText = (phase) => PHASES[phase] ?? phase;

/**
 * @param {string} timeZone
 * @param {Intl.DateTimeFormatOptions} options
 */
function dateFormat(timeZone, options) {
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  }
}

/**
 * The parts of an instant in a zone, by type.
 * @param {Date} date
 * @param {string} timeZone
 */
function partsOf(date, timeZone) {
  const parts = dateFormat(timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  return (/** @type {string} */ type) => parts.find((part) => part.type === type)?.value ?? '';
}

/**
 * A day as the emails write it: "Thu 10 Dec 2026", in the given zone.
 * @param {string} iso
 * @param {string} timeZone
 */
export function formatDate(iso, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = partsOf(date, timeZone);
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/**
 * "Thu 10 Dec 2026, 09:30", in the given zone.
 * @param {string} iso
 * @param {string} timeZone
 */
export function formatDateTime(iso, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = partsOf(date, timeZone);
  return `${formatDate(iso, timeZone)}, ${part('hour')}:${part('minute')}`;
}

/**
 * A calendar date (YYYY-MM-DD, no time) in words.
 * @param {string} day
 */
export const formatDay = (day) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDate(`${day}T12:00:00Z`, 'UTC') : day);

/**
 * The calendar date (YYYY-MM-DD) an instant falls on in a zone, for a date input.
 * @param {string} iso
 * @param {string} timeZone
 */
export function calendarDate(iso, timeZone) {
  const parts = dateFormat(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(iso),
  );
  const part = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** @param {string | null | undefined} period "2026-Q4" */
export const periodText = (period) => (period ? period.replace('-', ' ') : 'Not set');
/** @param {number} value */
export const percent = (value) => `${value}%`;

/**
 * A duration as settings write it ("3d", "12h", "1d12h") in words.
 * @param {string} text
 */
export function durationText(text) {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(text).trim());
  if (!match || !String(text).trim()) return String(text);
  const units = ['day', 'hour', 'minute', 'second'];
  const parts = match.slice(1).flatMap((value, i) => (value === undefined ? [] : [plural(Number(value), units[i])]));
  return parts.join(' ') || String(text);
}
