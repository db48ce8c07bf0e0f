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
  ])('%s type-check cleanly', async (_what, project) => {
    const result = await run(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root }).catch((error: { stdout?: string; code?: number }) => error);
    expect('stdout' in result ? result.stdout : '', 'tsc reported errors').toBe('');
  }, 180_000);
});
