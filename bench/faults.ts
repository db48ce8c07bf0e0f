import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { crashDuringLaunch, crashDuringReminders, type CrashCount } from '../test/support/crash.ts';
import { startSesFaults, type SesFaults } from '../test/support/ses-faults.ts';

/**
 * `npm run bench -- --faults [--json]`: what reaches people when things go wrong. For each SES fault, a
 * 300-person launch behind an SES stand-in with that fault, then SES heals and the scheduled flusher runs:
 * delivered, lost, duplicated and permanently failed per person. Then concurrent API calls that each queue
 * mail, a cancel racing a launch, and kill -9 of the stack in the middle of a 2,000-person launch and of a
 * reminder checkpoint.
 */
const SIZE = 300;
const DAY = 86_400_000;
const MINUTE = 60_000;

interface Outcome {
  delivered: number;
  lost: number;
  duplicated: number;
  permanentlyFailed: number;
}

interface Fault {
  name: string;
  inject(faults: SesFaults, people: string[]): Promise<void> | void;
  /** The fault outlasts SES healing (a recipient SES fails for good). */
  forGood?: boolean;
}

const FAULTS: Fault[] = [
  { name: 'SES refuses connections', inject: (faults) => faults.refuse() },
  {
    name: 'SES answers 500 for 3 recipients, for good',
    inject: (faults, people) => faults.failFor(people.slice(0, 3), { status: 500, type: 'InternalFailure' }),
    forGood: true,
  },
  {
    name: 'SES rejects 3 recipients (MessageRejected)',
    inject: (faults, people) => faults.failFor(people.slice(3, 6), { status: 400, type: 'MessageRejected' }),
  },
  { name: 'SES throttles 70 % of calls', inject: (faults) => faults.throttle(0.7) },
  { name: 'SES hangs', inject: (faults) => faults.hang() },
];

function roster(): string {
  const lines = ['employeeId,name,email,managerId,department'];
  FAULTS.forEach((_, f) => {
    lines.push(`f${f}-m,Lead ${f},f${f}-m@example.com,,F${f}`);
    for (let i = 1; i < SIZE; i++) lines.push(`f${f}-${i},Person ${f}-${i},f${f}-${i}@example.com,f${f}-m,F${f}`);
  });
  lines.push(
    'tm,Tara Lead,tm@example.com,,Team',
    ...[1, 2, 3, 4].map((i) => `t${i},Teammate ${i},t${i}@example.com,tm,Team`),
  );
  lines.push(
    'cm,Cancel Lead,cm@example.com,,Cancelled',
    ...Array.from({ length: SIZE - 1 }, (_, i) => `c${i},Cancel ${i},c${i}@example.com,cm,Cancelled`),
  );
  return lines.join('\n');
}

