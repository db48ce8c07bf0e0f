import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { tryPort, type LocalStackOptions } from '../../local/stack.ts';

export interface StackProcess {
  apiUrl: string;
  hrToken: string;
  /** What a crash does: SIGKILL to the stack's whole process group, nothing gets to clean up. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the local stack in its own process group (see stack-child.ts) and waits until it answers. */
export async function spawnStack(
  options: LocalStackOptions &
    Required<Pick<LocalStackOptions, 'dataDir' | 'apiPort' | 'mailPort' | 'dynamoPort' | 'sfnPort'>>,
): Promise<StackProcess> {
  // A crashed stack's ports are free again only once its DynamoDB Local is gone.
  await Promise.all([options.apiPort, options.mailPort, options.dynamoPort, options.sfnPort].map(waitUntilFree));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, 'stack-child.ts')],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PERFCYCLE_STACK_OPTIONS: JSON.stringify(options), POWERTOOLS_LOG_LEVEL: 'ERROR' },
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = await new Promise<{ apiUrl: string; hrToken: string }>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = /READY (.*)\n/.exec(out);
      if (line) done(JSON.parse(line[1]));
    });
    child.once('exit', (code) => fail(new Error(`the stack process exited (${code}) before it was ready`)));
  });
  return {
    ...ready,
    kill9: async () => {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitUntilFree(port: number): Promise<void> {
  for (
    let tries = 0;
    !(await tryPort(port).then(
      () => true,
      () => false,
    ));
    tries++
  ) {
    if (tries > 300) throw new Error(`port ${port} is still taken`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
