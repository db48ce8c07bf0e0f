import { z } from 'zod';
import { DEFAULT_TIMINGS } from './cycle.ts';
import { DEFAULT_GOAL_TIMINGS } from './goals.ts';
import { DEFAULT_SCALE, DEFAULT_SELF_QUESTIONS } from './review-form.ts';
import { DAY_MS, isValidTimeZone, parseDuration } from './time.ts';

/**
 * The organisation's settings (issue 4): rating scale, competencies, self-assessment questions, timings,
 * time zone, sender name, score weights and how praise is delivered. They are data, validated here and
 * stored as numbered versions; a cycle copies the version in force at its launch, so a change applies to
 * the next cycle and never rewrites a running one.
 */
const HOUR_MS = 3_600_000;
const SLUG = /^[a-z][a-z0-9-]{0,39}$/;
export const MAX_SELF_QUESTIONS = 10;

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} is required`)
    .max(max, `${field} is longer than ${max} characters`)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), `${field} must be one line of text`);

/** A duration as HR types it (`3d`, `12h`, `1d12h`) between `min` and `max` milliseconds. */
export const durationField = (field: string, min: number, max: number, hint: string) =>
  z
    .string({ error: `${field} must be a duration such as ${hint}` })
    .max(16, `${field} must be a duration such as ${hint}`)
    .transform((value, ctx) => {
      try {
        return parseDuration(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${field} must be a duration such as ${hint}` });
        return z.NEVER;
      }
    })
    .refine((ms) => ms >= min && ms <= max, `${field} must be between ${min / HOUR_MS}h and ${max / DAY_MS}d`);

function uniqueBy<T>(items: T[], key: (item: T) => string | number, what: string, ctx: z.RefinementCtx) {
  const seen = new Set<string | number>();
  for (const item of items) {
    const value = key(item);
    if (seen.has(value)) ctx.addIssue({ code: 'custom', message: `${what} must be unique: ${value} appears more than once` });
    seen.add(value);
  }
}

const scalePoint = z.strictObject({
  value: z.number({ error: 'each scale point needs a whole-number value' }).int('each scale point needs a whole-number value').min(0, 'scale values are 0 to 100').max(100, 'scale values are 0 to 100'),
  label: text('label', 60),
  description: text('description', 300),
});

const competency = z.strictObject({
  id: z.string({ error: 'competency id is required' }).regex(SLUG, 'competency id must be lower-case letters, digits and dashes, starting with a letter'),
  label: text('label', 80),
  description: text('description', 300).optional(),
});

/** A question's id is also its form field's name, so it may not be one the forms already use. */
const RESERVED_FIELD_NAMES = ['t', 'formToken', 'employeeId', 'overallRating', 'rating', 'strengths', 'areasToImprove', 'comments'];

const selfQuestion = z.strictObject({
  id: z
    .string({ error: 'question id is required' })
    .regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/, 'question id must be letters and digits, starting with a letter')
    .refine((id) => !RESERVED_FIELD_NAMES.includes(id), { error: (issue) => `question id ${String(issue.input)} is reserved` }),
  label: text('label', 120),
});

export const settingsSchema = z.strictObject({
  scale: z
    .array(scalePoint, { error: 'scale must be a list of points' })
    .min(3, 'scale must have 3 to 10 points')
    .max(10, 'scale must have 3 to 10 points')
    .superRefine((points, ctx) => {
      uniqueBy(points, (point) => point.value, 'scale values', ctx);
      uniqueBy(points, (point) => point.label, 'scale labels', ctx);
    })
    .transform((points) => [...points].sort((a, b) => a.value - b.value)),
  competencies: z
    .array(competency, { error: 'competencies must be a list' })
    .max(15, 'at most 15 competencies')
    .superRefine((items, ctx) => uniqueBy(items, (item) => item.id, 'competency ids', ctx)),
  selfQuestions: z
    .array(selfQuestion, { error: 'selfQuestions must be a list' })
    .min(1, 'selfQuestions needs at least one question')
    .max(MAX_SELF_QUESTIONS, `at most ${MAX_SELF_QUESTIONS} selfQuestions`)
    .superRefine((items, ctx) => uniqueBy(items, (item) => item.id, 'question ids', ctx)),
  timings: z.strictObject(
    {
    reviewReminderLead: durationField('timings.reviewReminderLead', HOUR_MS, 30 * DAY_MS, '3d'),
    reviewHrGrace: durationField('timings.reviewHrGrace', HOUR_MS, 30 * DAY_MS, '2d'),
    goalReminderLead: durationField('timings.goalReminderLead', DAY_MS, 60 * DAY_MS, '7d'),
    goalHrGrace: durationField('timings.goalHrGrace', DAY_MS, 60 * DAY_MS, '7d'),
    acknowledgementReminder: durationField('timings.acknowledgementReminder', DAY_MS, 60 * DAY_MS, '5d'),
    },
    { error: (issue) => (issue.input === undefined ? 'timings is required: reviewReminderLead, reviewHrGrace, goalReminderLead, goalHrGrace, acknowledgementReminder' : undefined) },
  ),
  timeZone: z.string({ error: 'timeZone is required' }).refine(isValidTimeZone, 'timeZone must be an IANA time zone such as Europe/Berlin'),
  senderName: text('senderName', 80),
  /** How much of the final score comes from the goal ratings and how much from the competency ratings, in percent. */
  scoreWeights: z
    .strictObject(
      {
        goals: z.number({ error: 'scoreWeights.goals must be 0 to 100' }).int().min(0).max(100),
        competencies: z.number({ error: 'scoreWeights.competencies must be 0 to 100' }).int().min(0).max(100),
      },
      { error: (issue) => (issue.input === undefined ? 'scoreWeights is required: { goals, competencies } in percent, adding up to 100' : undefined) },
    )
    .refine((weights) => weights.goals + weights.competencies === 100, 'scoreWeights.goals and scoreWeights.competencies must add up to 100'),
  recognition: z.enum(['immediate', 'weekly-digest'], { error: 'recognition must be immediate or weekly-digest' }),
});

/** Settings as HR writes them (durations as text such as `3d`). */
export type SettingsInput = z.input<typeof settingsSchema>;
/** Settings as the code uses them (durations in milliseconds, the scale sorted by value). */
export type Settings = z.output<typeof settingsSchema>;

const days = (ms: number) => `${ms / DAY_MS}d`;

/** What an organisation gets before it writes its own: the 5-point scale, the three questions, the default timings. */
export function defaultSettingsInput(timeZone: string): SettingsInput {
  return {
    scale: DEFAULT_SCALE.map((point) => ({ ...point })),
    competencies: [],
    selfQuestions: DEFAULT_SELF_QUESTIONS.map((question) => ({ ...question })),
    timings: {
      reviewReminderLead: days(DEFAULT_TIMINGS.reminderLeadMs),
      reviewHrGrace: days(DEFAULT_TIMINGS.hrGraceMs),
      goalReminderLead: days(DEFAULT_GOAL_TIMINGS.reminderLeadMs),
      goalHrGrace: days(DEFAULT_GOAL_TIMINGS.hrGraceMs),
      acknowledgementReminder: '5d',
    },
    timeZone,
    senderName: 'perfcycle',
    scoreWeights: { goals: 70, competencies: 30 },
    recognition: 'immediate',
  };
}

/** Reasons a settings document is refused, each naming the field, e.g. `scale.1.label: label is required`. */
export function settingsProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}
