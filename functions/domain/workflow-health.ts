import type { Phase } from './cycle.ts';

/**
 * Whether a cycle's workflow is doing its job. A cycle needs a running execution until it is finished; one
 * that failed, was stopped behind our back or is gone leaves the cycle stalled (no reminder, escalation or
 * release), which its status, HR's resume and the daily run all judge by this one rule, from what Step
 * Functions itself reports: the same state an alarm on failed executions counts.
 */

/** What DescribeExecution says of the cycle's recorded execution; MISSING when there is none by that ARN. */
export interface ExecutionFacts {
  status: 'RUNNING' | 'PENDING_REDRIVE' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'MISSING';
  stoppedAt?: number;
  error?: string;
  cause?: string;
}

export interface WorkflowFacts {
  cycleId: string;
  phase: Phase;
  createdAt: string;
  acknowledgementsRemindedAt?: string;
  executionArn?: string;
}

/**
 * How long an execution may be stopped, or a new cycle have none recorded, before the cycle counts as
 * stalled. An extension or a resume stops the old execution, then starts and records the new one, and a
 * launch records its first, each within its function's timeout (30 s): a daily run or HR looking in that
 * window must not start another.
 */
export const SETTLING_MS = 5 * 60_000;

export type WorkflowHealth =
  /** Cancelled, or closed with the acknowledgement reminder sent: no execution is needed any more. */
  | { state: 'finished' }
  /** A calibrated cycle whose execution did all it had to: it waits for HR's release, which starts the next. */
  | { state: 'awaiting-release' }
  | { state: 'running' }
  /** Stopped or launched moments ago: a replacement or a launch is under way. */
  | { state: 'settling'; since: number }
  /** Needs a new execution; `problem` says what happened to the last one. */
  | { state: 'stalled'; problem: string };

/** A cycle keeps its workflow (and its place in the active-cycles index) until cancelled, or closed with the acknowledgement reminder sent. */
export function needsWorkflow(cycle: Pick<WorkflowFacts, 'phase' | 'acknowledgementsRemindedAt'>): boolean {
  return cycle.phase !== 'CANCELLED' && !(cycle.phase === 'CLOSED' && cycle.acknowledgementsRemindedAt);
}

/** `execution` is what Step Functions says of `cycle.executionArn` (undefined when the cycle has none recorded). */
export function workflowHealth(
  cycle: WorkflowFacts,
  execution: ExecutionFacts | undefined,
  now: number,
): WorkflowHealth {
  if (!needsWorkflow(cycle)) return { state: 'finished' };
  if (!execution) {
    const since = Date.parse(cycle.createdAt);
    return now - since < SETTLING_MS
      ? { state: 'settling', since }
      : { state: 'stalled', problem: 'no workflow execution was started' };
  }
  const at = new Date(execution.stoppedAt ?? now).toISOString();
  const cause = causeText(execution.cause);
  switch (execution.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return { state: 'running' };
    case 'ABORTED':
      if (now - (execution.stoppedAt ?? now) < SETTLING_MS)
        return { state: 'settling', since: execution.stoppedAt ?? now };
      return { state: 'stalled', problem: `workflow execution was stopped at ${at}${cause ? `: ${cause}` : ''}` };
    case 'FAILED':
      return {
        state: 'stalled',
        problem: `workflow execution failed at ${at}: ${execution.error ?? 'unknown error'}${cause ? ` (${cause})` : ''}`,
      };
    case 'TIMED_OUT':
      return { state: 'stalled', problem: `workflow execution timed out at ${at}` };
    case 'SUCCEEDED':
      if (cycle.phase === 'CALIBRATION') return { state: 'awaiting-release' };
      return { state: 'stalled', problem: `workflow execution ended at ${at} before the cycle was finished` };
    case 'MISSING':
      return { state: 'stalled', problem: 'its workflow execution no longer exists' };
  }
}

/** What HR reads in the cycle's status: the problem and the command that fixes it. */
export function attentionText(cycleId: string, problem: string): string {
  return `${problem}; run \`perfcycle cycle resume ${cycleId}\``;
}

const MAX_CAUSE = 300;

/** A Lambda error's cause is its JSON (`errorType`, `errorMessage`, `trace`): keep the message, on one line, bounded. */
function causeText(cause: string | undefined): string {
  if (!cause) return '';
  let text = cause;
  try {
    const parsed = JSON.parse(cause);
    if (typeof parsed?.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // Not JSON: a plain cause, as StopExecution or the local runner give it.
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE - 1)}\u2026` : text;
}
