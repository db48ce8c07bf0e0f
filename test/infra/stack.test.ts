import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkJsonContext, createApp } from '../../lib/app.ts';
import { FUNCTION_ID_METADATA } from '../../lib/perfcycle-function.ts';
import { allFunctions, apiFunctions, dailyFunctions, workflowFunctions } from '../../lib/functions.ts';
import type { CfnTemplate } from '../../local/template.ts';
import { functionPolicies } from '../support/iam-proof.ts';

type Resource = {
  Type: string;
  Properties: Record<string, any>;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
};
type Resources = Record<string, Resource>;

/** Fast synth: no esbuild, no CloudFormation schema validation (cdk-nag still runs: it is an app plugin). */
function synth(context: Record<string, unknown> = {}) {
  const { stack } = createApp({ context: { ...cdkJsonContext(), ...context }, bundle: false, validation: false });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Resources };
}

function ofType(resources: Resources, type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/**
 * DefinitionString is an Fn::Join of literal JSON pieces and intrinsics. Replace each intrinsic with a
 * placeholder (`${LogicalId.Attr}` / `${Ref}`) and parse the result, as the local runtime does.
 */
function resolveDefinition(definition: unknown): any {
  const placeholder = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const p = part as Record<string, any>;
    if (p['Fn::GetAtt']) return `\${${p['Fn::GetAtt'].join('.')}}`;
    if (p.Ref) return `\${${p.Ref}}`;
    throw new Error(`unexpected intrinsic in DefinitionString: ${JSON.stringify(part)}`);
  };
  if (typeof definition === 'string') return JSON.parse(definition);
  const join = (definition as Record<string, any>)['Fn::Join'];
  if (!join) throw new Error(`DefinitionString is neither a string nor an Fn::Join: ${JSON.stringify(definition)}`);
  const [separator, parts] = join as [string, unknown[]];
  return JSON.parse(parts.map(placeholder).join(separator));
}

/** FunctionSpec id of the function whose logical id is given (from the metadata PerfcycleFunction writes). */
function functionIdOf(resources: Resources, logicalId: string): unknown {
  return resources[logicalId]?.Metadata?.[FUNCTION_ID_METADATA];
}

/**
 * Every task's last retrier: any other error of the step, retried with backoff and full jitter, a bounded
 * number of times (3 + 6 + 12 s at most), after the specific retriers so theirs apply first.
 */
