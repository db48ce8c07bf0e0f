import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** CI runs the tests, not the type checker: this makes a type error in any project a red build. */
describe('type check', () => {
  it.each([
    ['the code, tests and CDK app', '.'],
    ['the HR console script (checkJs, DOM)', 'console'],
  ])(
    '%s type-check cleanly',
    async (_what, project) => {
      // The exit code, not only the output: a tsc that cannot start prints nothing on stdout either.
      const result = await run(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root }).then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
          code: error.code ?? -1,
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }),
      );
      expect(result.stdout, 'tsc reported errors').toBe('');
      expect(result.code, `tsc exited with ${result.code}: ${result.stderr}`).toBe(0);
    },
    180_000,
  );
});
