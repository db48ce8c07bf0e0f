import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bin = (path: string) => join(root, 'node_modules', path);

/** Runs a tool with this Node; its exit code, not only its output (a tool that cannot start prints nothing either). */
async function tool(script: string, args: string[]) {
  return run(process.execPath, [script, ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).then(
    (done) => ({ code: 0, output: done.stdout + done.stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );
}

/** CI runs `npm test`: these make a type error, a lint or format finding, dead code or a broken layer a red build. */
describe('code shape', () => {
  it.each([
    ['the code, tests and CDK app', '.'],
    ['the HR console modules (checkJs, DOM)', 'console'],
  ])(
    '%s type-check cleanly',
    async (_what, project) => {
      const result = await tool(bin('typescript/bin/tsc'), ['--noEmit', '-p', project]);
      expect(result.code, result.output).toBe(0);
    },
    180_000,
  );

  it('is formatted and lint-clean (Biome: biome.json)', async () => {
    const result = await tool(bin('@biomejs/biome/bin/biome'), ['ci', '--error-on-warnings', '.']);
    expect(result.code, result.output).toBe(0);
  });

  it('has no unused files, exports or dependencies (knip: knip.ts names the handlers from lib/functions.ts)', async () => {
    const result = await tool(bin('knip/bin/knip.js'), ['--no-progress']);
    expect(result.code, result.output).toBe(0);
  }, 120_000);

  it('keeps its layers (dependency-cruiser: .dependency-cruiser.cjs)', async () => {
    const result = await tool(bin('dependency-cruiser/bin/dependency-cruiser.mjs'), [
      '--config',
      '.dependency-cruiser.cjs',
      'functions',
      'lib',
      'cli',
      'local',
      'bin',
      'bench',
      'test',
      'console',
    ]);
    expect(result.code, result.output).toBe(0);
  }, 120_000);
});
