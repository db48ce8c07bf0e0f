import { join } from 'node:path';
import { scheduledFunctions } from '../../lib/functions.ts';
import { startSesFaults, type SesFaults } from './ses-faults.ts';
import { freePort } from '../../local/stack.ts';
import { spawnStack, type StackProcess } from './stack-process.ts';
import { tempDir } from './local.ts';

/**
 * Crash runs: the local stack in its own process group, its mail counted by an SES stand-in in this
 * process, `kill -9` of the whole group in the middle of sending, then a restart on the same data. What
 * every participant got is counted per person, outside the stack: lost, duplicated, and how many sends
 * were in flight at most (MAIL_CONCURRENCY).
 */
export interface CrashCount {
  participants: number;
  sentBeforeKill: number;
  delivered: number;
  lost: number;
  duplicated: number;
  seconds: number;
}

const DAY = 86_400_000;
/** A short lease, so the messages a crash left claimed are taken over within seconds, not minutes. */
const LEASE_SECONDS = 3;

function roster(size: number, department: string): string {
  const lines = [
    'employeeId,name,email,managerId,department',
    `${department}-m,${department} Lead,${department}-m@example.com,,${department}`,
  ];
  for (let i = 1; i < size; i++)
    lines.push(`${department}-${i},Person ${i},${department}-${i}@example.com,${department}-m,${department}`);
  return `${lines.join('\n')}\n`;
}

class CrashRun {
  private stack!: StackProcess;
  private readonly dir = tempDir('perfcycle-crash-');
  private ports!: { apiPort: number; mailPort: number; dynamoPort: number; sfnPort: number };

  private constructor(private readonly ses: SesFaults) {}

  static async start(): Promise<CrashRun> {
    const run = new CrashRun(await startSesFaults());
    run.ports = {
      apiPort: await freePort(),
      mailPort: await freePort(),
      dynamoPort: await freePort(),
      sfnPort: await freePort(),
    };
    await run.boot();
    return run;
  }

  private async boot(): Promise<void> {
    this.stack = await spawnStack({
      dataDir: join(this.dir.path, 'data'),
      ...this.ports,
      sesEndpoint: this.ses.url,
      mailTimings: { leaseSeconds: LEASE_SECONDS },
    });
  }

  async api(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.stack.hrToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(payload)}`);
    return payload;
  }

  /** Imports a department of `size` people and launches a cycle for it, due in 14 and 24 days; answers their addresses. */
  async launch(size: number, department: string, name: string): Promise<string[]> {
    await this.api('POST', '/employees/import', { csv: roster(size, department) });
    const now = Date.parse((await this.api('GET', '/local/clock')).now);
    const day = (offset: number) => new Date(now + offset * DAY).toISOString().slice(0, 10);
    await this.api('POST', '/cycles', { name, selfDue: day(14), managerDue: day(24), department });
    return [`${department}-m`, ...Array.from({ length: size - 1 }, (_, i) => `${department}-${i + 1}`)].map(
      (id) => `${id}@example.com`,
    );
  }

  /** Messages whose subject matches, per recipient. */
  counts(subject: RegExp): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.ses.accepted)
      if (subject.test(mail.subject)) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
    return counts;
  }

  async waitFor(done: () => boolean, timeoutMs: number, poke?: () => Promise<unknown>): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > until) throw new Error('timed out waiting for the mail');
      if (poke) await poke();
      await new Promise((resolve) => setTimeout(resolve, poke ? 1000 : 10));
    }
  }

  /**
   * Kills the stack's process group once `sent()` reaches `killAt`, restarts it, and lets the scheduled
   * flusher run until `complete`; answers `sent()` at the kill.
   */
  async crashAndRecover(sent: () => number, killAt: number, complete: () => boolean): Promise<number> {
    await this.waitFor(() => sent() >= killAt, 240_000);
    await this.stack.kill9();
    const sentBeforeKill = sent();
    await this.boot();
    // The clock passes the flusher's next run each time; the leases of the killed sends run out meanwhile.
    const pastNextFlush = `${scheduledFunctions.flushOutboxes.everyMinutes + 1}m`;
    await this.waitFor(complete, 240_000, () => this.api('POST', '/local/clock/advance', { duration: pastNextFlush }));
    return sentBeforeKill;
  }

  async close(): Promise<void> {
    await this.stack?.stop();
    await this.ses.close();
    this.dir.remove();
  }
}

function tally(
  participants: string[],
  counts: Map<string, number>,
  sentBeforeKill: number,
  started: number,
): CrashCount {
  const got = participants.map((to) => counts.get(to) ?? 0);
  return {
    participants: participants.length,
    sentBeforeKill,
    delivered: got.filter((n) => n > 0).length,
    lost: got.filter((n) => n === 0).length,
    duplicated: got.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** kill -9 in the middle of a launch's invitations, then a restart. */
export async function crashDuringLaunch(size: number): Promise<CrashCount> {
  const run = await CrashRun.start();
  try {
    const started = performance.now();
    const people = await run.launch(size, 'Launch', 'Crash at launch');
    const invitations = () => run.counts(/self-assessment is open/);
    const sentBeforeKill = await run.crashAndRecover(
      () => invitations().size,
      size * 0.4,
      () => people.every((to) => invitations().has(to)),
    );
    return tally(people, invitations(), sentBeforeKill, started);
  } finally {
    await run.close();
  }
}

/** kill -9 in the middle of the checkpoint that reminds everyone of the self-assessment, then a restart. */
export async function crashDuringReminders(size: number): Promise<CrashCount> {
  const run = await CrashRun.start();
  try {
    const people = await run.launch(size, 'Remind', 'Crash mid-checkpoint');
    await run.waitFor(() => run.counts(/self-assessment is open/).size === size, 240_000);
    await run.api('POST', '/local/clock/advance', { duration: '10d' });
    const started = performance.now();
    // The reminder falls due three days before the deadline: this advance is cut short by the kill.
    void run.api('POST', '/local/clock/advance', { duration: '2d' }).catch(() => undefined);
    const reminders = () => run.counts(/^Reminder: /);
    const sentBeforeKill = await run.crashAndRecover(
      () => reminders().size,
      size * 0.4,
      () => people.every((to) => reminders().has(to)),
    );
    return tally(people, reminders(), sentBeforeKill, started);
  } finally {
    await run.close();
  }
}
