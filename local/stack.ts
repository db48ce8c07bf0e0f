import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import * as sesLocal from 'aws-ses-v2-local';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { apiFunctions, allFunctions, scheduledFunctions, upgradeFunctions } from '../lib/functions.ts';
import { LocalClock } from './clock.ts';
import { startDynamo, type LocalDynamo } from './dynamodb.ts';
import { handleApiRequest, type LocalRoute } from './api-server.ts';
import { handleStepFunctionsRequest } from './sfn-endpoint.ts';
import { LocalStepFunctions } from './stepfunctions.ts';
import { LocalDailySchedule, LocalRateSchedule } from './schedule.ts';
import { GOAL_WATCH_HOUR_UTC } from '../lib/goal-watch-workflow.ts';
import { synthesizeBlueprint, type CfnTemplate } from './template.ts';
import { CallRecorder, callsFile, templateArns } from './iam-calls.ts';

/**
 * The whole of perfcycle on one machine: DynamoDB Local, the aws-ses-v2-local mailbox, the HTTP API
 * with every route bound to its real handler, the synthesized state machine in the local runner, and
 * the clock. `npm start` and the integration tests both use this.
 */
export interface LocalStackOptions {
  /** Keeps DynamoDB data, the clock, the HR token and the link secret here; in memory when absent. */
  dataDir?: string;
  apiPort?: number;
  mailPort?: number;
  dynamoPort?: number;
  sfnPort?: number;
  orgTimeZone?: string;
  /** The organisation's name, its emails' sender name until HR saves another (default: Example Org). */
  orgName?: string;
  hrEmail?: string;
  mailFrom?: string;
  /** Where the handlers send mail: the mailbox by default; a test puts an SES stand-in with faults in between. */
  sesEndpoint?: string;
  /** Emails per second across every sender; unlimited by default, as the local mailbox has no quota. */
  sesMaxSendRate?: number;
  /** Handler settings a test shortens: MAIL_LEASE_SECONDS, MAIL_SEND_TIMEOUT_MS. */
  mailTimings?: { leaseSeconds?: number; sendTimeoutMs?: number };
  /** Records every AWS SDK call per function (also on when PERFCYCLE_IAM_CALLS names a folder for the records). */
  recordCalls?: boolean;
  /** Runs around every handler invocation: the bench times and counts them per function. */
  aroundInvocation?: <T>(functionId: string, invoke: () => Promise<T>) => Promise<T>;
  /** CDK context values over cdk.json's, as `-c key=value` gives them to a deploy (`tableTemplateIndexes`). */
  context?: Record<string, unknown>;
}

export interface LocalStack {
  apiUrl: string;
  mailUrl: string;
  hrToken: string;
  dynamoEndpoint: string;
  runner: LocalStepFunctions;
  /** The daily goal-watch machine, started by the local daily schedule. */
  goalWatch: LocalStepFunctions;
  clock: LocalClock;
  /** The scheduled outbox flusher, run now (as EventBridge would at its next rate tick). */
  flushOutboxes(): Promise<void>;
  /** Moves the clock forward and runs what falls due on the way. */
  advance(ms: number): Promise<number>;
  /** Resolves when started executions have reached their next wait. */
  settled(): Promise<void>;
  stop(): Promise<void>;
  /** The synthesized CloudFormation template the stack was built from. */
  template: CfnTemplate;
  /** The SDK calls each function made, when recording (options.recordCalls or PERFCYCLE_IAM_CALLS). */
  recorder?: CallRecorder;
}

const TABLE_NAME = 'perfcycle';

// aws-ses-v2-local is CommonJS with an `exports.default`: under ESM that default sits one level down.
const startMailbox: (config: { port: number; host: string }) => Promise<Server> =
  (sesLocal.default as any).default ?? sesLocal.default;

function persisted(dataDir: string | undefined, file: string, create: () => string): string {
  if (!dataDir) return create();
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = create();
  writeFileSync(path, value, { mode: 0o600 });
  return value;
}

/** Listens on 127.0.0.1:`port` (0: any free port); answers the port. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  return (server.address() as AddressInfo).port;
}

/** Listens on 127.0.0.1:`port` (0: any free port) and lets go; rejects with the error (EADDRINUSE) that refused it. */
export async function tryPort(port: number): Promise<number> {
  const server = createServer();
  const bound = await listen(server, port);
  await new Promise((done) => server.close(done));
  return bound;
}

