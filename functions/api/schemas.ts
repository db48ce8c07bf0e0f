import * as z from 'zod';
import { DAY_MS, parseCalendarDate } from '#domain/time.ts';
import { durationField } from '#domain/settings.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { CHECK_IN_STATUSES, isPeriod } from '#domain/goals.ts';
import { FEEDBACK_KINDS, MAX_FEEDBACK_TEXT } from '#domain/feedback.ts';
import { textAnswer } from '#domain/review-form.ts';
import { adjustmentReasonSchema } from '#domain/adjustments.ts';
import { hasControlCharacters } from '#domain/text.ts';

const HOUR_MS = 3_600_000;

export const cycleIdSchema = z.string().regex(/^cyc_[0-9a-f]{16}$/, 'not a cycle id (cyc_ followed by 16 hex digits)');

export const calendarDate = (field: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${field} is required (YYYY-MM-DD)` : `${field} must be a date YYYY-MM-DD`,
    })
    .refine((text) => parseCalendarDate(text) !== undefined, `${field} must be a date YYYY-MM-DD`);

/** Plain text HR types: no control characters, bounded. */
export const label = (field: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be text`) })
    .trim()
    .min(1, `${field} is required`)
    .max(max, `${field} is longer than ${max} characters`)
    .refine((text) => !hasControlCharacters(text), `${field} must not contain control characters`);

/** A duration as HR types it (`3d`, `12h`, `1d12h`), between an hour and 30 days. */
const timing = (field: string) => durationField(field, HOUR_MS, 30 * DAY_MS, '3d or 12h');

export const launchRequestSchema = z.strictObject({
  name: label('name', 120),
  selfDue: calendarDate('selfDue'),
  managerDue: calendarDate('managerDue'),
  department: label('department', 100).optional(),
  period: z
    .string({ error: 'period must be a quarter such as 2026-Q4' })
    .refine(isPeriod, 'period must be a quarter such as 2026-Q4')
    .optional(),
  reminderLead: timing('reminderLead').optional(),
  hrGrace: timing('hrGrace').optional(),
  allowOverlap: z.boolean({ error: 'allowOverlap must be true or false' }).optional(),
  /** Each participant with a manager also reviews that manager, anonymously. */
  upward: z.boolean({ error: 'upward must be true or false' }).optional(),
  /** A date makes the cycle calibrated; `false` opts out where the settings calibrate by default. */
  calibrationDue: z
    .union([calendarDate('calibrationDue'), z.literal(false)], {
      error: 'calibrationDue must be a date (YYYY-MM-DD) or false',
    })
    .optional(),
});

export const extendRequestSchema = z.strictObject({
  employeeId: employeeIdSchema,
  until: calendarDate('until'),
  /** Which deadline moves: the self-assessment's (the default) or the manager review's, which reopens it. */
  review: z.enum(['self', 'manager'], { error: 'review must be self or manager' }).optional(),
});

export const releaseRequestSchema = z.strictObject({
  force: z.boolean({ error: 'force must be true or false' }).optional(),
});

export const importRequestSchema = z.strictObject({ csv: z.string().min(1, 'csv is empty') });

