import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  expectChangesNothing,
  dateAfter,
  hr,
  mailbox,
  startLocalStack,
  tempDir,
  type LocalStack,
} from '../support/local.ts';

/**
 * Launch checks the mistakes people make (issue 10, part 6): a department typed in another case is the
 * directory's department, an unknown one is refused with the list of existing ones; a second cycle for the
 * same people and quarter is refused unless HR says it is intended; a manager deadline within the reminder
 * lead of the self deadline is launched with a warning. A refused launch creates nothing and sends nothing.
 */
const ROSTER = `employeeId,name,email,managerId,department
m1,Maria Manager,maria@example.com,,Sales
e1,Ann Early,ann@example.com,m1,Sales
e2,Bob Prompt,bob@example.com,m1,Sales
o1,Otto Ops,otto@example.com,,Ops
`;

describe('launch checks', () => {
  const dir = tempDir('perfcycle-launch-checks-');
  let stack: LocalStack;
  let salesCycleId: string;
  let selfDate: string;
  let managerDate: string;

  async function snapshot() {
    await stack.settled();
    const cycles = (await hr(stack, 'GET', '/cycles')).body.cycles.map(
      (c: any) => `${c.cycleId}|${c.name}|${c.department}|${c.phase}`,
    );
    const executions = stack.runner
      .list()
      .map((execution) => `${execution.executionArn}:${execution.status}`)
      .sort();
    const mail = (await mailbox(stack)).map((m) => `${m.to}|${m.subject}`);
    return { cycles, executions, mail };
  }
  /** Runs the bad requests and checks the stored state and the mailbox did not move. */
  const changesNothing = (bad: () => Promise<void>) => expectChangesNothing(stack, snapshot, bad);

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: join(dir.path, 'data') });
    writeFileSync(join(dir.path, 'roster.csv'), ROSTER);
    expect((await cli(stack, dir.path, 'employees', 'import', 'roster.csv')).code).toBe(0);
    const now = stack.clock.now();
    selfDate = dateAfter(now, 14);
    managerDate = dateAfter(now, 24);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    dir.remove();
  });

  it('matches a department regardless of case and surrounding spaces', async () => {
    const launched = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      'Sales Q',
      '--self-due',
      selfDate,
      '--manager-due',
      managerDate,
      '--department',
      ' sales ',
      '--json',
    );
    expect(launched.code, launched.err).toBe(0);
    expect(launched.err).toBe('');
    salesCycleId = JSON.parse(launched.out).cycleId;
    await stack.settled();
    expect((await hr(stack, 'GET', '/cycles')).body.cycles.map((c: any) => [c.name, c.department])).toEqual([
      ['Sales Q', 'Sales'],
    ]);
    const invited = (await mailbox(stack)).filter((mail) => mail.subject.includes('Sales Q')).map((mail) => mail.to);
    expect(invited.sort()).toEqual(['ann@example.com', 'bob@example.com', 'maria@example.com']);
  });

  it('refuses an unknown department with the list of existing ones, and creates nothing', async () => {
    await changesNothing(async () => {
      const refused = await hr(stack, 'POST', '/cycles', {
        name: 'Marketing Q',
        selfDue: selfDate,
        managerDue: managerDate,
        department: 'Marketing',
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: 'unknown department',
        details: ['nobody in the directory has department "Marketing"; the departments are: "Ops", "Sales"'],
      });
      const viaCli = await cli(
        stack,
        dir.path,
        'cycle',
        'launch',
        '--name',
        'Marketing Q',
        '--self-due',
        selfDate,
        '--manager-due',
        managerDate,
        '--department',
        'marketing',
      );
      expect(viaCli.code).not.toBe(0);
      expect(viaCli.err).toContain('the departments are: "Ops", "Sales"');
    });
  });

  it('refuses a cycle overlapping a running one for the same people and quarter, naming it, and creates nothing', async () => {
    await changesNothing(async () => {
      for (const department of [undefined, 'SALES']) {
        const refused = await hr(stack, 'POST', '/cycles', {
          name: 'Again',
          selfDue: selfDate,
          managerDue: managerDate,
          ...(department ? { department } : {}),
        });
        expect(refused.status).toBe(409);
        expect(refused.body.error).toMatch(/^a running cycle already reviews these people for \d{4}-Q[1-4]$/);
        expect(refused.body.details.join('\n')).toContain(`"Sales Q" (${salesCycleId})`);
        expect(refused.body.details.join('\n')).toContain('allowOverlap');
      }
      const viaCli = await cli(
        stack,
        dir.path,
        'cycle',
        'launch',
        '--name',
        'Again',
        '--self-due',
        selfDate,
        '--manager-due',
        managerDate,
      );
      expect(viaCli.code).not.toBe(0);
      expect(viaCli.err).toContain(salesCycleId);
      expect(viaCli.err).toContain('--allow-overlap');
    });
  });

  it('launches an overlapping cycle when HR says it is intended, and one for the same people in another quarter', async () => {
    const allowed = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      'Sales again',
      '--self-due',
      selfDate,
      '--manager-due',
      managerDate,
      '--department',
      'Sales',
      '--allow-overlap',
      '--json',
    );
    expect(allowed.code, allowed.err).toBe(0);
    const viaApi = await hr(stack, 'POST', '/cycles', {
      name: 'Sales 2099',
      selfDue: selfDate,
      managerDue: managerDate,
      department: 'sales',
      period: '2099-Q1',
    });
    expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(201);
    expect(viaApi.body.warnings).toEqual([]);
    const refused = await hr(stack, 'POST', '/cycles', {
      name: 'Bad flag',
      selfDue: selfDate,
      managerDue: managerDate,
      allowOverlap: 'yes',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details.join('\n')).toContain('allowOverlap must be true or false');
    await stack.settled();
  });

  it('launches with a warning when the manager deadline is within the reminder lead of the self deadline', async () => {
    const close = dateAfter(stack.clock.now(), 16); // two days after selfDate, reminders 3 days ahead
    const viaApi = await hr(stack, 'POST', '/cycles', {
      name: 'Ops tight',
      selfDue: selfDate,
      managerDue: close,
      department: 'Ops',
    });
    expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(201);
    expect(viaApi.body.warnings).toHaveLength(1);
    expect(viaApi.body.warnings[0]).toContain(
      'the manager deadline is 2 days after the self deadline, within the reminder lead of 3 days',
    );
    const viaCli = await cli(
      stack,
      dir.path,
      'cycle',
      'launch',
      '--name',
      'Ops tight 2',
      '--self-due',
      selfDate,
      '--manager-due',
      close,
      '--department',
      'ops',
      '--allow-overlap',
    );
    expect(viaCli.code, viaCli.err).toBe(0);
    expect(viaCli.out.trim()).toMatch(/^cyc_[0-9a-f]{16}$/);
    expect(viaCli.err).toMatch(
      /^warning: the manager deadline is 2 days after the self deadline, within the reminder lead of 3 days/,
    );
    await stack.settled();
    expect(
      (await hr(stack, 'GET', '/cycles')).body.cycles.filter((c: any) => c.name.startsWith('Ops tight')),
    ).toHaveLength(2);
  });
});