const ANY_TASK_ERROR_RETRIER = {
  ErrorEquals: ['States.TaskFailed'],
  IntervalSeconds: 3,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

describe('perfcycle stack (dev)', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    ({ template, resources } = synth());
  }, 60_000);

  it('has one on-demand table with pk/sk, three ALL-projected GSIs, PITR, TTL on expiresAt and no deletion protection', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [[, table]] = ofType(resources, 'AWS::DynamoDB::Table') as [[string, Resource]];
    const props = table.Properties;
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(props.DeletionProtectionEnabled).toBeFalsy();
    expect(table.DeletionPolicy).toBe('Delete');

    const names = ['pk', 'sk', ...[1, 2, 3, 4, 5, 6].flatMap((n) => [`gsi${n}pk`, `gsi${n}sk`])];
    expect(props.AttributeDefinitions).toHaveLength(names.length);
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining(names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
    );
    // Pinned: a deployed table gains or loses one index per deploy and never changes one (CloudFormation refuses the
    // update and rolls it back), and items stored before are not in a new index. A change here needs its migration
    // (README, "Upgrading while cycles run").
    expect(props.GlobalSecondaryIndexes).toHaveLength(6);
    // The last three keep only keys: an item's updates that leave its keys alone write nothing there.
    for (const [n, ProjectionType] of [
      [1, 'ALL'],
      [2, 'ALL'],
      [3, 'ALL'],
      [4, 'KEYS_ONLY'],
      [5, 'KEYS_ONLY'],
      [6, 'KEYS_ONLY'],
    ] as const) {
      expect(props.GlobalSecondaryIndexes).toContainEqual({
        IndexName: `gsi${n}`,
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType },
      });
    }
  });

  it('defines the review-cycle state machine with the exact state names, types and transitions', () => {
    const machines = ofType(resources, 'AWS::StepFunctions::StateMachine');
    expect(machines.map(([, m]) => (m as Resource).Metadata?.['perfcycle:machineId']).sort()).toEqual([
      'goal-watch',
      'review-cycle',
    ]);
    const [, machine] = machines.find(
      ([, m]) => (m as Resource).Metadata?.['perfcycle:machineId'] === 'review-cycle',
    ) as [string, Resource];
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });

    const definition = resolveDefinition(machine.Properties.DefinitionString);
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(definition.StartAt).toBe('Launch');
    const types = Object.fromEntries(Object.entries<any>(definition.States).map(([name, s]) => [name, s.Type]));
    expect(types).toEqual({
      Launch: 'Task',
      IsFinished: 'Choice',
      WaitForCheckpoint: 'Wait',
      RunCheckpoint: 'Task',
      ReleaseResults: 'Task',
      WaitForAcknowledgements: 'Wait',
      RemindAcknowledgements: 'Task',
      Finished: 'Succeed',
      AwaitingRelease: 'Succeed',
      Failed: 'Fail',
    });

    const s = definition.States;
    expect(s.Launch.Next).toBe('IsFinished');
    expect(s.RunCheckpoint.Next).toBe('IsFinished');
    expect(s.ReleaseResults.Next).toBe('IsFinished');
    expect(s.RemindAcknowledgements.Next).toBe('IsFinished');
    expect(s.WaitForAcknowledgements).toMatchObject({
      TimestampPath: '$.acknowledgementReminderAt',
      Next: 'RemindAcknowledgements',
    });
    expect(s.WaitForCheckpoint).toMatchObject({ TimestampPath: '$.nextCheckAt', Next: 'RunCheckpoint' });
    expect(s.IsFinished.Default).toBe('WaitForCheckpoint');
    expect(s.IsFinished.Choices).toEqual([
      {
        And: [
          { Variable: '$.phase', StringEquals: 'CLOSED' },
          { Variable: '$.acknowledgementReminderAt', IsPresent: true },
        ],
        Next: 'WaitForAcknowledgements',
      },
      {
        Or: [
          { Variable: '$.phase', StringEquals: 'CLOSED' },
          { Variable: '$.phase', StringEquals: 'CANCELLED' },
        ],
        Next: 'Finished',
      },
      { Variable: '$.awaitingRelease', IsPresent: true, Next: 'AwaitingRelease' },
      { Variable: '$.phase', StringEquals: 'RELEASING', Next: 'ReleaseResults' },
    ]);

    const taskFunction = {
      Launch: workflowFunctions.launch.id,
      RunCheckpoint: workflowFunctions.checkpoint.id,
      ReleaseResults: workflowFunctions.release.id,
      RemindAcknowledgements: workflowFunctions.remindAcknowledgements.id,
    };
    for (const [state, functionId] of Object.entries(taskFunction)) {
      const task = s[state];
      // payloadResponseOnly: the Resource is the function ARN itself, no Parameters/ResultSelector.
      const match = /^\$\{(.+)\.Arn\}$/.exec(task.Resource);
      expect(match, `${state} Resource ${task.Resource}`).not.toBeNull();
      expect(functionIdOf(resources, match![1]!), state).toBe(functionId);
      expect(task.Parameters).toBeUndefined();
      expect(task.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'Failed' }]);
      const retried = task.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals);
      expect(retried).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
          'States.Timeout',
        ]),
      );
      expect(task.Retry.every((r: { BackoffRate?: number }) => (r.BackoffRate ?? 2) > 1)).toBe(true);
      expect(task.Retry.at(-1), state).toEqual(ANY_TASK_ERROR_RETRIER);
    }
  });

  it('builds every function of lib/functions.ts on nodejs24.x, arm64, X-Ray, with the common environment', () => {
    const functions = ofType(resources, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => functionIdOf(resources, id)).sort()).toEqual(allFunctions.map((f) => f.id).sort());
    const [[httpApiId]] = ofType(resources, 'AWS::ApiGatewayV2::Api');

    for (const [logicalId, fn] of functions) {
      const id = functionIdOf(resources, logicalId) as string;
      const p = fn.Properties;
      expect(p.Runtime, id).toBe('nodejs24.x');
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(p.LoggingConfig?.LogGroup?.Ref, id).toBeDefined();
      const env = p.Environment.Variables;
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('perfcycle');
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
      if (Object.keys(allFunctions.find((f) => f.id === id)!.access).length === 0) {
        // The console's static files: nothing of perfcycle's data is even named.
        expect(
          Object.keys(env).filter((name) =>
            ['TABLE_NAME', 'MAIL_FROM', 'HR_EMAIL', 'BASE_URL', 'LINK_SECRET_ARN'].includes(name),
          ),
          id,
        ).toEqual([]);
        continue;
      }
      expect(Object.keys(env), id).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'MAIL_FROM',
          'HR_EMAIL',
          'BASE_URL',
          'ORG_TIME_ZONE',
          'ORG_NAME',
          'LINK_SECRET_ARN',
          'POWERTOOLS_SERVICE_NAME',
          'NODE_OPTIONS',
        ]),
      );
      expect(env.MAIL_FROM).toBe('perfcycle@example.com');
      expect(env.ORG_NAME).toBe('Example Org');
      // No baseUrl in cdk.json: links use the HTTP API's own URL, resolved in the template.
      expect(env.BASE_URL, id).toEqual({ 'Fn::GetAtt': [httpApiId, 'ApiEndpoint'] });
      expect('STATE_MACHINE_ARN' in env, id).toBe(!!allFunctions.find((f) => f.id === id)!.access.reviewCycle);
    }

    // Each role holds exactly what its function's access declares (the IAM proof shows that is enough).
    const policies = ofType(resources, 'AWS::IAM::Policy');
    const rolePolicies = functionPolicies(template.toJSON() as CfnTemplate);
    const statementsOf = (id: string) =>
      rolePolicies
        .get(id)!
        .policies.flatMap(({ policy }) => policy.Statement)
        .map((st) => ({ actions: [st.Action].flat(), resource: JSON.stringify(st.Resource) }));
    const actionsOf = (id: string, service: string) =>
      [
        ...new Set(
          statementsOf(id)
            .flatMap((st) => st.actions)
            .filter((action) => action.startsWith(`${service}:`)),
        ),
      ].sort();
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const { id, access } of allFunctions) {
      const dynamo = actionsOf(id, 'dynamodb');
      if (!access.table) expect(dynamo, id).toEqual([]);
      else
        expect(
          writes.some((action) => dynamo.includes(action)),
          id,
        ).toBe(access.table === 'readWrite');
      expect(dynamo, id).not.toContain('dynamodb:Scan');
      const indexes = statementsOf(id)
        .filter((st) => st.resource.includes('/index/'))
        .flatMap((st) => [...st.resource.matchAll(/\/index\/(gsi\d)/g)].map((match) => match[1]));
      expect(indexes.sort(), id).toEqual([...(access.indexes ?? [])].sort());
      expect(actionsOf(id, 'ses'), id).toEqual(access.mail ? ['ses:SendEmail'] : []);
      expect(actionsOf(id, 'secretsmanager'), id).toEqual(access.linkSecret ? ['secretsmanager:GetSecretValue'] : []);
      const states = {
        start: 'states:StartExecution',
        stop: 'states:StopExecution',
        describe: 'states:DescribeExecution',
      };
      expect(actionsOf(id, 'states'), id).toEqual((access.reviewCycle ?? []).map((action) => states[action]).sort());
    }
    // Mail: From the organisation's sender only (any identity, for the sandbox's recipient checks).
    const [sendMail] = policies
      .flatMap(([, pol]) => pol.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => st.Action === 'ses:SendEmail');
    expect(sendMail.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'perfcycle@example.com' } });
    expect(JSON.stringify(sendMail.Resource)).toContain(':identity/*');
    // Read-only routes read; the console touches nothing.
    expect(actionsOf('GetCycle', 'dynamodb')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(actionsOf('GetCycle', 'states')).toEqual(['states:DescribeExecution']);
    expect(actionsOf('GetCycle', 'ses')).toEqual([]);
    expect(
      statementsOf('Console').filter((st) => st.actions.some((a) => /^(dynamodb|ses|secretsmanager|states):/.test(a))),
    ).toEqual([]);
  });

  it('routes every API path of lib/functions.ts to its function, JWT-authorized for HR, open for forms', () => {
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route');
    const integrations = Object.fromEntries(ofType(resources, 'AWS::ApiGatewayV2::Integration'));
    const [[authorizerId, authorizer]] = ofType(resources, 'AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');

    const expected = apiFunctions.flatMap((f) => (f.routes ?? []).map((r) => ({ ...r, functionId: f.id })));
    expect(routes).toHaveLength(expected.length);
    for (const r of expected) {
      const key = `${r.method} ${r.path}`;
      const found = routes.find(([, route]) => route.Properties.RouteKey === key);
      expect(found, key).toBeDefined();
      const props = found![1].Properties;
      if (r.auth === 'hr') {
        expect(props.AuthorizationType, key).toBe('JWT');
        expect(props.AuthorizerId, key).toEqual({ Ref: authorizerId });
      } else {
        expect(props.AuthorizationType ?? 'NONE', key).toBe('NONE');
        expect(props.AuthorizerId, key).toBeUndefined();
      }
      // Target: { Fn::Join: ['', ['integrations/', { Ref: <integration> }]] }
      const [prefix, integrationRef] = props.Target['Fn::Join'][1] as [string, { Ref: string }];
      expect(prefix).toBe('integrations/');
      const uri = integrations[integrationRef.Ref]!.Properties.IntegrationUri;
      expect(functionIdOf(resources, uri['Fn::GetAtt'][0]), key).toBe(r.functionId);
    }

    // The $default stage logs access.
    const [[, stage]] = ofType(resources, 'AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
  });

  it('runs the goal watch, the praise digest and the sweep for stalled cycles daily from an EventBridge rule', () => {
    const [[logicalId, machine]] = ofType(resources, 'AWS::StepFunctions::StateMachine').filter(
      ([, m]) => (m as Resource).Metadata?.['perfcycle:machineId'] === 'goal-watch',
    ) as [[string, Resource]];
    const definition = resolveDefinition(machine.Properties.DefinitionString);
    expect(definition.StartAt).toBe('RunGoalWatch');
    expect(Object.fromEntries(Object.entries<any>(definition.States).map(([name, st]) => [name, st.Type]))).toEqual({
      RunGoalWatch: 'Task',
      SendPraiseDigests: 'Task',
      ResumeStalledCycles: 'Task',
      Done: 'Succeed',
      Failed: 'Fail',
    });
    expect(definition.States.RunGoalWatch.Next).toBe('SendPraiseDigests');
    expect(definition.States.SendPraiseDigests.Next).toBe('ResumeStalledCycles');
    expect(definition.States.ResumeStalledCycles.Next).toBe('Done');
    for (const state of ['RunGoalWatch', 'SendPraiseDigests', 'ResumeStalledCycles'])
      expect(definition.States[state].Retry.at(-1), state).toEqual(ANY_TASK_ERROR_RETRIER);
    expect(functionIdOf(resources, /^\$\{(.+)\.Arn\}$/.exec(definition.States.ResumeStalledCycles.Resource)![1]!)).toBe(
      dailyFunctions.resumeStalledCycles.id,
    );
    const rules = (ofType(resources, 'AWS::Events::Rule') as [string, Resource][]).filter(([, rule]) =>
      rule.Properties.ScheduleExpression.startsWith('cron'),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0][1].Properties.ScheduleExpression).toBe('cron(0 6 * * ? *)');
    expect(rules[0][1].Properties.Targets[0].Arn).toEqual({ Ref: logicalId });
  });

  it('invokes the outbox flusher every 15 minutes for up to 15, with the send rate of the account\u2019s SES quota', () => {
    const [[flusherId]] = ofType(resources, 'AWS::Lambda::Function').filter(
      ([id]) => functionIdOf(resources, id) === 'FlushOutboxes',
    );
    const rules = (ofType(resources, 'AWS::Events::Rule') as [string, Resource][]).filter(
      ([, rule]) => rule.Properties.ScheduleExpression === 'rate(15 minutes)',
    );
    expect(rules).toHaveLength(1);
    expect(rules[0][1].Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [flusherId, 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 0 },
      }),
    ]);
    // A run may send for all of its quarter of an hour: a backlog drains as fast as with a run every 5 minutes.
    expect(resources[flusherId].Properties.Timeout).toBe(900);
    const functions = ofType(resources, 'AWS::Lambda::Function') as [string, Resource][];
    // Every function that touches data (the console's files touch none).
    expect(
      new Set(
        functions
          .filter(([, fn]) => 'TABLE_NAME' in fn.Properties.Environment.Variables)
          .map(([, fn]) => fn.Properties.Environment.Variables.SES_MAX_SEND_RATE),
      ),
    ).toEqual(new Set(['14']));
  });

  it('signs HR in to the console through Cognito\u2019s managed login, with the code flow back to the console', () => {
    const [[domainId]] = ofType(resources, 'AWS::Cognito::UserPoolDomain');
    expect(domainId).toBeDefined();
    const [[, client]] = ofType(resources, 'AWS::Cognito::UserPoolClient') as [[string, Resource]];
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
    expect(client.Properties.AllowedOAuthScopes).toEqual(['openid', 'email']);
    const [[httpApiId]] = ofType(resources, 'AWS::ApiGatewayV2::Api');
    expect(client.Properties.CallbackURLs).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [httpApiId, 'ApiEndpoint'] }, '/console']] },
      'http://localhost:8976/callback',
    ]);

    const consoleSpec = apiFunctions.find((fn) => fn.assets)!;
    const [[, fn]] = ofType(resources, 'AWS::Lambda::Function').filter(
      ([id]) => functionIdOf(resources, id) === consoleSpec.id,
    ) as [[string, Resource]];
    const env = fn.Properties.Environment.Variables;
    expect(env.CONSOLE_ASSETS_DIR).toBe('/var/task/console/');
    expect(env.CONSOLE_CLIENT_ID).toEqual({ Ref: expect.any(String) });
    expect(env.CONSOLE_AUTH_DOMAIN).toBeDefined();
    // The console files exist where the bundle copies them from: the page, and its style and every module it names.
    const consoleDir = join(import.meta.dirname, '..', '..', 'console');
    const named = [
      ...readFileSync(join(consoleDir, 'index.html'), 'utf8').matchAll(/(?:src|href)="\/console\/([\w.-]+)"/g),
    ].map((match) => match[1]!);
    expect(named).toEqual(expect.arrayContaining(['main.js', 'router.js', 'api.js', 'app.css']));
    for (const file of ['index.html', ...named]) expect(existsSync(join(consoleDir, file)), file).toBe(true);
  });

  it('alarms on failed, timed-out and aborted executions, every function\u2019s errors and mail stuck unsent, to an SNS topic emailing opsEmail', () => {
    const [[topicId]] = ofType(resources, 'AWS::SNS::Topic');
    const subscriptions = ofType(resources, 'AWS::SNS::Subscription');
    expect(subscriptions.map(([, sub]) => sub.Properties)).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: cdkJsonContext().opsEmail, TopicArn: { Ref: topicId } }),
    ]);

    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    for (const alarm of alarms) expect(alarm.AlarmActions, alarm.AlarmName).toEqual([{ Ref: topicId }]);
    const metricsOf = (
      alarm: Record<string, any>,
    ): { MetricName: string; Dimensions?: { Name: string; Value: unknown }[] }[] =>
      alarm.MetricName
        ? [alarm as { MetricName: string }]
        : alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);

    for (const [logicalId] of ofType(resources, 'AWS::StepFunctions::StateMachine')) {
      const onMachine = alarms.filter((alarm) =>
        metricsOf(alarm).some((m) =>
          m.Dimensions?.some((d) => d.Name === 'StateMachineArn' && (d.Value as any)?.Ref === logicalId),
        ),
      );
      const names = onMachine.flatMap((alarm) => metricsOf(alarm).map((m) => m.MetricName));
      expect(names, logicalId).toEqual(
        expect.arrayContaining(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']),
      );
    }
    for (const [logicalId] of ofType(resources, 'AWS::Lambda::Function')) {
      const errors = alarms.filter(
        (alarm) =>
          alarm.MetricName === 'Errors' &&
          alarm.Dimensions.some((d: any) => d.Name === 'FunctionName' && d.Value.Ref === logicalId),
      );
      expect(errors, functionIdOf(resources, logicalId) as string).toHaveLength(1);
    }
    // Mail stuck in an outbox: the age the flusher publishes, above an hour for two flushes in a row.
    expect(alarms.filter((alarm) => alarm.MetricName === 'OldestUnsentMailAge')).toEqual([
      expect.objectContaining({
        Namespace: 'perfcycle',
        Period: 900,
        Dimensions: [{ Name: 'service', Value: 'perfcycle' }],
        Threshold: 3600,
        EvaluationPeriods: 2,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('exports the outputs the CLI and the deploy scripts read', () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['TableName', 'StateMachineArn', 'ApiUrl', 'UserPoolId']),
    );
  });
});

