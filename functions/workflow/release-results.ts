import { releaseResults } from '#cycle/release.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(releaseResults);
