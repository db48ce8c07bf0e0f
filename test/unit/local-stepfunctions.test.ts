import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/stepfunctions.ts';

/** The local runner, on a one-task machine: what a test that stops an execution and then settles may rely on. */
const blueprint = {
  definition: {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:local:0:function:work', End: true } },
  },
  taskFunctions: {},
};

describe('the local Step Functions runner', () => {
  it('settles only once the task of a stopped execution has ended, as a Lambda runs on after StopExecution', async () => {
    let finished = false;
    const runner = new LocalStepFunctions(
      'm',
      blueprint,
      {
        Work: async () => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          finished = true;
          return {};
        },
      },
      Date.now,
    );
    const execution = runner.start('e1', {});
    // Let the task begin, then stop the execution under it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    runner.stop(execution.executionArn);
    await runner.settled();
    expect(execution.status).toBe('ABORTED');
    expect(finished).toBe(true);
  });
});
