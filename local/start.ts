import { join } from 'node:path';
import { startLocalStack } from './stack.ts';

/** `npm start`: the whole local stack, data kept in .data/ so a restart carries on where it stopped. */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const dataDir = process.env.PERFCYCLE_DATA_DIR ?? join(process.cwd(), '.data');

const stack = await startLocalStack({
  dataDir,
  apiPort: port('PERFCYCLE_API_PORT', 3000),
  mailPort: port('PERFCYCLE_MAIL_PORT', 8005),
  dynamoPort: port('PERFCYCLE_DYNAMODB_PORT', 8000),
  sfnPort: port('PERFCYCLE_SFN_PORT', 8083),
  orgTimeZone: process.env.PERFCYCLE_TIME_ZONE,
  hrEmail: process.env.PERFCYCLE_HR_EMAIL,
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
