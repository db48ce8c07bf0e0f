import { launchParticipants } from '#services/launch.ts';
import { workflowTask } from '#shared/workflow-task.ts';

export const handler = workflowTask(launchParticipants);
