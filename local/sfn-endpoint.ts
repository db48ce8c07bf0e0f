import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalStepFunctions } from './stepfunctions.ts';

/**
 * The few Step Functions actions the handlers call, in the service's own JSON protocol, so handlers keep
 * the real @aws-sdk/client-sfn calls and only the endpoint differs locally.
 */
export async function handleStepFunctionsRequest(runner: LocalStepFunctions, request: IncomingMessage, response: ServerResponse, body: string) {
  const action = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
  const reply = (status: number, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(payload));
  };
  const fail = (type: string, message: string) => reply(400, { __type: type, message });
  let input: Record<string, any>;
  try {
    input = JSON.parse(body || '{}');
  } catch {
    return fail('SerializationException', 'body is not JSON');
  }
  try {
    switch (action) {
      case 'StartExecution': {
        if (input.stateMachineArn !== runner.stateMachineArn) return fail('StateMachineDoesNotExist', `unknown state machine ${input.stateMachineArn}`);
        const execution = runner.start(input.name, JSON.parse(input.input ?? '{}'));
        return reply(200, { executionArn: execution.executionArn, startDate: execution.startDate.getTime() / 1000 });
      }
      case 'StopExecution': {
        const execution = runner.stop(input.executionArn);
        return reply(200, { stopDate: (execution.stopDate ?? new Date()).getTime() / 1000 });
      }
      case 'DescribeExecution': {
        const execution = runner.describe(input.executionArn);
        if (!execution) return fail('ExecutionDoesNotExist', `no execution ${input.executionArn}`);
        return reply(200, {
          executionArn: execution.executionArn,
          stateMachineArn: runner.stateMachineArn,
          name: execution.name,
          status: execution.status === 'WAITING' ? 'RUNNING' : execution.status,
          startDate: execution.startDate.getTime() / 1000,
          ...(execution.stopDate ? { stopDate: execution.stopDate.getTime() / 1000 } : {}),
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
