import { randomBytes } from 'node:crypto';
import {
  checkNewGoal,
  goalStepsDue,
  isAtRisk,
  lastGoalStepAt,
  outcomeOf,
  periodOf,
  recommendedStep,
  type CheckIn,
  type CheckInStatus,
  type GoalKind,
  type GoalStep,
  type GoalTimings,
} from '#domain/goals.ts';
import type { EmailContent } from '#mail/compose.ts';
import * as messages from '#mail/messages.ts';
import { flushOutbox, newMail, sendQueuedNow } from '#mail/outbox.ts';
import { queueMailOnce, type MailKind, type MailRecord } from '#store/mail.ts';
import { nowIso, nowMs } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import type { Actor } from '#store/audit.ts';
import { getEmployee } from '#store/employees.ts';
import { settingsInForce } from '#store/settings.ts';
import type { Settings } from '#domain/settings.ts';
import { consoleLink, formLink } from '#shared/links.ts';
import {
  addCheckIn,
  cancelGoal,
  createGoal,
  getGoal,
  listGoals,
  listOpenGoalsDueBy,
  recordGoalStep,
  type GoalRecord,
} from '#store/goals.ts';
import { Conflict, NotFound } from './errors.ts';
import { ownMail } from './own-mail.ts';
import { requireEmployee } from './employees.ts';
import type { EmployeesPort, GoalsPort, MailPort, SettingsPort } from './ports.ts';
import { submissionOf } from './submissions.ts';

/** What taking a goal's steps reads and writes (the goal watch, and a check-in flagging a goal at risk). */
type GoalStepPorts = Pick<GoalsPort, 'listGoals' | 'recordGoalStep'> &
  Pick<EmployeesPort, 'getEmployee'> &
  Pick<MailPort, 'queueMailOnce'>;

/** What the daily goal watch reads and writes. */
export type GoalWatchPorts = GoalStepPorts &
  Pick<GoalsPort, 'listOpenGoalsDueBy'> &
  SettingsPort &
  Pick<MailPort, 'flushOutbox'>;

/** The store modules on DynamoDB: what a check-in runs on. */
const goalStepPorts: GoalStepPorts = { listGoals, recordGoalStep, getEmployee, queueMailOnce };

/** The store modules on DynamoDB, the outbox on SES: what the goal watch runs on (unit tests pass test/support/memory-store.ts). */
const storePorts: GoalWatchPorts = {
  listGoals,
  recordGoalStep,
  getEmployee,
  queueMailOnce,
  listOpenGoalsDueBy,
  settingsInForce,
  flushOutbox,
};

export interface NewGoal {
  title: string;
  due: string;
  weight: number;
  kind: GoalKind;
  target?: string;
}

/**
 * Sets a goal for an employee; the weights of their open goals in the goal's period stay at most 100.
 * A caller that may retry (a proposed goal becoming real) passes a `derivedId` from its source, so a
 * retry finds the goal stored instead of adding a second one.
 */
export async function addGoal(
  employeeId: string,
  request: NewGoal,
  actor: Actor,
  derivedId?: string,
): Promise<GoalRecord> {
  const existing = derivedId && (await getGoal(employeeId, derivedId));
  if (existing) return existing;
  const goalId = derivedId ?? `goal_${randomBytes(6).toString('hex')}`;
  const owner = await requireEmployee(employeeId);
  const period = periodOf(request.due);
  const openWeights = (await listGoals(employeeId))
    .filter((goal) => goal.state === 'OPEN' && goal.period === period)
    .map((goal) => goal.weight);
  const { settings } = await settingsInForce();
  const dueAt = checkNewGoal(request, openWeights, settings.timeZone, nowMs());
  const goal: GoalRecord = {
    goalId,
    employeeId,
    title: request.title,
    kind: request.kind,
    weight: request.weight,
    ...(request.target ? { target: request.target } : {}),
    due: request.due,
    dueAt,
    period,
    state: 'OPEN',
    progress: 0,
    checkIns: [],
    escalations: {},
    createdAt: nowIso(),
    createdBy: actor,
    department: owner.department,
  };
  // Lost a race with the same proposal becoming a goal: that one is the goal, and its email is that one's to send.
  if (!(await createGoal(goal))) return (await getGoal(employeeId, goalId))!;
  const url = await goalsLink(employeeId, dueAt, settings);
  const content = messages.goalSet(
    { timeZone: settings.timeZone },
    owner,
    { title: goal.title, due: dueAt, progress: 0, target: goal.target, weight: goal.weight },
    url,
  );
  const mail = newMail(GOAL_MAIL_SCOPE, `goal-set#${goal.goalId}`, 'goal-set', owner.email, [employeeId], content);
  const outbox = ownMail(GOAL_MAIL_SCOPE);
  await outbox.queue(mail);
  await outbox.sendNow();
  return goal;
}

