import { randomUUID } from 'node:crypto';
import {
  countPlan,
  parseAdjustmentFile,
  planAdjustments,
  type AdjustmentLine,
  type PlannedAdjustment,
} from '#domain/adjustments.ts';
import { finalResultOf } from '#domain/calibration.ts';
import { allows, phasesAllowing, RuleViolation } from '#domain/cycle.ts';
import * as messages from '#mail/messages.ts';
import { newMail, queueClaim, sendQueuedNow } from '#mail/outbox.ts';
import { nowIso } from '#shared/clock.ts';
import {
  ADJUSTMENTS_PER_TRANSACTION,
  claimAdjustmentBatch,
  releaseAdjustmentBatch,
  writeAdjustments,
  type AdjustmentWrite,
} from '#store/adjustments.ts';
import { listAssessments, type AssessmentRecord } from '#store/assessments.ts';
import type { Actor } from '#store/audit.ts';
import type { Claim } from '#store/mail.ts';
import { getCycle, type CycleRecord } from '#store/cycles.ts';
import { Conflict, NotFound } from './errors.ts';

/** How long a calibration file may hold its cycle: far longer than the function may run. */
const BATCH_LEASE_MS = 5 * 60_000;

type Plan = PlannedAdjustment<AssessmentRecord>[];

/** The cycle, if it allows adjusting now, and its participants as one strongly consistent read. */
async function calibrationOf(
  cycleId: string,
): Promise<{ cycle: CycleRecord; participants: Map<string, AssessmentRecord> }> {
  const cycle = await getCycle(cycleId);
  if (!cycle) throw new NotFound(`cycle ${cycleId}`);
  if (!allows(cycle.phase, 'adjust-rating')) {
    throw new Conflict(
      `cycle ${cycleId} is ${cycle.phase}: ratings can be adjusted only in ${phasesAllowing('adjust-rating').join(' or ')}`,
      [
        ['RELEASING', 'CLOSED'].includes(cycle.phase)
          ? 'its results are released: the final ratings stand'
          : cycle.phase === 'CANCELLED'
            ? 'the cycle was cancelled'
            : 'calibration starts at the manager deadline of a calibrated cycle',
      ],
    );
  }
  const participants = new Map(
    (await listAssessments(cycleId)).map((assessment) => [assessment.employeeId, assessment]),
  );
  return { cycle, participants };
}

/**
 * HR sets one person's final rating, with a reason. Refused with the reason, changing nothing, for someone who
 * is not a participant (404), has no submitted review (409), or a rating off the cycle's scale (400). The same
 * rating and reason again is 'unchanged': nothing is written or sent twice.
 */
export async function adjustRating(cycleId: string, request: Omit<AdjustmentLine, 'line'>, actor: Actor) {
  const { cycle, participants } = await calibrationOf(cycleId);
  const [planned] = planAdjustments([request], cycle.scale, participants);
  if (planned.outcome === 'refused') {
    if (planned.code === 'not-participant') throw new NotFound(`participant ${request.employeeId} in cycle ${cycleId}`);
    if (planned.code === 'no-review')
      throw new Conflict(`cannot adjust the rating of ${request.employeeId}`, [planned.problem]);
    throw new RuleViolation('invalid adjustment', [planned.problem]);
  }
  const participant = participants.get(planned.employeeId)!;
  const person = {
    cycleId,
    employeeId: participant.employeeId,
    name: participant.name,
    managerRating: participant.review!.score.value,
  };
  if (planned.outcome === 'unchanged') {
    return {
      ...person,
      outcome: 'unchanged',
      before: planned.rating,
      after: planned.rating,
      reason: participant.adjustment?.reason ?? null,
      adjustedAt: participant.adjustment?.at ?? null,
    };
  }
  const [write] = await apply(cycle, [planned], actor);
  return {
    ...person,
    outcome: 'changed',
    before: planned.from,
    after: planned.to,
    reason: planned.reason,
    adjustedAt: write!.adjustment.at,
  };
}

/**
 * HR's calibration file: every line checked against the cycle as read once. A dry run answers the plan;
 * otherwise a file with any refused line is refused whole (400, by line) and changes nothing, and a valid one
 * is applied whole (see apply).
 */
export async function adjustRatingsFromFile(cycleId: string, csv: string, actor: Actor, dryRun: boolean) {
  const { cycle, participants } = await calibrationOf(cycleId);
  const plan = planAdjustments(parseAdjustmentFile(csv), cycle.scale, participants);
  const counts = countPlan(plan);
  if (!dryRun && counts.refused) {
    throw new RuleViolation(
      `calibration file refused: ${counts.refused} of ${plan.length} lines cannot be applied; nothing was changed`,
      plan.flatMap((entry) =>
        entry.outcome === 'refused'
          ? [`line ${entry.line} (${entry.employeeId || 'no employeeId'}): ${entry.problem}`]
          : [],
      ),
    );
  }
  if (!dryRun)
    await apply(
      cycle,
      plan.filter((entry) => entry.outcome === 'change'),
      actor,
    );
  return {
    cycleId,
    dryRun,
    applied: !dryRun,
    counts,
    lines: plan.map((entry) => {
      const { line, employeeId, outcome } = entry;
      if (entry.outcome === 'change')
        return { line, employeeId, outcome, before: entry.from, after: entry.to, reason: entry.reason };
      if (entry.outcome === 'unchanged')
        return { line, employeeId, outcome, rating: entry.rating, reason: entry.reason };
      return { line, employeeId, outcome, problem: entry.problem };
    }),
  };
}

