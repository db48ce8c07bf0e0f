import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { StateMachine, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { dailyFunctions } from './functions.ts';
import { PerfcycleFunction, type SharedResources } from './perfcycle-function.ts';
import { failedState, lambdaTask, observedStateMachine } from './workflow-parts.ts';

/** Hour (UTC) of the daily run; the local runtime's clock fires the goal watch at the same hour. */
export const GOAL_WATCH_HOUR_UTC = 6;

/**
 * The daily run: an EventBridge rule starts one short execution a day. The goal watch (issue 3) reads the
 * open goals due within the reminder lead or past due through the sparse index, sends what falls due and
 * records each step on its goal; the praise digest (issue 4) sends each team's recognition of the week
 * before, once a week. A rerun of the same day sends nothing twice.
 *
 *   RunGoalWatch -> SendPraiseDigests -> Done;  unrecoverable error -> Failed
 */
export class GoalWatchWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: { goalWatch: PerfcycleFunction; praiseDigest: PerfcycleFunction };

  constructor(scope: Construct, id: string, props: { shared: SharedResources }) {
    super(scope, id);
    const { shared } = props;
    const functionScope = new Construct(this, 'Functions');
    this.functions = {
      goalWatch: new PerfcycleFunction(functionScope, dailyFunctions.goalWatch.id, { spec: dailyFunctions.goalWatch, shared }),
      praiseDigest: new PerfcycleFunction(functionScope, dailyFunctions.praiseDigest.id, { spec: dailyFunctions.praiseDigest, shared }),
    };
    const failed = failedState(this);
    const run = lambdaTask(this, 'RunGoalWatch', this.functions.goalWatch, failed);
    run.next(lambdaTask(this, 'SendPraiseDigests', this.functions.praiseDigest, failed)).next(new Succeed(this, 'Done'));
    this.stateMachine = observedStateMachine(this, {
      name: `perfcycle-${shared.config.stage}-goal-watch`,
      machineId: 'goal-watch',
      stage: shared.config.stage,
      definition: run,
      comment: 'perfcycle daily run: goal watch, weekly praise digest',
      taskFunctions: Object.values(this.functions),
    });
    new Rule(this, 'Daily', {
      description: 'Starts the perfcycle daily run (goal watch, weekly praise digest) once a day',
      schedule: Schedule.cron({ minute: '0', hour: String(GOAL_WATCH_HOUR_UTC) }),
      targets: [new SfnStateMachine(this.stateMachine, { retryAttempts: 3, maxEventAge: Duration.hours(6) })],
    });
  }
}
