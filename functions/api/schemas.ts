import { z } from 'zod';
import { DAY_MS, parseCalendarDate, parseDuration } from '#domain/time.ts';
import { employeeIdSchema } from '#domain/employee.ts';
import { CHECK_IN_STATUSES, isPeriod } from '#domain/goals.ts';

const HOUR_MS = 3_600_000;

export const cycleIdSchema = z.string().regex(/^cyc_[0-9a-f]{16}$/, 'not a cycle id (cyc_ followed by 16 hex digits)');

export const calendarDate = (field: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${field} is required (YYYY-MM-DD)` : `${field} must be a date YYYY-MM-DD`) }).refine((text) => parseCalendarDate(text) !== undefined, `${field} must be a date YYYY-MM-DD`);

/** Plain text HR types: no control characters, bounded. */
export const label = (field: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be text`) })
    .trim()
    .min(1, `${field} is required`)
    .max(max, `${field} is longer than ${max} characters`)
    .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), `${field} must not contain control characters`);

/** A duration as HR types it (`3d`, `12h`, `1d12h`), between an hour and 30 days. */
const timing = (field: string) =>
  z
    .string({ error: `${field} must be a duration such as 3d or 12h` })
    .max(16, `${field} must be a duration such as 3d or 12h`)
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${field} must be a duration such as 3d or 12h` });
        return z.NEVER;
      }
    })
    .refine((ms) => ms >= HOUR_MS && ms <= 30 * DAY_MS, `${field} must be between 1h and 30d`);

export const launchRequestSchema = z.strictObject({
  name: label('name', 120),
  selfDue: calendarDate('selfDue'),
  managerDue: calendarDate('managerDue'),
  department: label('department', 100).optional(),
  period: z.string({ error: 'period must be a quarter such as 2026-Q4' }).refine(isPeriod, 'period must be a quarter such as 2026-Q4').optional(),
  reminderLead: timing('reminderLead').optional(),
  hrGrace: timing('hrGrace').optional(),
});

export const extendRequestSchema = z.strictObject({
  employeeId: employeeIdSchema,
  until: calendarDate('until'),
});

export const importRequestSchema = z.strictObject({ csv: z.string().min(1, 'csv is empty') });

export const newGoalSchema = z.strictObject({
  title: label('title', 200),
  due: calendarDate('due'),
  weight: z
    .number({ error: 'weight must be a whole number from 0 to 100' })
    .int('weight must be a whole number from 0 to 100')
    .min(0, 'weight must be a whole number from 0 to 100')
    .max(100, 'weight must be a whole number from 0 to 100')
    .default(0),
  kind: z.enum(['performance', 'development'], { error: 'kind must be performance or development' }).default('performance'),
  target: label('target', 500).optional(),
});

export const goalIdSchema = z.string().regex(/^goal_[0-9a-z]{1,32}$/, 'not a goal id');

export const checkInRequestSchema = z.strictObject({
  progress: z.number({ error: 'progress must be a whole number from 0 to 100' }).int('progress must be a whole number from 0 to 100').min(0, 'progress must be a whole number from 0 to 100').max(100, 'progress must be a whole number from 0 to 100'),
  status: z.enum(CHECK_IN_STATUSES, { error: 'status must be ON_TRACK, AT_RISK or OFF_TRACK' }),
  note: label('note', 2000).optional(),
});
