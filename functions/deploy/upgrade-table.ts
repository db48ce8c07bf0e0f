import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { observability } from '#shared/observability.ts';
import { upgradeProperties } from './upgrade-properties.ts';

/**
 * The table upgrade's custom resource, as CloudFormation creates, updates or deletes it: the work happens in its
 * steps (upgrade-table-step.ts), which the provider framework runs until done. A delete leaves the table as it is.
 */
export const handler = middy<CloudFormationCustomResourceEvent>()
  .use(observability())
  .handler(async (event: CloudFormationCustomResourceEvent) => {
    // A delete (a rollback's too) answers the id it was given, whatever the properties: the framework refuses another.
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    const { pass } = upgradeProperties(event.ResourceProperties);
    return { PhysicalResourceId: event.RequestType === 'Update' ? event.PhysicalResourceId : `table-upgrade-${pass}` };
  });
