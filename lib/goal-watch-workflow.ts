import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { type StateMachine, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { dailyFunctions, type FunctionSpec } from './functions.ts';
import { PerfcycleFunction, type SharedResources } from './perfcycle-function.ts';
import { failedState, lambdaTask, observedStateMachine } from './workflow-parts.ts';

/** Hour (UTC) of the daily run; the local runtime's clock fires the goal watch at the same hour. */
export const GOAL_WATCH_HOUR_UTC = 6;

export interface GoalWatchWorkflowProps {
  shared: SharedResources;
  /** The review-cycle machine, whose stalled executions the daily run replaces. */
  reviewCycle: { stateMachine: StateMachine; stateMachineName: string };
}

/**
 * The daily run: an EventBridge rule starts one short execution a day. The goal watch (issue 3) reads the
 * open goals due within the reminder lead or past due through the sparse index, sends what falls due and
 * records each step on its goal; the praise digest (issue 4) sends each team's recognition of the week
 * before, once a week; the sweep gives each active cycle whose workflow failed or stopped a new execution.
 * A rerun of the same day sends nothing twice. The sweep comes last, so neither of the others waits on it.
 *
 *   RunGoalWatch -> SendPraiseDigests -> ResumeStalledCycles -> Done;  unrecoverable error -> Failed
 */
export class GoalWatchWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: {
    goalWatch: PerfcycleFunction;
    praiseDigest: PerfcycleFunction;
    resumeStalledCycles: PerfcycleFunction;
  };

  constructor(scope: Construct, id: string, props: GoalWatchWorkflowProps) {
    super(scope, id);
    const { shared, reviewCycle } = props;
    const functionScope = new Construct(this, 'Functions');
    const fn = (spec: FunctionSpec) => new PerfcycleFunction(functionScope, spec.id, { spec, shared, reviewCycle });
    this.functions = {
      goalWatch: fn(dailyFunctions.goalWatch),
      praiseDigest: fn(dailyFunctions.praiseDigest),
      resumeStalledCycles: fn(dailyFunctions.resumeStalledCycles),
    };
    const failed = failedState(this);
    const run = lambdaTask(this, 'RunGoalWatch', this.functions.goalWatch, failed);
    run
      .next(lambdaTask(this, 'SendPraiseDigests', this.functions.praiseDigest, failed))
      .next(lambdaTask(this, 'ResumeStalledCycles', this.functions.resumeStalledCycles, failed))
      .next(new Succeed(this, 'Done'));
    this.stateMachine = observedStateMachine(this, {
      name: `perfcycle-${shared.config.stage}-goal-watch`,
      machineId: 'goal-watch',
      stage: shared.config.stage,
      definition: run,
      comment: 'perfcycle daily run: goal watch, weekly praise digest, resume stalled cycles',
      taskFunctions: Object.values(this.functions),
    });
    new Rule(this, 'Daily', {
      description: 'Starts the perfcycle daily run (goal watch, weekly praise digest, stalled cycles) once a day',
      schedule: Schedule.cron({ minute: '0', hour: String(GOAL_WATCH_HOUR_UTC) }),
      targets: [new SfnStateMachine(this.stateMachine, { retryAttempts: 3, maxEventAge: Duration.hours(6) })],
    });
  }
}
