import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeBlueprint, type MachineBlueprint } from '../../local/template.ts';

/**
 * What the synthesized retriers do with a failing step, run by the same engine as the local stack: a fault
 * that passes is ridden out, one that does not ends the execution in Failed with the step's error, after a
 * bounded number of tries. The intervals are the infra test's business; here they are set to 0 to keep it fast.
 */
describe('retries of a failing workflow step', () => {
  let reviewCycle: MachineBlueprint;

  beforeAll(() => {
    reviewCycle = synthesizeBlueprint().machines['review-cycle'];
  }, 60_000);

  /** Runs the review-cycle machine with a Launch step that throws its first `failures` calls, then ends the cycle. */
  async function launchFailing(failures: number) {
    let calls = 0;
    const launch = async (input: { cycleId: string }) => {
      calls++;
      if (calls <= failures) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { cycleId: input.cycleId, phase: 'CANCELLED', nextCheckAt: new Date().toISOString() };
    };
    const machine = new StateMachine(reviewCycle.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
    const run = machine.run({ cycleId: 'cyc_0000000000000001' } as never, {
      overrides: { taskResourceLocalHandlers: { Launch: launch } as never, retryIntervalOverrides: { Launch: 0 } },
    });
    const outcome = await run.result.then(
      (output) => ({ output, error: undefined }),
      (error: Error) => ({ output: undefined, error: (error.cause ?? error) as Error }),
    );
    return { calls, ...outcome };
  }

  it('rides out a step that fails three times, then goes on', async () => {
    const { calls, output, error } = await launchFailing(3);
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ phase: 'CANCELLED' });
    expect(calls).toBe(4);
  });

  it('ends in Failed with the step\u2019s error when it keeps failing', async () => {
    const { calls, error } = await launchFailing(Infinity);
    expect(calls).toBe(4);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });
});
