import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addSdkObserver, type ObservedCall } from '../functions/shared/sdk-observer.ts';
import type { CfnTemplate } from './template.ts';

/**
 * Records every AWS SDK call each function makes in the local runtime, as IAM would authorise it: one
 * record per action and resource (a transaction is one record per item). The ARNs are those the
 * synthesized template names, in its account and region, so the IAM proof (test/infra/iam-proof.test.ts)
 * can evaluate them against each function's policies in the same template.
 */
export interface RecordedCall {
  functionId: string;
  /** IAM action: dynamodb:Query, ses:SendEmail, states:StartExecution, secretsmanager:GetSecretValue. */
  action: string;
  /** The resource ARN as AWS sees it. */
  resource: string;
  /** Condition keys the request carries that our policies test (ses:FromAddress). */
  context?: Record<string, string>;
}

/** Where the synthesized stack lives (lib/app.ts's explicit env): every ARN the proof uses is in it. */
export interface TemplateArns {
  account: string;
  region: string;
  /** Logical id -> what `Ref` answers. */
  ref: Record<string, string>;
  /** Logical id -> what `Fn::GetAtt [id, Arn]` answers. */
  arn: Record<string, string>;
  table: string;
  secret: string;
  /** State machine ARN by machine id (review-cycle, goal-watch). */
  machines: Record<string, string>;
}

const LOCAL_ACCOUNT = '111111111111';
const LOCAL_REGION = 'eu-west-1';

/** The ARNs of the template's resources, with fixed names where CloudFormation would make them up. */
export function templateArns(template: CfnTemplate, account = LOCAL_ACCOUNT, region = LOCAL_REGION): TemplateArns {
  const ref: Record<string, string> = {};
  const arn: Record<string, string> = {};
  let table = '';
  let secret = '';
  const machines: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        table = arn[id] = `arn:aws:dynamodb:${region}:${account}:table/${props.TableName ?? id}`;
        ref[id] = props.TableName ?? id;
        break;
      case 'AWS::SecretsManager::Secret':
        // A secret's ARN ends in six random characters: fixed ones here.
        secret = ref[id] = arn[id] = `arn:aws:secretsmanager:${region}:${account}:secret:${props.Name ?? id}-AbCdEf`;
        break;
      case 'AWS::SES::EmailIdentity':
        ref[id] = props.EmailIdentity;
        break;
      case 'AWS::StepFunctions::StateMachine': {
        const machineArn = `arn:aws:states:${region}:${account}:stateMachine:${props.StateMachineName ?? id}`;
        ref[id] = arn[id] = machineArn;
        const machineId = resource.Metadata?.['perfcycle:machineId'];
        if (typeof machineId === 'string') machines[machineId] = machineArn;
        break;
      }
      case 'AWS::IAM::Role':
        arn[id] = `arn:aws:iam::${account}:role/${props.RoleName ?? id}`;
        ref[id] = props.RoleName ?? id;
        break;
    }
  }
  return { account, region, ref, arn, table, secret, machines };
}

/** Resolves Ref, Fn::GetAtt (Arn) and Fn::Join against `templateArns` (pseudo parameters included). */
export function resolveIntrinsics(value: unknown, arns: TemplateArns): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, arns));
  if (!value || typeof value !== 'object') return value;
  const node = value as Record<string, any>;
  if ('Ref' in node) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': arns.region,
      'AWS::AccountId': arns.account,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const resolved = pseudo[node.Ref] ?? arns.ref[node.Ref];
    if (resolved === undefined) throw new Error(`cannot resolve Ref ${node.Ref}`);
    return resolved;
  }
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const resolved = attribute === 'Arn' ? arns.arn[id] : undefined;
    if (resolved === undefined) throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
    return resolved;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveIntrinsics(part, arns)).join(separator);
  }
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, resolveIntrinsics(item, arns)]));
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

export class CallRecorder {
  private readonly context = new AsyncLocalStorage<string>();
  private readonly seen: RecordedCall[] = [];
  private readonly stopObserving: () => void;

