import { launchParticipants } from '#cycle/launch.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(launchParticipants);
