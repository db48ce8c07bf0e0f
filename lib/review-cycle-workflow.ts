import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  JitterType,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { workflowFunctions } from './functions.ts';
import { PerfcycleFunction, type SharedResources } from './perfcycle-function.ts';

export interface ReviewCycleWorkflowProps {
  shared: SharedResources;
}

/** Errors of the Lambda service itself (not of the handler): always worth retrying. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * One Standard execution per review cycle. The machine is deliberately small and stable (executions
 * last a quarter and keep the definition they started with): the phase logic lives in the functions,
 * which read the cycle from the table at every step. State names are a contract with the local runtime.
 *
 *   Launch -> IsFinished -(CLOSED|CANCELLED)-> Finished
 *                        -(RELEASING)--------> ReleaseResults -> IsFinished
 *                        -(otherwise)--------> WaitForCheckpoint -> RunCheckpoint -> IsFinished
 *   any task, unrecoverable error -> Failed
 *
 * Task input/output: Launch gets the execution input `{ cycleId }`; every task returns
 * `{ cycleId, phase, nextCheckAt }` (nextCheckAt an ISO-8601 timestamp), which is the next task's input.
 */
export class ReviewCycleWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** Fixed name, so IAM can scope execution ARNs (`execution:<name>:*`) without wildcards on the account. */
  readonly stateMachineName: string;
  readonly functions: { launch: PerfcycleFunction; checkpoint: PerfcycleFunction; release: PerfcycleFunction };

  constructor(scope: Construct, id: string, props: ReviewCycleWorkflowProps) {
    super(scope, id);
    const { shared } = props;
    const stage = shared.config.stage;
    this.stateMachineName = `perfcycle-${stage}-review-cycle`;

    // Functions get their own scope: their ids (RunCheckpoint, ReleaseResults) equal state names.
    const functionScope = new Construct(this, 'Functions');
    const fn = (spec: (typeof workflowFunctions)[keyof typeof workflowFunctions]) =>
      new PerfcycleFunction(functionScope, spec.id, { spec, shared });
    this.functions = {
      launch: fn(workflowFunctions.launch),
      checkpoint: fn(workflowFunctions.checkpoint),
      release: fn(workflowFunctions.release),
    };

    const failed = new Fail(this, 'Failed', {
      // Surface the task's own error and cause as the execution's.
      errorPath: '$.Error',
      causePath: '$.Cause',
    });

    const task = (stateName: string, lambdaFunction: PerfcycleFunction) => {
      const invoke = new LambdaInvoke(this, stateName, {
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
      invoke.addCatch(failed, { errors: [Errors.ALL] });
      return invoke;
    };

    const launch = task('Launch', this.functions.launch);
    const runCheckpoint = task('RunCheckpoint', this.functions.checkpoint);
    const releaseResults = task('ReleaseResults', this.functions.release);
    const waitForCheckpoint = new Wait(this, 'WaitForCheckpoint', { time: WaitTime.timestampPath('$.nextCheckAt') });
    const finished = new Succeed(this, 'Finished');
    const isFinished = new Choice(this, 'IsFinished');

    launch.next(isFinished);
    isFinished
      .when(Condition.or(Condition.stringEquals('$.phase', 'CLOSED'), Condition.stringEquals('$.phase', 'CANCELLED')), finished)
      .when(Condition.stringEquals('$.phase', 'RELEASING'), releaseResults)
      .otherwise(waitForCheckpoint);
    waitForCheckpoint.next(runCheckpoint);
    runCheckpoint.next(isFinished);
    releaseResults.next(isFinished);

    const logGroup = new LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small (AWS recommendation).
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(launch),
      comment: 'perfcycle review cycle: launch, checkpoints until the deadlines pass, release, close',
      tracingEnabled: true,
      // Payloads carry names and email addresses: keep them out of the logs.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
    });

    const stack = Stack.of(this);
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'ERROR level on purpose: Standard executions already keep their full history in Step Functions; logging ALL events of quarter-long executions to CloudWatch would duplicate it at a cost. Failures are logged.',
    });
    Validations.of(this.stateMachine.role.node.findChild('DefaultPolicy')).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CDK-generated for CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups, ...) and X-Ray (xray:PutTraceSegments, ...): these actions do not support resource-level permissions.',
      },
      ...Object.values(this.functions).map((f) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(f.node.defaultChild as never)}.Arn>:*]`,
        reason: 'CDK-generated: lambda:InvokeFunction on the versions/aliases (`:*`) of one task function only.',
      })),
    );
  }
}
