import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { PerfcycleConfig } from './config.ts';
import type { Access, FunctionSpec, ReviewCycleAction } from './functions.ts';

/** Repository root (with trailing separator): entries in lib/functions.ts are relative to it. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** CloudFormation metadata key on every AWS::Lambda::Function: the FunctionSpec id (lib/functions.ts). */
export const FUNCTION_ID_METADATA = 'perfcycle:functionId';

/** cdk-nag's finding on a Lambda role's AWS-managed logging policy, acknowledged with why. */
export const BASIC_EXECUTION_ROLE = {
  id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  reason: 'AWS-maintained baseline for Lambda logging: only logs:CreateLogGroup/CreateLogStream/PutLogEvents.',
};

/** A function's timeout when its spec names none. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** CloudFormation metadata key on every AWS::Lambda::Function: the handler entry, relative to the repository root. */
const FUNCTION_ENTRY_METADATA = 'perfcycle:entry';

/** What every function reads or sends through; created once by the stack. */
export interface SharedResources {
  config: PerfcycleConfig;
  table: ITable;
  linkSecret: ISecret;
  sender: IEmailIdentity;
  /** The origin of email links (BASE_URL): the configured one, or a token for the HTTP API's own URL. */
  baseUrl: string;
}

/** The review-cycle state machine, for functions whose access names `reviewCycle` actions. */
export interface ReviewCycleMachine {
  stateMachine: StateMachine;
  stateMachineName: string;
}

export interface PerfcycleFunctionProps {
  spec: FunctionSpec;
  shared: SharedResources;
  reviewCycle?: ReviewCycleMachine;
}

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  // A transaction's condition on another item.
  'dynamodb:ConditionCheckItem',
];
const REVIEW_CYCLE_ACTIONS: Record<ReviewCycleAction, string> = {
  start: 'states:StartExecution',
  stop: 'states:StopExecution',
  describe: 'states:DescribeExecution',
};

/**
 * The one way perfcycle builds a Lambda function: Node.js 24 on arm64, ESM bundle with the AWS SDK
 * inside (pinned versions, no dependency on the runtime's SDK), X-Ray, its own log group with a
 * retention, the common environment, and the grants its spec's `access` declares: nothing more.
 */
export class PerfcycleFunction extends NodejsFunction {
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: PerfcycleFunctionProps) {
    const { spec, shared } = props;
    const { config } = shared;
    // The console's static files touch none of perfcycle's data: no table, mail or secret named in the environment.
    const dataAccess = Object.keys(spec.access).length > 0;
    const removalPolicy = config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // super() must run before `this` can own children, so the log group is a sibling: <id>Logs.
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy });

    super(scope, id, {
      entry: join(repoRoot, spec.entry),
      handler: 'handler',
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      memorySize: spec.memoryMb ?? 256,
      logGroup,
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Prefer ESM builds of dependencies; fall back to CJS.
        mainFields: ['module', 'main'],
        // CJS dependencies bundled into an ESM file still call require(); give them one.
        banner:
          "import { createRequire as __perfcycleCreateRequire } from 'node:module'; const require = __perfcycleCreateRequire(import.meta.url);",
        // Bundle everything, the AWS SDK included: versions pinned in package-lock.json, not the runtime's.
        externalModules: [],
        // Files a handler serves (the HR console) travel next to the bundle.
        ...(spec.assets
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  `cp -r "${join(inputDir, spec.assets!)}" "${join(outputDir, spec.assets!)}"`,
                ],
              },
            }
          : {}),
      },
      environment: {
        ...(dataAccess
          ? {
              TABLE_NAME: shared.table.tableName,
              MAIL_FROM: config.senderAddress,
              HR_EMAIL: config.hrAddress,
              BASE_URL: shared.baseUrl,
              ORG_TIME_ZONE: config.orgTimeZone,
              ORG_NAME: config.orgName,
              SES_MAX_SEND_RATE: String(config.sesMaxSendRate),
              LINK_SECRET_ARN: shared.linkSecret.secretArn,
            }
          : {}),
        POWERTOOLS_SERVICE_NAME: 'perfcycle',
        POWERTOOLS_METRICS_NAMESPACE: 'perfcycle',
        NODE_OPTIONS: '--enable-source-maps',
        ...(spec.assets ? { CONSOLE_ASSETS_DIR: `/var/task/${spec.assets}/` } : {}),
      },
    });
    this.spec = spec;

    const cfn = this.node.defaultChild as CfnFunction;
    // Lets the local runtime map a synthesized function (and the Task states naming it) to its handler.
    cfn.addMetadata(FUNCTION_ID_METADATA, spec.id);
    cfn.addMetadata(FUNCTION_ENTRY_METADATA, spec.entry);

    this.grantAccess(spec.access, shared, props.reviewCycle);

    const role = this.role!;
    Validations.of(role).acknowledge(BASIC_EXECUTION_ROLE);
    const policy = role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.',
    });
  }

  private grantAccess(access: Access, shared: SharedResources, reviewCycle?: ReviewCycleMachine): void {
    const allow = (actions: string[], resources: string[]) =>
      this.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources }));
    const tableArn = shared.table.tableArn;
    if (access.table) allow(access.table === 'read' ? TABLE_READ : [...TABLE_READ, ...TABLE_WRITE], [tableArn]);
    if (access.indexes?.length)
      allow(
        ['dynamodb:Query'],
        access.indexes.map((index) => `${tableArn}/index/${index}`),
      );
    if (access.mail) {
      // Any identity of this account, From the organisation's sender only: while the account is in the SES sandbox,
      // SES also authorises each recipient's (verified) identity, so naming the sender's identity alone would fail.
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['ses:SendEmail'],
          resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
          conditions: { StringEquals: { 'ses:FromAddress': shared.config.senderAddress } },
        }),
      );
      const stack = Stack.of(this);
      Validations.of(this.role!.node.findChild('DefaultPolicy')).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:${stack.region}:${stack.account}:identity/*]`,
        reason:
          'SendEmail only, with ses:FromAddress fixed to the sender: in the SES sandbox each recipient identity is authorised too.',
      });
    }
    if (access.tableUpgrade) allow(['dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:Scan'], [tableArn]);
    if (access.linkSecret) allow(['secretsmanager:GetSecretValue'], [shared.linkSecret.secretArn]);
    if (access.reviewCycle?.length) {
      if (!reviewCycle)
        throw new Error(`${this.spec.id} acts on review-cycle executions but was given no state machine`);
      this.addEnvironment('STATE_MACHINE_ARN', reviewCycle.stateMachine.stateMachineArn);
      const actions = access.reviewCycle.map((action) => REVIEW_CYCLE_ACTIONS[action]);
      // Starting names the state machine; stopping and describing name one of its executions.
      if (actions.includes('states:StartExecution'))
        allow(['states:StartExecution'], [reviewCycle.stateMachine.stateMachineArn]);
      const onExecutions = actions.filter((action) => action !== 'states:StartExecution');
      if (onExecutions.length) this.allowOnExecutions(reviewCycle.stateMachineName, onExecutions);
    }
  }

  private allowOnExecutions(stateMachineName: string, actions: string[]): void {
    const stack = Stack.of(this);
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [executions] }));
    Validations.of(this.role!.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${stateMachineName}:*]`,
      reason:
        'Executions are created at run time (one per cycle); the wildcard is limited to executions of the review-cycle state machine.',
    });
  }
}
