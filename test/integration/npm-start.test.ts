import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort, tryPort } from '../../local/stack.ts';
import { tempDir } from '../support/local.ts';

/**
 * `npm start` as a person runs it in a terminal: local/start.ts in a process group of its own, with its
 * data in a temporary folder. Whatever stops it, nothing it started outlives it; it starts nothing when
 * one of its ports is taken.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PORT_VARIABLES = [
  'PERFCYCLE_API_PORT',
  'PERFCYCLE_MAIL_PORT',
  'PERFCYCLE_DYNAMODB_PORT',
  'PERFCYCLE_SFN_PORT',
] as const;

const freePorts = () => Promise.all(PORT_VARIABLES.map(() => freePort()));

/** A process as /proc/<pid>/stat tells it, unless it is gone (a zombie is gone: it only waits to be reaped). */
function processInfo(pid: number): { pid: number; ppid: number; command: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')'); // the command name may itself hold spaces and parentheses
    const [state, ppid] = stat.slice(end + 2).split(' ');
    return state === 'Z' ? undefined : { pid, ppid: Number(ppid), command: stat.slice(stat.indexOf('(') + 1, end) };
  } catch {
    return undefined;
  }
}

/** Every live process below `pid`. */
function descendants(pid: number): { pid: number; command: string }[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => processInfo(Number(name)) ?? []);
  const below = (parent: number): { pid: number; command: string }[] =>
    all.filter((p) => p.ppid === parent).flatMap((p) => [p, ...below(p.pid)]);
  return below(pid);
}

/** The local addresses listening on a TCP port, as /proc/net/tcp and tcp6 give them (what `ss -ltn` reads). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => fields[1].split(':')[0]),
  );
}
const LOOPBACK = '0100007F'; // 127.0.0.1, as /proc prints it

/**
 * Runs a TypeScript entry point on this Node, as `npm start` does, in a process group of its own; the test's
 * end kills whatever of it is left.
 */
function launch(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  onTestFinished(() => {
    // A failed test must not leave a stack behind either.
    for (const left of [...descendants(pid), { pid }]) {
      try {
        process.kill(left.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; stderr: string }>((done) =>
    child.once('exit', (code) => done({ code, stderr })),
  );
  const printed = async (text: string) => {
    const deadline = Date.now() + 90_000;
    while (!stdout.includes(text)) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${(await exit).stderr}`);
      if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not print "${text}" within 90 s: ${stderr}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  };
  return { pid, exit, printed, stdout: () => stdout };
}

/** `npm start` with these values for the four port variables and its data in a temporary folder. */
function npmStart(portValues: (number | string)[]) {
  const dir = tempDir('perfcycle-npm-start-');
  onTestFinished(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  const ports = Object.fromEntries(PORT_VARIABLES.map((name, i) => [name, String(portValues[i])]));
  return { ...launch(['local/start.ts'], { PERFCYCLE_DATA_DIR: dataDir, ...ports }), dataDir };
}

/** Waits until none of these processes is alive any more, and says which still are. */
async function survivors(processes: { pid: number; command: string }[]) {
  const deadline = Date.now() + 15_000;
  while (processes.some((p) => processInfo(p.pid)) && Date.now() < deadline)
    await new Promise((done) => setTimeout(done, 100));
  return processes.filter((p) => processInfo(p.pid));
}

describe('npm start', () => {
  const stops: [string, (pid: number) => void][] = [
    ['Ctrl+C in its terminal (SIGINT to the process group)', (pid) => process.kill(-pid, 'SIGINT')],
    ['SIGTERM to the node process', (pid) => process.kill(pid, 'SIGTERM')],
  ];
  it.for(stops)(
    'listens on 127.0.0.1 only and, stopped by %s, leaves no process behind and frees every port',
    async ([, stop]) => {
      const ports = await freePorts();
      const started = npmStart(ports);
      await started.printed('Press Ctrl+C to stop.');
      const children = descendants(started.pid);
      expect(children.map((child) => child.command)).toContain('java');
      for (const port of ports) expect(listeners(port), `port ${port}`).toEqual([LOOPBACK]);

      stop(started.pid);
      expect((await started.exit).code).toBe(0);
      expect(await survivors(children)).toEqual([]);
      for (const port of ports) await expect(tryPort(port)).resolves.toBe(port);
    },
  );

  it('ends DynamoDB Local with the process that started it, even one killed outright (SIGKILL) with no chance to clean up', async () => {
    const port = await freePort();
    const script = `const { startDynamo } = await import('./local/dynamodb.ts'); await startDynamo({ port: ${port} }); console.log('listening');`;
    const started = launch(['--input-type=module', '-e', script]);
    await started.printed('listening');
    const java = descendants(started.pid).filter((child) => child.command === 'java');
    expect(java).toHaveLength(1);

    process.kill(started.pid, 'SIGKILL');
    await started.exit;
    expect(await survivors(java)).toEqual([]);
    await expect(tryPort(port)).resolves.toBe(port);
  });

  it('refuses to start when any of its ports is taken, naming each port and the variable that moves it, and starts nothing', async () => {
    const ports = await freePorts();
    // Taken on every interface, as another checkout's DynamoDB Local takes its port.
    const others = ports.map(() => createServer());
    await Promise.all(others.map((other, i) => new Promise<void>((done) => other.listen(ports[i], done))));
    try {
      const started = npmStart(ports);
      const { code, stderr } = await started.exit;
      expect(code).toBe(1);
      expect(stderr).toContain('perfcycle: cannot start, so nothing was started');
      for (const [i, variable] of PORT_VARIABLES.entries())
        expect(stderr).toContain(
          `port ${ports[i]} is already in use (another perfcycle \`npm start\`?): stop what uses it, or set ${variable} to a free port`,
        );
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(started.stdout()).toBe('');
      expect(existsSync(started.dataDir)).toBe(false);
    } finally {
      await Promise.all(others.map((other) => new Promise((done) => other.close(done))));
    }
  });

  it('refuses two variables on one port and a value that is not a port', async () => {
    const [api, mail, , sfn] = await freePorts();
    const started = npmStart([api, mail, mail, `${sfn}x`]);
    const { code, stderr } = await started.exit;
    expect(code).toBe(1);
    expect(stderr).toContain(
      `PERFCYCLE_MAIL_PORT and PERFCYCLE_DYNAMODB_PORT are both ${mail}: give each its own port`,
    );
    expect(stderr).toContain(`PERFCYCLE_SFN_PORT=${sfn}x is not a port number (1-65535)`);
    expect(existsSync(started.dataDir)).toBe(false);
  });
});