/** A whole number from `min` to `max`, as a query string carries it. */
const wholeNumber = (field: string, min: number, max: number) => {
  const message = `${field} must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

/** `?dryRun=true` checks only; `?part=2&parts=5` saves the second fifth of the file's rows. */
export const importQuerySchema = z
  .object({
    dryRun: z.enum(['true', 'false'], { error: 'dryRun must be true or false' }).optional(),
    part: wholeNumber('part', 1, 100).optional(),
    parts: wholeNumber('parts', 1, 100).optional(),
  })
  .refine((query) => (query.part === undefined) === (query.parts === undefined), 'part and parts go together')
  .refine(
    (query) => query.part === undefined || query.parts === undefined || query.part <= query.parts,
    'part must be at most parts',
  )
  .transform(({ dryRun, part, parts }) => ({
    dryRun: dryRun === 'true',
    ...(part !== undefined && parts !== undefined ? { part: { part, parts } } : {}),
  }));

/** `?limit&cursor`: a page of a long list, `cursor` being the previous page's `nextCursor`. */
const pageQuery = {
  limit: wholeNumber('limit', 1, 1000).default(200),
  cursor: z.string().max(1000, 'cursor is longer than 1000 characters').optional(),
};

export const directoryQuerySchema = z.object({ department: label('department', 100).optional(), ...pageQuery });

export const calibrationQuerySchema = z.object(pageQuery);

/** A page of one of HR's lists of people: by department, by reviewer (employeeId, or HR), or matching a search of names and ids. */
export const peopleQuerySchema = z.object({
  department: label('department', 100).optional(),
  manager: label('manager', 100).optional(),
  search: label('search', 100).optional(),
  ...pageQuery,
});

export const overdueQuerySchema = peopleQuerySchema.extend({
  phase: z.enum(['self', 'manager'], { error: 'phase must be self or manager' }),
});

/** A page of a cycle's list narrowed to one department: the reviewers' progress, the missed goals. */
export const departmentPageQuerySchema = z.object({ department: label('department', 100).optional(), ...pageQuery });

export const pageQuerySchema = z.object(pageQuery);

/** HR's goals needing attention: a quarter (the current one by default), and the next page of one of its two lists. */
export const attentionQuerySchema = z
  .object({
    period: z.string().optional(),
    list: z.enum(['at-risk', 'missed'], { error: 'list must be at-risk or missed' }).optional(),
    ...pageQuery,
  })
  .refine((query) => query.cursor === undefined || query.list !== undefined, {
    message: 'cursor: name the list it continues (list=at-risk or list=missed)',
  });

export const newGoalSchema = z.strictObject({
  title: label('title', 200),
  due: calendarDate('due'),
  weight: z
    .number({ error: 'weight must be a whole number from 0 to 100' })
    .int('weight must be a whole number from 0 to 100')
    .min(0, 'weight must be a whole number from 0 to 100')
    .max(100, 'weight must be a whole number from 0 to 100')
    .default(0),
  kind: z
    .enum(['performance', 'development'], { error: 'kind must be performance or development' })
    .default('performance'),
  target: label('target', 500).optional(),
});

export const goalIdSchema = z.string().regex(/^goal_[0-9a-z]{1,32}$/, 'not a goal id');

export const checkInRequestSchema = z.strictObject({
  progress: z
    .number({ error: 'progress must be a whole number from 0 to 100' })
    .int('progress must be a whole number from 0 to 100')
    .min(0, 'progress must be a whole number from 0 to 100')
    .max(100, 'progress must be a whole number from 0 to 100'),
  status: z.enum(CHECK_IN_STATUSES, { error: 'status must be ON_TRACK, AT_RISK or OFF_TRACK' }),
  note: label('note', 2000).optional(),
});

export const feedbackSchema = z.strictObject({
  from: employeeIdSchema,
  to: employeeIdSchema,
  kind: z.enum(FEEDBACK_KINDS, { error: 'kind must be praise or constructive' }),
  // Line breaks are welcome in feedback; other control characters are not.
  text: textAnswer('text', { max: MAX_FEEDBACK_TEXT }).refine(
    (text) => !hasControlCharacters(text, { lineBreaks: true }),
    'text must not contain control characters',
  ),
});

export const feedbackRequestSchema = z.strictObject({
  from: employeeIdSchema,
  to: z.array(employeeIdSchema, { error: 'to must be a list of employee ids' }).min(1, 'name at least one colleague'),
  message: label('message', 500).optional(),
});

/** One adjustment: `{ employeeId, rating, reason }`. */
export const adjustmentRequestSchema = z.strictObject({
  employeeId: employeeIdSchema,
  rating: z.number({ error: 'rating must be a number: a point of the cycle\u2019s scale' }),
  reason: adjustmentReasonSchema,
});

/** A calibration file: `{ csv, dryRun? }`, the file's text (employeeId,rating,reason). */
export const adjustmentFileSchema = z.strictObject({
  csv: z.string({ error: 'csv must be the text of the calibration file' }).min(1, 'csv is empty'),
  dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
});

/** HR's peer assignment: `{ employeeId, reviewers: [ids] }`; the rules (at most 5 in all, not the person...) are the domain's. */
export const peerAssignmentSchema = z.strictObject({
  employeeId: employeeIdSchema,
  reviewers: z
    .array(employeeIdSchema, { error: 'reviewers must be a list of employee ids' })
    .min(1, 'name at least one reviewer')
    .max(50, 'name at most 50 reviewers in one request'),
});