export interface NewCheckIn {
  progress: number;
  status: CheckInStatus;
  note?: string;
}

/**
 * A check-in on an open goal; 100 % marks it done, which stops its reminders and escalations. One posted
 * from the goals page carries its form's `submissionId`: the same post again records nothing.
 */
export async function recordCheckIn(
  employeeId: string,
  goalId: string,
  input: NewCheckIn,
  by: Actor,
  submissionId?: string,
): Promise<GoalRecord> {
  const checkIn: CheckIn = {
    at: nowIso(),
    progress: input.progress,
    status: input.status,
    ...(input.note ? { note: input.note } : {}),
    by,
  };
  const submission = submissionId === undefined ? undefined : submissionOf(submissionId, 'check-in', by);
  // The write's condition requires the goal, and open: it is read first only when the check-in completes it
  // (its count moves from its due instant's to met or done late), when it says at risk (the at-risk list is
  // sorted by the goal's due instant), or when refused, to say why.
  const readFirst = input.progress === 100 || isAtRisk(checkIn);
  const read = readFirst ? await getGoal(employeeId, goalId) : undefined;
  if (readFirst && !read) throw new NotFound(`goal ${goalId} of ${employeeId}`);
  const outcome = read && (input.progress === 100 ? { done: { at: nowMs(), goal: read } } : { atRisk: read });
  if ((await addCheckIn(employeeId, goalId, checkIn, outcome, submission)) === 'refused') {
    const goal = read ?? (await getGoal(employeeId, goalId));
    if (!goal) throw new NotFound(`goal ${goalId} of ${employeeId}`);
    throw new Conflict(`goal ${goalId} is ${goal.state.toLowerCase()}: it takes no more check-ins`);
  }
  const [updated, { settings }] = await Promise.all([getGoal(employeeId, goalId), settingsInForce()]);
  // The same post again, of a goal gone since: nothing to show.
  if (!updated) throw new NotFound(`goal ${goalId} of ${employeeId}`);
  // A second at-risk check-in in a row reaches the manager now, not at the next daily run: the daily run
  // only reads goals near or past their due date. The flag is read off the stored goal and taken once, so
  // a repeated post sends nothing more (and completes what a first try cut short).
  const flag = goalStepsDue(updated, nowMs(), goalTimingsOf(settings)).filter((step) => step === 'AT_RISK_FLAG');
  if (!flag.length) return updated;
  await sendQueuedNow(GOAL_MAIL_SCOPE, (await takeGoalSteps(goalStepPorts, updated, flag, settings)).queued);
  return (await getGoal(employeeId, goalId))!;
}

/** An employee's goals, soonest due first, each with its outcome as of now. */
export async function goalsOf(employeeId: string) {
  await requireEmployee(employeeId);
  const now = nowMs();
  return (await listGoals(employeeId)).map((goal) => ({
    ...goal,
    dueAt: new Date(goal.dueAt).toISOString(),
    outcome: outcomeOf(goal, now),
  }));
}

/** The goals a review cycle asks about: the employee's goals of the period under review, except cancelled ones. */
export async function goalsUnderReview(employeeId: string, period: string): Promise<GoalRecord[]> {
  return goalsOfPeriod(await listGoals(employeeId), period);
}

/** Of an employee's goals, those a review of `period` asks about (see goalsUnderReview). */
export function goalsOfPeriod(goals: GoalRecord[], period: string): GoalRecord[] {
  return goals.filter((goal) => goal.period === period && goal.state !== 'CANCELLED');
}

/**
 * The read side of the daily goal watch: every open goal that owes a step today, with the steps. It reads
 * only goals due within the reminder lead or already past due, so its cost follows what is due, not how
 * many goals exist.
 */
export async function goalsOwingSteps(
  now: number,
  timings: GoalTimings,
  ports: Pick<GoalWatchPorts, 'listOpenGoalsDueBy'> = { listOpenGoalsDueBy },
): Promise<{ goal: GoalRecord; steps: GoalStep[] }[]> {
  const candidates = await ports.listOpenGoalsDueBy(now + timings.reminderLeadMs);
  return candidates
    .map((goal) => ({ goal, steps: goalStepsDue(goal, now, timings) }))
    .filter((entry) => entry.steps.length > 0);
}

/** The owner's goals page, announced with a goal: it serves the goal until the goal watch is done with it. */
function goalsLink(employeeId: string, dueAt: number, settings: Settings): Promise<string> {
  return formLink('goals', employeeId, { purpose: 'goals', dueAt, timings: goalTimingsOf(settings) }, nowMs());
}

/** The goal watch's timings from the organisation settings. */
export function goalTimingsOf(settings: Settings): GoalTimings {
  return { reminderLeadMs: settings.timings.goalReminderLead, hrGraceMs: settings.timings.goalHrGrace };
}

