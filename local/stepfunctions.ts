import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { MachineBlueprint } from './template.ts';

/**
 * Runs the synthesized review-cycle machine with aws-local-stepfunctions, each Task bound to the real
 * handler. Wait states are the one thing it cannot do for us: a quarter-long wait must follow the
 * project's clock (which HR moves forward) and survive nothing in memory. So each Wait state is run as
 * the end of a segment: the execution parks with its input and the state to resume at, and the runner
 * starts the next segment from there once the clock reaches the wait's timestamp.
 */
type Handler = (input: unknown) => Promise<unknown>;
type Status = 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalExecution {
  executionArn: string;
  name: string;
  input: unknown;
  status: Status;
  startDate: Date;
  stopDate?: Date;
  wakeAt?: number;
  resumeAt?: string;
  resumeInput?: unknown;
  output?: unknown;
  /** As DescribeExecution reports them: the Fail state's error and cause, or what StopExecution was given. */
  error?: string;
  cause?: string;
  /** States entered, the figure Step Functions bills and the bench reports. */
  transitions: number;
}

export class LocalStepFunctions {
  /** The local ARN of the machine called `machineName`. */
  static arnOf(machineName: string): string {
    return `arn:aws:states:local:000000000000:stateMachine:${machineName}`;
  }

  readonly stateMachineArn: string;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly waits = new Map<string, { resumeAt: string; timestampPath: string }>();
  private readonly handlers: Record<string, Handler> = {};
  /** Task invocations under way: one of a stopped execution runs on to its end, as a Lambda does in AWS. */
  private readonly invocations = new Set<Promise<unknown>>();

  constructor(
    private readonly machineName: string,
    private readonly blueprint: MachineBlueprint,
    taskHandlers: Record<string, Handler>,
    private readonly now: () => number,
    private readonly onError: (execution: LocalExecution) => void = () => {},
  ) {
    this.stateMachineArn = LocalStepFunctions.arnOf(machineName);
    for (const [name, state] of Object.entries(blueprint.definition.States)) {
      if (state.Type !== 'Wait') continue;
      if (typeof state.TimestampPath !== 'string' || typeof state.Next !== 'string') {
        throw new Error(`Wait state ${name}: the local runner supports TimestampPath waits with a Next state`);
      }
      this.waits.set(name, { resumeAt: state.Next, timestampPath: state.TimestampPath });
    }
    for (const [resource, handler] of Object.entries(taskHandlers)) {
      this.handlers[resource] = (input) => {
        const invocation = handler(input);
        this.invocations.add(invocation);
        const forget = () => this.invocations.delete(invocation);
        invocation.then(forget, forget);
        return invocation;
      };
    }
    // Validate the synthesized definition as it is; the segments below cut it at its waits and skip validation.
    new StateMachine(blueprint.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
  }

  /** Starts an execution; like StartExecution it returns at once and the execution runs on. */
  start(name: string, input: unknown): LocalExecution {
    const executionArn = `arn:aws:states:local:000000000000:execution:${this.machineName}:${name}`;
    if (this.executions.has(executionArn)) {
      throw Object.assign(new Error(`execution ${name} already exists`), { name: 'ExecutionAlreadyExists' });
    }
    const execution: LocalExecution = {
      executionArn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(this.now()),
      transitions: 0,
    };
    this.executions.set(executionArn, execution);
    this.runSegment(execution, this.blueprint.definition.StartAt, input);
    return execution;
  }

  describe(executionArn: string): LocalExecution | undefined {
    return this.executions.get(executionArn);
  }

  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  stop(executionArn: string, reason: { error?: string; cause?: string } = {}): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw Object.assign(new Error(`no execution ${executionArn}`), { name: 'ExecutionDoesNotExist' });
    if (execution.status === 'RUNNING' || execution.status === 'WAITING') {
      execution.status = 'ABORTED';
      execution.stopDate = new Date(this.now());
      execution.error = reason.error;
      execution.cause = reason.cause;
      this.running.get(executionArn)?.abort();
    }
    return execution;
  }

