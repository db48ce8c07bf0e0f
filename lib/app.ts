import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.ts';
import { PerfcycleStack } from './perfcycle-stack.ts';
import { repoRoot } from './perfcycle-function.ts';

export interface CreateAppOptions {
  /** Context values; they override cdk.json's when run through the CLI (which passes cdk.json itself). */
  context?: Record<string, unknown>;
  /** false skips esbuild for every stack (fast synth for tests and the local runtime). Default true; the CLI equivalent is `-c bundle=false`. */
  bundle?: boolean;
  /** CDK's built-in CloudFormation schema validation; doubles synth time. Default true. */
  validation?: boolean;
}

/**
 * The context in cdk.json, for callers outside the CDK CLI (tests, the local runtime) that want the
 * same defaults: `createApp({ context: { ...cdkJsonContext(), stage: 'prod' } })`.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
}

export function createApp(options: CreateAppOptions = {}): { app: App; stack: PerfcycleStack } {
  const app = new App({ context: options.context, builtinCloudFormationValidation: options.validation ?? true });
  // NodejsFunction skips esbuild for stacks not listed in aws:cdk:bundling-stacks (it then only needs the
  // entry files to exist). The CLI sets that key itself and refuses `-c aws:...`, so the CLI way is
  // `cdk synth -c bundle=false`; set here, after the CLI's context is loaded, it wins.
  const bundleContext: unknown = app.node.tryGetContext('bundle');
  if (options.bundle === false || bundleContext === false || bundleContext === 'false') {
    app.node.setContext('aws:cdk:bundling-stacks', []);
  }
  const config = readConfig(app.node);

  // cdk-nag 3 is a validation plugin: findings fail synth unless acknowledged on the construct.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const stack = new PerfcycleStack(app, 'Perfcycle', {
    stackName: `perfcycle-${config.stage}`,
    description: `perfcycle (${config.stage}): performance review cycles, forms, reminders and escalations`,
    // An explicit env lets synth run without credentials or lookups.
    env: {
      account: stringContext(app, 'account', '111111111111'),
      region: stringContext(app, 'region', 'eu-west-1'),
    },
    config,
  });
  return { app, stack };
}

function stringContext(app: App, key: string, fallback: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`context "${key}" must be a string`);
  return String(value);
}
