import type { KnipConfig } from 'knip';
import { allFunctions } from './lib/functions.ts';

/**
 * Unused files, exports and dependencies. The Lambda handlers are entry points because lib/functions.ts names
 * them (CDK bundles each one), so they are read from there rather than listed twice.
 */
const config: KnipConfig = {
  entry: [
    ...allFunctions.map((spec) => spec.entry),
    'bin/perfcycle.ts',
    'bin/perfcycle-cli.js',
    'local/start.ts',
    'bench/launch.bench.ts',
    'console/main.js',
  ],
  project: ['bin/**', 'lib/**', 'functions/**', 'local/**', 'cli/**', 'bench/**', 'test/**', 'console/**/*.js'],
};

export default config;