  /**
   * `localMachines`: the local runner's state machine ARN by machine id, mapped to the template's.
   * `file`: a JSON-lines file each record is appended to as well.
   */
  constructor(
    private readonly arns: TemplateArns,
    private readonly localMachines: Record<string, string>,
    private readonly file?: string,
  ) {
    this.stopObserving = addSdkObserver((call) => {
      const functionId = this.context.getStore();
      if (!functionId) return; // the local runtime's own calls (start-up), not a function's
      for (const authorisation of this.authorisations(call)) this.add({ functionId, ...authorisation });
    });
  }

  /** Runs one handler invocation as function `functionId`: the SDK calls it sends are recorded as that function's. */
  runAs<T>(functionId: string, invoke: () => T): T {
    return this.context.run(functionId, invoke);
  }

  calls(): RecordedCall[] {
    return [...this.seen];
  }

  stop(): void {
    this.stopObserving();
  }

  private add(call: RecordedCall): void {
    this.seen.push(call);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(call)}\n`);
  }

  /** The (action, resource) pairs IAM authorises for one SDK call. */
  private authorisations({ service, operation, input: observed }: ObservedCall): Omit<RecordedCall, 'functionId'>[] {
    // The command inputs of four services, read field by field below.
    const input = observed as Record<string, any>;
    const table = (name: string | undefined, index?: string) => {
      if (!name) throw new Error(`dynamodb:${operation} without a table name`);
      // Locally the table is called TABLE_NAME; in the template it is the one table.
      return index ? `${this.arns.table}/index/${index}` : this.arns.table;
    };
    switch (service) {
      case 'dynamodb':
        if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
          return (input.TransactItems as Record<string, { TableName?: string }>[]).map((item) => {
            const [[kind, request]] = Object.entries(item);
            return { action: `dynamodb:${TRANSACT_ACTIONS[kind]}`, resource: table(request.TableName) };
          });
        }
        if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
          return Object.keys(input.RequestItems ?? {}).map((name) => ({
            action: `dynamodb:${operation}`,
            resource: table(name),
          }));
        }
        return [{ action: `dynamodb:${operation}`, resource: table(input.TableName, input.IndexName) }];
      case 'ses': {
        const address = (value: string) => /<([^>]+)>\s*$/.exec(value)?.[1] ?? value;
        const from = address(input.FromEmailAddress ?? '');
        const identity = (name: string) => `arn:aws:ses:${this.arns.region}:${this.arns.account}:identity/${name}`;
        // SES authorises the sender's identity and, while the account is in the sandbox, each recipient's too.
        const recipients: string[] = [
          ...(input.Destination?.ToAddresses ?? []),
          ...(input.Destination?.CcAddresses ?? []),
          ...(input.Destination?.BccAddresses ?? []),
        ].map(address);
        return [from, ...recipients].map((name) => ({
          action: `ses:${operation}`,
          resource: identity(name),
          context: { 'ses:FromAddress': from },
        }));
      }
      case 'states':
        return [
          { action: `states:${operation}`, resource: this.machineArn(input.stateMachineArn ?? input.executionArn) },
        ];
      case 'secretsmanager':
        return [{ action: `secretsmanager:${operation}`, resource: this.arns.secret }];
      default:
        throw new Error(`no IAM mapping for ${service}:${operation}`);
    }
  }

  /** A local state machine or execution ARN as the same thing's ARN in AWS. */
  private machineArn(local: string): string {
    for (const [machineId, localArn] of Object.entries(this.localMachines)) {
      const remote = this.arns.machines[machineId];
      if (!remote) continue;
      if (local === localArn) return remote;
      const localExecutions = `${localArn.replace(':stateMachine:', ':execution:')}:`;
      if (local.startsWith(localExecutions))
        return `${remote.replace(':stateMachine:', ':execution:')}:${local.slice(localExecutions.length)}`;
    }
    throw new Error(`not a state machine of this stack: ${local}`);
  }
}

/** The file a test run's records go to, when PERFCYCLE_IAM_CALLS names a folder: one per vitest worker. */
export function callsFile(): string | undefined {
  const dir = process.env.PERFCYCLE_IAM_CALLS;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  return join(dir, `${process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? process.pid}.jsonl`);
}
