import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalStepFunctions } from './stepfunctions.ts';

/**
 * The few Step Functions actions the handlers call, in the service's own JSON protocol, so handlers keep
 * the real @aws-sdk/client-sfn calls and only the endpoint differs locally.
 */
export async function handleStepFunctionsRequest(
  runners: LocalStepFunctions[],
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
) {
  const action = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
  const reply = (status: number, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(payload));
  };
  const fail = (type: string, message: string) => reply(400, { __type: type, message });
  // An execution ARN names its machine: `...:execution:<machine>:<name>`.
  const runnerOf = (executionArn: string) =>
    runners.find((candidate) =>
      String(executionArn).startsWith(`${candidate.stateMachineArn.replace(':stateMachine:', ':execution:')}:`),
    ) ?? runners[0];
  let input: Record<string, any>;
  try {
    input = JSON.parse(body || '{}');
  } catch {
    return fail('SerializationException', 'body is not JSON');
  }
  try {
    switch (action) {
      case 'StartExecution': {
        const runner = runners.find((candidate) => candidate.stateMachineArn === input.stateMachineArn);
        if (!runner) return fail('StateMachineDoesNotExist', `unknown state machine ${input.stateMachineArn}`);
        const execution = runner.start(input.name, JSON.parse(input.input ?? '{}'));
        return reply(200, { executionArn: execution.executionArn, startDate: execution.startDate.getTime() / 1000 });
      }
      case 'StopExecution': {
        const execution = runnerOf(input.executionArn).stop(input.executionArn, {
          error: input.error,
          cause: input.cause,
        });
        return reply(200, { stopDate: (execution.stopDate ?? new Date()).getTime() / 1000 });
      }
      case 'DescribeExecution': {
        const runner = runnerOf(input.executionArn);
        const execution = runner.describe(input.executionArn);
        if (!execution) return fail('ExecutionDoesNotExist', `no execution ${input.executionArn}`);
        return reply(200, {
          executionArn: execution.executionArn,
          stateMachineArn: runner.stateMachineArn,
          name: execution.name,
          status: execution.status === 'WAITING' ? 'RUNNING' : execution.status,
          startDate: execution.startDate.getTime() / 1000,
          ...(execution.stopDate ? { stopDate: execution.stopDate.getTime() / 1000 } : {}),
          ...(execution.error !== undefined ? { error: execution.error } : {}),
          ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
          input: JSON.stringify(execution.input),
          ...(execution.output !== undefined ? { output: JSON.stringify(execution.output) } : {}),
        });
      }
      default:
        return fail('UnknownOperationException', `the local runner does not implement ${action}`);
    }
  } catch (error) {
    return fail((error as Error).name, (error as Error).message);
  }
}
