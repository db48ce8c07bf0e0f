import * as z from 'zod';
import { goalIdSchema } from '../api/schemas.ts';
import { recordCheckIn } from '#services/goals.ts';
import { MAX_COLLEAGUES_PER_REQUEST, requestFeedback } from '#services/feedback.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { emailSchema, type Employee } from '#domain/employee.ts';
import { Conflict, NotFound } from '#services/errors.ts';
import { CHECK_IN_STATUS_LABEL, CHECK_IN_STATUSES, outcomeOf } from '#domain/goals.ts';
import { formatDeadline } from '#domain/time.ts';
import { verifyLink } from '#domain/tokens.ts';
import { escapeHtml as e } from '#mail/compose.ts';
import { nowMs } from '#shared/clock.ts';
import type { HttpEvent } from '#shared/http.ts';
import { linkSecret } from '#shared/links.ts';
import { findByEmail, getEmployee } from '#store/employees.ts';
import { listGoals, type GoalRecord } from '#store/goals.ts';
import {
  formFields,
  type FormFields,
  type FormPost,
  formRoute,
  linkToken,
  noticeOf,
  readFormPost,
  seeOther,
} from './form-handler.ts';
import { settingsInForce } from '#store/settings.ts';
import { errorList, hiddenFields, messagePage, noticeLine, OUTCOME_LABEL, page, textField } from './pages.ts';

const checkInSchema = z.object({
  goalId: goalIdSchema,
  progress: z.coerce
    .number({ error: 'Progress must be a whole number from 0 to 100' })
    .int('Progress must be a whole number from 0 to 100')
    .min(0, 'Progress must be a whole number from 0 to 100')
    .max(100, 'Progress must be a whole number from 0 to 100'),
  status: z.enum(CHECK_IN_STATUSES, { error: 'Choose on track, at risk or off track' }),
  note: z.string().trim().max(2000, 'The note is longer than 2000 characters').optional(),
});

const NOTICES = {
  'check-in-saved': 'Your check-in was saved.',
  'feedback-requested': 'Your request was sent: each colleague gets an email with a link to answer it.',
};

/**
 * The owner's goals page: each goal with its progress and history, and a check-in form for open goals.
 * Each post is recorded once for its form and answered with a redirect to this page (Post/Redirect/Get).
 */
export const handler = formRoute(async (event: HttpEvent) => {
  const posted = event.requestContext.http.method === 'POST' ? await readFormPost(event) : undefined;
  const token = posted?.token ?? linkToken(event);
  const employeeId = verifyLink(token, await linkSecret(), 'goals', nowMs()).personId;
  const owner = await getEmployee(employeeId);
  if (!owner) return messagePage(404, 'Goals not found', 'This person is no longer in the directory. Please ask HR.');
  const hidden = await formFields(token);
  const { timeZone } = (await settingsInForce()).settings;
  if (!posted)
    return goalsPage(timeZone, 200, owner.name, await listGoals(employeeId), hidden, {
      notice: noticeOf(event, NOTICES),
    });
  if (posted.fields.get('action') === 'request-feedback') return askForFeedback(timeZone, owner, posted, hidden);

  const typed = {
    goalId: posted.fields.get('goalId') ?? '',
    progress: posted.fields.get('progress') ?? '',
    status: posted.fields.get('status') ?? '',
    note: posted.fields.get('note') ?? '',
  };
  const parsed = checkInSchema.safeParse({ ...typed, note: typed.note || undefined });
  if (!parsed.success)
    return goalsPage(timeZone, 400, owner.name, await listGoals(employeeId), hidden, {
      errors: parsed.error.issues.map((issue) => issue.message),
      checkIn: typed,
    });
  const { goalId, ...checkIn } = parsed.data;
  try {
    // The goal is read under the link's owner: someone else's goal id finds nothing.
    await recordCheckIn(employeeId, goalId, checkIn, `employee:${employeeId}`, posted.submissionId);
  } catch (error) {
    if (error instanceof NotFound)
      return goalsPage(timeZone, 404, owner.name, await listGoals(employeeId), hidden, {
        errors: ['That goal is not one of yours, so nothing was saved.'],
      });
    if (!(error instanceof Conflict)) throw error;
    return goalsPage(timeZone, 409, owner.name, await listGoals(employeeId), hidden, {
      errors: ['That goal takes no more check-ins.'],
    });
  }
  return seeOther('/forms/goals', token, { notice: 'check-in-saved' });
});

