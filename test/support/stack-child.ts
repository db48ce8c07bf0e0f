import { startLocalStack, type LocalStackOptions } from '../../local/stack.ts';

/**
 * A local stack in a process of its own, for tests that kill it (`kill -9` of its process group) and start
 * it again on the same data: its options come as JSON in PERFCYCLE_STACK_OPTIONS, and it prints one line
 * `READY <json>` with what a client needs once it answers.
 */
const options = JSON.parse(process.env.PERFCYCLE_STACK_OPTIONS ?? '{}') as LocalStackOptions;
const stack = await startLocalStack(options);
console.log(`READY ${JSON.stringify({ apiUrl: stack.apiUrl, hrToken: stack.hrToken })}`);
process.on('SIGTERM', async () => {
  await stack.stop();
  process.exit(0);
});
