import middy from '@middy/core';
import { sendPraiseDigests } from '#services/feedback.ts';
import { observability } from '#shared/observability.ts';

/** The daily machine's second task: the weekly recognition digests (a no-op on the other days of the week). */
export const handler = middy()
  .use(observability({ metrics: true }))
  .handler(async () => sendPraiseDigests());