async function hr(stack: LocalStack, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await response.json()) as any;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(payload)}`);
  return payload;
}

/** Per person: how many messages whose subject matches reached them since `since` (an index into the stand-in's log). */
function outcome(
  faults: SesFaults,
  people: string[],
  subject: RegExp,
  since: number,
  permanentlyFailed: number,
): Outcome {
  const counts = new Map<string, number>();
  for (const mail of faults.accepted.slice(since))
    if (subject.test(mail.subject)) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  const got = people.map((to) => counts.get(to) ?? 0);
  return {
    delivered: got.filter((n) => n > 0).length,
    lost: got.filter((n) => n === 0).length - permanentlyFailed,
    duplicated: got.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    permanentlyFailed,
  };
}

async function failedMails(stack: LocalStack, cycleId: string): Promise<number> {
  const { events } = await hr(stack, 'GET', `/cycles/${cycleId}/audit`);
  return (events as { action: string; details?: { kind?: string } }[]).filter(
    (event) => event.action === 'mail-failed' && event.details?.kind === 'invitation',
  ).length;
}

async function faultCases(stack: LocalStack, faults: SesFaults) {
  const rows = [];
  for (const [f, fault] of FAULTS.entries()) {
    const people = [`f${f}-m`, ...Array.from({ length: SIZE - 1 }, (_, i) => `f${f}-${i + 1}`)].map(
      (id) => `${id}@example.com`,
    );
    const since = faults.accepted.length;
    await fault.inject(faults, people);
    const now = stack.clock.now();
    const day = (offset: number) => new Date(now + offset * DAY).toISOString().slice(0, 10);
    const started = performance.now();
    const { cycleId } = await hr(stack, 'POST', '/cycles', {
      name: `Fault ${f}`,
      selfDue: day(14),
      managerDue: day(24),
      department: `F${f}`,
    });
    await stack.settled();
    const atLaunch = outcome(faults, people, /self-assessment is open/, since, 0).delivered;
    const launchMs = performance.now() - started;
    const { phase } = await hr(stack, 'GET', `/cycles/${cycleId}`);
    // SES heals after 30 minutes (but for what fails for good); the scheduled flusher runs every 5, and what kept failing is given up after a day.
    await stack.advance(30 * MINUTE);
    faults.heal();
    await faults.accept().catch(() => undefined);
    if (fault.forGood) await fault.inject(faults, people);
    for (let hour = 0; hour < 26; hour++) await stack.advance(60 * MINUTE);
    await stack.settled();
    faults.heal();
    rows.push({
      fault: fault.name,
      launchSeconds: Math.round(launchMs / 100) / 10,
      deliveredAtLaunch: atLaunch,
      phaseAfterLaunch: phase,
      ...outcome(faults, people, /self-assessment is open/, since, await failedMails(stack, cycleId)),
    });
  }
  return rows;
}

async function concurrencyCases(stack: LocalStack, faults: SesFaults) {
  const team = ['tm', 't1', 't2', 't3', 't4'].map((id) => `${id}@example.com`);
  const since = faults.accepted.length;
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      hr(stack, 'POST', '/feedback', { from: `t${(i % 3) + 2}`, to: 't1', kind: 'praise', text: `Thanks #${i}` }),
    ),
  );
  await stack.settled();
  const praise = faults.accepted.slice(since).filter((mail) => team.includes(mail.to)).length;
  const beforeGoals = faults.accepted.length;
  const due = new Date(stack.clock.now() + 30 * DAY).toISOString().slice(0, 10);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      hr(stack, 'POST', `/employees/t${(i % 4) + 1}/goals`, { title: `Goal ${i}`, due, weight: 5 }),
    ),
  );
  await stack.settled();
  const goals = faults.accepted.slice(beforeGoals).filter((mail) => team.includes(mail.to)).length;

  const people = ['cm', ...Array.from({ length: SIZE - 1 }, (_, i) => `c${i}`)].map((id) => `${id}@example.com`);
  const beforeCancel = faults.accepted.length;
  faults.slow(40);
  const now = stack.clock.now();
  const day = (offset: number) => new Date(now + offset * DAY).toISOString().slice(0, 10);
  const { cycleId } = await hr(stack, 'POST', '/cycles', {
    name: 'Cancelled while launching',
    selfDue: day(14),
    managerDue: day(24),
    department: 'Cancelled',
  });
  while (!faults.accepted.slice(beforeCancel).length) await new Promise((done) => setTimeout(done, 10));
  await hr(stack, 'POST', `/cycles/${cycleId}/cancel`, {});
  await stack.settled();
  await stack.advance(10 * MINUTE);
  faults.heal();
  const notes = outcome(faults, people, /has been cancelled/, beforeCancel, 0);
  const invitations = outcome(faults, people, /self-assessment is open/, beforeCancel, 0);
  return [
    { case: '10 concurrent praise posts (5 recipients each)', expected: 50, delivered: praise },
    { case: '10 concurrent goal adds', expected: 10, delivered: goals },
    {
      case: 'cancel racing a 300-person launch: cancellation notes',
      expected: SIZE,
      delivered: notes.delivered,
      duplicated: notes.duplicated,
    },
    {
      case: 'cancel racing a 300-person launch: invitations sent before the cancel',
      expected: '0..300',
      delivered: invitations.delivered,
      duplicated: invitations.duplicated,
    },
  ];
}

/** Runs every case; prints the tables unless `asJson`, and answers the figures. */
export async function faultsBench(asJson: boolean, log: (text: string) => void) {
  const faults = await startSesFaults();
  const stack = await startLocalStack({ sesEndpoint: faults.url, mailTimings: { sendTimeoutMs: 3000 } });
  faults.forwardTo(stack.mailUrl);
  let sesFaults: Awaited<ReturnType<typeof faultCases>>;
  let concurrency: Awaited<ReturnType<typeof concurrencyCases>>;
  try {
    await hr(stack, 'POST', '/employees/import', { csv: roster() });
    log('300-person launches under SES faults...');
    sesFaults = await faultCases(stack, faults);
    log('concurrent API calls and a cancel racing a launch...');
    concurrency = await concurrencyCases(stack, faults);
  } finally {
    await stack.stop();
    await faults.close();
  }
  log('kill -9 in the middle of a 2,000-person launch...');
  const crashes: (CrashCount & { run: string })[] = [
    { run: 'kill -9 mid-launch (2,000 invitations)', ...(await crashDuringLaunch(2000)) },
  ];
  log('kill -9 in the middle of a 2,000-person reminder checkpoint...');
  crashes.push({ run: 'kill -9 mid-checkpoint (2,000 reminders)', ...(await crashDuringReminders(2000)) });
  const figures = { sesFaults, concurrency, crashes };
  if (asJson) return figures;
  console.log('\n300-person launch under each SES fault; SES heals after 30 minutes, the flusher runs for a day');
  console.table(sesFaults);
  console.log('Concurrent API calls that queue mail');
  console.table(concurrency);
  console.log('kill -9 of the stack in the middle of sending, then a restart (sends in flight at most: 16)');
  console.table(crashes);
  return figures;
}
