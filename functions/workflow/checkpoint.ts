import { runCheckpoint } from '#cycle/checkpoint.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(runCheckpoint);
