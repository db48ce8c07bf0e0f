import type { Employee } from './employee.ts';
import { DAY_MS } from './time.ts';

/**
 * Continuous feedback (issue 4): praise is public, constructive feedback is private. Praise reaches the
 * recipient, their manager and their team (at once, or the team in a weekly digest); constructive feedback
 * reaches only the recipient and their manager, and is never part of a digest.
 */
export const FEEDBACK_KINDS = ['praise', 'constructive'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export type RecognitionDelivery = 'immediate' | 'weekly-digest';
export type AudienceRole = 'recipient' | 'manager' | 'team';

export const MAX_FEEDBACK_TEXT = 2000;

/** A feedback request asks about recent work: colleagues can answer it for 30 days, then the requester asks again. */
const FEEDBACK_REQUEST_OPEN_MS = 30 * DAY_MS;

export function feedbackRequestClosesAt(requestedAt: number): number {
  return requestedAt + FEEDBACK_REQUEST_OPEN_MS;
}

export interface Audience {
  /** Who is emailed now, each once, with why they get it. */
  now: { person: Employee; role: AudienceRole }[];
  /** The team whose weekly digest lists this feedback; only ever set for praise. */
  digestTeam?: string;
}

/** A person's team: their manager's direct reports (people at the top: their own reports), led by that manager. */
export function teamKeyOf(person: Employee): string {
  return person.managerId ?? person.employeeId;
}

/**
 * Who hears about a piece of feedback. `manager` is the recipient's manager, `teammates` everyone else in
 * their team (the giver included: they see their praise go out like everyone else).
 */
export function feedbackAudience(
  kind: FeedbackKind,
  recipient: Employee,
  manager: Employee | undefined,
  teammates: Employee[],
  delivery: RecognitionDelivery,
): Audience {
  const now: Audience['now'] = [{ person: recipient, role: 'recipient' }];
  if (manager && manager.employeeId !== recipient.employeeId) now.push({ person: manager, role: 'manager' });
  if (kind === 'constructive') return { now };
  if (delivery === 'weekly-digest')
    return { now: now.filter((entry) => entry.role === 'recipient'), digestTeam: teamKeyOf(recipient) };
  const seen = new Set(now.map((entry) => entry.person.employeeId));
  for (const person of teammates) {
    if (seen.has(person.employeeId)) continue;
    seen.add(person.employeeId);
    now.push({ person, role: 'team' });
  }
  return { now };
}

/** Only praise may ever be listed where the team reads it. */
export function isPublic(kind: FeedbackKind): boolean {
  return kind === 'praise';
}

/** The Monday (YYYY-MM-DD) starting the week an instant falls in, in the organisation's zone. */
export function weekStartOf(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).formatToParts(new Date(epochMs));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday'));
  const day = new Date(Date.UTC(Number(part('year')), Number(part('month')) - 1, Number(part('day')) - weekday));
  return day.toISOString().slice(0, 10);
}

/** The week before the one `epochMs` falls in: what a digest sent during a week reports on. */
export function previousWeekStart(epochMs: number, timeZone: string): string {
  const start = weekStartOf(epochMs, timeZone);
  return new Date(Date.parse(`${start}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
}