/**
 * Stores the changes, each with its audit event and the manager's email (its id derived from the person and
 * the adjustment's time, so the email is queued once), then sends the emails. Up to ADJUSTMENTS_PER_TRANSACTION
 * changes are one transaction: all or none. A bigger file holds the cycle first (claimAdjustmentBatch), so
 * no other adjustment or file lands between its transactions and the plan checked against one read stays
 * true; every transaction still checks each person's state as planned and the phase. Should one be refused
 * all the same (a review reopened meanwhile), the earlier ones stand and HR is told which lines were applied:
 * the same file again applies the rest, the applied lines being unchanged by then.
 */
async function apply(
  cycle: CycleRecord,
  changes: Extract<Plan[number], { outcome: 'change' }>[],
  actor: Actor,
): Promise<AdjustmentWrite[]> {
  const at = nowIso();
  const ctx = { cycleName: cycle.name, timeZone: cycle.timeZone };
  const writes = changes.map(({ employeeId, from, to, reason, line, participant }): AdjustmentWrite => {
    const review = participant.review!;
    const adjustment = { rating: to, reason, by: actor, at, from };
    const content = messages.ratingAdjusted(ctx, { name: participant.managerName }, participant, cycle.scale, {
      from: finalResultOf(review, cycle.scale, participant.adjustment),
      to: finalResultOf(review, cycle.scale, adjustment),
      reason,
    });
    return {
      employeeId,
      assessment: participant,
      adjustment,
      ...(participant.adjustment ? { replaces: participant.adjustment.at } : {}),
      managerRating: review.score.value,
      ...(line !== undefined ? { line } : {}),
      mail: newMail(
        cycle.cycleId,
        `rating-adjusted#${employeeId}#${at}`,
        'rating-adjusted',
        participant.managerEmail,
        [employeeId],
        content,
      ),
    };
  });
  const chunks: AdjustmentWrite[][] = [];
  for (let i = 0; i < writes.length; i += ADJUSTMENTS_PER_TRANSACTION)
    chunks.push(writes.slice(i, i + ADJUSTMENTS_PER_TRANSACTION));
  // Each email is stored claimed by this call, in its adjustment's transaction: sending it takes no claim write.
  const claim = queueClaim(writes.length);
  const applied: AdjustmentWrite[] = [];
  try {
    await applyChunks(cycle, chunks, claim, applied);
  } finally {
    // What was applied is told, even when a later transaction of the file was refused.
    await sendQueuedNow(
      cycle.cycleId,
      applied.map((write) => write.mail),
      claim,
    );
  }
  return writes;
}

/** Writes the chunks in turn (one alone, several under the cycle's hold), adding each applied one to `applied`. */
async function applyChunks(
  cycle: CycleRecord,
  chunks: AdjustmentWrite[][],
  claim: Claim,
  applied: AdjustmentWrite[],
): Promise<void> {
  const changed = `the ratings of cycle ${cycle.cycleId} changed while this was checked, or a calibration file is being applied to it`;
  if (chunks.length === 1) {
    if ((await writeAdjustments(cycle, chunks[0]!, { now: Date.now() }, claim)) === 'refused')
      throw new Conflict(`${changed}: nothing was changed`, ['run it again in a moment']);
    applied.push(...chunks[0]!);
  } else if (chunks.length > 1) {
    const batch = randomUUID();
    if (!(await claimAdjustmentBatch(cycle.cycleId, batch, Date.now(), Date.now() + BATCH_LEASE_MS))) {
      throw new Conflict(
        `another calibration file is being applied to cycle ${cycle.cycleId}, or the cycle left calibration: nothing was changed`,
        ['run it again in a moment'],
      );
    }
    try {
      for (const chunk of chunks) {
        if ((await writeAdjustments(cycle, chunk, { batch, now: Date.now() }, claim)) === 'refused') {
          const total = chunks.flat().length;
          throw new Conflict(`${changed}: ${applied.length} of ${total} changes were applied, the rest not`, [
            `applied: lines ${applied.map((write) => write.line).join(', ')}`,
            'check the cycle and apply the same file again: its applied lines are unchanged by now',
          ]);
        }
        applied.push(...chunk);
      }
    } finally {
      await releaseAdjustmentBatch(cycle.cycleId, batch);
    }
  }
}
