import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { cdkJsonContext, createApp } from '../lib/app.ts';
import { FUNCTION_ID_METADATA } from '../lib/perfcycle-function.ts';
import { MACHINE_ID_METADATA } from '../lib/workflow-parts.ts';
import { WAITER_METADATA } from '../lib/table-upgrade.ts';
import { allFunctions, type FunctionSpec } from '../lib/functions.ts';

/**
 * Reads what the local runtime needs out of the CloudFormation template that CDK synthesizes: the table's
 * keys and indexes, and the review-cycle state machine with the function each Task invokes. There is no
 * hand-written copy of either: change the CDK code and the local stack follows.
 */
export interface MachineBlueprint {
  /** The state machine's ASL, with function ARNs resolved to local placeholders. */
  definition: { StartAt: string; States: Record<string, Record<string, unknown>> };
  /** Task state name -> the function it invokes. */
  taskFunctions: Record<string, FunctionSpec>;
}

export interface LocalBlueprint {
  table: Omit<CreateTableCommandInput, 'TableName'>;
  /** By the machine id CDK records in each state machine's metadata (`review-cycle`, `goal-watch`). */
  machines: Record<string, MachineBlueprint>;
  /** The synthesized CloudFormation template itself (the IAM proof reads the functions' policies from it). */
  template: CfnTemplate;
  /**
   * The properties of each pass of the table's upgrade in place (lib/table-upgrade.ts), in the order CloudFormation
   * runs them: none unless the context says the table's template declares fewer indexes than the code reads.
   */
  tableUpgrades: Record<string, unknown>[];
}

export interface CfnTemplate {
  Resources: Record<string, Resource>;
}

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };

const LOCAL_ARN_PREFIX = 'arn:aws:lambda:local:000000000000:function:';

/** `context` overrides cdk.json's values, as `-c key=value` does. */
export function synthesizeBlueprint(context: Record<string, unknown> = {}): LocalBlueprint {
  // The same context `cdk synth` reads; bundling is skipped: locally the handlers run from source.
  const { app, stack } = createApp({ context: { ...cdkJsonContext(), ...context }, bundle: false, validation: false });
  const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  const resources = Object.entries(template.Resources);

  const tables = resources.filter(
    ([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable',
  );
  if (tables.length !== 1) throw new Error(`expected one DynamoDB table in the template, found ${tables.length}`);
  const tableProps = tables[0][1].Properties;
  const table = {
    KeySchema: tableProps.KeySchema,
    AttributeDefinitions: tableProps.AttributeDefinitions,
    GlobalSecondaryIndexes: (tableProps.GlobalSecondaryIndexes ?? []).map((index: Record<string, unknown>) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    })),
    BillingMode: 'PAY_PER_REQUEST' as const,
  };

  const byConstructId = new Map(allFunctions.map((spec) => [spec.id, spec]));
  const functionOf = (logicalId: string): FunctionSpec => {
    const spec = byConstructId.get(template.Resources[logicalId]?.Metadata?.[FUNCTION_ID_METADATA]);
    if (!spec) throw new Error(`no function in lib/functions.ts for ${logicalId}`);
    return spec;
  };
  const machines: Record<string, MachineBlueprint> = {};
  const machineResources = resources.filter(
    ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && !r.Metadata?.[WAITER_METADATA],
  );
  for (const [logicalId, resource] of machineResources) {
    const machineId = resource.Metadata?.[MACHINE_ID_METADATA];
    if (typeof machineId !== 'string')
      throw new Error(`state machine ${logicalId} has no ${MACHINE_ID_METADATA} metadata`);
    const definition = JSON.parse(resolveIntrinsics(resource.Properties.DefinitionString));
    const taskFunctions: Record<string, FunctionSpec> = {};
    for (const [name, state] of Object.entries(definition.States as Record<string, Record<string, any>>)) {
      if (state.Type !== 'Task') continue;
      const target: string = state.Parameters?.FunctionName ?? state.Resource;
      if (!target?.startsWith(LOCAL_ARN_PREFIX))
        throw new Error(`Task ${name} does not invoke a function of this stack`);
      taskFunctions[name] = functionOf(target.slice(LOCAL_ARN_PREFIX.length).split(':')[0]);
    }
    machines[machineId] = { definition, taskFunctions };
  }
  const tableUpgrades = resources
    .filter(([, r]) => r.Type === 'Custom::PerfcycleTableUpgrade')
    .map(([, r]) => r.Properties)
    // The pass before the functions' code update, then the one after (which depends on every function).
    .sort((a, b) => String(b.pass).localeCompare(String(a.pass)));
  return { table, machines, template, tableUpgrades };
}

/** Turns the DefinitionString's Fn::Join / Fn::GetAtt / Ref into a plain string with local ARNs. */
function resolveIntrinsics(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveIntrinsics).join(separator);
  }
  if (node['Fn::GetAtt']) return `${LOCAL_ARN_PREFIX}${node['Fn::GetAtt'][0]}`;
  if (node.Ref)
    return node.Ref === 'AWS::Partition'
      ? 'aws'
      : node.Ref === 'AWS::Region'
        ? 'local'
        : node.Ref === 'AWS::AccountId'
          ? '000000000000'
          : `${LOCAL_ARN_PREFIX}${node.Ref}`;
  throw new Error(`unsupported intrinsic in the state machine definition: ${JSON.stringify(value)}`);
}
