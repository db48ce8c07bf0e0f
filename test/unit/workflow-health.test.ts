import { describe, expect, it } from 'vitest';
import {
  attentionText,
  SETTLING_MS,
  workflowHealth,
  type ExecutionFacts,
  type WorkflowFacts,
} from '#domain/workflow-health.ts';

const MINUTE = 60_000;
const NOW = Date.parse('2026-12-05T10:00:00Z');
const cycle = (facts: Partial<WorkflowFacts> = {}): WorkflowFacts => ({
  cycleId: 'cyc_0000000000000001',
  phase: 'SELF_REVIEW',
  createdAt: '2026-12-01T09:00:00.000Z',
  executionArn: 'arn:aws:states:eu-west-1:1:execution:perfcycle-dev-review-cycle:cyc_0000000000000001',
  ...facts,
});
const health = (execution: ExecutionFacts | undefined, facts: Partial<WorkflowFacts> = {}) =>
  workflowHealth(cycle(facts), execution, NOW);

describe('workflow health', () => {
  it('is running while the execution runs, or waits to be redriven', () => {
    expect(health({ status: 'RUNNING' })).toEqual({ state: 'running' });
    expect(health({ status: 'PENDING_REDRIVE' })).toEqual({ state: 'running' });
  });

  it('is finished once the cycle needs no workflow, whatever its last execution did', () => {
    const failed: ExecutionFacts = { status: 'FAILED', stoppedAt: NOW - MINUTE, error: 'Error' };
    expect(health(failed, { phase: 'CANCELLED' })).toEqual({ state: 'finished' });
    expect(health(failed, { phase: 'CLOSED', acknowledgementsRemindedAt: '2026-12-04T00:00:00.000Z' })).toEqual({
      state: 'finished',
    });
  });

  it('awaits HR’s release when a calibrating cycle’s execution ended, but is stalled when it failed', () => {
    expect(health({ status: 'SUCCEEDED', stoppedAt: NOW - MINUTE }, { phase: 'CALIBRATION' })).toEqual({
      state: 'awaiting-release',
    });
    expect(health({ status: 'SUCCEEDED', stoppedAt: NOW - MINUTE }, { phase: 'MANAGER_REVIEW' })).toMatchObject({
      state: 'stalled',
    });
    expect(
      health({ status: 'FAILED', stoppedAt: NOW - 10 * MINUTE, error: 'Error' }, { phase: 'CALIBRATION' }),
    ).toMatchObject({ state: 'stalled' });
  });

  it('is stalled while a closed cycle still owes the acknowledgement reminder', () => {
    expect(
      health({ status: 'FAILED', stoppedAt: NOW - MINUTE, error: 'Error', cause: 'boom' }, { phase: 'CLOSED' }),
    ).toMatchObject({ state: 'stalled' });
  });

  it('says when and why an execution failed, with the message out of a Lambda error\u2019s JSON cause', () => {
    const cause = JSON.stringify({
      errorType: 'NotFound',
      errorMessage: 'cycle cyc_0000000000000001 not found',
      trace: ['NotFound: ...', '    at runCheckpoint (file:///var/task/index.mjs:1:2)'],
    });
    expect(health({ status: 'FAILED', stoppedAt: NOW - MINUTE, error: 'NotFound', cause })).toEqual({
      state: 'stalled',
      problem: 'workflow execution failed at 2026-12-05T09:59:00.000Z: NotFound (cycle cyc_0000000000000001 not found)',
    });
    expect(health({ status: 'FAILED', stoppedAt: NOW, error: 'States.Timeout' })).toEqual({
      state: 'stalled',
      problem: 'workflow execution failed at 2026-12-05T10:00:00.000Z: States.Timeout',
    });
  });

  it('keeps a long cause on one line and bounded', () => {
    const result = health({
      status: 'FAILED',
      stoppedAt: NOW,
      error: 'Error',
      cause: `line one\n\tline two ${'x'.repeat(1000)}`,
    });
    expect(result.state === 'stalled' && result.problem).toMatch(
      /^workflow execution failed at .*: Error \(line one line two x+\u2026\)$/,
    );
    expect(result.state === 'stalled' && result.problem.length).toBeLessThan(400);
  });

  it('gives a stopped execution a few minutes, the time a replacement takes, before calling it stalled', () => {
    const stopped = (ago: number): ExecutionFacts => ({
      status: 'ABORTED',
      stoppedAt: NOW - ago,
      cause: 'deadline extended',
    });
    expect(health(stopped(MINUTE))).toEqual({ state: 'settling', since: NOW - MINUTE });
    expect(health(stopped(SETTLING_MS - 1))).toMatchObject({ state: 'settling' });
    expect(health(stopped(SETTLING_MS))).toEqual({
      state: 'stalled',
      problem: 'workflow execution was stopped at 2026-12-05T09:55:00.000Z: deadline extended',
    });
    expect(health({ status: 'ABORTED', stoppedAt: NOW - SETTLING_MS })).toEqual({
      state: 'stalled',
      problem: 'workflow execution was stopped at 2026-12-05T09:55:00.000Z',
    });
  });

  it('gives a new cycle a few minutes to record its first execution', () => {
    expect(health(undefined, { executionArn: undefined, createdAt: new Date(NOW - MINUTE).toISOString() })).toEqual({
      state: 'settling',
      since: NOW - MINUTE,
    });
    expect(health(undefined, { executionArn: undefined })).toEqual({
      state: 'stalled',
      problem: 'no workflow execution was started',
    });
  });

  it('calls an execution that timed out, ended early or is gone stalled', () => {
    expect(health({ status: 'TIMED_OUT', stoppedAt: NOW })).toEqual({
      state: 'stalled',
      problem: 'workflow execution timed out at 2026-12-05T10:00:00.000Z',
    });
    expect(health({ status: 'SUCCEEDED', stoppedAt: NOW })).toEqual({
      state: 'stalled',
      problem: 'workflow execution ended at 2026-12-05T10:00:00.000Z before the cycle was finished',
    });
    expect(health({ status: 'MISSING' })).toEqual({
      state: 'stalled',
      problem: 'its workflow execution no longer exists',
    });
  });

  it('tells HR the command that fixes it', () => {
    expect(attentionText('cyc_0000000000000001', 'its workflow execution no longer exists')).toBe(
      'its workflow execution no longer exists; run `perfcycle cycle resume cyc_0000000000000001`',
    );
  });
});
