import { remindUnacknowledged } from '#services/results.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(remindUnacknowledged);