const feedbackRequestFormSchema = z.object({
  colleagues: z
    .string()
    .transform((text) => [
      ...new Set(
        text
          .split(/[\s,;]+/)
          .map((address) => address.trim().toLowerCase())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(
          z
            .string()
            .refine((address) => emailSchema.safeParse(address).success, {
              error: (issue) => `Not an email address: ${String(issue.input)}`,
            }),
        )
        .min(1, 'Enter at least one colleague\u2019s email address')
        .max(MAX_COLLEAGUES_PER_REQUEST, `Ask at most ${MAX_COLLEAGUES_PER_REQUEST} colleagues at a time`),
    ),
  message: z.string().trim().max(500, 'The note is longer than 500 characters'),
});

/** The owner asks colleagues (by email address) for feedback; each gets a link to a feedback form. */
async function askForFeedback(timeZone: string, owner: Employee, posted: FormPost, hidden: FormFields) {
  const goals = await listGoals(owner.employeeId);
  const draft = { colleagues: posted.fields.get('colleagues') ?? '', message: posted.fields.get('message') ?? '' };
  const parsed = feedbackRequestFormSchema.safeParse(draft);
  const refuse = (errors: string[]) => goalsPage(timeZone, 400, owner.name, goals, hidden, { errors, draft });
  if (!parsed.success) return refuse(parsed.error.issues.map((issue) => issue.message));
  const found = await Promise.all(parsed.data.colleagues.map((address) => findByEmail(address)));
  const unknown = parsed.data.colleagues.filter((_, index) => !found[index]);
  if (unknown.length) return refuse(unknown.map((address) => `Nobody in the directory has the address ${address}`));
  try {
    await requestFeedback(
      owner.employeeId,
      found.map((colleague) => colleague!.employeeId),
      parsed.data.message || undefined,
      posted.submissionId,
    );
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return refuse(error.details);
  }
  return seeOther('/forms/goals', posted.token, { notice: 'feedback-requested' });
}

function goalsPage(
  timeZone: string,
  status: number,
  name: string,
  goals: GoalRecord[],
  hidden: FormFields,
  state: {
    errors?: string[];
    notice?: string;
    draft?: { colleagues: string; message: string };
    checkIn?: TypedCheckIn;
  } = {},
) {
  const sections = goals
    .map((goal) =>
      goalSection(goal, hidden, timeZone, state.checkIn?.goalId === goal.goalId ? state.checkIn : undefined),
    )
    .join('');
  const ask = `<section aria-labelledby="ask-feedback"><h2 id="ask-feedback">Ask colleagues for feedback</h2><p>Each colleague gets an email with a link to a short form. Praise they give is shared with your team; constructive feedback reaches only you and your manager.</p><form method="post" action="/forms/goals">${hiddenFields(hidden({ action: 'request-feedback' }))}${textField('colleagues', `Colleagues' email addresses (up to ${MAX_COLLEAGUES_PER_REQUEST}, one per line)`, state.draft?.colleagues, { maxLength: 3000 })}${textField('message', 'A note to them (optional)', state.draft?.message, { required: false, maxLength: 500 })}<button type="submit">Ask for feedback</button></form></section>`;
  return page(
    status,
    'Your goals',
    `<h1>Your goals</h1><p>${e(name)}, here are your goals. Post a check-in whenever things move.</p>${noticeLine(state.notice)}${errorList(state.errors ?? [])}${sections || '<p>No goals yet.</p>'}${ask}`,
  );
}

/** A check-in as it was typed, shown again in its goal's form when the post is refused. */
interface TypedCheckIn {
  goalId: string;
  progress: string;
  status: string;
  note: string;
}

function goalSection(goal: GoalRecord, hidden: FormFields, timeZone: string, typed?: TypedCheckIn): string {
  const id = e(goal.goalId);
  const history = goal.checkIns.length
    ? `<ol>${[...goal.checkIns]
        .reverse()
        .map(
          (c) =>
            `<li>${e(formatDeadline(Date.parse(c.at), timeZone))}: ${c.progress}%, ${e(CHECK_IN_STATUS_LABEL[c.status])}${c.note ? ` - ${e(c.note)}` : ''}</li>`,
        )
        .join('')}</ol>`
    : '<p class="muted">No check-ins yet.</p>';
  const form =
    goal.state === 'OPEN'
      ? `<form method="post" action="/forms/goals">${hiddenFields(hidden({ goalId: goal.goalId }))}
<label for="progress-${id}">Progress (%) for ${e(goal.title)}</label><input id="progress-${id}" name="progress" type="number" min="0" max="100" step="1" required value="${e(typed?.progress ?? String(goal.progress))}">
<fieldset class="scale"><legend>How is ${e(goal.title)} going?</legend>${CHECK_IN_STATUSES.map(
          (value) =>
            `<label><input type="radio" name="status" value="${value}"${typed?.status === value ? ' checked' : ''} required> ${CHECK_IN_STATUS_LABEL[value]}</label>`,
        ).join('')}</fieldset>
<label for="note-${id}">Note for ${e(goal.title)} (optional)</label><textarea id="note-${id}" name="note" maxlength="2000">${e(typed?.note ?? '')}</textarea>
<button type="submit">Post check-in for ${e(goal.title)}</button></form>`
      : '';
  return `<section class="report" aria-labelledby="goal-${id}"><h2 id="goal-${id}">${e(goal.title)}</h2>
<p>Due ${e(formatDeadline(goal.dueAt, timeZone))} · ${e(goal.kind)} · weight ${goal.weight}%${goal.target ? ` · target: ${e(goal.target)}` : ''}</p>
<p><strong>${goal.progress}%</strong> · ${e(OUTCOME_LABEL[outcomeOf(goal, nowMs())])}</p><h3>Check-ins</h3>${history}${form}</section>`;
}
