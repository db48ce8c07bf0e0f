import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  Errors,
  Fail,
  JitterType,
  LogLevel,
  StateMachine,
  StateMachineType,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { PerfcycleFunction } from './perfcycle-function.ts';

/** Errors of the Lambda service itself (not of the handler): always worth retrying. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Metadata naming a state machine for the local runtime, as `perfcycle:functionId` names a function. */
export const MACHINE_ID_METADATA = 'perfcycle:machineId';

export function failedState(scope: Construct): Fail {
  // Surface the task's own error and cause as the execution's.
  return new Fail(scope, 'Failed', { errorPath: '$.Error', causePath: '$.Cause' });
}

/** A Task invoking one of our functions: its payload in, its response out, retried where that is safe. */
export function lambdaTask(
  scope: Construct,
  stateName: string,
  lambdaFunction: PerfcycleFunction,
  failed: Fail,
): LambdaInvoke {
  const invoke = new LambdaInvoke(scope, stateName, {
    lambdaFunction,
    payloadResponseOnly: true,
    // Our own retriers below replace CDK's default one, so the definition says exactly what is retried.
    retryOnServiceExceptions: false,
    // Above the function's own timeout: the function times out first in AWS; locally this replaces the
    // runner's 60 s default, which would cut a long launch short.
    taskTimeout: Timeout.duration(lambdaFunction.timeout!.plus(Duration.seconds(60))),
  });
  invoke.addRetry({
    errors: LAMBDA_SERVICE_ERRORS,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.minutes(1),
    jitterStrategy: JitterType.FULL,
  });
  // Steps are idempotent, so a step that timed out can run again.
  invoke.addRetry({ errors: [Errors.TIMEOUT], interval: Duration.seconds(30), maxAttempts: 2, backoffRate: 2 });
  // Any other error of the step (a dependency throttled or unreachable past the SDK's own retries, a
  // crashed sandbox): three more tries, full jitter, over at most 3 + 6 + 12 = 21 s. Bounded, so a
  // deterministic bug still ends in Failed, where the cycle's status says so and the daily run or HR
  // resumes it. aws-local-stepfunctions sleeps these intervals too: a failing step costs up to 21 s locally.
  invoke.addRetry({
    errors: [Errors.TASKS_FAILED],
    interval: Duration.seconds(3),
    maxAttempts: 3,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  invoke.addCatch(failed, { errors: [Errors.ALL] });
  return invoke;
}

export interface ObservedStateMachineProps {
  /** Fixed name, so IAM can scope execution ARNs (`execution:<name>:*`) without wildcards on the account. */
  name: string;
  /** Stable id the local runtime finds the machine by. */
  machineId: string;
  stage: string;
  definition: IChainable;
  comment: string;
  taskFunctions: PerfcycleFunction[];
}

/** A Standard, JSONPath state machine with X-Ray and error logging, and the cdk-nag acknowledgements it needs. */
export function observedStateMachine(scope: Construct, props: ObservedStateMachineProps): StateMachine {
  const logGroup = new LogGroup(scope, 'Logs', {
    // The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small (AWS recommendation).
    logGroupName: `/aws/vendedlogs/states/${props.name}`,
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });

  const stateMachine = new StateMachine(scope, 'StateMachine', {
    stateMachineName: props.name,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromChainable(props.definition),
    comment: props.comment,
    tracingEnabled: true,
    // Payloads carry names and email addresses: keep them out of the logs.
    logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
  });
  (stateMachine.node.defaultChild as CfnResource).addMetadata(MACHINE_ID_METADATA, props.machineId);

  const stack = Stack.of(scope);
  Validations.of(stateMachine).acknowledge({
    id: 'AwsSolutions-SF1',
    reason:
      'ERROR level on purpose: Standard executions already keep their full history in Step Functions; logging ALL events of quarter-long executions to CloudWatch would duplicate it at a cost. Failures are logged.',
  });
  Validations.of(stateMachine.role.node.findChild('DefaultPolicy')).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CDK-generated for CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups, ...) and X-Ray (xray:PutTraceSegments, ...): these actions do not support resource-level permissions.',
    },
    ...props.taskFunctions.map((f) => ({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(f.node.defaultChild as never)}.Arn>:*]`,
      reason: 'CDK-generated: lambda:InvokeFunction on the versions/aliases (`:*`) of one task function only.',
    })),
  );
  return stateMachine;
}
