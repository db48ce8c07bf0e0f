import { nextCheckpoint, releaseAt, type Phase } from '#domain/cycle.ts';
import { scheduleOf, type CycleRecord } from '#store/cycles.ts';

/** What each workflow task hands back to the state machine: where the cycle is and when to look again. */
export interface StepOutput {
  cycleId: string;
  phase: Phase;
  /** Absent in calibration once nothing is left to check: the execution ends, and HR's release starts the next. */
  nextCheckAt?: string;
  /**
   * Set exactly then. The machine tests this rather than `nextCheckAt` being absent: aws-local-stepfunctions
   * 3.0.0 never matches `IsPresent: false`, and the local runtime must run the machine that deploys.
   */
  awaitingRelease?: true;
  /** Only on a closed cycle whose acknowledgement reminder is still to come: when to send it. */
  acknowledgementReminderAt?: string;
}

export function stepOutput(cycle: CycleRecord, phase: Phase, now: number, workLeft = false): StepOutput {
  const schedule = scheduleOf(cycle);
  const next = workLeft
    ? now
    : (nextCheckpoint(schedule, now) ?? (phase === 'CALIBRATION' ? undefined : Math.max(now, releaseAt(schedule))));
  const output: StepOutput = {
    cycleId: cycle.cycleId,
    phase,
    ...(next !== undefined ? { nextCheckAt: new Date(next).toISOString() } : { awaitingRelease: true }),
  };
  if (phase === 'CLOSED' && !cycle.acknowledgementsRemindedAt) {
    const closedAt = cycle.closedAt ? Date.parse(cycle.closedAt) : now;
    output.acknowledgementReminderAt = new Date(
      workLeft ? now : Math.max(now, closedAt + cycle.acknowledgementReminderMs),
    ).toISOString();
  }
  return output;
}
