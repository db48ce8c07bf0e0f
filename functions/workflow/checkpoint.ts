import { runCheckpoint } from '#services/checkpoint.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(runCheckpoint);
