import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { scheduledFunctions } from './functions.ts';
import { PerfcycleFunction, type SharedResources } from './perfcycle-function.ts';

/**
 * Queued mail is always delivered eventually, without a restart: an EventBridge rule invokes the flusher
 * every few minutes, and it sends whatever any scope has queued and due. Overlapping runs are safe: each
 * email is claimed before it is sent.
 */
export class OutboxFlusher extends Construct {
  readonly function: PerfcycleFunction;

  constructor(scope: Construct, id: string, props: { shared: SharedResources }) {
    super(scope, id);
    const spec = scheduledFunctions.flushOutboxes;
    this.function = new PerfcycleFunction(this, spec.id, { spec, shared: props.shared });
    new Rule(this, 'Schedule', {
      description: 'Starts the perfcycle outbox flusher',
      schedule: Schedule.rate(Duration.minutes(spec.everyMinutes)),
      // A missed run is made good by the next one: no retries or old events worth keeping.
      targets: [
        new LambdaFunction(this.function, { retryAttempts: 0, maxEventAge: Duration.minutes(spec.everyMinutes) }),
      ],
    });
  }
}
