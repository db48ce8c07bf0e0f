import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { upgradeStep } from '#services/upgrade.ts';
import { observability } from '#shared/observability.ts';
import { upgradeProperties } from './upgrade-properties.ts';

/** Leaves five minutes of the function's fifteen (and of the framework's call of it) for the page in flight. */
const BUDGET_MS = 10 * 60_000;

/** Asked by the provider framework every half minute until it answers complete (lib/table-upgrade.ts). */
export const handler = middy<CloudFormationCustomResourceEvent>()
  .use(observability())
  .handler(async (event: CloudFormationCustomResourceEvent) => {
    if (event.RequestType === 'Delete') return { IsComplete: true };
    const { pass, indexes } = upgradeProperties(event.ResourceProperties);
    const step = await upgradeStep(event.RequestId, pass, indexes, BUDGET_MS);
    return step.complete
      ? { IsComplete: true, Data: { Scanned: step.scanned, Rewritten: step.rewritten } }
      : { IsComplete: false };
  });
