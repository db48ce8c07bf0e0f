import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIntrinsics, templateArns, type RecordedCall } from '../../local/iam-calls.ts';
import type { CfnTemplate } from '../../local/template.ts';
import {
  cli,
  dateAfter,
  DAY,
  HOUR,
  hr,
  linkIn,
  mailbox,
  openForm,
  postForm,
  reportLink,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * Least privilege, proven (issue 12): a representative scenario runs on the local stack with every SDK call
 * recorded per function; each call is evaluated with an IAM policy evaluator against that function's role
 * policies in the synthesized template. No call may be denied; and without one grant, one is.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[] };
type PolicyDocument = { Version: string; Statement: Statement[] };

/** Each function's identity policies (inline and attached AWS::IAM::Policy), resolved to plain ARNs. */
function functionPolicies(
  template: CfnTemplate,
): Map<string, { roleArn: string; policies: { name: string; policy: PolicyDocument }[] }> {
  const arns = templateArns(template);
  const byFunction = new Map<string, { roleArn: string; policies: { name: string; policy: PolicyDocument }[] }>();
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

async function evaluate(
  call: RecordedCall,
  roleArn: string,
  policies: { name: string; policy: PolicyDocument }[],
  account: string,
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: roleArn,
        action: call.action,
        resource: { resource: call.resource, accountId: account },
        contextVariables: {},
      },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if ('errors' in result) return `error: ${JSON.stringify(result.errors).slice(0, 300)}`;
  return result.overallResult;
}

/** The distinct (function, action, resource) triples, with how many calls each stands for. */
function distinct(calls: RecordedCall[]): RecordedCall[] {
  const seen = new Map<string, RecordedCall>();
  for (const call of calls) seen.set(`${call.functionId} ${call.action} ${call.resource}`, call);
  return [...seen.values()];
}

describe('least privilege, proven', () => {
  const dir = tempDir('perfcycle-iam-');
  let stack: LocalStack;
  let calls: RecordedCall[];

  const moveTo = async (at: number) => {
    await stack.advance(at - stack.clock.now());
    await stack.settled();
  };

  beforeAll(async () => {
    stack = await startLocalStack({ recordCalls: true });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    expect((await fetch(`${stack.apiUrl}/console`)).status).toBe(200);
    const now = stack.clock.now();
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Proof Q',
      selfDue: dateAfter(now, 7),
      managerDue: dateAfter(now, 14),
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const cycleId: string = launched.body.cycleId;
    await stack.settled();
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).status).toBe(200);
    expect(
      (await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 'e2', selfDue: dateAfter(now, 9) }))
        .status,
    ).toBeLessThan(500);
    expect(
      (await hr(stack, 'POST', '/employees/e1/goals', { title: 'Ship pricing', dueDate: dateAfter(now, 30) })).status,
    ).toBeLessThan(500);
    expect(
      (await hr(stack, 'POST', '/feedback', { from: 'm1', to: 'e1', kind: 'praise', text: 'Great demo' })).status,
    ).toBeLessThan(500);
    await moveTo(Date.parse(launched.body.selfDue) + HOUR);
    const request = (await mailbox(stack)).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('Proof Q: please review your team'),
    )!;
    const teamLink = linkIn(request, '/forms/team');
    for (const employeeId of ['e1', 'e2']) {
      const link = reportLink(teamLink, employeeId);
      const page = await (await fetch(link)).text();
      const competencies = [...new Set([...page.matchAll(/name="(competency-[^"]+)"/g)].map((match) => match[1]))];
      const answers: Record<string, string> = {
        employeeId,
        rating: '3',
        strengths: 'Ships',
        areasToImprove: 'Estimates',
        comments: 'Good',
      };
      for (const field of competencies) answers[field] = '3';
      expect((await postForm(link, await openForm(link), answers)).status).toBe(303);
    }
    await moveTo(Date.parse(launched.body.managerDue) + 3 * DAY);
    const result = (await mailbox(stack)).find(
      (mail) => mail.subject === 'Proof Q: your review result' && mail.to === 'ann@example.com',
    );
    if (result) {
      const link = linkIn(result, '/forms/results');
      expect((await postForm(link, await openForm(link), { comment: 'Thanks' })).status).toBe(303);
    }
    for (const path of [
      '/cycles',
      '/goals/attention',
      '/recognition',
      '/employees',
      '/settings',
      '/employees/e1/goals',
      `/cycles/${cycleId}/report`,
      `/cycles/${cycleId}/audit`,
      `/cycles/${cycleId}/calibration`,
      '/employees/e1/history',
    ]) {
      expect((await hr(stack, 'GET', path)).status, path).toBe(200);
    }
    await moveTo(stack.clock.now() + 8 * DAY);
    await stack.flushOutboxes();
    await stack.settled();
    calls = stack.recorder!.calls();
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('allows every call each function made, by that function\u2019s own policies', async () => {
    const policies = functionPolicies(stack.template);
    const account = templateArns(stack.template).account;
    const proven = distinct(calls);
    const denied: string[] = [];
    for (const call of proven) {
      const fn = policies.get(call.functionId);
      if (!fn) throw new Error(`no function ${call.functionId} in the template`);
      const outcome = await evaluate(call, fn.roleArn, fn.policies, account);
      if (outcome !== 'Allowed') denied.push(`${call.functionId} ${call.action} ${call.resource}: ${outcome}`);
    }
    const functions = new Set(calls.map((call) => call.functionId));
    console.info(
      `IAM proof: ${calls.length} calls recorded from ${functions.size} functions, ${proven.length} distinct (function, action, resource) proven`,
    );
    expect(denied).toEqual([]);
    expect(calls.length).toBeGreaterThan(100);
    // The scenario reaches every kind of grant: the table and its indexes, mail, the secret, the workflows.
    const actions = new Set(calls.map((call) => call.action));
    for (const action of [
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'ses:SendEmail',
      'secretsmanager:GetSecretValue',
      'states:StartExecution',
      'states:DescribeExecution',
    ])
      expect(actions).toContain(action);
    expect(calls.some((call) => call.resource.includes('/index/'))).toBe(true);
  });

  it('denies a call once the grant it needs is taken away', async () => {
    const policies = functionPolicies(stack.template);
    const account = templateArns(stack.template).account;
    const launch = policies.get('LaunchCycle')!;
    // LaunchCycle without the table write grant.
    const narrowed = launch.policies.map(({ name, policy }) => ({
      name,
      policy: {
        ...policy,
        Statement: policy.Statement.filter((statement) => ![statement.Action].flat().includes('dynamodb:PutItem')),
      },
    }));
    const outcomes = await Promise.all(
      distinct(calls.filter((call) => call.functionId === 'LaunchCycle')).map((call) =>
        evaluate(call, launch.roleArn, narrowed, account),
      ),
    );
    expect(outcomes).toContain('ImplicitlyDenied');
  });
});
