import middy from '@middy/core';
import { resumeStalledCycles } from '#services/steer.ts';
import { observability } from '#shared/observability.ts';

/** The daily machine's last task: every active cycle whose workflow failed, stopped or is gone gets a new execution. */
export const handler = middy()
  .use(observability())
  .handler(async () => resumeStalledCycles());
