import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, upgradeFunctions } from '../../lib/functions.ts';
import { templateArns, type RecordedCall } from '../../local/iam-calls.ts';
import { deniedCalls, distinct, evaluate, functionPolicies, recordedCalls } from '../support/iam-proof.ts';
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
 * Least privilege, proven (issue 12): every SDK call each function makes is recorded, as IAM would authorise it,
 * and evaluated with an IAM policy evaluator against that function's role policies in the synthesized template.
 * The calls are this file's scenario (every kind of grant, so the file proves something on its own) and, in a
 * full `npm test`, every call of every other test file: vitest runs this file last (vitest.config.ts) and the
 * others record to PERFCYCLE_IAM_CALLS. No call may be denied; and without one grant, one is.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
`;

describe('least privilege, proven', () => {
  const dir = tempDir('perfcycle-iam-');
  let stack: LocalStack;
  let calls: RecordedCall[];

  const moveTo = async (at: number) => {
    await stack.advance(at - stack.clock.now());
    await stack.settled();
  };

  beforeAll(async () => {
    // The template of a stack whose table upgrades in place (lib/table-upgrade.ts) holds every function there is:
    // its start runs the upgrade's step (recorded too), and the other test files' calls are all proven against it.
    stack = await startLocalStack({ recordCalls: true, context: { tableTemplateIndexes: 3 } });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    expect((await fetch(`${stack.apiUrl}/console`)).status).toBe(200);
    const now = stack.clock.now();
    // A calibrated cycle: launch, self-assessment, an upward review, manager reviews, an adjustment, release, acknowledgement.
    const launched = await hr(stack, 'POST', '/cycles', {
      name: 'Proof Q',
      selfDue: dateAfter(now, 7),
      managerDue: dateAfter(now, 14),
      calibrationDue: dateAfter(now, 21),
      upward: true,
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const cycleId: string = launched.body.cycleId;
    await stack.settled();
    expect((await hr(stack, 'GET', `/cycles/${cycleId}`)).status).toBe(200);
    const invitation = (await mailbox(stack)).find(
      (mail) => mail.to === 'ann@example.com' && mail.subject === 'Proof Q: your self-assessment is open',
    )!;
    const selfLink = linkIn(invitation, '/forms/self');
    const self = { overallRating: '4', wentWell: 'Shipped', toImprove: 'Docs', nextGoals: 'Pricing' };
    expect((await postForm(selfLink, await openForm(selfLink), { ...self, action: 'draft' })).status).toBe(303);
    expect((await postForm(selfLink, await openForm(selfLink), { ...self, action: 'submit' })).status).toBe(303);
    const upwardLink = linkIn(
      (await mailbox(stack)).find(
        (mail) => mail.to === 'ann@example.com' && mail.subject.includes('review your manager'),
      )!,
      '/forms/upward',
    );
    const upward = { support: 'Listens', clarity: 'Clear', change: 'Fewer meetings', upwardRating: '4' };
    expect((await postForm(upwardLink, await openForm(upwardLink), upward)).status).toBe(303);
    expect(
      (await hr(stack, 'POST', `/cycles/${cycleId}/extensions`, { employeeId: 'e2', until: dateAfter(now, 9) })).status,
    ).toBe(200);
    // Goals, feedback and a feedback request answered through its link.
    expect(
      (await hr(stack, 'POST', '/employees/e1/goals', { title: 'Ship pricing', due: dateAfter(now, 30) })).status,
    ).toBe(201);
    expect(
      (await hr(stack, 'POST', '/feedback', { from: 'm1', to: 'e1', kind: 'praise', text: 'Great demo' })).status,
    ).toBe(201);
    expect((await hr(stack, 'POST', '/feedback/requests', { from: 'e1', to: ['e2'] })).status).toBe(201);
    await stack.settled();
    const mails = await mailbox(stack);
    const goalsLink = linkIn(
      mails.find((mail) => mail.to === 'ann@example.com' && mail.subject === 'New goal: Ship pricing')!,
      '/forms/goals',
    );
    const [goal] = (await hr(stack, 'GET', '/employees/e1/goals')).body.goals;
    expect(
      (
        await postForm(goalsLink, await openForm(goalsLink), {
          goalId: goal.goalId,
          progress: '40',
          status: 'ON_TRACK',
          note: 'Half',
        })
      ).status,
    ).toBe(303);
    expect(
      (await hr(stack, 'POST', `/employees/e1/goals/${goal.goalId}/check-ins`, { progress: 50, status: 'ON_TRACK' }))
        .status,
    ).toBe(200);
    const feedbackLink = linkIn(
      mails.find((mail) => mail.to === 'bob@example.com' && mail.subject === 'Ann Early asks for your feedback')!,
      '/forms/feedback',
    );
    expect(
      (await postForm(feedbackLink, await openForm(feedbackLink), { kind: 'praise', text: 'Clear plans' })).status,
    ).toBe(303);

    // A peer review assigned, and answered through its link.
    expect((await hr(stack, 'POST', `/cycles/${cycleId}/peers`, { employeeId: 'e1', reviewers: ['e2'] })).status).toBe(
      200,
    );
    const peerLink = linkIn(
      (await mailbox(stack)).find(
        (mail) => mail.to === 'bob@example.com' && mail.subject === 'Proof Q: please give peer feedback on Ann Early',
      )!,
      '/forms/peer',
    );
    expect(
      (await postForm(peerLink, await openForm(peerLink), { doesWell: 'Plans', doDifferently: 'Docs', rating: '4' }))
        .status,
    ).toBe(303);

    // Bob nominates Ann as his peer reviewer from his self-assessment link; Maria approves.
    const bobSelf = new URL(
      linkIn(
        (await mailbox(stack)).find(
          (mail) => mail.to === 'bob@example.com' && mail.subject === 'Proof Q: your self-assessment is open',
        )!,
        '/forms/self',
      ),
    );
    bobSelf.pathname = '/forms/peer-nominations';
    const nominations = bobSelf.toString();
    expect((await postForm(nominations, await openForm(nominations), { colleagues: 'ann@example.com' })).status).toBe(
      303,
    );
    const approval = linkIn(
      (await mailbox(stack)).find((mail) => mail.subject === 'Proof Q: Bob Prompt asks you to approve peer reviewers')!,
      '/forms/peer-approval',
    );
    expect((await postForm(approval, await openForm(approval), {})).status).toBe(303);

    await moveTo(Date.parse(launched.body.selfDue) + HOUR);
    const request = (await mailbox(stack)).find(
      (mail) => mail.to === 'maria@example.com' && mail.subject.startsWith('Proof Q: please review your team'),
    )!;
    const teamLink = linkIn(request, '/forms/team');
    expect((await fetch(teamLink)).status).toBe(200);
    for (const employeeId of ['e1', 'e2']) {
      const link = reportLink(teamLink, employeeId);
      const page = await (await fetch(link)).text();
      // Every rating on the page (goals, competencies, overall) gets the middle of the scale.
      const ratings = new Set(
        [...page.matchAll(/<input[^>]*type="radio"[^>]*>/g)].map((input) => /name="([^"]+)"/.exec(input[0])![1]),
      );
      const answers: Record<string, string> = {
        employeeId,
        strengths: 'Ships',
        areasToImprove: 'Estimates',
        comments: 'Good',
      };
      for (const field of ratings) answers[field] = '3';
      expect((await postForm(link, await openForm(link), { ...answers, action: 'draft' })).status).toBe(303);
      const submitted = await postForm(link, await openForm(link), answers);
      expect(submitted.status, submitted.html).toBe(303);
    }
    await moveTo(Date.parse(launched.body.managerDue) + HOUR);
    const adjusted = await hr(stack, 'POST', `/cycles/${cycleId}/adjustments`, {
      employeeId: 'e1',
      rating: 4,
      reason: 'Led the launch',
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(200);
    expect((await hr(stack, 'GET', `/cycles/${cycleId}/calibration`)).status).toBe(200);
    const released = await hr(stack, 'POST', `/cycles/${cycleId}/release`, {});
    expect(released.status, JSON.stringify(released.body)).toBeLessThan(300);
    await moveTo(stack.clock.now() + HOUR);
    const result = (await mailbox(stack)).find(
      (mail) => mail.subject === 'Proof Q: your review result' && mail.to === 'ann@example.com',
    )!;
    const resultsLink = linkIn(result, '/forms/results');
    expect((await postForm(resultsLink, await openForm(resultsLink), { comment: 'Thanks' })).status).toBe(303);

    // A second cycle is cancelled; a running one cannot be resumed (but the resume reads its execution).
    const second = await hr(stack, 'POST', '/cycles', {
      name: 'Proof Q2',
      selfDue: dateAfter(stack.clock.now(), 7),
      managerDue: dateAfter(stack.clock.now(), 14),
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    await stack.settled();
    expect((await hr(stack, 'POST', `/cycles/${second.body.cycleId}/resume`)).status).toBe(409);
    expect((await hr(stack, 'POST', `/cycles/${second.body.cycleId}/cancel`)).status).toBe(200);

    expect((await hr(stack, 'POST', '/employees/e2/deactivate')).status).toBe(200);
    expect((await hr(stack, 'PATCH', '/settings', { orgName: 'Proof Org' })).status).toBeLessThan(500);
    for (const path of [
      '/cycles',
      '/goals/attention',
      '/recognition',
      '/employees',
      '/settings',
      '/employees/e1/goals',
      `/cycles/${cycleId}/report`,
      `/cycles/${cycleId}/report/people?limit=1`,
      `/cycles/${cycleId}/audit`,
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
    if (process.env.PERFCYCLE_IAM_CALLS) rmSync(process.env.PERFCYCLE_IAM_CALLS, { recursive: true, force: true });
  });

  it('allows every call each function made, by that function\u2019s own policies', async () => {
    // In a full run the folder also holds every other test file's calls (they ran before this file); it has this file's too.
    const all = process.env.PERFCYCLE_IAM_CALLS ? recordedCalls(process.env.PERFCYCLE_IAM_CALLS) : calls;
    const functions = new Set(all.map((call) => call.functionId));
    console.info(
      `IAM proof: ${all.length} calls recorded in this run (${calls.length} by this file's scenario) from ${functions.size} functions, ` +
        `${distinct(all).length} distinct (function, action, resource) proven`,
    );
    expect(all.length).toBeGreaterThanOrEqual(calls.length);
    expect(await deniedCalls(all, stack.template)).toEqual([]);
    // The scenario alone reaches every function that touches data, and every kind of grant.
    const reached = new Set(calls.map((call) => call.functionId));
    const dataFunctions = [...allFunctions, ...Object.values(upgradeFunctions)]
      .filter((spec) => Object.keys(spec.access).length > 0)
      .map((spec) => spec.id);
    expect(dataFunctions.filter((id) => !reached.has(id))).toEqual([]);
    const actions = new Set(calls.map((call) => call.action));
    for (const action of [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:DescribeTable',
      'dynamodb:UpdateTable',
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'ses:SendEmail',
      'secretsmanager:GetSecretValue',
      'states:StartExecution',
      'states:StopExecution',
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
    const narrowed = {
      ...launch,
      policies: launch.policies.map(({ name, policy }) => ({
        name,
        policy: {
          ...policy,
          Statement: policy.Statement.filter((statement) => ![statement.Action].flat().includes('dynamodb:PutItem')),
        },
      })),
    };
    const launchCalls = distinct(calls.filter((call) => call.functionId === 'LaunchCycle'));
    expect(await Promise.all(launchCalls.map((call) => evaluate(call, launch, account)))).not.toContain(
      'ImplicitlyDenied',
    );
    expect(await Promise.all(launchCalls.map((call) => evaluate(call, narrowed, account)))).toContain(
      'ImplicitlyDenied',
    );
    // A read-only function is denied a write, and a function without the workflow grant a start.
    const audit = policies.get('CycleLists')!;
    const table = templateArns(stack.template).table;
    expect(
      await evaluate({ functionId: 'CycleLists', action: 'dynamodb:PutItem', resource: table }, audit, account),
    ).toBe('ImplicitlyDenied');
    // Mail From any other address is denied, though the function may send.
    const checkpoint = policies.get('RunCheckpoint')!;
    const [sent] = calls.filter((call) => call.functionId === 'RunCheckpoint' && call.action === 'ses:SendEmail');
    expect(await evaluate(sent, checkpoint, account)).toBe('Allowed');
    expect(await evaluate({ ...sent, context: { 'ses:FromAddress': 'ceo@example.com' } }, checkpoint, account)).toBe(
      'ImplicitlyDenied',
    );
    const machine = templateArns(stack.template).machines['review-cycle'];
    expect(
      await evaluate({ functionId: 'CycleLists', action: 'states:StartExecution', resource: machine }, audit, account),
    ).toBe('ImplicitlyDenied');
  });
});
