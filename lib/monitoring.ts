import { Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  type AlarmProps,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { scheduledFunctions } from './functions.ts';
import type { PerfcycleFunction } from './perfcycle-function.ts';

interface MonitoredMachine {
  /** Used in alarm names and on the dashboard. */
  label: string;
  stateMachine: StateMachine;
  /**
   * Executions that people stop on purpose. The review cycle's are: an extension, a reopened review and
   * a release replace the execution (stop, then start the next one), a cancellation stops it.
   */
  stoppedByDesign?: boolean;
}

export interface MonitoringProps {
  stage: string;
  opsEmail: string;
  machines: MonitoredMachine[];
  functions: PerfcycleFunction[];
  httpApi: HttpApi;
  /** How long mail may wait unsent in an outbox before someone is told. */
  unsentMailThreshold: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Published by the outbox flusher after each run (functions/services/outbox.ts), with Powertools' service dimension:
 * one point a period, as often as the flusher runs.
 */
function oldestUnsentMailAge(): Metric {
  return new Metric({
    namespace: 'perfcycle',
    metricName: 'OldestUnsentMailAge',
    dimensionsMap: { service: 'perfcycle' },
    statistic: 'Maximum',
    period: Duration.minutes(scheduledFunctions.flushOutboxes.everyMinutes),
  });
}

/**
 * Alarms on what needs a person (failed, timed-out and aborted executions, function errors, mail stuck in
 * an outbox), sent to one
 * SNS topic with an email subscription, and a small dashboard. Execution and function alarms fire on the
 * first occurrence: at perfcycle's volume, one failed execution is one cycle or one day's goal watch that did not run.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  private readonly action: SnsAction;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.prefix = `perfcycle-${props.stage}`;

    this.topic = new Topic(this, 'AlarmTopic', { displayName: `${this.prefix} alarms`, enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.opsEmail));
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and the messages carry only alarm names, states and metric values (no personal data): a customer-managed key would add cost and no protection.',
    });
    this.action = new SnsAction(this.topic);

    for (const machine of props.machines) {
      const sm = machine.stateMachine;
      this.alarm(
        `${machine.label}Failed`,
        sm.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
        `A ${machine.label} execution failed: see its history in Step Functions.`,
      );
      this.alarm(
        `${machine.label}TimedOut`,
        sm.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
        `A ${machine.label} execution timed out.`,
      );
      const aborted = machine.stoppedByDesign
        ? // Every stop that people cause on purpose but a cancellation starts the next execution at once, so
          // count the stops that no start follows within the hour: a cancellation, or a stop from outside perfcycle.
          new MathExpression({
            expression: 'FILL(aborted, 0) - FILL(started, 0)',
            usingMetrics: {
              aborted: sm.metricAborted({ statistic: 'Sum' }),
              started: sm.metricStarted({ statistic: 'Sum' }),
            },
            period: Duration.hours(1),
            label: 'stopped and not replaced',
          })
        : sm.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' });
      this.alarm(
        `${machine.label}Aborted`,
        aborted,
        machine.stoppedByDesign
          ? `A ${machine.label} execution was stopped and no new one started within the hour: a cycle HR cancelled, or a stop outside perfcycle (the daily run resumes an active cycle).`
          : `A ${machine.label} execution was stopped.`,
      );
    }

    for (const fn of props.functions) {
      this.alarm(
        `${fn.spec.id}Errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        `The ${fn.spec.id} function failed (an unhandled error or a timeout): see its logs.`,
      );
    }

    this.alarm(
      'MailUnsent',
      oldestUnsentMailAge(),
      `Mail has waited unsent in an outbox for more than ${props.unsentMailThreshold.toHumanString()}: look for SES throttling or refusals in the FlushOutboxes logs.`,
      {
        threshold: props.unsentMailThreshold.toSeconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Two flushes in a row: a backlog one flush is still sending is not stuck.
        evaluationPeriods: 2,
      },
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: this.prefix,
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        props.machines.map(
          (machine) =>
            new GraphWidget({
              title: `${machine.label} executions`,
              width: 12,
              left: [
                machine.stateMachine.metricStarted(),
                machine.stateMachine.metricSucceeded(),
                machine.stateMachine.metricFailed(),
                machine.stateMachine.metricAborted(),
              ],
            }),
        ),
        [
          new GraphWidget({
            title: 'Function errors',
            width: 12,
            left: props.functions.map((fn) => fn.metricErrors({ label: fn.spec.id })),
          }),
          new GraphWidget({
            title: 'HTTP API',
            width: 12,
            left: [props.httpApi.metricClientError(), props.httpApi.metricServerError()],
            right: [props.httpApi.metricLatency({ statistic: 'p95' })],
          }),
        ],
        [
          new GraphWidget({
            title: 'Mail',
            width: 24,
            left: ['EmailsSent', 'EmailsFailed', 'EmailsDeferred'].map(
              (metricName) =>
                new Metric({
                  namespace: 'perfcycle',
                  metricName,
                  dimensionsMap: { service: 'perfcycle' },
                  statistic: 'Sum',
                  period: FIVE_MINUTES,
                }),
            ),
            right: [oldestUnsentMailAge()],
          }),
        ],
      ],
    });
  }

  private alarm(
    name: string,
    metric: IMetric,
    description: string,
    options: Partial<Pick<AlarmProps, 'threshold' | 'comparisonOperator' | 'evaluationPeriods'>> = {},
  ): Alarm {
    const alarm = new Alarm(this, name, {
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened (a flusher that stops running has its Errors alarm).
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...options,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
