import { build } from 'esbuild';
import type { Access, ReviewCycleAction, TableIndex } from '../../lib/functions.ts';
import { repoRoot } from '../../lib/perfcycle-function.ts';

/**
 * What a handler's code can reach, read off its bundle as esbuild tree-shakes it (our code only: packages stay
 * external, so every SDK command named in the output is one our code uses). Expressed as the `Access` it needs.
 */
export async function reachableAccess(entry: string): Promise<Access> {
  const output = await build({
    entryPoints: [repoRoot + entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  // esbuild keeps an external package's import statement even when nothing of it is used: read the code only.
  const code = output.outputFiles[0].text.replace(/^import [^;]* from "[^"]*";$/gm, '');
  // esbuild renames an import that collides with another name by adding digits: PutCommand2.
  const uses = (command: string) => new RegExp(`\\b${command}Command\\d*\\b`).test(code);
  const access: Access = {};
  if (['Put', 'Update', 'Delete', 'BatchWrite', 'TransactWrite'].some(uses)) access.table = 'readWrite';
  else if (['Get', 'Query', 'BatchGet', 'TransactGet', 'Scan'].some(uses)) access.table = 'read';
  const indexes = (['gsi1', 'gsi2', 'gsi3'] as TableIndex[]).filter((index) => code.includes(`"${index}"`));
  if (indexes.length) access.indexes = indexes;
  if (uses('SendEmail')) access.mail = true;
  if (uses('GetSecretValue')) access.linkSecret = true;
  const workflow = (
    [
      ['start', 'StartExecution'],
      ['stop', 'StopExecution'],
      ['describe', 'DescribeExecution'],
    ] as [ReviewCycleAction, string][]
  ).filter(([, command]) => uses(command));
  if (workflow.length) access.reviewCycle = workflow.map(([action]) => action);
  return access;
}
