import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { FunctionSpec } from '../lib/functions.ts';

const repoRoot = resolve(import.meta.dirname, '..');

/** The esbuild settings of lib/perfcycle-function.ts (ESM, node24, minified, the SDK bundled), without source maps. */
export const lambdaBuildOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  logLevel: 'silent',
};

/**
 * The SDK client packages a bundle holds, and the class each one is used through. `@aws-sdk/lib-dynamodb` counts
 * as a client: the document client wraps the DynamoDB one.
 */
const CLIENT_CLASSES: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/lib-dynamodb': 'DynamoDBDocumentClient',
  '@aws-sdk/client-sesv2': 'SESv2Client',
  '@aws-sdk/client-sfn': 'SFNClient',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
};

/**
 * The `@aws-sdk/client-*` and `@aws-sdk/lib-*` packages with code in one output of a metafile, each with the commands
 * of it the output holds (esbuild keeps only the commands the code sends; a client without any is one nothing calls).
 */
export function sdkClientCommands(output: Metafile['outputs'][string]): Record<string, string[]> {
  const clients: Record<string, string[]> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)\/(.*)$/.exec(input);
    if (!match || bytesInOutput === 0) continue;
    clients[match[1]] ??= [];
    const commands = clients[match[1]];
    const command = /\/commands\/(\w+)Command\.js$/.exec(match[2]);
    if (command && !commands.includes(command[1])) commands.push(command[1]);
  }
  return Object.fromEntries(Object.entries(clients).sort(([a], [b]) => a.localeCompare(b)));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface ImportTime {
  wallMs: number;
  cpuMs: number;
}

/**
 * Milliseconds to import `file` in a fresh Node process (its own module cache, nothing compiled yet): wall clock, and
 * the process's CPU time over the import, which a busy machine disturbs far less.
 */
function coldImport(file: string): ImportTime {
  const script = `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(file)});const w=performance.now()-t,u=process.cpuUsage(c);console.log(w,(u.user+u.system)/1000)`;
  const [wallMs, cpuMs] = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
  return { wallMs, cpuMs };
}

export interface BundleFigures {
  function: string;
  bundleKiB: number;
  /** The SDK client packages the bundle holds. */
  sdkClients: string;
  /** Median cold import of the handler's bundle, wall clock. */
  coldImportMs: number;
  /** Median cold import of a bundle of only those clients' classes, built the same way, wall clock. */
  sdkOnlyMs: number | null;
  ratio: number | null;
  /** The same in CPU time of the importing process. */
  coldImportCpuMs: number;
  sdkOnlyCpuMs: number | null;
  cpuRatio: number | null;
}

/**
 * Builds each function's bundle as CDK would and measures its cold import against a bundle of just the SDK
 * clients it holds: `runs` fresh processes each, alternating the two, median. A function with no client has no
 * baseline. Outputs are written to a temporary folder and removed.
 */
export async function bundleFigures(specs: FunctionSpec[], runs = 5): Promise<BundleFigures[]> {
  const out = mkdtempSync(join(tmpdir(), 'perfcycle-bundles-'));
  const results: BundleFigures[] = [];
  try {
    for (const spec of specs) {
      const file = join(out, `${spec.id}.mjs`);
      const { metafile } = await build({
        ...lambdaBuildOptions,
        entryPoints: [join(repoRoot, spec.entry)],
        outfile: file,
        metafile: true,
      });
      const output = Object.values(metafile.outputs)[0];
      const clients = Object.keys(sdkClientCommands(output));
      let baseline: string | undefined;
      if (clients.length) {
        const source = join(out, `${spec.id}.sdk-only.mjs`);
        // Each class exported, so nothing of the client is shaken off; resolved from the repository's node_modules.
        writeFileSync(
          source,
          clients
            .map((pkg, i) => `export { ${CLIENT_CLASSES[pkg] ?? `default as C${i}`} as C${i} } from '${pkg}';`)
            .join('\n'),
        );
        baseline = join(out, `${spec.id}.sdk-only.bundle.mjs`);
        await build({
          ...lambdaBuildOptions,
          entryPoints: [source],
          outfile: baseline,
          nodePaths: [join(repoRoot, 'node_modules')],
        });
      }
      const handler: ImportTime[] = [];
      const sdkOnly: ImportTime[] = [];
      for (let run = 0; run < runs; run++) {
        handler.push(coldImport(file));
        if (baseline) sdkOnly.push(coldImport(baseline));
      }
      const at = (times: ImportTime[], of: keyof ImportTime) => median(times.map((time) => time[of]));
      const round = (value: number, digits: number) => Number(value.toFixed(digits));
      const baselineFigures = (of: keyof ImportTime) =>
        sdkOnly.length ? [round(at(sdkOnly, of), 1), round(at(handler, of) / at(sdkOnly, of), 2)] : [null, null];
      const [sdkOnlyMs, ratio] = baselineFigures('wallMs');
      const [sdkOnlyCpuMs, cpuRatio] = baselineFigures('cpuMs');
      results.push({
        function: spec.id,
        bundleKiB: Math.round(output.bytes / 1024),
        sdkClients: clients.map((pkg) => pkg.replace(/^@aws-sdk\/(client-)?/, '')).join(' '),
        coldImportMs: round(at(handler, 'wallMs'), 1),
        sdkOnlyMs,
        ratio,
        coldImportCpuMs: round(at(handler, 'cpuMs'), 1),
        sdkOnlyCpuMs,
        cpuRatio,
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return results;
}
