import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { finalRatingOf, type RatingAdjustment } from './calibration.ts';
import { RuleViolation } from './cycle.ts';
import { columnKey, detectSeparator, employeeIdSchema } from './employee.ts';
import type { ScalePoint } from './review-form.ts';
import { nearestPoint, type FinalScore } from './score.ts';
import { hasControlCharacters } from './text.ts';

/**
 * HR's adjustments of final ratings in calibration (issue 11): one at a time, or a file of
 * `employeeId,rating,reason` lines. Every line is checked against the cycle as read once, and planned as a
 * change, unchanged (the same rating and reason are in force already) or refused with its reason; a file
 * with one refused line changes nothing.
 */
export const ADJUSTMENT_COLUMNS = ['employeeId', 'rating', 'reason'] as const;
export const MAX_REASON_LENGTH = 500;
/** More lines than any cycle has participants; a bigger file is a mistake. */
const MAX_ADJUSTMENT_LINES = 10_000;

/** Why the rating changes: for the manager and the audit, so never empty, bounded, one paragraph. */
export const adjustmentReasonSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined ? 'reason is required: say why the rating changes' : 'reason must be text',
  })
  .trim()
  .min(1, 'reason is required: say why the rating changes')
  .max(MAX_REASON_LENGTH, `reason is longer than ${MAX_REASON_LENGTH} characters`)
  .refine((text) => !hasControlCharacters(text), 'reason must not contain line breaks or control characters');

/** One requested adjustment: a line of a file (its number in the file), or a single request (no line). */
export interface AdjustmentLine {
  line?: number;
  employeeId: string;
  /** As given: a number from a request, text from a file. */
  rating: number | string;
  reason: string;
}

const fileRefused = (problems: string[]) =>
  new RuleViolation('calibration file refused: nothing was changed', problems);

/**
 * The lines of a calibration file: a header naming employeeId, rating and reason (any case and order, other
 * columns ignored; commas, semicolons or tabs), then one line per person. What makes the whole file
 * unreadable (no header, not CSV, no lines) is refused here; each line's own problems are the plan's.
 */
