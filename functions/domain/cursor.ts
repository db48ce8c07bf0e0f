import { createHmac, timingSafeEqual } from 'node:crypto';
import { RuleViolation } from './cycle.ts';

/**
 * Page cursors of HR's lists: `base64url(payload).base64url(HMAC-SHA256)`, the payload naming the cycle, the
 * list with its filters, and the key the page before ended at. Signed, so a cursor can only resume the list it
 * came from: one edited, or from another cycle or list, is refused instead of reading from where it says.
 */
export interface CursorPlace {
  cycleId: string;
  /** The list and its filters, e.g. `overdue?phase=self&department=Sales`. */
  list: string;
}

const MAC_BYTES = 16;

function macOf(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`cursor:${body}`).digest().subarray(0, MAC_BYTES);
}

export function signCursor(place: CursorPlace, key: Record<string, unknown>, secret: string): string {
  const body = Buffer.from(JSON.stringify({ c: place.cycleId, l: place.list, k: key }), 'utf8').toString('base64url');
  return `${body}.${macOf(body, secret).toString('base64url')}`;
}

/** A cursor refused (a 400), saying why and what to pass instead. */
export const invalidCursor = (problem: string, remedy = 'pass the nextCursor of the page before, unchanged') =>
  new RuleViolation('invalid cursor', [problem, remedy]);

/** The key a cursor resumes from; refused (a 400) unless it was signed here for this cycle and list. */
export function verifyCursor(cursor: string, place: CursorPlace, secret: string): Record<string, unknown> {
  const [body, mac, extra] = cursor.split('.');
  const given = Buffer.from(mac ?? '', 'base64url');
  const expected = body ? macOf(body, secret) : undefined;
  if (extra !== undefined || !expected || given.length !== MAC_BYTES || !timingSafeEqual(given, expected))
    throw invalidCursor('the cursor was changed or was not issued by perfcycle');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { c: string; l: string; k: unknown };
  if (payload.c !== place.cycleId) throw invalidCursor(`the cursor belongs to another cycle, not ${place.cycleId}`);
  if (payload.l !== place.list) throw invalidCursor('the cursor belongs to another list or other filters');
  if (typeof payload.k !== 'object' || payload.k === null) throw invalidCursor('the cursor holds no position');
  return payload.k as Record<string, unknown>;
}