/**
 * A port for one of the stack's servers, free when picked, taken below Linux's ephemeral range (32768 on): a port the
 * kernel picks (port 0) lies in that range, where an outgoing connection (the stack's own, to DynamoDB Local or the
 * mailbox, or another test file's) can take it before a slow server such as DynamoDB Local binds it: EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    try {
      return await tryPort(FIRST_PICKED_PORT + randomInt(PICKED_PORTS));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
const FIRST_PICKED_PORT = 20_000;
const PICKED_PORTS = 12_000;

function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => done(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', fail);
  });
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const blueprint = synthesizeBlueprint(options.context);
  const hrToken = persisted(dataDir, 'hr-token', () => randomBytes(24).toString('base64url'));
  const linkSecret = persisted(dataDir, 'link-secret', () => randomBytes(48).toString('base64url'));
  const [apiPort, sfnPort, dynamoPort, mailPort] = await Promise.all([
    options.apiPort ?? freePort(),
    options.sfnPort ?? freePort(),
    options.dynamoPort ?? freePort(),
    options.mailPort ?? freePort(),
  ]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const mailUrl = `http://127.0.0.1:${mailPort}`;

  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const dynamo: LocalDynamo = await startDynamo({ port: dynamoPort, dataDir: dataDir && join(dataDir, 'dynamodb') });
    stops.push(() => dynamo.stop());
    const ses = await startMailbox({ port: mailPort, host: '127.0.0.1' });
    stops.push(() => new Promise((done) => ses.close(done)));

    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      TABLE_NAME,
      MAIL_FROM: options.mailFrom ?? 'perfcycle@example.com',
      HR_EMAIL: options.hrEmail ?? 'hr@example.com',
      BASE_URL: apiUrl,
      ORG_TIME_ZONE: options.orgTimeZone ?? 'UTC',
      ORG_NAME: options.orgName ?? 'Example Org',
      LINK_SECRET: linkSecret,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SES_ENDPOINT: options.sesEndpoint ?? mailUrl,
      SES_MAX_SEND_RATE: String(options.sesMaxSendRate ?? 0),
      ...(options.mailTimings?.leaseSeconds ? { MAIL_LEASE_SECONDS: String(options.mailTimings.leaseSeconds) } : {}),
      ...(options.mailTimings?.sendTimeoutMs
        ? { MAIL_SEND_TIMEOUT_MS: String(options.mailTimings.sendTimeoutMs) }
        : {}),
      SFN_ENDPOINT: `http://127.0.0.1:${sfnPort}`,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Locally there is no CloudWatch to read metrics: keep EMF lines out of the terminal.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    await ensureTable(dynamo.endpoint, blueprint.table);

    const file = callsFile();
    const recorder =
      options.recordCalls || file
        ? new CallRecorder(
            templateArns(blueprint.template),
            {
              'review-cycle': LocalStepFunctions.arnOf('ReviewCycle'),
              'goal-watch': LocalStepFunctions.arnOf('GoalWatch'),
            },
            file,
          )
        : undefined;
    if (recorder) stops.push(async () => recorder.stop());
    const handlers = new Map<string, (event: unknown, context: unknown) => Promise<any>>();
    const upgrading = blueprint.tableUpgrades.length ? Object.values(upgradeFunctions) : [];
    for (const spec of [...allFunctions, ...upgrading]) {
      const module = await import(resolve(import.meta.dirname, '..', spec.entry));
      // Every invocation (API route, workflow task, schedule) goes through here: the recorder knows whose calls follow.
      const handler: (event: unknown, context: unknown) => Promise<any> = recorder
        ? (event, context) => recorder.runAs(spec.id, () => module.handler(event, context))
        : module.handler;
      const around = options.aroundInvocation;
      handlers.set(spec.id, around ? (event, context) => around(spec.id, () => handler(event, context)) : handler);
    }
    const lambdaContext = (id: string) => ({
      functionName: id,
      awsRequestId: randomBytes(8).toString('hex'),
      getRemainingTimeInMillis: () => 900_000,
    });
    const clock = new LocalClock(dataDir && join(dataDir, 'clock.json'));
    const machine = (machineId: string, name: string) =>
      new LocalStepFunctions(
        name,
        blueprint.machines[machineId],
        Object.fromEntries(
          Object.entries(blueprint.machines[machineId].taskFunctions).map(([state, spec]) => [
            state,
            (input: unknown) => handlers.get(spec.id)!(input, lambdaContext(spec.id)),
          ]),
        ),
        () => clock.now(),
        (execution) =>
          console.error(`perfcycle: execution ${execution.name} failed: ${execution.error}: ${execution.cause}`),
      );
    const runner = machine('review-cycle', 'ReviewCycle');
    const goalWatch = machine('goal-watch', 'GoalWatch');
    process.env.STATE_MACHINE_ARN = runner.stateMachineArn;
    // Once the environment is whole (the handlers read it once), before anything reads the lists.
    for (const properties of blueprint.tableUpgrades)
      await runTableUpgrade(properties, (id, event) => handlers.get(id)!(event, lambdaContext(id)));
    // What EventBridge does in AWS: one goal-watch execution a day, at the same hour, on the project clock.
    const dailyGoalWatch = new LocalDailySchedule(
      GOAL_WATCH_HOUR_UTC,
      () => clock.now(),
      async (at) => {
        goalWatch.start(`goal-watch-${new Date(at).toISOString().slice(0, 10)}`, { time: new Date(at).toISOString() });
        await goalWatch.settled();
        // The cycles it resumed reach their first wait before the clock moves on, so their checkpoints keep their times.
        await runner.settled();
      },
    );
    // What the EventBridge rate rule does in AWS: the outbox flusher every few minutes of the project clock.
    const flusher = scheduledFunctions.flushOutboxes;
    const flushOutboxes = async () => void (await handlers.get(flusher.id)!({}, lambdaContext(flusher.id)));
    const outboxSchedule = new LocalRateSchedule(flusher.everyMinutes * 60_000, () => clock.now(), flushOutboxes);
    const clockDriven = [runner, dailyGoalWatch, goalWatch, outboxSchedule];
    stops.push(async () => {
      for (const machineRunner of [runner, goalWatch]) {
        for (const execution of machineRunner.list())
          if (execution.status === 'RUNNING' || execution.status === 'WAITING')
            machineRunner.stop(execution.executionArn);
        await machineRunner.settled();
      }
    });

    const routes: LocalRoute[] = apiFunctions.flatMap((spec) =>
      (spec.routes ?? []).map((route) => ({
        ...route,
        invoke: (event: unknown) => handlers.get(spec.id)!(event, lambdaContext(spec.id)),
      })),
    );
    let advancing: Promise<unknown> = Promise.resolve();
    const advance = (ms: number) => {
      const next = advancing.then(() => clock.advance(ms, clockDriven));
      advancing = next.catch(() => undefined);
      return next;
    };
    const api = createServer((request: IncomingMessage, response: ServerResponse) =>
      answerOrFail(response, async () => {
        const body = await readRequestBody(request, 10 * 1024 * 1024);
        await handleApiRequest({ request, response, body, routes, hrToken, advance, now: () => clock.now() });
      }),
    );
    await listen(api, apiPort);
    stops.push(() => {
      // Keep-alive sockets would hold close() open: a stop must not wait on a client.
      api.closeAllConnections();
      return new Promise((done) => api.close(done));
    });
    const sfnServer = createServer((request, response) =>
      answerOrFail(response, async () =>
        handleStepFunctionsRequest(
          [runner, goalWatch],
          request,
          response,
          (await readRequestBody(request, 1024 * 1024))?.toString('utf8') ?? '',
        ),
      ),
    );
    await listen(sfnServer, sfnPort);
    stops.push(() => new Promise((done) => sfnServer.close(done)));

    // Real time moves too: resume what falls due while nobody touches the clock.
    const ticker = setInterval(() => {
      advancing = advancing.then(() => Promise.all(clockDriven.map((part) => part.runDue()))).catch(() => undefined);
    }, 1000);
    stops.push(async () => clearInterval(ticker));

    await resumeActiveCycles(runner);
    return {
      apiUrl,
      mailUrl,
      hrToken,
      dynamoEndpoint: dynamo.endpoint,
      runner,
      goalWatch,
      clock,
      flushOutboxes,
      advance,
      settled: async () => {
        await runner.settled();
        await goalWatch.settled();
      },
      stop: async () => {
        await advancing;
        await stop();
      },
      template: blueprint.template,
      recorder,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A request that fails unexpectedly still gets an answer, so no client (or stop()) waits on an open socket. */
