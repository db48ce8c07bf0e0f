import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionFacts } from '#domain/workflow-health.ts';
import { config } from './config.ts';
import { observed } from './sdk-observer.ts';

let client: SFNClient | undefined;

function sfn(): SFNClient {
  client ??= observed(new SFNClient({ endpoint: config().SFN_ENDPOINT }), 'states');
  return client;
}

function stateMachineArn(): string {
  const arn = config().STATE_MACHINE_ARN;
  if (!arn) throw new Error('STATE_MACHINE_ARN is not configured for this function');
  return arn;
}

/**
 * Starts an execution of the review-cycle machine for a cycle. Executions resume from the cycle's stored
 * state, so a new one can take over from a stopped one at any time; `generation` keeps names unique.
 */
export async function startCycleExecution(cycleId: string, generation: number): Promise<string> {
  const result = await sfn().send(
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn(),
      name: generation === 0 ? cycleId : `${cycleId}-${generation}`,
      input: JSON.stringify({ cycleId }),
    }),
  );
  return result.executionArn!;
}

export async function stopCycleExecution(executionArn: string, cause: string): Promise<void> {
  try {
    await sfn().send(new StopExecutionCommand({ executionArn, cause }));
  } catch (error) {
    // Already finished or gone: nothing left to stop.
    if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
  }
}

/** What Step Functions says of an execution; MISSING when it has none by that ARN (never started, or long expired). */
export async function describeCycleExecution(executionArn: string): Promise<ExecutionFacts> {
  try {
    const execution = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: execution.status!,
      stoppedAt: execution.stopDate?.getTime(),
      error: execution.error,
      cause: execution.cause,
    };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return { status: 'MISSING' };
    throw error;
  }
}