export function parseAdjustmentFile(text: string): AdjustmentLine[] {
  const csv = text.replace(/^\uFEFF/, '');
  const separator = detectSeparator(csv, ADJUSTMENT_COLUMNS);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types do not model `info: true`, which wraps every record as { record, info }.
    records = parse(csv, {
      delimiter: separator,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw fileRefused([`line ${(error as { lines?: number }).lines ?? 1}: not valid CSV: ${(error as Error).message}`]);
  }
  const [header, ...rows] = records;
  const keys = (header?.record ?? []).map(columnKey);
  const position = Object.fromEntries(
    ADJUSTMENT_COLUMNS.map((column) => [column, keys.indexOf(columnKey(column))]),
  ) as Record<(typeof ADJUSTMENT_COLUMNS)[number], number>;
  const missing = ADJUSTMENT_COLUMNS.filter((column) => position[column] < 0);
  if (missing.length) {
    throw fileRefused([
      `line 1: the header must name the columns ${ADJUSTMENT_COLUMNS.join(',')} (any case), separated by commas, semicolons or tabs; missing: ${missing.join(', ')}`,
    ]);
  }
  if (!rows.length) throw fileRefused(['line 1: no adjustments after the header']);
  if (rows.length > MAX_ADJUSTMENT_LINES) throw fileRefused([`line 1: more than ${MAX_ADJUSTMENT_LINES} adjustments`]);
  return rows.map(({ record, info }) => ({
    line: info.lines,
    employeeId: record[position.employeeId] ?? '',
    rating: record[position.rating] ?? '',
    reason: record[position.reason] ?? '',
  }));
}

/** A participant as calibration sees them. */
export interface CalibrationParticipant {
  employeeId: string;
  name: string;
  reviewStatus: 'PENDING' | 'SUBMITTED';
  review?: { score: FinalScore };
  adjustment?: RatingAdjustment;
}

/** Why a line is refused: its own content, a second line for one person, someone not in the cycle, or no review to adjust. */
type RefusalCode = 'invalid' | 'duplicate' | 'not-participant' | 'no-review';

interface Planned {
  line?: number;
  employeeId: string;
}
export type PlannedAdjustment<P extends CalibrationParticipant = CalibrationParticipant> =
  | (Planned & { outcome: 'change'; from: number; to: number; reason: string; participant: P })
  | (Planned & { outcome: 'unchanged'; rating: number; reason: string })
  | (Planned & { outcome: 'refused'; code: RefusalCode; problem: string });

function ratingOnScale(rating: number | string, scale: ScalePoint[]): number | undefined {
  const text = String(rating).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return scale.some((point) => point.value === value) ? value : undefined;
}

/**
 * What each line would do to the cycle whose participants (by employeeId) and scale are given. A line is
 * unchanged when the person's final rating is already the one asked for, with no adjustment or with the same
 * reason: replaying a request or a file changes nothing twice. Any other valid line is a change, a new reason
 * for the same rating included (the manager is told it).
 */
export function planAdjustments<P extends CalibrationParticipant>(
  lines: AdjustmentLine[],
  scale: ScalePoint[],
  participants: ReadonlyMap<string, P>,
): PlannedAdjustment<P>[] {
  const points = scale.map((point) => point.value).sort((a, b) => a - b);
  // By lower case, as the directory import does: ids that differ only in case are one person to HR.
  const firstLine = new Map<string, number | undefined>();
  return lines.map((request) => {
    const { line, employeeId } = request;
    const refuse = (code: RefusalCode, problem: string): PlannedAdjustment<P> => ({
      line,
      employeeId,
      outcome: 'refused',
      code,
      problem,
    });
    // A second line for a person is a mistake whatever else is wrong with the first.
    const seen = employeeId.toLowerCase();
    if (seen && firstLine.has(seen))
      return refuse('duplicate', `${employeeId} is adjusted twice in this file (first on line ${firstLine.get(seen)})`);
    if (seen) firstLine.set(seen, line);
    const problems: string[] = [];
    if (!employeeIdSchema.safeParse(employeeId).success)
      problems.push(employeeId ? 'employeeId: 1-64 letters, digits, dot, dash or underscore' : 'employeeId is missing');
    const rating = ratingOnScale(request.rating, scale);
    if (rating === undefined)
      problems.push(
        `rating ${JSON.stringify(String(request.rating))} is not a point of the cycle's scale (${points.join(', ')})`,
      );
    const participant = participants.get(employeeId);
    // A row of `cycle calibration --csv` left as exported (the final rating at its scale point, no reason) changes nothing.
    if (
      rating !== undefined &&
      !String(request.reason ?? '').trim() &&
      participant?.review &&
      rating === nearestPoint(scale, finalRatingOf(participant.review, participant.adjustment)).value
    ) {
      return { line, employeeId, outcome: 'unchanged', rating, reason: '' };
    }
    const reason = adjustmentReasonSchema.safeParse(request.reason);
    if (!reason.success) problems.push(...reason.error.issues.map((issue) => issue.message));
    if (problems.length) return refuse('invalid', problems.join('; '));
    if (!participant) return refuse('not-participant', `${employeeId} is not a participant of this cycle`);
    if (participant.reviewStatus !== 'SUBMITTED' || !participant.review)
      return refuse('no-review', `${employeeId} has no submitted manager review: there is no rating to adjust`);
    const from = finalRatingOf(participant.review, participant.adjustment);
    if (from === rating && (!participant.adjustment || participant.adjustment.reason === reason.data)) {
      return { line, employeeId, outcome: 'unchanged', rating: rating!, reason: reason.data! };
    }
    return { line, employeeId, outcome: 'change', from, to: rating!, reason: reason.data!, participant };
  });
}

export function countPlan(plan: PlannedAdjustment[]): Record<PlannedAdjustment['outcome'], number> {
  const counts = { change: 0, unchanged: 0, refused: 0 };
  for (const entry of plan) counts[entry.outcome]++;
  return counts;
}