async function answerOrFail(response: ServerResponse, answer: () => Promise<void>): Promise<void> {
  try {
    await answer();
  } catch (error) {
    console.error(`perfcycle: local request failed: ${(error as Error).message}`);
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'internal error', details: [] }));
  }
}

async function ensureTable(endpoint: string, table: ReturnType<typeof synthesizeBlueprint>['table']): Promise<void> {
  const client = new DynamoDBClient({ endpoint });
  try {
    await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand({ ...table, TableName: TABLE_NAME }));
  } finally {
    client.destroy();
  }
}

/**
 * What CloudFormation and CDK's provider framework do with a pass of the table's upgrade (lib/table-upgrade.ts):
 * create the custom resource, then ask its step until it answers complete. Locally at every start, on whatever the
 * table holds: a pass finds nothing left to do once done.
 */
async function runTableUpgrade(
  properties: Record<string, unknown>,
  invoke: (functionId: string, event: unknown) => Promise<any>,
): Promise<void> {
  const event = {
    RequestType: 'Create',
    RequestId: randomUUID(),
    ResourceType: 'Custom::PerfcycleTableUpgrade',
    LogicalResourceId: 'TableUpgrade',
    StackId: 'local',
    ResponseURL: 'local',
    ServiceToken: 'local',
    // Locally nothing ran the old code before the start: nothing to wait for.
    ResourceProperties: { ...properties, drainSeconds: 0 },
  };
  const { PhysicalResourceId } = await invoke(upgradeFunctions.start.id, event);
  for (let steps = 0; !(await invoke(upgradeFunctions.step.id, { ...event, PhysicalResourceId })).IsComplete; steps++) {
    if (steps > 600) throw new Error('the table upgrade did not complete');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * After a restart, each cycle that was still running gets a new execution: the runner kept its executions
 * in memory, so the daily run's sweep finds them gone. The workflow resumes from the stored state and every
 * step is idempotent, so nothing is lost and no email goes out twice.
 */
async function resumeActiveCycles(runner: LocalStepFunctions): Promise<void> {
  const { resumeStalledCycles } = await import('../functions/services/steer.ts');
  await resumeStalledCycles();
  await runner.settled();
}
