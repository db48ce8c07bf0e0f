import { Choice, Condition, type StateMachine, Succeed, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { workflowFunctions } from './functions.ts';
import { PerfcycleFunction, type SharedResources } from './perfcycle-function.ts';
import { failedState, lambdaTask, observedStateMachine } from './workflow-parts.ts';

export interface ReviewCycleWorkflowProps {
  shared: SharedResources;
}

/**
 * One Standard execution per review cycle. The machine is deliberately small and stable (executions
 * last a quarter and keep the definition they started with): the phase logic lives in the functions,
 * which read the cycle from the table at every step. State names are a contract with the local runtime.
 *
 *   Launch -> IsFinished -(CLOSED, reminder due)-> WaitForAcknowledgements -> RemindAcknowledgements -> IsFinished
 *                        -(CLOSED|CANCELLED)-> Finished
 *                        -(CALIBRATION, nothing left to check)-> AwaitingRelease
 *                        -(RELEASING)--------> ReleaseResults -> IsFinished
 *                        -(otherwise)--------> WaitForCheckpoint -> RunCheckpoint -> IsFinished
 *
 * A calibrated cycle's execution ends in AwaitingRelease: HR's release (or a reopened review) starts the
 * next one from the stored state, as an extension does, so no execution waits on a person for months.
 *   any task, unrecoverable error -> Failed
 *
 * Task input/output: Launch gets the execution input `{ cycleId }`; every task returns
 * `{ cycleId, phase, nextCheckAt | awaitingRelease }` (nextCheckAt an ISO-8601 timestamp), which is the next task's input.
 */
export class ReviewCycleWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** Fixed name, so IAM can scope execution ARNs (`execution:<name>:*`) without wildcards on the account. */
  readonly stateMachineName: string;
  readonly functions: {
    launch: PerfcycleFunction;
    checkpoint: PerfcycleFunction;
    release: PerfcycleFunction;
    remindAcknowledgements: PerfcycleFunction;
  };

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
      remindAcknowledgements: fn(workflowFunctions.remindAcknowledgements),
    };

    const failed = failedState(this);
    const task = (stateName: string, lambdaFunction: PerfcycleFunction) =>
      lambdaTask(this, stateName, lambdaFunction, failed);

    const launch = task('Launch', this.functions.launch);
    const runCheckpoint = task('RunCheckpoint', this.functions.checkpoint);
    const releaseResults = task('ReleaseResults', this.functions.release);
    const remindAcknowledgements = task('RemindAcknowledgements', this.functions.remindAcknowledgements);
    const waitForAcknowledgements = new Wait(this, 'WaitForAcknowledgements', {
      time: WaitTime.timestampPath('$.acknowledgementReminderAt'),
    });
    const waitForCheckpoint = new Wait(this, 'WaitForCheckpoint', { time: WaitTime.timestampPath('$.nextCheckAt') });
    const finished = new Succeed(this, 'Finished');
    const awaitingRelease = new Succeed(this, 'AwaitingRelease', {
      comment: 'a calibrated cycle waits for HR to release its results',
    });
    const isFinished = new Choice(this, 'IsFinished');

    launch.next(isFinished);
    isFinished
      .when(
        Condition.and(Condition.stringEquals('$.phase', 'CLOSED'), Condition.isPresent('$.acknowledgementReminderAt')),
        waitForAcknowledgements,
      )
      .when(
        Condition.or(Condition.stringEquals('$.phase', 'CLOSED'), Condition.stringEquals('$.phase', 'CANCELLED')),
        finished,
      )
      .when(Condition.isPresent('$.awaitingRelease'), awaitingRelease)
      .when(Condition.stringEquals('$.phase', 'RELEASING'), releaseResults)
      .otherwise(waitForCheckpoint);
    waitForCheckpoint.next(runCheckpoint);
    runCheckpoint.next(isFinished);
    releaseResults.next(isFinished);
    waitForAcknowledgements.next(remindAcknowledgements);
    remindAcknowledgements.next(isFinished);

    this.stateMachine = observedStateMachine(this, {
      name: this.stateMachineName,
      machineId: 'review-cycle',
      stage,
      definition: launch,
      comment:
        'perfcycle review cycle: launch, checkpoints until the deadlines pass, release, close, remind unacknowledged results once',
      taskFunctions: Object.values(this.functions),
    });
  }
}
