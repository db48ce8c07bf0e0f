import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { IndexShape } from '../functions/domain/upgrade.ts';
import { allFunctions, upgradeFunctions } from './functions.ts';
import {
  BASIC_EXECUTION_ROLE,
  DEFAULT_TIMEOUT_SECONDS,
  PerfcycleFunction,
  type SharedResources,
} from './perfcycle-function.ts';

/** Marks the provider framework's waiter, which the local runtime does not run: local/stack.ts runTableUpgrade does its work. */
export const WAITER_METADATA = 'perfcycle:tableUpgradeWaiter';

export interface TableUpgradeProps {
  shared: SharedResources;
  /** The indexes the code reads that the table's template does not declare. */
  indexes: IndexShape[];
}

/**
 * Upgrades a table first deployed with fewer indexes, in place, during a deploy (README, "Upgrading while cycles
 * run"). CloudFormation adds one index per deploy and rolls back one that adds more; DynamoDB builds an index for
 * minutes. So a custom resource adds each missing index in turn, waiting for each, then rewrites the items stored
 * before for the code that reads them now. It runs twice: before the functions' code is updated (`beforeCode`,
 * which every function waits for), adding only, so that a deploy rolled back after it leaves the old version
 * working; and after (`afterCode`), which removes what only the old version read, moves what only one version can
 * read at a time (unsent mail) and mends what an old function wrote meanwhile, once the old code's last calls can
 * have ended. The provider framework asks its step every 30 seconds, for up to 55 minutes a pass.
 */
export class TableUpgrade extends Construct {
  readonly beforeCode: CustomResource;
  readonly afterCode: CustomResource;

  constructor(scope: Construct, id: string, props: TableUpgradeProps) {
    super(scope, id);
    const start = new PerfcycleFunction(this, upgradeFunctions.start.id, {
      spec: upgradeFunctions.start,
      shared: props.shared,
    });
    const step = new PerfcycleFunction(this, upgradeFunctions.step.id, {
      spec: upgradeFunctions.step,
      shared: props.shared,
    });
    const provider = new Provider(this, 'Provider', {
      onEventHandler: start,
      isCompleteHandler: step,
      queryInterval: Duration.seconds(30),
      // Within CloudFormation's hour for a custom resource: the framework gives up first, and its steps stop.
      totalTimeout: Duration.minutes(55),
    });
    acknowledgeFramework(provider, [start, step]);
    (provider.node.findChild('waiter-state-machine').node.defaultChild as CfnResource).addMetadata(
      WAITER_METADATA,
      true,
    );
    const pass = (pass: 'before-code' | 'after-code', id: string, drainSeconds: number) =>
      new CustomResource(this, id, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::PerfcycleTableUpgrade',
        serviceTimeout: Duration.hours(1),
        properties: { pass, indexes: props.indexes, drainSeconds },
      });
    this.beforeCode = pass('before-code', 'BeforeCode', 0);
    // A call the old code started before its function's update runs to its end: the longest a function may run.
    const longest = Math.max(...allFunctions.map((spec) => spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS));
    this.afterCode = pass('after-code', 'AfterCode', longest + 60);
  }
}

/** cdk-nag's findings on CDK's own provider framework, which takes no settings for them. */
function acknowledgeFramework(provider: Provider, handlers: PerfcycleFunction[]): void {
  const stack = Stack.of(provider);
  const arnOf = (fn: Construct) => `<${stack.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*`;
  const invokes = [
    ...handlers,
    ...['framework-isComplete', 'framework-onTimeout'].map((id) => provider.node.findChild(id)),
  ];
  const acknowledgements = [
    ...invokes.map((fn) => ({
      id: `AwsSolutions-IAM5[Resource::${arnOf(fn)}]`,
      reason: 'The framework invokes these functions (any version of each): lambda:InvokeFunction on them only.',
    })),
    BASIC_EXECUTION_ROLE,
    {
      id: 'AwsSolutions-SF1',
      reason: 'CDK\u2019s waiter only polls the upgrade step; the step function logs each step itself.',
    },
    { id: 'AwsSolutions-SF2', reason: 'CDK\u2019s waiter takes no tracing setting; the step function is traced.' },
  ];
  for (const acknowledgement of acknowledgements) Validations.of(provider).acknowledge(acknowledgement);
}
