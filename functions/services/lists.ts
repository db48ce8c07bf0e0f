import { dueOf, type ReviewKind } from '#domain/cycle.ts';
import { personPhaseState } from '#domain/progress.ts';
import { signCursor, verifyCursor, type CursorPlace } from '#domain/cursor.ts';
import { addOutcomeCounts } from '#domain/goals.ts';
import { statesAt } from '#domain/progress.ts';
import { nowMs } from '#shared/clock.ts';
import { linkSecret } from '#shared/links.ts';
import {
  getAssessment,
  peoplePage,
  type AssessmentRecord,
  type PeopleFilter,
  type PeopleList,
  matchesFilter,
} from '#store/assessments.ts';
import { auditPage, escalationsPage } from '#store/audit.ts';
import { scheduleOf } from '#store/cycles.ts';
import { missedGoalsPage } from '#store/goals.ts';
import { teamProgressPage } from '#store/progress.ts';
import { employeeNames } from './employees.ts';
import { cycleDepartments, cycleOf, goalCountsIn, movedDeadlines, progressStatesOf } from './status.ts';

/**
 * HR's long lists of a cycle, a page at a time: who is overdue, whose results are unacknowledged, each
 * reviewer's progress, the escalations sent and the audit. Each page reads its own index from where the page
 * before ended (a signed cursor, domain/cursor.ts), so its cost follows the page, not the cycle; people who
 * change state between pages are neither shown twice nor skipped, since pages follow a fixed key order.
 */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

type Key = Record<string, unknown>;

/** Reads one page of `list` from where the request's cursor says, and answers it with the next page's cursor. */
export async function paged<T>(
  place: CursorPlace,
  request: PageRequest,
  read: (page: { limit: number; start?: Key }) => Promise<{ items: T[]; next?: Key }>,
): Promise<{ items: T[]; nextCursor?: string }> {
  const secret = await linkSecret();
  const start = request.cursor === undefined ? undefined : verifyCursor(request.cursor, place, secret);
  const { items, next } = await read({ limit: request.limit, ...(start ? { start } : {}) });
  return { items, ...(next ? { nextCursor: signCursor(place, next, secret) } : {}) };
}

/** The list's name with its filters, in a fixed order: what a cursor is bound to. */
function listName(list: string, filters: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return query.size ? `${list}?${query}` : list;
}

export type OverdueFilter = PeopleFilter & { phase: ReviewKind };

/**
 * People still to submit past their deadline in one phase, in employeeId order (reviews: by reviewer). Past
 * the phase's deadline that is everyone pending but those whose own deadline is later; before it, only people
 * whose own deadline HR moved earlier can be overdue, and they are read one by one.
 */
export async function overduePage(cycleId: string, filter: OverdueFilter, request: PageRequest) {
  const cycle = await cycleOf(cycleId);
  const schedule = scheduleOf(cycle);
  const now = statesAt(cycle.closedAt, nowMs());
  const self = filter.phase === 'self';
  const phaseDue = self ? cycle.selfDue : cycle.managerDue;
  const rowOf = (a: AssessmentRecord) => ({
    employeeId: a.employeeId,
    name: a.name,
    department: a.department,
    phase: filter.phase,
    reviewer: a.managerName,
    reviewerId: a.managerKey,
    due: new Date(dueOf(schedule, filter.phase, a.employeeId)).toISOString(),
  });
  const place = {
    cycleId,
    list: listName('overdue', {
      phase: filter.phase,
      department: filter.department,
      manager: filter.managerKey,
      search: filter.search,
    }),
  };
  const page = await paged(place, request, async (at) => {
    if (now >= phaseDue)
      return peoplePage(
        cycleId,
        self ? 'self-pending' : 'review-pending',
        filter,
        at,
        (a) => personPhaseState(schedule, filter.phase, a, now) === 'overdue',
      );
    const moved = Object.keys((self ? cycle.extensions : cycle.reviewExtensions) ?? {}).filter(
      (employeeId) => dueOf(schedule, filter.phase, employeeId) <= now,
    );
    const people = await Promise.all(moved.map((employeeId) => getAssessment(cycleId, employeeId)));
    return {
      items: people.filter(
        (a): a is AssessmentRecord =>
          a !== undefined && personPhaseState(schedule, filter.phase, a, now) === 'overdue' && matchesFilter(a, filter),
      ),
    };
  });
  return { overdue: page.items.map(rowOf), ...cursorOf(page) };
}

const cursorOf = (page: { nextCursor?: string }) => (page.nextCursor ? { nextCursor: page.nextCursor } : {});

