import { describe, expect, it } from 'vitest';
import { allFunctions } from '../../lib/functions.ts';
import { reachableAccess } from '../support/bundle-access.ts';

/**
 * Each function's declared access (lib/functions.ts) is exactly what its code can reach: nothing it could call
 * is left out (an untested path would meet AccessDenied in AWS), and nothing it never calls is granted.
 * The IAM proof (iam-proof.test.ts) then evaluates every call the tests make against the synthesized policies.
 */
describe('declared access matches what each function can call', () => {
  it.each(allFunctions.map((spec) => [spec.id, spec] as const))('%s', async (_id, spec) => {
    const reachable = await reachableAccess(spec.entry);
    const sorted = (access: typeof spec.access) => ({
      ...access,
      ...(access.reviewCycle ? { reviewCycle: [...access.reviewCycle].sort() } : {}),
    });
    expect(sorted(spec.access)).toEqual(sorted(reachable));
  });

  it('sees a write, an index, mail and the workflow where a handler reaches them', async () => {
    expect(await reachableAccess('functions/api/launch-cycle.ts')).toMatchObject({
      table: 'readWrite',
      reviewCycle: ['start'],
    });
    expect(await reachableAccess('functions/api/list-audit.ts')).toEqual({ table: 'read' });
    expect(await reachableAccess('functions/console/handler.ts')).toEqual({});
  });
});
