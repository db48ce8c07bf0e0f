import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { resolveIntrinsics, templateArns, type RecordedCall } from '../../local/iam-calls.ts';
import type { CfnTemplate } from '../../local/template.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[] };
type PolicyDocument = { Version: string; Statement: Statement[] };
export interface FunctionPolicies {
  roleArn: string;
  policies: { name: string; policy: PolicyDocument }[];
}

/** Each function's identity policies (inline and attached AWS::IAM::Policy), resolved to plain ARNs. */
export function functionPolicies(template: CfnTemplate): Map<string, FunctionPolicies> {
  const arns = templateArns(template);
  const byFunction = new Map<string, FunctionPolicies>();
  const resources = Object.entries(template.Resources);
  for (const [, fn] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
    const functionId = fn.Metadata?.['perfcycle:functionId'];
    if (!functionId) continue;
    const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
    const role = template.Resources[roleId];
    const policies = [
      ...(role.Properties.Policies ?? []).map((inline: { PolicyName: string; PolicyDocument: unknown }) => ({
        name: inline.PolicyName,
        policy: inline.PolicyDocument,
      })),
      ...resources
        .filter(
          ([, r]) =>
            r.Type === 'AWS::IAM::Policy' &&
            (r.Properties.Roles ?? []).some((ref: { Ref?: string }) => ref.Ref === roleId),
        )
        .map(([id, r]) => ({ name: id, policy: r.Properties.PolicyDocument })),
    ].map(({ name, policy }) => ({ name, policy: resolveIntrinsics(policy, arns) as PolicyDocument }));
    byFunction.set(functionId, { roleArn: arns.arn[roleId], policies });
  }
  return byFunction;
}

/** What IAM answers to one call by a role with these identity policies: Allowed, ImplicitlyDenied, ... */
export async function evaluate(call: RecordedCall, fn: FunctionPolicies, account: string): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: fn.roleArn,
        action: call.action,
        resource: { resource: call.resource, accountId: account },
        contextVariables: call.context ?? {},
      },
      identityPolicies: fn.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if ('errors' in result) return `error: ${JSON.stringify(result.errors).slice(0, 300)}`;
  return result.overallResult;
}

/** The distinct (function, action, resource) triples: each is evaluated once, however often it was called. */
export function distinct(calls: RecordedCall[]): RecordedCall[] {
  const seen = new Map<string, RecordedCall>();
  for (const call of calls)
    seen.set(`${call.functionId} ${call.action} ${call.resource} ${JSON.stringify(call.context)}`, call);
  return [...seen.values()];
}

/** Every call that the template's policies do not allow, as `function action resource: outcome`. */
export async function deniedCalls(calls: RecordedCall[], template: CfnTemplate): Promise<string[]> {
  const policies = functionPolicies(template);
  const { account } = templateArns(template);
  const denied: string[] = [];
  for (const call of distinct(calls)) {
    const fn = policies.get(call.functionId);
    const outcome = fn ? await evaluate(call, fn, account) : 'no such function in the template';
    if (outcome !== 'Allowed') denied.push(`${call.functionId} ${call.action} ${call.resource}: ${outcome}`);
  }
  return denied;
}

/**
 * The calls recorded in a folder of JSON-lines files (PERFCYCLE_IAM_CALLS): every local stack of a test run
 * appends there, child processes included. A line a killed process left half-written is skipped.
 */
export function recordedCalls(dir: string | undefined): RecordedCall[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'))
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as RecordedCall] : [];
      } catch {
        return [];
      }
    });
}
