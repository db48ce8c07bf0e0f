import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const IAM_PROOF = 'test/infra/iam-proof.test.ts';

export default defineConfig({
  test: {
    // Integration and browser tests each start their own local stack (DynamoDB Local is a JVM): two at a time fits a 2-core machine.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Every local stack of this run records its functions' SDK calls here; the IAM proof, run last, evaluates them all.
    env: { PERFCYCLE_IAM_CALLS: join(tmpdir(), `perfcycle-iam-calls-${process.pid}`) },
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [IAM_PROOF], sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'iam-proof', include: [IAM_PROOF], sequence: { groupOrder: 1 } } },
    ],
  },
});
