import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../local/stack.ts';
import { clearMailbox, linkIn, mailbox, openForm } from '../test/support/local.ts';
import { type HrApi, percentile, post } from './forms.ts';
import { roster } from './roster.ts';

/**
 * `--form-load N`: N distinct self-assessments and N distinct goal check-ins posted through the forms'
 * HTTP endpoints, first by one client, then by `CLIENTS` clients at once, against the floor of the same
 * DynamoDB requests issued directly (issue 13, part 3).
 *
 * Three identical cohorts of N people, each its own department with its own launched cycle and one goal
 * per person: the serial run posts for the first, the concurrent run for the second, the floor replays the
 * concurrent run's requests on the third, so every submission is a real first one. Each person's links come
 * from the mails they received. Every form is opened (GET, untimed) before a run starts, as people open the
 * page and type for a while; a run then only POSTs, each timed up to its 303 (the redirect is not followed).
 *
 * The floor: while the concurrent run's POSTs execute, the DynamoDB requests each made through the shared
 * document client (that succeeded) are recorded per POST, in order. They are replayed with the same client on
 * the third cohort, ids rewritten (department and people, cycle, goals; fresh one-time ids so every
 * condition holds as it did), each POST's requests one after another with `CLIENTS` POSTs in flight; a
 * transaction that conflicts is retried at once. The floor includes DynamoDB Local, the SDK's marshalling
 * and signing, and loopback HTTP to DynamoDB; it excludes the API's HTTP, link and form-token checks, parsing,
 * validation, the redirect answer, and any wait between requests.
 */
const CLIENTS = 50;
/** Reading and opening pages before a run, and preparing cohorts: a few at a time, untimed. */
const SETUP_CONCURRENCY = 8;
const FORM_FUNCTIONS = new Set(['SelfAssessmentForm', 'GoalsPage']);
const DAY = 86_400_000;
/** The document client's commands by the name its middleware sees (the low-level command's), inputs unmarshalled. */
const COMMANDS = {
  GetItemCommand: GetCommand,
  QueryCommand,
  PutItemCommand: PutCommand,
  UpdateItemCommand: UpdateCommand,
  DeleteItemCommand: DeleteCommand,
  TransactWriteItemsCommand: TransactWriteCommand,
} as const;

interface DynamoRequest {
  command: keyof typeof COMMANDS;
  input: Record<string, unknown>;
  /** When it was sent and answered (performance.now()): requests a handler had in flight together overlap. */
  sentAt: number;
  answeredAt: number;
}

/** One POST as the handler ran it: how long it took, and the DynamoDB requests it made that succeeded, in the order sent. */
interface RecordedPost {
  handlerMs: number;
  requests: DynamoRequest[];
}

/**
 * Records the DynamoDB requests of the form functions' invocations while armed: pass `around` to the
 * stack's aroundInvocation, and `attach` once the table module is loaded.
 */
export class FormRequestRecorder {
  private readonly current = new AsyncLocalStorage<Partial<DynamoRequest>[]>();
  private sink: RecordedPost[] | undefined;
  /** Transactions the handlers had refused for a conflict (and retried) while armed. */
  conflicts = 0;

  around = async <T>(functionId: string, invoke: () => Promise<T>): Promise<T> => {
    const sink = this.sink;
    if (!sink || !FORM_FUNCTIONS.has(functionId)) return invoke();
    const requests: Partial<DynamoRequest>[] = [];
    const started = performance.now();
    try {
      return await this.current.run(requests, invoke);
    } finally {
      sink.push({
        handlerMs: performance.now() - started,
        requests: requests.filter((request): request is DynamoRequest => request.answeredAt !== undefined),
      });
    }
  };

  async attach(): Promise<void> {
    const { db } = await import('../functions/store/table.ts');
    db().middlewareStack.add(
      (next, context) => async (args) => {
        const requests = this.current.getStore();
        if (!requests) return next(args);
        const command = context.commandName as DynamoRequest['command'];
        if (!(command in COMMANDS)) throw new Error(`the floor cannot replay a ${command}`);
        const request: Partial<DynamoRequest> = {
          command,
          input: JSON.parse(JSON.stringify(args.input)),
          sentAt: performance.now(),
        };
        requests.push(request);
        try {
          const result = await next(args);
          request.answeredAt = performance.now();
          return result;
        } catch (error) {
          if (isConflict(error)) this.conflicts++;
          throw error;
        }
      },
      { step: 'initialize', name: 'benchFormRecorder' },
    );
  }

