import { afterAll, beforeAll, vi } from 'vitest';
import type { Employee } from '#domain/employee.ts';
import type { StoredReview } from '#store/assessments.ts';
import { CLOCK_OFFSET_ENV, nowMs } from '#shared/clock.ts';
import { launchCycle, launchParticipants, type LaunchRequest } from '#services/launch.ts';
import type { MemoryStore } from './memory-store.ts';

export const HR_EMAIL = 'hr@example.com';

/**
 * The environment config() validates, with nothing to reach: a service on the in-memory store signs its
 * links with the given secret and calls no AWS service. Also pins the project clock for the file.
 */
export function serviceTestEnv(): TestClock {
  const clock = new TestClock();
  beforeAll(() => {
    Object.assign(process.env, {
      TABLE_NAME: 'unused',
      MAIL_FROM: 'perfcycle@example.com',
      ORG_NAME: 'Example Org',
      HR_EMAIL,
      BASE_URL: 'https://perfcycle.example.com',
      LINK_SECRET: 'unit-test-link-secret-of-32-chars-or-more',
      AWS_REGION: 'eu-west-1',
    });
  });
  afterAll(() => clock.restore());
  return clock;
}

/**
 * The project clock (shared/clock.ts) at a chosen instant: real time stands still (only `Date` is faked) and
 * the clock offset moves, as `perfcycle clock advance` moves it on the local stack.
 */
export class TestClock {
  private readonly realNow = Date.parse('2027-01-04T09:00:00.000Z');

  /** Sets the project clock to `at` (epoch ms or ISO). */
  set(at: number | string): number {
    vi.useFakeTimers({ toFake: ['Date'], now: this.realNow });
    process.env[CLOCK_OFFSET_ENV] = String(new Date(at).getTime() - this.realNow);
    return nowMs();
  }

  advance(byMs: number): number {
    return this.set(nowMs() + byMs);
  }

  restore(): void {
    vi.useRealTimers();
    delete process.env[CLOCK_OFFSET_ENV];
  }
}

/**
 * Maria manages Ann and Bob in Sales; Otto runs Ops alone. Maria and Otto have no manager, so HR reviews
 * them; Lea has left.
 */
export const ROSTER: Employee[] = [
  { employeeId: 'm1', name: 'Maria Manager', email: 'maria@example.com', department: 'Sales' },
  { employeeId: 'e1', name: 'Ann Early', email: 'ann@example.com', managerId: 'm1', department: 'Sales' },
  { employeeId: 'e2', name: 'Bob Late', email: 'bob@example.com', managerId: 'm1', department: 'Sales' },
  { employeeId: 'o1', name: 'Otto Ops', email: 'otto@example.com', department: 'Ops' },
  {
    employeeId: 'x1',
    name: 'Lea Left',
    email: 'lea@example.com',
    managerId: 'm1',
    department: 'Sales',
    deactivatedAt: '2026-12-01T00:00:00.000Z',
    deactivatedBy: 'hr:alice',
  },
];

/** HR launches a cycle and its workflow's first task stores the participants and sends the invitations. */
export async function launched(
  store: MemoryStore,
  request: LaunchRequest,
): Promise<{ cycleId: string; selfDue: number; managerDue: number }> {
  const cycle = await launchCycle(request, 'hr:alice', store);
  await launchParticipants(cycle.cycleId, store);
  return { cycleId: cycle.cycleId, selfDue: cycle.selfDue, managerDue: cycle.managerDue };
}

/** A manager's review as the review form stores it. */
export function review(rating: number, comments: string): StoredReview {
  return {
    goalRatings: [],
    competencyRatings: [],
    rating,
    strengths: 'Clear writing.',
    areasToImprove: 'Delegation.',
    comments,
    proposedGoals: [],
    score: {
      value: rating,
      label: rating >= 4 ? 'Exceeds expectations' : 'Meets expectations',
      basis: 'overall rating',
    },
  };
}
