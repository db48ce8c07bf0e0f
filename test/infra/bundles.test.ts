import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions, sdkClientCommands } from '../../bench/bundles.ts';
import { allFunctions, upgradeFunctions } from '../../lib/functions.ts';
import { repoRoot } from '../../lib/perfcycle-function.ts';
import { bundleEntries, reachableAccess, type HandlerBundle } from '../support/bundle-access.ts';

/**
 * Each function bundles only the AWS SDK clients it calls (issue 12): every client package in a handler's bundle,
 * built as CDK builds it, brings at least one command the handler sends. A client created or imported where
 * nothing sends through it (a shared module's eager `new XClient()`) would fail here.
 * And each function's declared access (lib/functions.ts) is exactly what its code can reach: nothing it could call
 * is left out (an untested path would meet AccessDenied in AWS), and nothing it never calls is granted. The IAM
 * proof (iam-proof.test.ts) then evaluates every call the tests make against the synthesized policies.
 */
/** The SDK client packages of an output with no command in it. */
const uncalledClients = (output: Metafile['outputs'][string]) =>
  Object.entries(sdkClientCommands(output))
    .filter(([, commands]) => commands.length === 0)
    .map(([pkg]) => pkg);

/** Every function, with the table upgrade's (built only in a stack that needs it, lib/table-upgrade.ts). */
const everyFunction = [...allFunctions, ...Object.values(upgradeFunctions)];

let bundles: Record<string, HandlerBundle>;
beforeAll(async () => {
  bundles = await bundleEntries(Object.fromEntries(everyFunction.map((spec) => [spec.id, spec.entry])));
});

describe('each bundle holds only the SDK clients its handler calls', () => {
  let outputs: Record<string, Metafile['outputs'][string]>;
  beforeAll(() => {
    outputs = Object.fromEntries(Object.entries(bundles).map(([id, bundle]) => [id, bundle.output]));
  });

  it('every function', () => {
    expect(Object.keys(outputs).sort()).toEqual(everyFunction.map((spec) => spec.id).sort());
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
    expect(Object.keys(sdkClientCommands(outputs.CycleLists)).sort()).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/lib-dynamodb',
    ]);
  });

  it('sees a client that is created but sends nothing', async () => {
    const { metafile } = await build({
      ...lambdaBuildOptions,
      stdin: {
        contents: `import { SFNClient } from '@aws-sdk/client-sfn';
export { handler } from './functions/api/cycle-lists.ts';
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

describe('declared access matches what each function can call', () => {
  const sorted = (access: (typeof allFunctions)[number]['access']) => ({
    ...access,
    ...(access.reviewCycle ? { reviewCycle: [...access.reviewCycle].sort() } : {}),
  });

  it.each(everyFunction.map((spec) => [spec.id, spec] as const))('%s', (id, spec) => {
    expect(sorted(spec.access)).toEqual(sorted(reachableAccess(bundles[id])));
  });

  it('sees a write, an index, mail and the workflow where a handler reaches them', () => {
    expect(reachableAccess(bundles.LaunchCycle)).toMatchObject({ table: 'readWrite', reviewCycle: ['start'] });
    expect(reachableAccess(bundles.RunCheckpoint)).toMatchObject({ mail: true, linkSecret: true });
    expect(reachableAccess(bundles.CycleLists)).toEqual({
      table: 'read',
      indexes: ['gsi3', 'gsi5', 'gsi6'],
      linkSecret: true,
    });
    expect(reachableAccess(bundles.Console)).toEqual({});
  });
});
