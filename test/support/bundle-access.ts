import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { lambdaBuildOptions, sdkClientCommands } from '../../bench/bundles.ts';
import { GSI_NAMES } from '../../lib/data.ts';
import type { Access, ReviewCycleAction } from '../../lib/functions.ts';
import { repoRoot } from '../../lib/perfcycle-function.ts';

/** One handler's bundle as CDK builds it (not minified): the metafile's account of it and its code. */
export interface HandlerBundle {
  output: Metafile['outputs'][string];
  code: string;
}

/** Every entry (id -> path from the repository root) bundled in one esbuild run. */
export async function bundleEntries(entries: Record<string, string>): Promise<Record<string, HandlerBundle>> {
  const { metafile, outputFiles } = await build({
    ...lambdaBuildOptions,
    minify: false,
    entryPoints: Object.entries(entries).map(([id, entry]) => ({ in: entry, out: id })),
    outdir: join(repoRoot, 'cdk.out', 'bundles-test'),
    write: false,
    metafile: true,
    absWorkingDir: repoRoot,
  });
  const idOf = new Map(Object.entries(entries).map(([id, entry]) => [entry, id]));
  const codeOf = new Map(outputFiles.map((file) => [file.path, file.text]));
  return Object.fromEntries(
    Object.entries(metafile.outputs).flatMap(([path, output]) => {
      const id = output.entryPoint && idOf.get(output.entryPoint);
      return id ? [[id, { output, code: codeOf.get(join(repoRoot, path)) ?? '' }]] : [];
    }),
  );
}

const TABLE_WRITES = ['Put', 'Update', 'Delete', 'BatchWrite', 'TransactWrite'];
const TABLE_READS = ['Get', 'Query', 'BatchGet', 'TransactGet', 'Scan'];
const REVIEW_CYCLE_COMMANDS: [ReviewCycleAction, string][] = [
  ['start', 'StartExecution'],
  ['stop', 'StopExecution'],
  ['describe', 'DescribeExecution'],
];

/**
 * What a handler's code can reach, as the `Access` it needs: the SDK commands esbuild kept in its bundle (it keeps
 * only those the code sends) and the index names its code queries.
 */
export function reachableAccess({ output, code }: HandlerBundle): Access {
  const commands = sdkClientCommands(output);
  const table = commands['@aws-sdk/lib-dynamodb'] ?? [];
  const sends = (pkg: string, command: string) => (commands[pkg] ?? []).includes(command);
  const access: Access = {};
  if (TABLE_WRITES.some((command) => table.includes(command))) access.table = 'readWrite';
  else if (TABLE_READS.some((command) => table.includes(command))) access.table = 'read';
  const indexes = GSI_NAMES.filter((index) => code.includes(`"${index}"`));
  if (indexes.length) access.indexes = [...indexes];
  if (sends('@aws-sdk/client-sesv2', 'SendEmail')) access.mail = true;
  if (sends('@aws-sdk/client-secrets-manager', 'GetSecretValue')) access.linkSecret = true;
  const schema = commands['@aws-sdk/client-dynamodb'] ?? [];
  if (['DescribeTable', 'UpdateTable'].some((command) => schema.includes(command))) access.tableUpgrade = true;
  const workflow = REVIEW_CYCLE_COMMANDS.filter(([, command]) => sends('@aws-sdk/client-sfn', command));
  if (workflow.length) access.reviewCycle = workflow.map(([action]) => action);
  return access;
}
