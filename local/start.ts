import { join } from 'node:path';
import { startLocalStack, tryPort } from './stack.ts';

/** `npm start`: the whole local stack, data kept in .data/ so a restart carries on where it stopped. */
const dataDir = process.env.PERFCYCLE_DATA_DIR ?? join(process.cwd(), '.data');
const ports = (
  [
    ['PERFCYCLE_API_PORT', 3000],
    ['PERFCYCLE_MAIL_PORT', 8005],
    ['PERFCYCLE_DYNAMODB_PORT', 8000],
    ['PERFCYCLE_SFN_PORT', 8083],
  ] as const
).map(([variable, fallback]) => {
  const text = process.env[variable] ?? String(fallback);
  return { variable, text, port: Number(text) };
});

/**
 * Every port is checked before anything starts, and every problem named at once: a port already taken (most
 * often by the perfcycle of another checkout) would otherwise fail the start half-way, one port at a time.
 */
async function portProblems(): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, { variable, text, port }] of ports.entries()) {
    const sharing = ports.find((other, otherIndex) => otherIndex < index && other.port === port);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535)
      problems.push(`${variable}=${text} is not a port number (1-65535)`);
    else if (sharing) problems.push(`${sharing.variable} and ${variable} are both ${port}: give each its own port`);
    else {
      await tryPort(port).catch((error: NodeJS.ErrnoException) =>
        problems.push(
          error.code === 'EADDRINUSE'
            ? `port ${port} is already in use (another perfcycle \`npm start\`?): stop what uses it, or set ${variable} to a free port`
            : `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}): set ${variable} to another port`,
        ),
      );
    }
  }
  return problems;
}

const sendRate = process.env.PERFCYCLE_SES_MAX_SEND_RATE;
const sendRateProblems =
  sendRate !== undefined && (!/^\d+$/.test(sendRate) || Number(sendRate) > 10_000)
    ? [`PERFCYCLE_SES_MAX_SEND_RATE=${sendRate} is not a whole number of emails per second from 0 (no limit) to 10000`]
    : [];
const problems = [...sendRateProblems, ...(await portProblems())];
if (problems.length) {
  console.error(
    `perfcycle: cannot start, so nothing was started:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );
  process.exit(1);
}

const [apiPort, mailPort, dynamoPort, sfnPort] = ports.map(({ port }) => port);
const stack = await startLocalStack({
  dataDir,
  apiPort,
  mailPort,
  dynamoPort,
  sfnPort,
  orgTimeZone: process.env.PERFCYCLE_TIME_ZONE,
  orgName: process.env.PERFCYCLE_ORG_NAME,
  hrEmail: process.env.PERFCYCLE_HR_EMAIL,
  sesMaxSendRate: sendRate === undefined ? undefined : Number(sendRate),
});

console.log(`perfcycle local stack is running
  Console    ${stack.apiUrl}/console#token=${encodeURIComponent(stack.hrToken)}   (HR console, signed in)
  API        ${stack.apiUrl}
  Mailbox    ${stack.mailUrl}   (every email sent, as a participant gets it)
  DynamoDB   ${stack.dynamoEndpoint}
  Data       ${dataDir}
  Clock      ${new Date(stack.clock.now()).toISOString()}
  HR token   ${stack.hrToken}   (the CLI reads it from ${join(dataDir, 'hr-token')})
Press Ctrl+C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