describe('perfcycle stack (prod)', () => {
  it('turns deletion protection on and retains the table', () => {
    const { resources } = synth({ stage: 'prod' });
    const [[, table]] = ofType(resources, 'AWS::DynamoDB::Table') as [[string, Resource]];
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    const [[, pool]] = ofType(resources, 'AWS::Cognito::UserPool') as [[string, Resource]];
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
  }, 60_000);
});

describe('perfcycle stack for a table first deployed with three indexes', () => {
  it('keeps the table as first deployed, and upgrades it in place before and after the functions\u2019 code', () => {
    const { resources } = synth({ tableTemplateIndexes: 3 });
    const [[tableId, table]] = ofType(resources, 'AWS::DynamoDB::Table') as [[string, Resource]];
    // As `cb1c1d0` deployed it, byte for byte: CloudFormation then changes nothing on the table.
    const { resources: current } = synth();
    const [[currentId, six]] = ofType(current, 'AWS::DynamoDB::Table') as [[string, Resource]];
    expect(tableId).toBe(currentId);
    expect(table.Properties.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName)).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
    ]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(six.Properties.GlobalSecondaryIndexes.slice(0, 3));
    expect(table.Properties.AttributeDefinitions).toEqual(six.Properties.AttributeDefinitions.slice(0, 8));

    const upgrades = ofType(resources, 'Custom::PerfcycleTableUpgrade');
    expect(upgrades.map(([, upgrade]) => upgrade.Properties.pass).sort()).toEqual(['after-code', 'before-code']);
    for (const [, upgrade] of upgrades)
      expect(upgrade.Properties.indexes).toEqual(
        [4, 5, 6].map((n) => ({
          IndexName: `gsi${n}`,
          KeySchema: [
            { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
            { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        })),
      );
    // The second pass waits for the old code's longest call (15 minutes) and a minute; each ends within CloudFormation's hour.
    expect(
      Object.fromEntries(upgrades.map(([, upgrade]) => [upgrade.Properties.pass, upgrade.Properties.drainSeconds])),
    ).toEqual({ 'before-code': 0, 'after-code': 960 });
    for (const [, upgrade] of upgrades) expect(upgrade.Properties.ServiceTimeout).toBe('3600');
    const [[beforeId], [afterId]] = ['before-code', 'after-code'].map((pass) =>
      upgrades.find(([, upgrade]) => upgrade.Properties.pass === pass),
    ) as [string, Resource][];
    const functions = ofType(resources, 'AWS::Lambda::Function').filter(([id]) =>
      allFunctions.some((spec) => spec.id === functionIdOf(resources, id)),
    );
    expect(functions).toHaveLength(allFunctions.length);
    // Every function runs the new code only once the indexes hold the items stored before.
    for (const [id, fn] of functions)
      expect((fn as Resource & { DependsOn?: string[] }).DependsOn, id).toContain(beforeId);
    // The second pass, which removes what only the old code read, waits for every other resource of the stack.
    const after = resources[afterId] as Resource & { DependsOn?: string[] };
    const others = Object.keys(resources).filter((id) => !id.startsWith('TableUpgrade'));
    expect(others.filter((id) => !after.DependsOn?.includes(id))).toEqual([]);
    for (const [id] of functions) expect(after.DependsOn).toContain(id);
    // The step may also describe the table, add an index and scan it; the start touches nothing.
    const policies = functionPolicies({ Resources: resources } as unknown as CfnTemplate);
    const actionsOf = (id: string) =>
      policies
        .get(id)!
        .policies.flatMap(({ policy }) => policy.Statement.flatMap((statement) => [statement.Action].flat()));
    expect(actionsOf('UpgradeTableStep')).toEqual(
      expect.arrayContaining([
        'dynamodb:DescribeTable',
        'dynamodb:UpdateTable',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(actionsOf('UpgradeTableStep')).not.toContain('dynamodb:DeleteTable');
    expect(actionsOf('UpgradeTableStart').filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
  }, 120_000);

  it('has none of it in a stack whose template declares every index', () => {
    const { resources } = synth();
    expect(ofType(resources, 'Custom::PerfcycleTableUpgrade')).toEqual([]);
  }, 60_000);
});

describe('perfcycle stack with a base URL or a custom domain', () => {
  /** The links' base of every function that writes links (the console's files write none). */
  const baseUrls = (resources: Resources) =>
    new Set(
      ofType(resources, 'AWS::Lambda::Function')
        .filter(([, fn]) => 'TABLE_NAME' in fn.Properties.Environment.Variables)
        .map(([, fn]) => JSON.stringify(fn.Properties.Environment.Variables.BASE_URL)),
    );

  it('uses a configured baseUrl as it is, and creates no custom domain', () => {
    const { resources } = synth({ baseUrl: 'https://reviews.example.com/' });
    expect(baseUrls(resources)).toEqual(new Set(['"https://reviews.example.com"']));
    const [[, client]] = ofType(resources, 'AWS::Cognito::UserPoolClient') as [[string, Resource]];
    expect(client.Properties.CallbackURLs).toEqual([
      'https://reviews.example.com/console',
      'http://localhost:8976/callback',
    ]);
    expect(ofType(resources, 'AWS::ApiGatewayV2::DomainName')).toEqual([]);
    expect(ofType(resources, 'AWS::ApiGatewayV2::ApiMapping')).toEqual([]);
  }, 60_000);

  it('creates the API\u2019s custom domain with domainName and certificateArn, and links use it', () => {
    const certificateArn = 'arn:aws:acm:eu-west-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const { template, resources } = synth({ domainName: 'reviews.example.com', certificateArn });
    const [[domainId, domain]] = ofType(resources, 'AWS::ApiGatewayV2::DomainName') as [[string, Resource]];
    expect(domain.Properties).toMatchObject({
      DomainName: 'reviews.example.com',
      DomainNameConfigurations: [expect.objectContaining({ CertificateArn: certificateArn, EndpointType: 'REGIONAL' })],
    });
    const [[, mapping]] = ofType(resources, 'AWS::ApiGatewayV2::ApiMapping') as [[string, Resource]];
    const [[httpApiId]] = ofType(resources, 'AWS::ApiGatewayV2::Api');
    expect(mapping.Properties).toMatchObject({ ApiId: { Ref: httpApiId }, DomainName: { Ref: domainId } });
    expect(baseUrls(resources)).toEqual(new Set(['"https://reviews.example.com"']));
    expect(template.toJSON().Outputs.CustomDomainTarget.Value).toEqual({
      'Fn::GetAtt': [domainId, 'RegionalDomainName'],
    });
  }, 60_000);
});

describe('configuration', () => {
  it.each([
    [{ senderAddress: 'not-an-address' }, /senderAddress.*email address/],
    [{ hrAddress: '' }, /hrAddress.*required/],
    [{ opsEmail: 'ops' }, /opsEmail.*email address/],
    [{ baseUrl: 'http://perfcycle.example.com' }, /baseUrl.*https/],
    [{ domainName: 'reviews.example.com' }, /domainName.*certificateArn.*together/],
    [
      { domainName: 'reviews', certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' },
      /domainName.*host name/,
    ],
    [{ stage: 'staging' }, /stage.*"dev" or "prod"/],
    [{ orgTimeZone: 'Mars/Olympus' }, /orgTimeZone.*IANA/],
    [{ orgName: ' ' }, /orgName.*required/],
    [{ tableTemplateIndexes: 4 }, /tableTemplateIndexes.*6, or 3 for a stack first deployed with three indexes, got 4/],
  ])('rejects %j with a clear error', (bad, message) => {
    expect(() => createApp({ context: { ...cdkJsonContext(), ...bad }, bundle: false, validation: false })).toThrow(
      message,
    );
  });
});

describe('cdk-nag (AwsSolutions) with CloudFormation validation on', () => {
  it('synthesizes with no unacknowledged finding', () => {
    const { app } = createApp({ context: cdkJsonContext(), bundle: false, validation: true });
    // Throws (with the report) if any AwsSolutions finding is not acknowledged.
    const assembly = app.synth();

    const reportFile = join(assembly.directory, 'validation-report.json');
    expect(existsSync(reportFile)).toBe(true);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      pluginReports: { pluginName: string; conclusion?: string; violations?: unknown[] }[];
    };
    const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
    expect(nag.flatMap((r) => r.violations ?? [])).toEqual([]);

    // The same check, direct: lists what is unacknowledged if this ever fails.
    const result = new AwsSolutionsChecks().validateScope(app);
    expect(
      result.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  }, 60_000);
});