  /** Runs `work` armed: answers its result and each form invocation's requests. */
  async recording<T>(work: () => Promise<T>): Promise<{ result: T; posts: RecordedPost[] }> {
    const sink: RecordedPost[] = [];
    this.sink = sink;
    try {
      return { result: await work(), posts: sink };
    } finally {
      this.sink = undefined;
    }
  }
}

/** A POST's requests in waves: those the handler had in flight together, then the next. */
function waves(requests: DynamoRequest[]): DynamoRequest[][] {
  const result: DynamoRequest[][] = [];
  let answeredBy = -Infinity;
  for (const request of requests) {
    if (request.sentAt < answeredBy) result.at(-1)!.push(request);
    else result.push([request]);
    answeredBy = Math.max(answeredBy, request.answeredAt);
  }
  return result;
}

function isConflict(error: unknown): boolean {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.some((reason) => reason.Code === 'TransactionConflict') ?? false;
}

interface Cohort {
  department: string;
  cycleId: string;
  cycleName: string;
  /** The goal of person i, by i. */
  goalIds: string[];
  period: string;
  employeeIds: string[];
}

/** Imports N people as a department, launches their cycle and gives each a goal, all through HR's API. */
async function prepareCohort(stack: LocalStack, hr: HrApi, department: string, size: number): Promise<Cohort> {
  const { mapLimited } = await import('../functions/shared/concurrency.ts');
  const day = (offset: number) => new Date(stack.clock.now() + offset * DAY).toISOString().slice(0, 10);
  await hr(stack, 'POST', '/employees/import', roster(size, department), 'text/csv');
  const cycleName = `Form load ${department}`;
  const { cycleId } = await hr(
    stack,
    'POST',
    '/cycles',
    JSON.stringify({ name: cycleName, selfDue: day(14), managerDue: day(24), department }),
  );
  await stack.settled();
  const employeeIds = Array.from({ length: size }, (_, i) => `${department}-${i}`);
  // Due past the quarter under review, so the self-assessment asks for no rating of it (as the submit storm's).
  const goals = await mapLimited(employeeIds, SETUP_CONCURRENCY, (employeeId) =>
    hr(stack, 'POST', `/employees/${employeeId}/goals`, JSON.stringify({ title: 'Load goal', due: day(100) })),
  );
  return {
    department,
    cycleId,
    cycleName,
    goalIds: goals.map((goal) => goal.goalId),
    period: goals[0].period,
    employeeIds,
  };
}

interface Poster {
  employeeId: string;
  link: string;
  fields: Record<string, string>;
}

/** Each person's two forms, opened from the links in their own mail, ready to post distinct answers. */
async function openForms(stack: LocalStack, cohort: Cohort): Promise<{ self: Poster[]; checkIn: Poster[] }> {
  const { mapLimited } = await import('../functions/shared/concurrency.ts');
  const mails = await mailbox(stack);
  const mailTo = (to: string, subject: string) => {
    const mail = mails.findLast((received) => received.to === to && received.subject === subject);
    if (!mail) throw new Error(`no mail "${subject}" to ${to}`);
    return mail;
  };
  const people = cohort.employeeIds.map((employeeId, i) => ({
    employeeId,
    i,
    email: `p${i}.${cohort.department.toLowerCase()}@example.com`,
  }));
  const self = await mapLimited(people, SETUP_CONCURRENCY, async ({ employeeId, i, email }) => {
    const link = linkIn(mailTo(email, `${cohort.cycleName}: your self-assessment is open`), '/forms/self');
    const fields = {
      ...(await openForm(link)),
      action: 'submit',
      overallRating: String(1 + (i % 5)),
      wentWell: `Shipped release ${i}`,
      toImprove: `Review sooner, ${i}`,
      nextGoals: `Mentor ${i}`,
    };
    return { employeeId, link, fields };
  });
  const checkIn = await mapLimited(people, SETUP_CONCURRENCY, async ({ employeeId, i, email }) => {
    const link = linkIn(mailTo(email, 'New goal: Load goal'), '/forms/goals');
    const fields = {
      ...(await openForm(link)),
      goalId: cohort.goalIds[i],
      progress: String(1 + (i % 99)),
      status: 'ON_TRACK',
      note: `Week ${i}`,
    };
    return { employeeId, link, fields };
  });
  return { self, checkIn };
}

interface Latencies {
  submissions: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From the first POST sent to the last answered. */
  totalMs: number;
  perSecond: number;
  /** CPU time of this process meanwhile: the stack, its handlers and SDK client, the bench's clients (DynamoDB Local is another process). */
  nodeCpuMs: number;
}

/** Starts timing: the wall time and this process's CPU time since. */
function stopwatch(): () => { totalMs: number; nodeCpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { totalMs: performance.now() - wall, nodeCpuMs: Math.round((used.user + used.system) / 1000) };
  };
}

