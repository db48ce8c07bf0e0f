import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { upgradeStep } from '#services/upgrade.ts';
import { observability } from '#shared/observability.ts';
import { upgradeProperties } from './upgrade-properties.ts';

/**
 * A step's work: well inside the function's fifteen minutes, and short, so that what a step does after CloudFormation
 * gave up on the resource (the framework's own limit comes first, lib/table-upgrade.ts) is little.
 */
const BUDGET_MS = 5 * 60_000;

/** Asked by the provider framework every half minute until it answers complete (lib/table-upgrade.ts). */
export const handler = middy<CloudFormationCustomResourceEvent>()
  .use(observability())
  .handler(async (event: CloudFormationCustomResourceEvent) => {
    if (event.RequestType === 'Delete') return { IsComplete: true };
    const { pass, indexes, drainSeconds } = upgradeProperties(event.ResourceProperties);
    const step = await upgradeStep(event.RequestId, { pass, indexes, drainMs: drainSeconds * 1000 }, BUDGET_MS);
    return step.complete
      ? { IsComplete: true, Data: { Scanned: step.scanned, Rewritten: step.rewritten } }
      : { IsComplete: false };
  });
