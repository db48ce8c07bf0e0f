import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { acknowledgementEndsAt, releaseAt, type CycleSchedule } from './cycle.ts';
import { feedbackRequestClosesAt } from './feedback.ts';
import { lastGoalStepAt, type GoalTimings } from './goals.ts';
import { DAY_MS } from './time.ts';

/**
 * Signed, expiring link tokens: `base64url(claims).base64url(HMAC-SHA256(claims))`. A token names the
 * cycle, the person and what the link is for, so a link for one form cannot open another.
 */
/**
 * `goals` links name the scope `goals` in place of a cycle: the owner's goals page. A `peer` link names the
 * reviewer as its person and the participant they review as `aboutId`: it opens that one peer review only. A
 * `peer-approval` link names the manager and, as `aboutId`, the one nomination of peers they approve. An `upward`
 * link names the author: the manager they review is read from their assessment, never from the link.
 */
const LINK_PURPOSES = ['self', 'manager', 'goals', 'results', 'feedback', 'peer', 'peer-approval', 'upward'] as const;
/** The purposes whose links name what they are about, and only those. */
const ABOUT_PURPOSES: readonly LinkPurpose[] = ['peer', 'peer-approval'];
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

/** What a link is for, with the facts its lifetime follows from. */
export type LinkUse =
  | { purpose: 'self' | 'manager' | 'results' | 'upward'; schedule: CycleSchedule }
  | { purpose: 'goals'; dueAt: number; timings: GoalTimings }
  | { purpose: 'feedback'; requestedAt: number }
  | { purpose: 'peer' | 'peer-approval'; schedule: CycleSchedule; aboutId: string };

/**
 * How long a link outlives its purpose: the step that ends a purpose may run late (a retried checkpoint, an
 * execution resumed after a failure), and whoever opens the link a little late reads why the form is closed
 * rather than that the link expired.
 */
export const LINK_MARGIN_MS = 7 * DAY_MS;

/** The last moment a link's purpose can be served. */
function lastUseOf(use: LinkUse): number {
  switch (use.purpose) {
    // Late self-assessments are taken until the release; an extension ends at the manager deadline at the latest.
    // An upward review closes at its author's self deadline, which an extension may move as far.
    case 'self':
    case 'upward':
      return releaseAt(use.schedule);
    // Reviews are taken until the release; after it the team page confirms proposed goals, like the results page accepts them.
    case 'manager':
    case 'results':
      return acknowledgementEndsAt(use.schedule);
    // The goals page announced with a goal serves it until the goal watch is done with it.
    case 'goals':
      return lastGoalStepAt(use.dueAt, use.timings);
    case 'feedback':
      return feedbackRequestClosesAt(use.requestedAt);
    // A peer review closes at the reviewed person's self deadline, which an extension moves at most to this; an approval of peers before it.
    case 'peer':
    case 'peer-approval':
      return use.schedule.managerDue;
  }
}

/** When a link expires: its purpose's last use plus the margin, and never less than the margin after it is sent. */
export function linkExpiresAt(use: LinkUse, issuedAt: number): number {
  return Math.max(lastUseOf(use), issuedAt) + LINK_MARGIN_MS;
}

const claimsSchema = z.strictObject({
  c: z.string().min(1).max(64),
  p: z.string().min(1).max(64),
  u: z.enum(LINK_PURPOSES),
  e: z.number().int(),
  a: z.string().min(1).max(64).optional(),
});

export interface LinkClaims {
  cycleId: string;
  personId: string;
  purpose: LinkPurpose;
  expiresAt: number;
  /** Whom the link's person answers about: set on `peer` links only. */
  aboutId?: string;
}

export type TokenProblem = 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose';

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`link token rejected: ${problem}`);
    this.name = 'TokenError';
  }
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signLink(claims: LinkClaims, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify({
      c: claims.cycleId,
      p: claims.personId,
      u: claims.purpose,
      e: claims.expiresAt,
      ...(claims.aboutId === undefined ? {} : { a: claims.aboutId }),
    }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export function verifyLink(token: string, secret: string, purpose: LinkPurpose, now: number): LinkClaims {
  const parts = token.split('.');
  if (parts.length !== 2 || token.length > 1024) throw new TokenError('malformed');
  const [payload, signature] = parts;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  // Node's base64url decoder skips characters it does not know and ignores the last character's spare bits, so
  // only a signature in its one canonical spelling is the signature (otherwise a tampered token would pass).
  if (given.toString('base64url') !== signature) throw new TokenError('bad-signature');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('bad-signature');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed');
  }
  const parsed = claimsSchema.safeParse(decoded);
  if (!parsed.success) throw new TokenError('malformed');
  const claims: LinkClaims = {
    cycleId: parsed.data.c,
    personId: parsed.data.p,
    purpose: parsed.data.u,
    expiresAt: parsed.data.e,
    ...(parsed.data.a === undefined ? {} : { aboutId: parsed.data.a }),
  };
  if (claims.purpose !== purpose) throw new TokenError('wrong-purpose');
  // A peer link without whom it is about, or another link with one, was never signed by formLink.
  if (ABOUT_PURPOSES.includes(purpose) !== (claims.aboutId !== undefined)) throw new TokenError('malformed');
  if (now >= claims.expiresAt) throw new TokenError('expired');
  return claims;
}

/**
 * The per-form token a rendered form carries back on POST: bound to the link token, so a form posted
 * from anywhere else (a forged cross-site form without the page) is refused.
 */
export function formToken(linkToken: string, secret: string): string {
  return mac(secret, `form:${linkToken}`).toString('base64url');
}

export function checkFormToken(linkToken: string, given: string, secret: string): boolean {
  const expected = Buffer.from(formToken(linkToken, secret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
