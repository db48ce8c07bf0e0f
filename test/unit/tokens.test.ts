import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, releaseAt, type CycleSchedule } from '#domain/cycle.ts';
import { DEFAULT_GOAL_TIMINGS } from '#domain/goals.ts';
import {
  checkFormToken,
  formToken,
  LINK_MARGIN_MS,
  linkExpiresAt,
  signLink,
  TokenError,
  verifyLink,
  type LinkClaims,
  type LinkUse,
  type TokenProblem,
} from '#domain/tokens.ts';

const SECRET = 'test-secret-0123456789';
const NOW = Date.parse('2026-12-01T09:00:00Z');
const EXPIRES = Date.parse('2026-12-20T00:00:00Z');
const CLAIMS: LinkClaims = { cycleId: 'cyc-2026-q4', personId: 'E7', purpose: 'self', expiresAt: EXPIRES };
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Signs an arbitrary payload the way the service does, to get past the signature to the claim checks. */
function signRaw(json: string, secret = SECRET): string {
  const payload = Buffer.from(json).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

function problemOf(action: () => unknown): TokenProblem {
  try {
    action();
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    throw error;
  }
  throw new Error('expected a TokenError, the token was accepted');
}

describe('signLink', () => {
  it('encodes the claims as base64url JSON followed by its HMAC-SHA256', () => {
    const token = signLink({ cycleId: 'c1', personId: 'p1', purpose: 'self', expiresAt: 1000 }, 's');
    expect(token).toBe(signRaw('{"c":"c1","p":"p1","u":"self","e":1000}', 's'));
    expect(token).toBe(
      'eyJjIjoiYzEiLCJwIjoicDEiLCJ1Ijoic2VsZiIsImUiOjEwMDB9.TTKd5Cr-I7c9AvnEF6JKfmS1jBcF16v37QEfCv-acGc',
    );
  });

  it('gives different tokens for different people, purposes, expiries and secrets', () => {
    const tokens = [
      signLink(CLAIMS, SECRET),
      signLink({ ...CLAIMS, personId: 'E8' }, SECRET),
      signLink({ ...CLAIMS, cycleId: 'cyc-2027-q1' }, SECRET),
      signLink({ ...CLAIMS, purpose: 'manager' }, SECRET),
      signLink({ ...CLAIMS, expiresAt: EXPIRES + 1 }, SECRET),
      signLink(CLAIMS, `${SECRET}x`),
    ];
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('only uses URL-safe characters', () => {
    const token = signLink({ ...CLAIMS, personId: 'a.b_c-d~?&=/+' }, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });
});

describe('verifyLink', () => {
  const token = signLink(CLAIMS, SECRET);

  it('returns the claims of a genuine token', () => {
    expect(verifyLink(token, SECRET, 'self', NOW)).toStrictEqual(CLAIMS);
    const managerClaims: LinkClaims = { cycleId: 'c', personId: 'M1', purpose: 'manager', expiresAt: EXPIRES };
    expect(verifyLink(signLink(managerClaims, SECRET), SECRET, 'manager', NOW)).toStrictEqual(managerClaims);
  });

  it('is valid up to 1 ms before expiresAt and expired from exactly expiresAt', () => {
    expect(verifyLink(token, SECRET, 'self', EXPIRES - 1)).toStrictEqual(CLAIMS);
    expect(problemOf(() => verifyLink(token, SECRET, 'self', EXPIRES))).toBe('expired');
    expect(problemOf(() => verifyLink(token, SECRET, 'self', EXPIRES + 1))).toBe('expired');
  });

  it('refuses a link for another purpose', () => {
    expect(problemOf(() => verifyLink(token, SECRET, 'manager', NOW))).toBe('wrong-purpose');
    const managerToken = signLink({ ...CLAIMS, purpose: 'manager' }, SECRET);
    expect(problemOf(() => verifyLink(managerToken, SECRET, 'self', NOW))).toBe('wrong-purpose');
  });

  it('refuses a token signed with another secret', () => {
    expect(problemOf(() => verifyLink(signLink(CLAIMS, 'other-secret'), SECRET, 'self', NOW))).toBe('bad-signature');
    expect(problemOf(() => verifyLink(token, `${SECRET} `, 'self', NOW))).toBe('bad-signature');
  });

  it('refuses claims swapped in under a genuine signature', () => {
    const [, signature] = token.split('.');
    for (const forged of [
      { ...CLAIMS, personId: 'E8' },
      { ...CLAIMS, cycleId: 'cyc-2027-q1' },
      { ...CLAIMS, purpose: 'manager' as const },
      { ...CLAIMS, expiresAt: EXPIRES + 365 * 86_400_000 },
    ]) {
      const [payload] = signLink(forged, 'attacker-secret').split('.');
      expect(problemOf(() => verifyLink(`${payload}.${signature}`, SECRET, forged.purpose, NOW))).toBe('bad-signature');
    }
  });

  /** Every token made by changing one character of `part` to another base64url character that verifyLink accepted. */
  function acceptedOneCharChanges(part: string, rebuild: (changed: string) => string): string[] {
    const accepted: string[] = [];
    for (let i = 0; i < part.length; i += 1) {
      for (const char of BASE64URL) {
        if (char === part[i]) continue;
        const tampered = rebuild(`${part.slice(0, i)}${char}${part.slice(i + 1)}`);
        try {
          verifyLink(tampered, SECRET, 'self', NOW);
          accepted.push(tampered);
        } catch (error) {
          if (!(error instanceof TokenError) || error.problem !== 'bad-signature') throw error;
        }
      }
    }
    return accepted;
  }

  it('refuses a token with any single character of the payload changed', () => {
    const [payload, signature] = token.split('.');
    expect(acceptedOneCharChanges(payload, (changed) => `${changed}.${signature}`)).toStrictEqual([]);
  });

  it('refuses a token with any single character of the signature changed', () => {
    const [payload, signature] = token.split('.');
    expect(acceptedOneCharChanges(signature, (changed) => `${payload}.${changed}`)).toStrictEqual([]);
  });

  it.each([
    ['padding', '='],
    ['double padding', '=='],
    ['a space', ' '],
    ['a newline', '\n'],
    ['a stray character', '!'],
    ['a non-base64 dot-free suffix', '%00'],
  ])('refuses a signature with %s appended', (_, suffix) => {
    expect(problemOf(() => verifyLink(`${token}${suffix}`, SECRET, 'self', NOW))).toBe('bad-signature');
  });

  it('refuses a truncated or emptied signature', () => {
    expect(problemOf(() => verifyLink(token.slice(0, -1), SECRET, 'self', NOW))).toBe('bad-signature');
    expect(problemOf(() => verifyLink(`${token.split('.')[0]}.`, SECRET, 'self', NOW))).toBe('bad-signature');
  });

  it.each([
    ['an empty string', ''],
    ['no dot', 'abcdef'],
    ['three parts', `${'x'}.${'y'}.${'z'}`],
    ['a token with an extra part', `${signLink(CLAIMS, SECRET)}.extra`],
    ['an over-long token', `${'a'.repeat(1000)}.${'b'.repeat(100)}`],
  ])('calls %s malformed', (_, text) => {
    expect(problemOf(() => verifyLink(text, SECRET, 'self', NOW))).toBe('malformed');
  });

  it.each([
    ['not JSON', 'not json'],
    ['a JSON array', '["c","p","self",1]'],
    ['null', 'null'],
    ['missing the person', JSON.stringify({ c: 'c1', u: 'self', e: EXPIRES })],
    ['an extra claim', JSON.stringify({ c: 'c1', p: 'p1', u: 'self', e: EXPIRES, admin: true })],
    ['an unknown purpose', JSON.stringify({ c: 'c1', p: 'p1', u: 'admin', e: EXPIRES })],
    ['a fractional expiry', JSON.stringify({ c: 'c1', p: 'p1', u: 'self', e: EXPIRES + 0.5 })],
    ['an expiry as text', JSON.stringify({ c: 'c1', p: 'p1', u: 'self', e: String(EXPIRES) })],
    ['an empty cycle id', JSON.stringify({ c: '', p: 'p1', u: 'self', e: EXPIRES })],
    ['a 65-character person id', JSON.stringify({ c: 'c1', p: 'p'.repeat(65), u: 'self', e: EXPIRES })],
  ])('calls a correctly signed payload that is %s malformed', (_, json) => {
    expect(problemOf(() => verifyLink(signRaw(json), SECRET, 'self', NOW))).toBe('malformed');
  });

  it('accepts a correctly signed payload at the 64-character id limit', () => {
    const token64 = signRaw(JSON.stringify({ c: 'c'.repeat(64), p: 'p'.repeat(64), u: 'self', e: EXPIRES }));
    expect(verifyLink(token64, SECRET, 'self', NOW)).toStrictEqual({
      cycleId: 'c'.repeat(64),
      personId: 'p'.repeat(64),
      purpose: 'self',
      expiresAt: EXPIRES,
    });
  });

  it('throws a TokenError that names the problem', () => {
    let caught: unknown;
    try {
      verifyLink(token, SECRET, 'self', EXPIRES);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TokenError);
    expect(caught).toMatchObject({ name: 'TokenError', problem: 'expired', message: 'link token rejected: expired' });
  });
});

describe('formToken and checkFormToken', () => {
  const link = signLink(CLAIMS, SECRET);
  const form = formToken(link, SECRET);

  it('is the HMAC of the link token under a form: prefix', () => {
    expect(form).toBe(createHmac('sha256', SECRET).update(`form:${link}`).digest('base64url'));
    expect(form).toHaveLength(43);
  });

  it('accepts the form token of the same link', () => {
    expect(checkFormToken(link, form, SECRET)).toBe(true);
    expect(checkFormToken(link, formToken(link, SECRET), SECRET)).toBe(true);
  });

  it('refuses the form token of another link', () => {
    const other = signLink({ ...CLAIMS, personId: 'E8' }, SECRET);
    expect(formToken(other, SECRET)).not.toBe(form);
    expect(checkFormToken(other, form, SECRET)).toBe(false);
    expect(checkFormToken(link, formToken(other, SECRET), SECRET)).toBe(false);
  });

  it('refuses a form token made with another secret', () => {
    expect(checkFormToken(link, formToken(link, 'other-secret'), SECRET)).toBe(false);
    expect(checkFormToken(link, form, 'other-secret')).toBe(false);
  });

  it('differs from the link signature, so a link token cannot stand in for a form token', () => {
    expect(form).not.toBe(link.split('.')[1]);
    expect(checkFormToken(link, link.split('.')[1], SECRET)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['truncated', form.slice(0, -1)],
    ['extended', `${form}A`],
    ['one character changed', `${form.slice(0, -1)}${form.endsWith('A') ? 'B' : 'A'}`],
    ['the same length in multi-byte characters', 'é'.repeat(form.length)],
  ])('refuses a form token that is %s, without throwing', (_, given) => {
    expect(checkFormToken(link, given, SECRET)).toBe(false);
  });
});

describe('linkExpiresAt', () => {
  const DAY = 86_400_000;
  // Launched 1 Dec; self-assessments due 10 Dec, reviews 17 Dec (end of day, Berlin); 2 days of HR grace, so
  // the release is on 19 Dec; the acknowledgement reminder 5 days later, on 24 Dec, and as long again to act on it.
  const SCHEDULE: CycleSchedule = {
    selfDue: Date.parse('2026-12-10T22:59:59Z'),
    managerDue: Date.parse('2026-12-17T22:59:59Z'),
    timings: DEFAULT_TIMINGS,
    acknowledgementReminderMs: 5 * DAY,
    extensions: {},
  };
  const RELEASE = Date.parse('2026-12-19T22:59:59Z');
  const ACKNOWLEDGEMENT_ENDS = Date.parse('2026-12-29T22:59:59Z');

  /** A link of `use` sent at `issuedAt` opens until 1 ms before `expected` and is expired from `expected` on. */
  function expectOpensUntil(use: LinkUse, issuedAt: number, expected: number) {
    const expiresAt = linkExpiresAt(use, issuedAt);
    expect(new Date(expiresAt).toISOString()).toBe(new Date(expected).toISOString());
    const token = signLink({ cycleId: 'cyc-2026-q4', personId: 'E7', purpose: use.purpose, expiresAt }, SECRET);
    expect(verifyLink(token, SECRET, use.purpose, expected - 1).expiresAt).toBe(expected);
    expect(problemOf(() => verifyLink(token, SECRET, use.purpose, expected))).toBe('expired');
  }

  it('gives a week of margin after a purpose\u2019s last use', () => {
    expect(LINK_MARGIN_MS).toBe(7 * DAY);
  });

  it('keeps a self-assessment link until a week after the release, when late self-assessments stop being taken', () => {
    expect(releaseAt(SCHEDULE)).toBe(RELEASE);
    expectOpensUntil({ purpose: 'self', schedule: SCHEDULE }, NOW, RELEASE + 7 * DAY);
  });

  it('gives every self-assessment link of a cycle the same end, whenever it was sent and whoever got an extension', () => {
    const extended = { ...SCHEDULE, extensions: { E7: SCHEDULE.managerDue } };
    // The reminder after an extension to the manager deadline, sent 3 days before it.
    expectOpensUntil({ purpose: 'self', schedule: extended }, SCHEDULE.managerDue - 3 * DAY, RELEASE + 7 * DAY);
    expect(linkExpiresAt({ purpose: 'self', schedule: extended }, NOW)).toBe(
      linkExpiresAt({ purpose: 'self', schedule: SCHEDULE }, NOW),
    );
  });

  it('keeps a self-assessment link of a long cycle for as long as the cycle takes, not a fixed number of days', () => {
    const launch = Date.parse('2027-01-04T09:00:00Z');
    const long = { ...SCHEDULE, selfDue: launch + 150 * DAY, managerDue: launch + 160 * DAY };
    expectOpensUntil({ purpose: 'self', schedule: long }, launch, launch + 160 * DAY + 2 * DAY + 7 * DAY);
  });

  it('keeps the manager\u2019s and the results links until a week after the acknowledgement period', () => {
    // The team page confirms proposed goals after the release, as the results page accepts them.
    expectOpensUntil({ purpose: 'manager', schedule: SCHEDULE }, SCHEDULE.selfDue, ACKNOWLEDGEMENT_ENDS + 7 * DAY);
    expectOpensUntil({ purpose: 'results', schedule: SCHEDULE }, RELEASE, ACKNOWLEDGEMENT_ENDS + 7 * DAY);
    // The acknowledgement reminder's link, sent on 24 Dec, still gets the 5 days to act and the margin.
    expectOpensUntil({ purpose: 'results', schedule: SCHEDULE }, RELEASE + 5 * DAY, ACKNOWLEDGEMENT_ENDS + 7 * DAY);
  });

  it('keeps a goals link until a week after the goal watch\u2019s last step (HR, the grace period after the due date)', () => {
    const dueAt = Date.parse('2027-03-31T21:59:59Z');
    expectOpensUntil({ purpose: 'goals', dueAt, timings: DEFAULT_GOAL_TIMINGS }, NOW, dueAt + 7 * DAY + 7 * DAY);
    expectOpensUntil(
      { purpose: 'goals', dueAt, timings: { reminderLeadMs: DAY, hrGraceMs: 2 * DAY } },
      NOW,
      dueAt + 2 * DAY + 7 * DAY,
    );
  });

  it('keeps a feedback request link for the 30 days the request is open and a week more', () => {
    expectOpensUntil({ purpose: 'feedback', requestedAt: NOW }, NOW, NOW + 30 * DAY + 7 * DAY);
  });

  it('gives a link sent after its purpose\u2019s last use (a step run late) the margin from when it is sent', () => {
    const late = RELEASE + 3 * DAY;
    expectOpensUntil({ purpose: 'self', schedule: SCHEDULE }, late, late + 7 * DAY);
    expectOpensUntil(
      { purpose: 'results', schedule: SCHEDULE },
      ACKNOWLEDGEMENT_ENDS + DAY,
      ACKNOWLEDGEMENT_ENDS + 8 * DAY,
    );
  });
});

describe('peer links', () => {
  const peer: LinkClaims = {
    cycleId: 'cyc-2026-q4',
    personId: 'E2',
    purpose: 'peer',
    expiresAt: EXPIRES,
    aboutId: 'E7',
  };

  it('name the reviewer as the person and whom they review, and open only as a peer link', () => {
    const token = signLink(peer, SECRET);
    expect(verifyLink(token, SECRET, 'peer', NOW)).toStrictEqual(peer);
    expect(problemOf(() => verifyLink(token, SECRET, 'self', NOW))).toBe('wrong-purpose');
    expect(problemOf(() => verifyLink(token, SECRET, 'feedback', NOW))).toBe('wrong-purpose');
  });

  it('are refused without whom they are about, and no other link carries one', () => {
    expect(
      problemOf(() =>
        verifyLink(signRaw(JSON.stringify({ c: 'c1', p: 'E2', u: 'peer', e: EXPIRES })), SECRET, 'peer', NOW),
      ),
    ).toBe('malformed');
    const selfWithAbout = signRaw(JSON.stringify({ c: 'c1', p: 'E2', u: 'self', e: EXPIRES, a: 'E7' }));
    expect(problemOf(() => verifyLink(selfWithAbout, SECRET, 'self', NOW))).toBe('malformed');
  });

  it('cannot be turned to another person: the claim is signed', () => {
    const [payload, signature] = signLink(peer, SECRET).split('.');
    const other = Buffer.from(
      Buffer.from(payload, 'base64url').toString('utf8').replace('"a":"E7"', '"a":"E8"'),
    ).toString('base64url');
    expect(problemOf(() => verifyLink(`${other}.${signature}`, SECRET, 'peer', NOW))).toBe('bad-signature');
  });

  it('an approval link names the nomination it approves, and opens nothing else', () => {
    const approval = signLink({ ...peer, personId: 'm1', purpose: 'peer-approval', aboutId: 'nom_1' }, SECRET);
    expect(verifyLink(approval, SECRET, 'peer-approval', NOW).aboutId).toBe('nom_1');
    expect(problemOf(() => verifyLink(approval, SECRET, 'peer', NOW))).toBe('wrong-purpose');
    const bare = signRaw(JSON.stringify({ c: 'c1', p: 'm1', u: 'peer-approval', e: EXPIRES }));
    expect(problemOf(() => verifyLink(bare, SECRET, 'peer-approval', NOW))).toBe('malformed');
  });

  it('keep a self link unchanged: no about claim is signed into it', () => {
    const [payload] = signLink(CLAIMS, SECRET).split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toEqual({
      c: CLAIMS.cycleId,
      p: CLAIMS.personId,
      u: 'self',
      e: EXPIRES,
    });
  });
});
