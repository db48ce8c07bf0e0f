import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { StateMachine, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { goalWatchFunction } from './functions.ts';
import { PerfcycleFunction, type SharedResources } from './perfcycle-function.ts';
import { failedState, lambdaTask, observedStateMachine } from './workflow-parts.ts';

/** Hour (UTC) of the daily run; the local runtime's clock fires the goal watch at the same hour. */
export const GOAL_WATCH_HOUR_UTC = 6;

/**
 * The daily goal watch (issue 3): an EventBridge rule starts one short execution a day. The task reads
 * the open goals due within the reminder lead or past due through the sparse index, sends what falls due
 * and records each step on its goal, so a rerun of the same day sends nothing twice.
 *
 *   RunGoalWatch -> Done;  unrecoverable error -> Failed
 */
export class GoalWatchWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly function: PerfcycleFunction;

  constructor(scope: Construct, id: string, props: { shared: SharedResources }) {
    super(scope, id);
    const { shared } = props;
    this.function = new PerfcycleFunction(new Construct(this, 'Functions'), goalWatchFunction.id, { spec: goalWatchFunction, shared });
    const run = lambdaTask(this, 'RunGoalWatch', this.function, failedState(this));
    run.next(new Succeed(this, 'Done'));
    this.stateMachine = observedStateMachine(this, {
      name: `perfcycle-${shared.config.stage}-goal-watch`,
      machineId: 'goal-watch',
      stage: shared.config.stage,
      definition: run,
      comment: 'perfcycle daily goal watch',
      taskFunctions: [this.function],
    });
    new Rule(this, 'Daily', {
      description: 'Starts the perfcycle goal watch once a day',
      schedule: Schedule.cron({ minute: '0', hour: String(GOAL_WATCH_HOUR_UTC) }),
      targets: [new SfnStateMachine(this.stateMachine, { retryAttempts: 3, maxEventAge: Duration.hours(6) })],
    });
  }
}
