import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCycle } from '../../functions/store/cycles.ts';
import { db, keys, tableName } from '../../functions/store/table.ts';
import {
  auditOf,
  cli,
  clearMailbox,
  DAY,
  hr,
  HOUR,
  launchFromRoster,
  linkIn,
  mailbox,
  startLocalStack,
  submitForm,
  tempDir,
  type LocalStack,
  type Mail,
} from '../support/local.ts';

/**
 * No execution dies silently: a cycle whose execution failed, or was stopped behind its back, says so in
 * its status (API and CLI), HR resumes it, and the daily run resumes what HR did not, each audited. The
 * resumed workflow carries on from the stored state: what was held up goes out once, nothing twice.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
e3,Cid Never,cid@example.com,m1,Sales
`;
const MINUTE = 60_000;

describe('a cycle whose workflow stalled', () => {
  const dir = tempDir('perfcycle-stalled-');
  let stack: LocalStack;
  let sfn: SFNClient;
  let cycleId: string;
  let selfDue: number;
  const sent: Mail[] = [];

  /**
   * Mail since the last call, kept in `sent` too so the whole test can be checked for duplicates. A resumed
   * execution checks at once what fell due: run what is due now, as the local stack's ticker does within a second.
   */
  async function newMail(): Promise<Mail[]> {
    await stack.advance(0);
    const mails = await mailbox(stack);
    await clearMailbox(stack);
    sent.push(...mails);
    return mails;
  }
  const advanceTo = (instant: number) => stack.advance(instant - stack.clock.now());
  /** The next instant after the clock's now at `hh:mm` UTC. */
  const nextUtc = (hours: number, minutes: number) => {
    const now = stack.clock.now();
    const today = new Date(now);
    const at = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), hours, minutes);
    return at > now ? at : at + DAY;
  };
  const status = async () => (await hr(stack, 'GET', `/cycles/${cycleId}`)).body;
  const executions = () => stack.runner.list().filter((execution) => execution.name.startsWith(cycleId));
  const recorded = async () => (await getCycle(cycleId))!.executionArn!;
  const resumes = async () => (await auditOf(stack, cycleId)).filter((event: any) => event.action === 'cycle-resumed');
  const reminders = (mails: Mail[]) =>
    mails.filter((mail) => mail.subject.startsWith('Reminder: Stalled Q4 self-assessment due'));

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    sfn = new SFNClient({ endpoint: process.env.SFN_ENDPOINT });
    const cycle = await launchFromRoster(stack, dir.path, {
      roster: ROSTER,
      name: 'Stalled Q4',
      selfDue: 14,
      managerDue: 24,
    });
    cycleId = cycle.cycleId;
    selfDue = cycle.selfDue;
    const invitations = await newMail();
    expect(invitations).toHaveLength(4);
    const ann = invitations.find((mail) => mail.to === 'ann@example.com')!;
    expect(
      (
        await submitForm(linkIn(ann, '/forms/self'), {
          overallRating: '4',
          wentWell: 'Shipped',
          toImprove: 'Docs',
          nextGoals: 'More',
        })
      ).status,
    ).toBe(303);
  });
  afterAll(async () => {
    sfn?.destroy();
    await stack?.stop();
    dir.remove();
  });

  describe('fails, is seen, and HR resumes it', () => {
    let timings: unknown;

    it('fails at the reminder checkpoint after its retries, and sends nothing', async () => {
      // A fault no retry can ride out: the checkpoint cannot read the cycle's timings.
      timings = (await getCycle(cycleId))!.timings;
      await db().send(
        new UpdateCommand({ TableName: tableName(), Key: keys.cycle(cycleId), UpdateExpression: 'REMOVE timings' }),
      );
      await advanceTo(selfDue - 3 * DAY + HOUR);
      expect(reminders(await newMail())).toEqual([]);
      expect(executions().map((execution) => execution.status)).toEqual(['FAILED']);

      // The local endpoint describes it as Step Functions does: the Fail state's error and cause, and when.
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: await recorded() }));
      expect(described).toMatchObject({
        status: 'FAILED',
        error: 'TypeError',
        cause: expect.stringMatching(/^Cannot read properties of undefined/),
      });
      expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(selfDue - 3 * DAY);
      expect(described.stopDate!.getTime()).toBeLessThan(selfDue - 3 * DAY + HOUR);
    });

    it('says so in the status, through the API and the CLI (text and JSON), beside the phase', async () => {
      const body = await status();
      expect(body.phase).toBe('SELF_REVIEW');
      expect(body.needsAttention).toMatch(
        new RegExp(
          `^workflow execution failed at \\S+Z: TypeError \\(Cannot read properties of undefined [^)]*\\)\\); run \`perfcycle cycle resume ${cycleId}\`$`,
        ),
      );
      const text = await cli(stack, dir.path, 'cycle', 'status', cycleId);
      expect(text.code, text.err).toBe(0);
      expect(text.out.split('\n').slice(0, 2)).toEqual([
        `Stalled Q4 (${cycleId}): SELF_REVIEW, 4 participants`,
        `needs attention: ${body.needsAttention}`,
      ]);
      const json = await cli(stack, dir.path, 'cycle', 'status', cycleId, '--json');
      expect(JSON.parse(json.out)).toMatchObject({ phase: 'SELF_REVIEW', needsAttention: body.needsAttention });
    });

    it('is resumed by HR once the fault is mended: the held-up reminders go out, once', async () => {
      const problem = (await status()).needsAttention.replace(/; run `.*`$/, '');
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.cycle(cycleId),
          UpdateExpression: 'SET timings = :timings',
          ExpressionAttributeValues: { ':timings': timings },
        }),
      );
      const resumed = await cli(stack, dir.path, 'cycle', 'resume', cycleId);
      expect(resumed.code, resumed.err).toBe(0);
      expect(resumed.out).toBe(`resumed ${cycleId} (SELF_REVIEW) after: ${problem}`);
      expect(
        reminders(await newMail())
          .map((mail) => mail.to)
          .sort(),
      ).toEqual(['bob@example.com', 'cid@example.com', 'maria@example.com']);
      expect((await status()).needsAttention).toBeNull();
      expect(await resumes()).toEqual([
        {
          cycleId,
          at: expect.any(String),
          actor: 'hr:local-hr',
          action: 'cycle-resumed',
          details: { problem, executionArn: await recorded() },
        },
      ]);

      // A second resume finds the workflow running: refused, nothing started.
      const again = await hr(stack, 'POST', `/cycles/${cycleId}/resume`);
      expect(again.status).toBe(409);
      expect(again.body.error).toBe(`the workflow of cycle ${cycleId} is running: there is nothing to resume`);
      expect(executions().map((execution) => execution.status)).toEqual(['FAILED', 'WAITING']);
      await stack.advance(HOUR);
      expect(await newMail()).toEqual([]);
    });
  });

  describe('is stopped behind its back, and the daily run resumes it', () => {
    let stoppedAt: string;

    it('leaves an execution stopped moments ago alone: a replacement may be under way', async () => {
      // Two minutes before the daily run.
      await advanceTo(nextUtc(5, 58));
      const executionArn = await recorded();
      await sfn.send(
        new StopExecutionCommand({ executionArn, cause: 'stopped by hand in the Step Functions console' }),
      );
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'ABORTED', cause: 'stopped by hand in the Step Functions console' });
      stoppedAt = described.stopDate!.toISOString();
      expect((await status()).needsAttention).toBeNull();
      const early = await hr(stack, 'POST', `/cycles/${cycleId}/resume`);
      expect(early.status).toBe(409);
      expect(early.body.error).toMatch(
        new RegExp(
          `^the workflow of cycle ${cycleId} changed moments ago \\(.+\\), as a launch, an extension or a resume does: look again in a few minutes$`,
        ),
      );

      await advanceTo(Date.parse(stoppedAt) + 12 * MINUTE);
      expect(executions().map((execution) => execution.status)).toEqual(['FAILED', 'ABORTED']);
      expect(await resumes()).toHaveLength(1);
      expect(await newMail()).toEqual([]);
    });

    it('shows it as needing attention once that grace has passed', async () => {
      expect((await status()).needsAttention).toBe(
        `workflow execution was stopped at ${stoppedAt}: stopped by hand in the Step Functions console; run \`perfcycle cycle resume ${cycleId}\``,
      );
    });

    it('is resumed by the next daily run, audited as the system\u2019s', async () => {
      await advanceTo(Date.parse(stoppedAt) + DAY + 5 * MINUTE);
      expect(executions().map((execution) => execution.status)).toEqual(['FAILED', 'ABORTED', 'WAITING']);
      expect((await status()).needsAttention).toBeNull();
      const [, byTheSystem] = await resumes();
      expect(byTheSystem).toMatchObject({
        actor: 'system',
        details: {
          problem: `workflow execution was stopped at ${stoppedAt}: stopped by hand in the Step Functions console`,
        },
      });
      expect(await newMail()).toEqual([]);
    });

    it('carries on: the deadline\u2019s overdue notices go out once, and no email of the cycle went out twice', async () => {
      await advanceTo(selfDue + HOUR);
      const overdue = (await newMail()).filter((mail) => mail.subject.includes('overdue self-assessment'));
      // Maria hears of Bob and Cid; HR, who reviews Maria, of her.
      expect(overdue.map((mail) => `${mail.to}|${mail.subject}`).sort()).toEqual([
        'hr@example.com|Stalled Q4: 1 overdue self-assessment in your team',
        'maria@example.com|Stalled Q4: 2 overdue self-assessments in your team',
      ]);
      const keys = sent.map((mail) => `${mail.to}|${mail.subject}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect((await status()).needsAttention).toBeNull();
    });
  });
});
