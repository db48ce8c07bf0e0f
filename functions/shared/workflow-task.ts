import middy from '@middy/core';
import * as z from 'zod';
import { observability } from './observability.ts';

const taskInput = z.object({ cycleId: z.string().min(1) });

/** Every review-cycle task takes `{ cycleId, ... }` and returns the step output the machine routes on. */
export function workflowTask<T>(step: (cycleId: string) => Promise<T>) {
  return middy()
    .use(observability({ metrics: true }))
    .handler(async (event: unknown) => step(taskInput.parse(event).cycleId));
}
