import * as z from 'zod';
import { DEFAULT_TIMINGS } from './cycle.ts';
import { DEFAULT_GOAL_TIMINGS } from './goals.ts';
import { MIN_ANONYMITY_THRESHOLD } from './anonymity.ts';
import {
  DEFAULT_PEER_QUESTIONS,
  DEFAULT_SCALE,
  DEFAULT_SELF_QUESTIONS,
  DEFAULT_UPWARD_QUESTIONS,
  type TextQuestion,
} from './review-form.ts';
import { DAY_MS, isValidTimeZone, parseDuration } from './time.ts';
import { hasControlCharacters } from './text.ts';

/**
 * The organisation's settings (issue 4): rating scale, competencies, self-assessment questions, timings,
 * time zone, sender name, score weights and how praise is delivered; since issue 14 also the peer and upward
 * review questions, the anonymity threshold and how peer answers appear. They are data, validated here and
 * stored as numbered versions; a cycle copies the version in force at its launch, so a change applies to
 * the next cycle and never rewrites a running one.
 */
const HOUR_MS = 3_600_000;
const SLUG = /^[a-z][a-z0-9-]{0,39}$/;
/** The most questions of any list (self, peer, upward): it bounds the body a form posts. */
export const MAX_SELF_QUESTIONS = 10;

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} is required`)
    .max(max, `${field} is longer than ${max} characters`)
    .refine((value) => !hasControlCharacters(value), `${field} must be one line of text`);

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
    if (seen.has(value))
      ctx.addIssue({ code: 'custom', message: `${what} must be unique: ${value} appears more than once` });
    seen.add(value);
  }
}

const scalePoint = z.strictObject({
  value: z
    .number({ error: 'each scale point needs a whole-number value' })
    .int('each scale point needs a whole-number value')
    .min(0, 'scale values are 0 to 100')
    .max(100, 'scale values are 0 to 100'),
  label: text('label', 60),
  description: text('description', 300),
});

const competency = z.strictObject({
  id: z
    .string({ error: 'competency id is required' })
    .regex(SLUG, 'competency id must be lower-case letters, digits and dashes, starting with a letter'),
  label: text('label', 80),
  description: text('description', 300).optional(),
});

/** A question's id is also its form field's name, so it may not be one the forms already use. */
const RESERVED_FIELD_NAMES = [
  't',
  'formToken',
  'employeeId',
  'overallRating',
  'rating',
  'strengths',
  'areasToImprove',
  'comments',
];

const question = z.strictObject({
  id: z
    .string({ error: 'question id is required' })
    .regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/, 'question id must be letters and digits, starting with a letter')
    .refine((id) => !RESERVED_FIELD_NAMES.includes(id), {
      error: (issue) => `question id ${String(issue.input)} is reserved`,
    }),
  label: text('label', 120),
});

const questions = (field: string) =>
  z
    .array(question, { error: `${field} must be a list` })
    .min(1, `${field} needs at least one question`)
    .max(MAX_SELF_QUESTIONS, `at most ${MAX_SELF_QUESTIONS} ${field}`)
    .superRefine((items, ctx) => uniqueBy(items, (item) => item.id, 'question ids', ctx));

const copies = (list: TextQuestion[]) => list.map((item) => ({ ...item }));

/**
 * The fields added after settings were first stored (issue 14): a document saved before has none of them and
 * means these, both when it is parsed and when it is shown (`withAddedDefaults`). Fresh copies each time.
 */
const addedFieldDefaults = () => ({
  peerQuestions: copies(DEFAULT_PEER_QUESTIONS),
  upwardQuestions: copies(DEFAULT_UPWARD_QUESTIONS),
  anonymityThreshold: MIN_ANONYMITY_THRESHOLD,
  peerFeedback: 'anonymous' as const,
});

const THRESHOLD_PROBLEM = `anonymityThreshold must be a whole number of at least ${MIN_ANONYMITY_THRESHOLD} (fewer answers could be traced to their authors)`;

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
  selfQuestions: questions('selfQuestions'),
  /** What colleagues answer in a peer review. */
  peerQuestions: questions('peerQuestions').default(() => addedFieldDefaults().peerQuestions),
  /** What reports answer about their manager in an upward review. */
  upwardQuestions: questions('upwardQuestions').default(() => addedFieldDefaults().upwardQuestions),
  /** How many reports must answer before upward answers (and their mean) reach the manager. */
  anonymityThreshold: z
    .number({ error: THRESHOLD_PROBLEM })
    .int(THRESHOLD_PROBLEM)
    .min(MIN_ANONYMITY_THRESHOLD, THRESHOLD_PROBLEM)
    .default(() => addedFieldDefaults().anonymityThreshold),
  /** Whether the employee's results show who wrote each peer answer; the manager always sees the names. */
  peerFeedback: z
    .enum(['anonymous', 'named'], { error: 'peerFeedback must be anonymous or named' })
    .default(() => addedFieldDefaults().peerFeedback),
  timings: z.strictObject(
    {
      reviewReminderLead: durationField('timings.reviewReminderLead', HOUR_MS, 30 * DAY_MS, '3d'),
      reviewHrGrace: durationField('timings.reviewHrGrace', HOUR_MS, 30 * DAY_MS, '2d'),
      goalReminderLead: durationField('timings.goalReminderLead', DAY_MS, 60 * DAY_MS, '7d'),
      goalHrGrace: durationField('timings.goalHrGrace', DAY_MS, 60 * DAY_MS, '7d'),
      acknowledgementReminder: durationField('timings.acknowledgementReminder', DAY_MS, 60 * DAY_MS, '5d'),
      /** When set, cycles are calibrated unless launched otherwise: HR's calibration is due this long after the manager deadline. */
      calibration: durationField('timings.calibration', DAY_MS, 60 * DAY_MS, '7d').optional(),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'timings is required: reviewReminderLead, reviewHrGrace, goalReminderLead, goalHrGrace, acknowledgementReminder'
          : undefined,
    },
  ),
  timeZone: z
    .string({ error: 'timeZone is required' })
    .refine(isValidTimeZone, 'timeZone must be an IANA time zone such as Europe/Berlin'),
  senderName: text('senderName', 80),
  /** How much of the final score comes from the goal ratings and how much from the competency ratings, in percent. */
  scoreWeights: z
    .strictObject(
      {
        goals: z.number({ error: 'scoreWeights.goals must be 0 to 100' }).int().min(0).max(100),
        competencies: z.number({ error: 'scoreWeights.competencies must be 0 to 100' }).int().min(0).max(100),
      },
      {
        error: (issue) =>
          issue.input === undefined
            ? 'scoreWeights is required: { goals, competencies } in percent, adding up to 100'
            : undefined,
      },
    )
    .refine(
      (weights) => weights.goals + weights.competencies === 100,
      'scoreWeights.goals and scoreWeights.competencies must add up to 100',
    ),
  recognition: z.enum(['immediate', 'weekly-digest'], { error: 'recognition must be immediate or weekly-digest' }),
});

/** Settings as HR writes them (durations as text such as `3d`). */
export type SettingsInput = z.input<typeof settingsSchema>;
/** Settings as the code uses them (durations in milliseconds, the scale sorted by value). */
export type Settings = z.output<typeof settingsSchema>;

const days = (ms: number) => `${ms / DAY_MS}d`;

/**
 * What an organisation gets before it writes its own: the 5-point scale, the three questions, the default
 * timings, and its own name as the sender of its emails (people know their employer, not this product);
 * peer and upward questions, an anonymity threshold of 3 and peer answers without names in the results.
 */
export function defaultSettingsInput(timeZone: string, organisationName: string): SettingsInput {
  return {
    scale: DEFAULT_SCALE.map((point) => ({ ...point })),
    competencies: [],
    selfQuestions: copies(DEFAULT_SELF_QUESTIONS),
    ...addedFieldDefaults(),
    timings: {
      reviewReminderLead: days(DEFAULT_TIMINGS.reminderLeadMs),
      reviewHrGrace: days(DEFAULT_TIMINGS.hrGraceMs),
      goalReminderLead: days(DEFAULT_GOAL_TIMINGS.reminderLeadMs),
      goalHrGrace: days(DEFAULT_GOAL_TIMINGS.hrGraceMs),
      acknowledgementReminder: '5d',
    },
    timeZone,
    senderName: organisationName,
    scoreWeights: { goals: 70, competencies: 30 },
    recognition: 'immediate',
  };
}

/**
 * A document with each field added since it may have been stored filled in with its default where absent (or
 * removed with `null`), so that HR sees and edits what is in force, and saving a document written before
 * issue 14 changes nothing.
 */
export function withAddedDefaults<T extends object>(document: T): T {
  const filled = { ...document } as Record<string, unknown>;
  for (const [key, value] of Object.entries(addedFieldDefaults())) filled[key] ??= value;
  return filled as T;
}

/** Reasons a settings document is refused, each naming the field, e.g. `scale.1.label: label is required`. */
export function settingsProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}

/**
 * What `GET /settings` and `perfcycle settings show --json` print around the document. A document sent
 * back with this envelope is accepted: the envelope's fields are recognised and ignored (the version in
 * force is whatever is newest when the document is saved).
 */
const ENVELOPE_FIELDS = ['version', 'savedAt', 'savedBy', 'settings'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The settings document inside a request body: the body itself, or its `settings` when the body is the
 * envelope that `GET /settings` answers. Problems name every unexpected field of an envelope.
 */
export function unwrapSettings(
  body: unknown,
): { document: JsonObject; problems: [] } | { document?: undefined; problems: string[] } {
  if (!isObject(body))
    return { problems: ['the settings must be a JSON object such as { "senderName": "Acme People" }'] };
  if (!('settings' in body)) return { document: body, problems: [] };
  const problems = Object.keys(body)
    .filter((key) => !(ENVELOPE_FIELDS as readonly string[]).includes(key))
    .map(
      (key) =>
        `${key}: not a field of the settings envelope (version, savedAt, savedBy, settings); put settings fields inside "settings"`,
    );
  if (!isObject(body.settings)) problems.push('settings: must be a JSON object');
  return problems.length ? { problems } : { document: body.settings as JsonObject, problems: [] };
}

/**
 * A partial document merged onto `base` (JSON Merge Patch, RFC 7396): objects merge key by key at every
 * depth, everything else (text, numbers, and lists such as the scale or the competencies) replaces whole,
 * and `null` removes a field. Neither input is changed.
 */
export function mergeSettings(base: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const merged: JsonObject = isObject(base) ? structuredClone(base) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeSettings(merged[key], value) as Json;
  }
  return merged;
}

/** One difference between two settings documents; `from`/`to` are undefined where the field is absent. */
export interface SettingsChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Fields in the order of the schema (stored documents do not keep the order they were written in); unknown fields follow, alphabetically. */
const FIELD_ORDER: Record<string, string[]> = {
  '': Object.keys(settingsSchema.shape),
  scale: ['value', 'label', 'description'],
  competencies: ['id', 'label', 'description'],
  selfQuestions: ['id', 'label'],
  peerQuestions: ['id', 'label'],
  upwardQuestions: ['id', 'label'],
  timings: Object.keys(settingsSchema.shape.timings.shape),
  scoreWeights: ['goals', 'competencies'],
};

/**
 * Every field that differs between two documents, in the order of the fields, down to the leaves of
 * objects and lists (`scale.1.label`), so that HR sees what a save changes. Empty when they are equal.
 * Fields come in the order of the schema, whatever order the documents hold them in.
 */
export function diffSettings(before: unknown, after: unknown, path = ''): SettingsChange[] {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (isObject(before) && isObject(after)) {
    const order = FIELD_ORDER[path.replace(/(^|\.)\d+(?=\.|$)/g, '')] ?? [];
    const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(
      (a, b) => rank(a) - rank(b) || a.localeCompare(b),
    );
    return keys.flatMap((key) => diffSettings(before[key], after[key], at(key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, index) =>
      diffSettings(before[index], after[index], at(index)),
    ).flat();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, from: before, to: after }];
}

/** A change as one line, e.g. `senderName: "Example Org" -> "Acme People"`. */
function describeChange(change: SettingsChange): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  return `${change.path}: ${show(change.from)} -> ${show(change.to)}`;
}

export type SettingsUpdate =
  | { ok: true; document: SettingsInput; settings: Settings; changes: string[] }
  | { ok: false; problems: string[] };

/**
 * What a request makes of the settings in force (`current`, as HR wrote it): `replace` takes the body as
 * the whole document, `merge` merges it onto `current`. Either way the body may be the envelope of
 * `GET /settings`, the result is validated whole, and `changes` lists what differs from `current`
 * (empty: nothing to save).
 */
export function updateSettings(current: SettingsInput, body: unknown, mode: 'replace' | 'merge'): SettingsUpdate {
  const unwrapped = unwrapSettings(body);
  if (!unwrapped.document) return { ok: false, problems: unwrapped.problems };
  const document = withAddedDefaults(
    mode === 'merge' ? (mergeSettings(current, unwrapped.document) as JsonObject) : unwrapped.document,
  );
  const parsed = settingsSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: settingsProblems(parsed.error) };
  return {
    ok: true,
    document: document as SettingsInput,
    settings: parsed.data,
    changes: diffSettings(current, document).map(describeChange),
  };
}