/** Released appraisals not acknowledged yet, in employeeId order. */
export async function unacknowledgedPage(cycleId: string, filter: PeopleFilter, request: PageRequest) {
  await cycleOf(cycleId);
  const list: PeopleList = 'unacknowledged';
  const place = {
    cycleId,
    list: listName(list, { department: filter.department, manager: filter.managerKey, search: filter.search }),
  };
  const page = await paged(place, request, (at) => peoplePage(cycleId, list, filter, at));
  return {
    unacknowledged: page.items.map((a) => ({
      employeeId: a.employeeId,
      name: a.name,
      department: a.department,
      manager: a.managerName,
      managerId: a.managerKey,
      releasedAt: a.resultReleasedAt ?? null,
    })),
    ...cursorOf(page),
  };
}

/** Each reviewer's progress, per department they review people in: the same counts as the cycle's, by team. */
export async function teamsPage(cycleId: string, department: string | undefined, request: PageRequest) {
  const cycle = await cycleOf(cycleId);
  const [page, moved] = await Promise.all([
    paged({ cycleId, list: listName('teams', { department }) }, request, async (at) => {
      const { groups, next } = await teamProgressPage(cycleId, department, at);
      return { items: groups, ...(next ? { next } : {}) };
    }),
    movedDeadlines(cycle),
  ]);
  const now = statesAt(cycle.closedAt, nowMs());
  return {
    teams: page.items.map((group) => ({
      reviewerId: group.managerKey,
      reviewer: group.managerName,
      department: group.department,
      participants: group.participants,
      ...progressStatesOf(
        cycle,
        group,
        moved.filter((person) => person.managerKey === group.managerKey && person.department === group.department),
        now,
      ),
    })),
    ...cursorOf(page),
  };
}

/** The cycle's audit in time order: every state change, submission and email outcome, with its actor. */
export async function auditEventsPage(cycleId: string, request: PageRequest) {
  await cycleOf(cycleId);
  const page = await paged({ cycleId, list: 'audit' }, request, async (at) => {
    const { events, next } = await auditPage(cycleId, at);
    return { items: events, ...(next ? { next } : {}) };
  });
  return { events: page.items, ...cursorOf(page) };
}

/** The reminder ladder's emails sent (reminders, overdue notices, escalations to HR), in time order. */
export async function escalationsSentPage(cycleId: string, request: PageRequest) {
  await cycleOf(cycleId);
  const page = await paged({ cycleId, list: 'escalations' }, request, async (at) => {
    const { events, next } = await escalationsPage(cycleId, at);
    return { items: events, ...(next ? { next } : {}) };
  });
  return {
    escalations: page.items.map((event) => ({
      at: event.at,
      kind: String(event.details?.kind ?? ''),
      to: String(event.details?.to ?? ''),
      subject: String(event.details?.subject ?? ''),
      status: event.action.replace(/^mail-/, ''),
      about: event.about ?? [],
    })),
    ...cursorOf(page),
  };
}

/**
 * The goals of a cycle's period that it reports (domain/goals.ts reportedInCycle): counts by outcome, overall and per
 * department, from the goal counters; and a page of the missed ones (open past their due date), by owner, `department`
 * narrowing the list. Each owner is named as in the cycle, or as in the directory when not taking part.
 */
export async function cycleGoals(cycleId: string, department: string | undefined, request: PageRequest) {
  const cycle = await cycleOf(cycleId);
  const now = nowMs();
  const departments = await cycleDepartments(cycle);
  const [counts, page] = await Promise.all([
    goalCountsIn(cycle.period, departments, now),
    paged({ cycleId, list: listName('goals-missed', { department }) }, request, async (at) => {
      const { goals, next } = await missedGoalsPage(cycle.period, now, departments, department, at);
      return { items: goals, ...(next ? { next } : {}) };
    }),
  ]);
  const owners = [...new Set(page.items.map((goal) => goal.employeeId))];
  const participants = new Map(
    (await Promise.all(owners.map((employeeId) => getAssessment(cycleId, employeeId)))).flatMap((a) =>
      a ? [[a.employeeId, a] as const] : [],
    ),
  );
  const names = await employeeNames(owners.filter((employeeId) => !participants.has(employeeId)));
  return {
    cycleId,
    period: cycle.period,
    counts: addOutcomeCounts(counts.map((of) => of.counts)),
    departments: counts,
    missed: page.items.map((goal) => ({
      employeeId: goal.employeeId,
      name: participants.get(goal.employeeId)?.name ?? names.get(goal.employeeId)!,
      manager: participants.get(goal.employeeId)?.managerName ?? null,
      department: goal.department!,
      goalId: goal.goalId,
      title: goal.title,
      due: goal.due,
    })),
    ...cursorOf(page),
  };
}