/** Goal mail is queued and sent through the same outbox as cycle mail, in a partition of its own. */
export const GOAL_MAIL_SCOPE = 'goal-watch';

/**
 * The daily goal watch: for each goal that owes a step, queue its emails (owner, manager or HR, each
 * under an id derived from the goal and the step) and record the step on the goal. Running it twice on
 * the same day, or after a crash, sends nothing twice.
 */
export async function runGoalWatch(ports: GoalWatchPorts = storePorts): Promise<{ steps: number; sent: number }> {
  const { settings } = await ports.settingsInForce();
  let steps = 0;
  for (const { goal, steps: owed } of await goalsOwingSteps(nowMs(), goalTimingsOf(settings), ports))
    steps += (await takeGoalSteps(ports, goal, owed, settings)).taken;
  const flushed = await ports.flushOutbox(GOAL_MAIL_SCOPE);
  return { steps, sent: flushed.sent };
}

/** Queues the emails of each step (once, by id) and records the step on the goal; answers the steps newly recorded and the mail queued. */
async function takeGoalSteps(
  ports: GoalStepPorts,
  goal: GoalRecord,
  owed: GoalStep[],
  settings: Settings,
): Promise<{ taken: number; queued: MailRecord[] }> {
  const { timeZone } = settings;
  const queued: MailRecord[] = [];
  const owner = await ports.getEmployee(goal.employeeId);
  if (!owner) return { taken: 0, queued }; // left the directory: nobody to tell
  const manager = owner.managerId ? await ports.getEmployee(owner.managerId) : undefined;
  const managerContact = manager
    ? { name: manager.name, employeeId: manager.employeeId, email: manager.email }
    : { name: 'HR', email: config().HR_EMAIL };
  const line = { title: goal.title, due: goal.dueAt, progress: goal.progress, target: goal.target };
  const hrAt = lastGoalStepAt(goal.dueAt, goalTimingsOf(settings));
  const ownerLink = () => goalsLink(owner.employeeId, goal.dueAt, settings);
  let taken = 0;
  for (const step of owed) {
    const mails: { to: string; kind: MailKind; suffix: string; content: EmailContent }[] =
      step === 'REMINDER'
        ? [
            {
              to: owner.email,
              kind: 'goal-reminder',
              suffix: 'owner',
              content: messages.goalReminder({ timeZone }, owner, line, await ownerLink()),
            },
          ]
        : step === 'AT_RISK_FLAG'
          ? [
              {
                to: managerContact.email,
                kind: 'goal-at-risk',
                suffix: 'manager',
                content: messages.goalAtRisk({ timeZone }, managerContact, owner, line, goal.checkIns),
              },
            ]
          : step === 'MISSED'
            ? [
                {
                  to: owner.email,
                  kind: 'goal-missed',
                  suffix: 'owner',
                  content: messages.goalMissed({ timeZone }, owner, owner, line, hrAt, await ownerLink()),
                },
                {
                  to: managerContact.email,
                  kind: 'goal-missed',
                  suffix: 'manager',
                  content: messages.goalMissed({ timeZone }, managerContact, owner, line, hrAt),
                },
              ]
            : [
                {
                  to: config().HR_EMAIL,
                  kind: 'goal-hr',
                  suffix: 'hr',
                  content: messages.goalToHr(
                    { timeZone },
                    { ...owner, manager: managerContact },
                    line,
                    goal.checkIns,
                    recommendedStep(await earlierMisses(ports, goal)),
                    consoleLink.goals(goal.period),
                  ),
                },
              ];
    for (const mail of mails) {
      const record = newMail(
        GOAL_MAIL_SCOPE,
        `${step}#${goal.goalId}#${mail.suffix}`,
        mail.kind,
        mail.to,
        [goal.employeeId],
        mail.content,
      );
      await ports.queueMailOnce(record);
      queued.push(record);
    }
    if (await ports.recordGoalStep(goal.employeeId, goal.goalId, step, nowIso())) taken++;
  }
  return { taken, queued };
}

async function earlierMisses(ports: GoalStepPorts, goal: GoalRecord): Promise<number> {
  return (await ports.listGoals(goal.employeeId)).filter(
    (other) => other.goalId !== goal.goalId && other.escalations.MISSED !== undefined && other.dueAt < goal.dueAt,
  ).length;
}

export async function cancelOpenGoal(employeeId: string, goalId: string): Promise<GoalRecord> {
  const goal = await getGoal(employeeId, goalId);
  if (!goal) throw new NotFound(`goal ${goalId} of ${employeeId}`);
  if (!(await cancelGoal(goal, nowIso())))
    throw new Conflict(`goal ${goalId} is ${goal.state.toLowerCase()}: only open goals can be cancelled`);
  return (await getGoal(employeeId, goalId))!;
}