function latencies(times: number[], { totalMs, nodeCpuMs }: { totalMs: number; nodeCpuMs: number }): Latencies {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    submissions: times.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: Number(sorted.at(-1)!.toFixed(1)),
    totalMs: Math.round(totalMs),
    perSecond: Math.round((times.length / totalMs) * 1000),
    nodeCpuMs,
  };
}

/** Posts every form with `clients` clients, each POST timed; every answer must be the 303 of a recorded post. */
async function postAll(posters: Poster[], clients: number): Promise<Latencies> {
  const { forEachLimited } = await import('../functions/shared/concurrency.ts');
  const times: number[] = [];
  const elapsed = stopwatch();
  await forEachLimited(posters, clients, async ({ employeeId, link, fields }) => {
    const { status, ms } = await post(link, fields);
    if (status !== 303) throw new Error(`the form post of ${employeeId} answered ${status}`);
    times.push(ms);
  });
  return latencies(times, elapsed());
}

/** The recorded requests with the second cohort's ids turned into the third's, and fresh one-time ids. */
function rewriter(from: Cohort, to: Cohort): (request: DynamoRequest) => DynamoRequest {
  const ids = new Map<string, string>([
    [from.cycleId, to.cycleId],
    ...from.goalIds.map((goalId, i) => [goalId, to.goalIds[i]] as [string, string]),
  ]);
  const uuids = new Map<string, string>();
  const pattern = new RegExp(
    `${from.cycleId}|goal_[0-9a-f]{12}|${from.department}|${from.department.toLowerCase()}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
    'g',
  );
  const swap = (match: string) => {
    if (match === from.department) return to.department;
    if (match === from.department.toLowerCase()) return to.department.toLowerCase();
    if (match.startsWith('goal_') || match === from.cycleId) {
      const id = ids.get(match);
      if (!id) throw new Error(`a recorded request names ${match}, not of the recorded cohort`);
      return id;
    }
    if (!uuids.has(match)) uuids.set(match, randomUUID());
    return uuids.get(match)!;
  };
  return (request) => ({ ...request, input: JSON.parse(JSON.stringify(request.input).replace(pattern, swap)) });
}

/**
 * The floor: each recorded POST's requests on the third cohort, those the handler had in flight together at
 * once and the rest one after another, with `clients` POSTs in flight.
 */
async function replay(posts: RecordedPost[], rewrite: (request: DynamoRequest) => DynamoRequest, clients: number) {
  const { db } = await import('../functions/store/table.ts');
  const { forEachLimited } = await import('../functions/shared/concurrency.ts');
  const prepared = posts.map((post) => waves(post.requests.map(rewrite)));
  const times: number[] = [];
  let conflicts = 0;
  const send = async ({ command, input }: DynamoRequest) => {
    for (;;) {
      try {
        return await db().send(new COMMANDS[command](input as never) as never);
      } catch (error) {
        if (!isConflict(error)) throw error;
        conflicts++;
      }
    }
  };
  const elapsed = stopwatch();
  await forEachLimited(prepared, clients, async (post) => {
    const postStarted = performance.now();
    for (const wave of post) await Promise.all(wave.map(send));
    times.push(performance.now() - postStarted);
  });
  return { ...latencies(times, elapsed()), conflicts };
}

/**
 * Where one POST's time goes, as means over a run: the DynamoDB requests it made by command and how long
 * each took, the time its handler ran, and of that the time some DynamoDB request was in flight.
 */
function perPost(posts: RecordedPost[]) {
  const count: Record<string, number> = {};
  const ms: Record<string, number> = {};
  let handlerMs = 0;
  let dynamoMs = 0;
  for (const { requests, handlerMs: handled } of posts) {
    handlerMs += handled;
    for (const wave of waves(requests))
      dynamoMs += Math.max(...wave.map((request) => request.answeredAt)) - wave[0].sentAt;
    for (const { command, sentAt, answeredAt } of requests) {
      const name = command.replace(/(Item|Items)?Command$/, '');
      count[name] = (count[name] ?? 0) + 1;
      ms[name] = (ms[name] ?? 0) + answeredAt - sentAt;
    }
  }
  const round = (value: number) => Number(value.toFixed(1));
  const requests = Object.values(count).reduce((sum, n) => sum + n, 0);
  return {
    dynamoRequests: `${round(requests / posts.length)}: ${Object.entries(count)
      .map(([name, n]) => `${name} ${round(n / posts.length)}`)
      .join(', ')}`,
    msPerRequest: Object.entries(ms)
      .map(([name, total]) => `${name} ${round(total / count[name])}`)
      .join(', '),
    handlerMs: round(handlerMs / posts.length),
    dynamoMs: round(dynamoMs / posts.length),
  };
}

/** Throws unless each person of the cohort has exactly one submitted self-assessment and one check-in. */
async function expectCountedOnce(cohort: Cohort): Promise<void> {
  const { listAssessments } = await import('../functions/store/assessments.ts');
  const { listAuditEvents } = await import('../functions/store/audit.ts');
  const { listGoalsOfPeriod } = await import('../functions/store/goals.ts');
  const size = cohort.employeeIds.length;
  const submitted = (await listAssessments(cohort.cycleId)).filter(
    (assessment) => assessment.selfStatus === 'SUBMITTED' && assessment.selfVersion === 1,
  ).length;
  const events = (await listAuditEvents(cohort.cycleId)).filter(
    (event) => event.action === 'self-assessment-submitted',
  );
  const audited = new Set(events.map((event) => event.employeeId)).size;
  const goalIds = new Set(cohort.goalIds);
  const goals = (await listGoalsOfPeriod(cohort.period)).filter((goal) => goalIds.has(goal.goalId));
  const checkedIn = goals.filter((goal) => goal.checkIns.length === 1).length;
  if (submitted !== size || audited !== size || events.length !== size || goals.length !== size || checkedIn !== size)
    throw new Error(
      `${cohort.department}: ${size} people, ${submitted} self-assessments submitted once, ${events.length} audit events for ${audited} people, ${checkedIn} of ${goals.length} goals with one check-in`,
    );
}

export async function formLoadBench(stack: LocalStack, hr: HrApi, recorder: FormRequestRecorder, size: number) {
  const serialCohort = await prepareCohort(stack, hr, `FormLoadSerial${size}`, size);
  const concurrentCohort = await prepareCohort(stack, hr, `FormLoadClients${size}`, size);
  const serialForms = await openForms(stack, serialCohort);
  const concurrentForms = await openForms(stack, concurrentCohort);
  await clearMailbox(stack);
  const floorCohort = await prepareCohort(stack, hr, `FormLoadFloor${size}`, size);
  await clearMailbox(stack);
  const rewrite = rewriter(concurrentCohort, floorCohort);

  /** The posts of one run, timed, with each POST's DynamoDB requests and the conflicts the handlers retried. */
  const timed = async (posters: Poster[], clients: number) => {
    const conflictsBefore = recorder.conflicts;
    const { result, posts } = await recorder.recording(() => postAll(posters, clients));
    if (posts.length !== posters.length) throw new Error(`${posters.length} posts ran ${posts.length} invocations`);
    return { figures: { ...result, conflicts: recorder.conflicts - conflictsBefore }, posts };
  };
  const measure = async (serialPosters: Poster[], concurrentPosters: Poster[]) => {
    const serial = await timed(serialPosters, 1);
    const concurrent = await timed(concurrentPosters, CLIENTS);
    const floor = await replay(concurrent.posts, rewrite, CLIENTS);
    return {
      /** Means of one POST in the serial run. */
      perPost: perPost(serial.posts),
      serial: serial.figures,
      concurrent: concurrent.figures,
      floor,
      ratioToFloor: Number((concurrent.figures.totalMs / floor.totalMs).toFixed(2)),
    };
  };
  const selfAssessment = await measure(serialForms.self, concurrentForms.self);
  const checkIn = await measure(serialForms.checkIn, concurrentForms.checkIn);
  for (const cohort of [serialCohort, concurrentCohort, floorCohort]) await expectCountedOnce(cohort);
  return {
    participants: size,
    clients: CLIENTS,
    selfAssessment,
    checkIn,
    /** All 2N submissions with `CLIENTS` clients against their floor. */
    ratioToFloor: Number(
      (
        (selfAssessment.concurrent.totalMs + checkIn.concurrent.totalMs) /
        (selfAssessment.floor.totalMs + checkIn.floor.totalMs)
      ).toFixed(2),
    ),
  };
}

export type FormLoadFigures = Awaited<ReturnType<typeof formLoadBench>>;

/** One row per form and run, for the human table. */
export function formLoadRows(figures: FormLoadFigures) {
  return (
    [
      ['self-assessment', figures.selfAssessment],
      ['goal check-in', figures.checkIn],
    ] as const
  ).flatMap(([form, measured]) => [
    { form, run: '1 client', ...measured.serial },
    { form, run: `${figures.clients} clients`, ...measured.concurrent, ratioToFloor: measured.ratioToFloor },
    { form, run: `floor, ${figures.clients} in flight`, ...measured.floor },
  ]);
}
