import * as z from 'zod';
import { goalIdSchema } from '../api/schemas.ts';
import { recordCheckIn } from '#services/goals.ts';
import { MAX_COLLEAGUES_PER_REQUEST, requestFeedback } from '#services/feedback.ts';
import { colleaguesByEmail, goalsPage, openGoalsLink } from '#services/form-pages.ts';
import { RuleViolation } from '#domain/cycle.ts';
import { colleagueAddressesSchema, type Employee } from '#domain/employee.ts';
import { Conflict, NotFound } from '#services/errors.ts';
import { CHECK_IN_STATUSES } from '#domain/goals.ts';
import type { HttpEvent } from '#shared/http.ts';
import { goalsView, type GoalsPageState } from '../views/goals.ts';
import {
  type FormPost,
  formFields,
  formRoutes,
  type FormRouteTable,
  htmlPage,
  linkToken,
  messagePage,
  noticeOf,
  readFormPost,
  seeOther,
} from './form-handler.ts';

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

const NOT_FOUND = () =>
  messagePage(404, 'Goals not found', 'This person is no longer in the directory. Please ask HR.');

/** The owner's goals page: each goal with its progress and history, and a check-in form for open goals. */
async function show(event: HttpEvent) {
  const token = linkToken(event);
  const link = await openGoalsLink(token);
  if (!link) return NOT_FOUND();
  return answer(200, link, token, { notice: noticeOf(event, NOTICES) });
}

/** A check-in or a request for feedback, each recorded once for its form and answered with a redirect to the page (Post/Redirect/Get). */
async function submit(event: HttpEvent) {
  const posted = await readFormPost(event);
  const link = await openGoalsLink(posted.token);
  if (!link) return NOT_FOUND();
  if (posted.fields.get('action') === 'request-feedback') return askForFeedback(link, posted);

  const employeeId = link.owner.employeeId;
  const typed = {
    goalId: posted.fields.get('goalId') ?? '',
    progress: posted.fields.get('progress') ?? '',
    status: posted.fields.get('status') ?? '',
    note: posted.fields.get('note') ?? '',
  };
  const parsed = checkInSchema.safeParse({ ...typed, note: typed.note || undefined });
  if (!parsed.success)
    return answer(400, link, posted.token, {
      errors: parsed.error.issues.map((issue) => issue.message),
      checkIn: typed,
    });
  const { goalId, ...checkIn } = parsed.data;
  try {
    // The goal is read under the link's owner: someone else's goal id finds nothing.
    await recordCheckIn(employeeId, goalId, checkIn, `employee:${employeeId}`, posted.submissionId);
  } catch (error) {
    if (error instanceof NotFound)
      return answer(404, link, posted.token, { errors: ['That goal is not one of yours, so nothing was saved.'] });
    if (!(error instanceof Conflict)) throw error;
    return answer(409, link, posted.token, { errors: ['That goal takes no more check-ins.'] });
  }
  return seeOther('/forms/goals', posted.token, { notice: 'check-in-saved' });
}

const feedbackRequestFormSchema = z.object({
  colleagues: colleagueAddressesSchema(
    MAX_COLLEAGUES_PER_REQUEST,
    `Ask at most ${MAX_COLLEAGUES_PER_REQUEST} colleagues at a time`,
  ),
  message: z.string().trim().max(500, 'The note is longer than 500 characters'),
});

/** The owner asks colleagues (by email address) for feedback; each gets a link to a feedback form. */
async function askForFeedback(link: GoalsLink, posted: FormPost) {
  const draft = { colleagues: posted.fields.get('colleagues') ?? '', message: posted.fields.get('message') ?? '' };
  const parsed = feedbackRequestFormSchema.safeParse(draft);
  const refuse = (errors: string[]) => answer(400, link, posted.token, { errors, draft });
  if (!parsed.success) return refuse(parsed.error.issues.map((issue) => issue.message));
  const { found, unknown } = await colleaguesByEmail(parsed.data.colleagues);
  if (unknown.length) return refuse(unknown.map((address) => `Nobody in the directory has the address ${address}`));
  try {
    await requestFeedback(
      link.owner.employeeId,
      found.map((colleague) => colleague.employeeId),
      parsed.data.message || undefined,
      posted.submissionId,
    );
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return refuse(error.details);
  }
  return seeOther('/forms/goals', posted.token, { notice: 'feedback-requested' });
}

interface GoalsLink {
  owner: Employee;
  timeZone: string;
}

async function answer(status: number, { owner, timeZone }: GoalsLink, token: string, state: GoalsPageState) {
  const { goals, now } = await goalsPage(owner.employeeId);
  const page = { name: owner.name, goals, timeZone, now, maxColleagues: MAX_COLLEAGUES_PER_REQUEST };
  return htmlPage(status, goalsView(page, await formFields(token), state));
}

/** One handler per route of this function's `RouteSpec` entries in lib/functions.ts. */
export const routes = { 'GET /forms/goals': show, 'POST /forms/goals': submit } satisfies FormRouteTable;

export const handler = formRoutes(routes);
