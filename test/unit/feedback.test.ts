import { describe, expect, it } from 'vitest';
import type { Employee } from '#domain/employee.ts';
import { feedbackAudience, isPublic, previousWeekStart, teamKeyOf, weekStartOf } from '#domain/feedback.ts';

const person = (employeeId: string, managerId?: string): Employee => ({
  employeeId,
  name: employeeId.toUpperCase(),
  email: `${employeeId}@example.com`,
  department: 'Sales',
  ...(managerId ? { managerId } : {}),
});
const maria = person('m1');
const ann = person('e1', 'm1');
const bob = person('e2', 'm1');
const cid = person('e3', 'm1');
const team = [ann, bob, cid];
const who = (audience: ReturnType<typeof feedbackAudience>) =>
  audience.now.map(({ person: p, role }) => `${p.employeeId}:${role}`);

describe('feedbackAudience', () => {
  it('sends immediate praise to the person, their manager and every teammate once', () => {
    const audience = feedbackAudience('praise', ann, maria, team, 'immediate');
    expect(who(audience)).toEqual(['e1:recipient', 'm1:manager', 'e2:team', 'e3:team']);
    expect(audience.digestTeam).toBeUndefined();
  });

  it('keeps constructive feedback to the person and their manager, whatever the delivery', () => {
    for (const delivery of ['immediate', 'weekly-digest'] as const) {
      const audience = feedbackAudience('constructive', ann, maria, team, delivery);
      expect(who(audience)).toEqual(['e1:recipient', 'm1:manager']);
      expect(audience.digestTeam).toBeUndefined();
    }
  });

  it('in weekly-digest mode tells the person now and leaves the team, manager included, to the digest', () => {
    const audience = feedbackAudience('praise', ann, maria, team, 'weekly-digest');
    expect(who(audience)).toEqual(['e1:recipient']);
    expect(audience.digestTeam).toBe('m1');
  });

  it('handles a person at the top: no manager, their own reports are their team', () => {
    expect(who(feedbackAudience('praise', maria, undefined, team, 'immediate'))).toEqual([
      'm1:recipient',
      'e1:team',
      'e2:team',
      'e3:team',
    ]);
    expect(who(feedbackAudience('constructive', maria, undefined, team, 'immediate'))).toEqual(['m1:recipient']);
    expect(teamKeyOf(maria)).toBe('m1');
    expect(teamKeyOf(ann)).toBe('m1');
  });

  it('only ever calls praise public', () => {
    expect(isPublic('praise')).toBe(true);
    expect(isPublic('constructive')).toBe(false);
  });
});

describe('weeks', () => {
  it.each([
    ['2026-11-23T00:00:00Z', 'UTC', '2026-11-23'],
    ['2026-11-29T23:59:59Z', 'UTC', '2026-11-23'],
    ['2026-11-30T00:00:00Z', 'UTC', '2026-11-30'],
    // Sunday evening in New York is Monday in UTC: the week is the one in the organisation's zone.
    ['2026-11-30T03:00:00Z', 'America/New_York', '2026-11-23'],
    ['2026-11-29T12:00:00Z', 'Pacific/Auckland', '2026-11-30'],
    ['2027-01-01T12:00:00Z', 'UTC', '2026-12-28'],
  ])('%s in %s is in the week starting %s', (instant, zone, monday) =>
    expect(weekStartOf(Date.parse(instant), zone)).toBe(monday),
  );

  it('reports on the week before the one it runs in', () => {
    expect(previousWeekStart(Date.parse('2026-11-30T06:00:00Z'), 'UTC')).toBe('2026-11-23');
    expect(previousWeekStart(Date.parse('2027-01-04T06:00:00Z'), 'UTC')).toBe('2026-12-28');
  });
});
