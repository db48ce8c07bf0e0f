import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions, sdkClientCommands } from '../../bench/bundles.ts';
import { allFunctions } from '../../lib/functions.ts';

/**
 * Each function bundles only the AWS SDK clients it calls (issue 12): every client package in a handler's bundle,
 * built as CDK builds it, brings at least one command the handler sends. A client created or imported where
 * nothing sends through it (a shared module's eager `new XClient()`) would fail here.
 * Which clients a function may call at all is its declared access (lib/functions.ts), checked elsewhere.
 */
const repoRoot = resolve(import.meta.dirname, '../..');

/** One esbuild run for every entry (not minified: the same modules, sooner), its metafile output per entry. */
async function bundleOutputs(entries: Record<string, string>): Promise<Record<string, Metafile['outputs'][string]>> {
  const { metafile } = await build({
    ...lambdaBuildOptions,
    minify: false,
    entryPoints: Object.entries(entries).map(([id, entry]) => ({ in: entry, out: id })),
    outdir: join(repoRoot, 'cdk.out', 'bundles-test'),
    write: false,
    metafile: true,
    absWorkingDir: repoRoot,
  });
  const idOf = new Map(Object.entries(entries).map(([id, entry]) => [entry, id]));
  return Object.fromEntries(
    Object.values(metafile.outputs).flatMap((output) => {
      const id = output.entryPoint && idOf.get(output.entryPoint);
      return id ? [[id, output]] : [];
    }),
  );
}

/** The SDK client packages of an output with no command in it. */
const uncalledClients = (output: Metafile['outputs'][string]) =>
  Object.entries(sdkClientCommands(output))
    .filter(([, commands]) => commands.length === 0)
    .map(([pkg]) => pkg);

describe('each bundle holds only the SDK clients its handler calls', () => {
  let outputs: Record<string, Metafile['outputs'][string]>;
  beforeAll(async () => {
    outputs = await bundleOutputs(Object.fromEntries(allFunctions.map((spec) => [spec.id, spec.entry])));
  });

  it('every function', () => {
    expect(Object.keys(outputs).sort()).toEqual(allFunctions.map((spec) => spec.id).sort());
    const uncalled = Object.fromEntries(
      Object.entries(outputs)
        .map(([id, output]) => [id, uncalledClients(output)] as const)
        .filter(([, clients]) => clients.length),
    );
    expect(uncalled).toEqual({});
  });

  it('reads the commands a bundle sends, per client', () => {
    expect(sdkClientCommands(outputs.GetCycle)).toMatchObject({
      '@aws-sdk/client-sfn': ['DescribeExecution'],
    });
    expect(sdkClientCommands(outputs.Console)).toEqual({});
    expect(Object.keys(sdkClientCommands(outputs.ListAudit))).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/lib-dynamodb',
    ]);
  });

  it('sees a client that is created but sends nothing', async () => {
    const { metafile } = await build({
      ...lambdaBuildOptions,
      stdin: {
        contents: `import { SFNClient } from '@aws-sdk/client-sfn';
export { handler } from './functions/api/list-audit.ts';
export const sfn = new SFNClient({});`,
        resolveDir: repoRoot,
        sourcefile: 'eager-client.ts',
        loader: 'ts',
      },
      write: false,
      metafile: true,
      outfile: join(repoRoot, 'cdk.out', 'bundles-test', 'eager-client.mjs'),
    });
    expect(uncalledClients(Object.values(metafile.outputs)[0])).toEqual(['@aws-sdk/client-sfn']);
  });
});
