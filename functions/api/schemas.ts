import { z } from 'zod';
import { parseCalendarDate } from '#domain/time.ts';
import { employeeIdSchema } from '#domain/employee.ts';

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

export const launchRequestSchema = z.strictObject({
  name: label('name', 120),
  selfDue: calendarDate('selfDue'),
  managerDue: calendarDate('managerDue'),
  department: label('department', 100).optional(),
});

export const extendRequestSchema = z.strictObject({
  employeeId: employeeIdSchema,
  until: calendarDate('until'),
});

export const importRequestSchema = z.strictObject({ csv: z.string().min(1, 'csv is empty') });