  /** The earliest instant a parked execution wants to wake at. */
  nextWake(): number | undefined {
    const wakes = this.list()
      .filter((e) => e.status === 'WAITING')
      .map((e) => e.wakeAt!);
    return wakes.length ? Math.min(...wakes) : undefined;
  }

  /** Resolves once no segment is running and no task invocation is under way, a stopped execution's included. */
  async settled(): Promise<void> {
    while (this.running.size || this.invocations.size) {
      await Promise.all([...this.running.values()].map((run) => run.done));
      await Promise.allSettled(this.invocations);
    }
  }

  /** Resumes every execution whose wait is over, earliest first, until nothing more is due now. */
  async runDue(): Promise<void> {
    await this.settled();
    for (;;) {
      const due = this.list()
        .filter((e) => e.status === 'WAITING' && e.wakeAt! <= this.now())
        .sort((a, b) => a.wakeAt! - b.wakeAt!);
      if (!due.length) return;
      for (const execution of due) {
        if (execution.status !== 'WAITING') continue;
        execution.status = 'RUNNING';
        this.runSegment(execution, execution.resumeAt!, execution.resumeInput);
        await this.settled();
      }
    }
  }

  private runSegment(execution: LocalExecution, startAt: string, input: unknown): void {
    let parked: { state: string; input: unknown } | undefined;
    const waitTasks = Object.fromEntries(
      [...this.waits.keys()].map((name) => [
        name,
        (waitInput: unknown) => {
          parked = { state: name, input: waitInput };
          return waitInput as never;
        },
      ]),
    );
    const States = Object.fromEntries(
      Object.entries(this.blueprint.definition.States).map(([name, state]) =>
        this.waits.has(name)
          ? [name, { Type: 'Task', Resource: `${this.stateMachineArn}:wait:${name}`, End: true }]
          : [name, state],
      ),
    );
    const machine = new StateMachine(
      { ...this.blueprint.definition, StartAt: startAt, States } as unknown as StateMachineDefinition,
      {
        validationOptions: { noValidate: true },
      },
    );
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: { ...this.handlers, ...waitTasks } as never },
      noThrowOnAbort: true,
    });
    const countTransitions = (async () => {
      for await (const event of run.eventLogs) if (event.type === 'StateEntered') execution.transitions++;
    })();
    const done = (async () => {
      try {
        const output = await run.result;
        await countTransitions;
        if (execution.status === 'ABORTED') return;
        if (parked) {
          const wait = this.waits.get(parked.state)!;
          execution.status = 'WAITING';
          execution.resumeAt = wait.resumeAt;
          execution.resumeInput = parked.input;
          execution.wakeAt = Date.parse(String(readPath(parked.input, wait.timestampPath)));
          if (Number.isNaN(execution.wakeAt)) throw new Error(`${wait.timestampPath} is not a timestamp`);
        } else {
          execution.status = 'SUCCEEDED';
          execution.output = output;
          execution.stopDate = new Date(this.now());
        }
      } catch (error) {
        if (execution.status === 'ABORTED') return;
        // The runner wraps what ended the execution (the Fail state's error and cause) in its own error.
        const failure = ((error as Error).cause ?? error) as Error;
        execution.status = 'FAILED';
        execution.error = failure.name;
        execution.cause = failure.message;
        execution.stopDate = new Date(this.now());
        this.onError(execution);
      } finally {
        this.running.delete(execution.executionArn);
      }
    })();
    this.running.set(execution.executionArn, { abort: run.abort, done });
  }
}

/** `$.a.b` paths, the only form a Wait's TimestampPath takes here. */
function readPath(input: unknown, path: string): unknown {
  if (!path.startsWith('$.')) throw new Error(`unsupported path ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], input);
}
