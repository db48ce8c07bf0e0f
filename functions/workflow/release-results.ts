import { releaseResults } from '#services/release.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(releaseResults);
