import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/program.ts';
import type { GoalRecord } from '../functions/store/goals.ts';
import { allFunctions } from '../lib/functions.ts';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import { answersBench } from './answers.ts';
import { bundleFigures, type BundleFigures } from './bundles.ts';
import { calibrationBench } from './calibration.ts';
import { type QuarterMeasure, quarterCosts, type UsageByFunction, UsageMeter, usedBetween } from './cost.ts';
import { faultsBench } from './faults.ts';
import { FormRequestRecorder, formLoadBench, formLoadRows } from './form-load.ts';
import { formsBench } from './forms.ts';
import { roster } from './roster.ts';

/**
 * `npm run bench -- --faults [--json]` runs the fault and crash runs (bench/faults.ts), then only the launch
 * of 1,000 against its floor: the price of exactly-once sending.
 *
 * `npm run bench [-- --json] [-- --sizes 1000,10000] [-- --answers 100] [-- --goals 100000] [-- --form-posts 200] [-- --form-load 1000] [-- --calibration 10000]`: launches cycles on the local
 * stack and compares the launch with its floor (the same DynamoDB items batch-written and the same SendEmail
 * calls made directly, in the same run), counts Step Functions transitions and DynamoDB requests for the
 * whole cycle, and sizes each Lambda bundle and its cold import; runs a cycle of `--answers` people where
 * everyone answers (bench/answers.ts) and prices the quarter of the first size with it (bench/cost.ts; 0 skips
 * both); times the goal watch's daily read over many goals, and HR's goal views of the first cycle over them; times
 * `perfcycle employees import` of 5,000 rows as Excel saves them (Windows-1252, semicolons), with its progress; and
 * storms forms with the same post at once (exactly one counts) and times `--form-posts` form
 * POSTs one after another (bench/forms.ts; 0 skips both); posts `--form-load` distinct self-assessments and goal
 * check-ins with one client, then with 50, against the floor of their DynamoDB requests (bench/form-load.ts; 0 skips);
 * reads a calibrated cycle of `--calibration` participants, through its summaries and through every assessment
 * (bench/calibration.ts; 0 skips).
 *
 * `npm run bench -- --launch [--sizes 1000,10000] [--json]` only launches the cycles and compares each launch with
 * its floor (no rest of the cycle, import, goal watch, forms, calibration or bundles).
 *
 * `npm run bench -- --bundles [--import-runs 5] [--functions Id,Id] [--json]` only bundles each function as CDK would and times its cold
 * import against importing just the SDK clients it holds, each the median of `--import-runs` fresh processes
 * (bench/bundles.ts); no local stack.
 */
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const sizesArg = args[args.indexOf('--sizes') + 1];
const faults = args.includes('--faults');
const launchOnly = args.includes('--launch');
const sizes =
  args.includes('--sizes') && sizesArg
    ? sizesArg
        .split(',')
        .map(Number)
        .filter((n) => n > 0)
    : faults
      ? [1000]
      : [1000, 10_000];
const answersArg = args[args.indexOf('--answers') + 1];
const answersSize = args.includes('--answers') && answersArg ? Number(answersArg) : faults || launchOnly ? 0 : 100;
const goalsArg = args[args.indexOf('--goals') + 1];
const goalCount = args.includes('--goals') && goalsArg ? Number(goalsArg) : faults || launchOnly ? 0 : 100_000;
const formPostsArg = args[args.indexOf('--form-posts') + 1];
const formPosts = args.includes('--form-posts') && formPostsArg ? Number(formPostsArg) : faults || launchOnly ? 0 : 200;
const formLoadArg = args[args.indexOf('--form-load') + 1];
const formLoadSize =
  args.includes('--form-load') && formLoadArg ? Number(formLoadArg) : faults || launchOnly ? 0 : 1000;
const calibrationArg = args[args.indexOf('--calibration') + 1];
const calibrationSize =
  args.includes('--calibration') && calibrationArg ? Number(calibrationArg) : faults || launchOnly ? 0 : 10_000;
const bundlesOnly = args.includes('--bundles');
const importRunsArg = args[args.indexOf('--import-runs') + 1];
const importRuns = args.includes('--import-runs') && importRunsArg ? Number(importRunsArg) : 5;
const functionsArg = args[args.indexOf('--functions') + 1];
const benchedFunctions =
  args.includes('--functions') && functionsArg
    ? allFunctions.filter((spec) => functionsArg.split(',').includes(spec.id))
    : allFunctions;
const log = (text: string) => (asJson ? process.stderr.write(`${text}\n`) : console.log(text));
const DAY = 86_400_000;

interface DynamoCounter {
  requests: number;
  itemsRead: number;
  itemsBatchWritten: number;
  /** While a launch is timed, the items it batch-writes, as written: its floor writes them again. */
  batchItems?: Record<string, unknown>[];
  /** Requests by command, e.g. `Query`. */
  byCommand: Record<string, number>;
}

async function instrument(): Promise<DynamoCounter> {
  const counter: DynamoCounter = { requests: 0, itemsRead: 0, itemsBatchWritten: 0, byCommand: {} };
  const { db, tableName } = await import('../functions/store/table.ts');
  db().middlewareStack.add(
    (next, context) => async (input) => {
      counter.requests++;
      const command = (context.commandName ?? 'Unknown').replace(/(Item)?Command$/, '');
      counter.byCommand[command] = (counter.byCommand[command] ?? 0) + 1;
      if (context.commandName === 'BatchWriteCommand' || context.commandName === 'BatchWriteItemCommand') {
        const requests =
          (input.input as { RequestItems: Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]> })
            .RequestItems[tableName()] ?? [];
        counter.itemsBatchWritten += requests.length;
        for (const request of requests) if (request.PutRequest) counter.batchItems?.push(request.PutRequest.Item);
      }
      const result = await next(input);
      counter.itemsRead += (result.output as { Items?: unknown[] }).Items?.length ?? 0;
      return result;
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  return counter;
}

async function api(stack: LocalStack, method: string, path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.hrToken}`, 'content-type': contentType },
    body: method === 'GET' ? undefined : body,
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(payload)}`);
  return payload;
}

async function mailCount(stack: LocalStack): Promise<number> {
  const { emails } = (await (await fetch(`${stack.mailUrl}/store`)).json()) as { emails: unknown[] };
  return emails.length;
}

/** `value` with every string's `from` replaced by `to`, binary attributes (a mail's body) kept as they are. */
function withIdReplaced(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.replaceAll(from, to);
  if (Array.isArray(value)) return value.map((each) => withIdReplaced(each, from, to));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.fromEntries(Object.entries(value).map(([name, each]) => [name, withIdReplaced(each, from, to)]));
  return value;
}

/**
 * The launch's floor: the items the launch batch-wrote, written again with the same client under another cycle id
 * (same sizes and index keys, so DynamoDB does the same work), then the same number of SendEmail calls made
 * directly with the invitations' own contents, as many at once as a sender makes.
 */
async function floor(items: Record<string, unknown>[], cycleId: string, sends: number): Promise<number> {
  const { batchPut } = await import('../functions/store/table.ts');
  const { sendEmail } = await import('../functions/mail/ses.ts');
  const { forEachLimited } = await import('../functions/shared/concurrency.ts');
  const { config } = await import('../functions/shared/config.ts');
  const { listMails } = await import('../functions/store/mail.ts');
  const messages = (await listMails(cycleId)).filter((mail) => mail.kind === 'invitation');
  if (messages.length !== sends) throw new Error(`expected ${sends} invitations stored, found ${messages.length}`);
  // An id of the same length, so every item keeps its size.
  const floorId = `${cycleId.slice(0, -8)}${randomBytes(4).toString('hex')}`;
  const copies = items.map((item) => withIdReplaced(item, cycleId, floorId) as Record<string, unknown>);
  const started = performance.now();
  await batchPut(copies);
  await forEachLimited(
    messages.map((mail, i) => ({ ...mail, to: `floor${i}@example.com` })),
    config().MAIL_CONCURRENCY,
    async (mail) => void (await sendEmail(mail.to, mail, 'perfcycle')),
  );
  return performance.now() - started;
}

/** One person in this many changed in the directory since the quarter before: an assumption (moves, renames). */
const CHANGED_EACH_QUARTER = 20;

/** HR launches a cycle of `department` through the API, its deadlines 14 and 24 days on: its id. */
async function launchOf(stack: LocalStack, name: string, department: string): Promise<string> {
  const day = (offset: number) => new Date(stack.clock.now() + offset * DAY).toISOString().slice(0, 10);
  const body = JSON.stringify({ name, selfDue: day(14), managerDue: day(24), department });
  return ((await api(stack, 'POST', '/cycles', body)) as { cycleId: string }).cycleId;
}

/** HR cancels a cycle, so nothing of it runs in a quarter priced later; once its workflow is done, an empty mailbox. */
async function cancelled(stack: LocalStack, cycleId: string): Promise<void> {
  await api(stack, 'POST', `/cycles/${cycleId}/cancel`, '{}');
  await stack.settled();
  await fetch(`${stack.mailUrl}/clear-store`, { method: 'POST' });
}

/**
 * Launches and cancels a cycle of 100 people in a department of their own, untimed, before the first timed launch.
 * The first launch of a run otherwise paid alone for warming DynamoDB Local's JVM and the SDK's and mailbox's code,
 * while its floor, timed right after it, found them warm: at 1,000 that alone moved the ratio by up to 0.3.
 */
async function warmUp(stack: LocalStack): Promise<void> {
  await api(stack, 'POST', '/employees/import', roster(100, 'WarmUp'), 'text/csv');
  const cycleId = await launchOf(stack, 'Warm-up', 'WarmUp');
  await stack.settled();
  await cancelled(stack, cycleId);
}

/** The department of the cycle of `size` people. */
const benchDepartment = (size: number) => `Bench${size}`;

/**
 * How many times a launch of `size` people is timed against its floor; the case reports the median. At 1,000 each
 * takes about 3 s, where one pause of DynamoDB Local's JVM or of the machine moved a single ratio by up to 0.25
 * between runs of the same code. At 10,000 one sample takes 80 s and varied less.
 */
const launchSamples = (size: number) => (size <= 1000 ? 3 : 1);

/** A launch of a cycle of `size` people, timed until every invitation is sent, then its floor. */
async function timedLaunch(stack: LocalStack, counter: DynamoCounter, size: number) {
  await fetch(`${stack.mailUrl}/clear-store`, { method: 'POST' });
  counter.batchItems = [];
  const before = { ...counter, byCommand: { ...counter.byCommand } };
  const started = performance.now();
  const cycleId = await launchOf(stack, `Bench ${size}`, benchDepartment(size));
  await stack.settled();
  const launchMs = performance.now() - started;
  const sent = await mailCount(stack);
  if (sent !== size) throw new Error(`expected ${size} invitations, the mailbox has ${sent}`);
  const launchItems = counter.itemsBatchWritten - before.itemsBatchWritten;
  const launchRequests = counter.requests - before.requests;
  const launchRequestsByCommand = Object.entries(counter.byCommand)
    .map(([command, count]) => [command, count - (before.byCommand[command] ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([command, count]) => `${command} ${count}`)
    .join(', ');
  await fetch(`${stack.mailUrl}/clear-store`, { method: 'POST' });
  const launchWrote = counter.batchItems;
  counter.batchItems = undefined;
  const floorMs = await floor(launchWrote, cycleId, size);
  await fetch(`${stack.mailUrl}/clear-store`, { method: 'POST' });
  return {
    cycleId,
    timing: { launchMs, floorMs },
    launchItemsBatchWritten: launchItems,
    launchDynamoRequests: launchRequests,
    launchRequestsByCommand,
  };
}

type LaunchTiming = Awaited<ReturnType<typeof timedLaunch>>['timing'];

/**
 * The timed launches of `size` people before the one the case keeps, each cancelled once timed: taken before a priced
 * quarter starts, so the quarter's cost holds none of them.
 */
async function earlierLaunches(stack: LocalStack, counter: DynamoCounter, size: number): Promise<LaunchTiming[]> {
  const timings: LaunchTiming[] = [];
  if (launchSamples(size) === 1) return timings;
  await api(stack, 'POST', '/employees/import', roster(size, benchDepartment(size)), 'text/csv');
  while (timings.length < launchSamples(size) - 1) {
    const { cycleId, timing } = await timedLaunch(stack, counter, size);
    timings.push(timing);
    await cancelled(stack, cycleId);
  }
  return timings;
}

/** The sample of median ratio (the upper middle of an even count), and every ratio when there were several. */
function medianLaunch(timings: LaunchTiming[]) {
  const ratio = ({ launchMs, floorMs }: LaunchTiming) => Number((launchMs / floorMs).toFixed(2));
  const median = [...timings].sort((a, b) => ratio(a) - ratio(b))[Math.floor(timings.length / 2)]!;
  return {
    launchToAllInvitationsSentMs: Math.round(median.launchMs),
    floorMs: Math.round(median.floorMs),
    ratioToFloor: ratio(median),
    ...(timings.length > 1 ? { ratiosToFloor: timings.map(ratio).join(' ') } : {}),
  };
}

/**
 * The launch of a cycle of `size` people (and, unless launch-only, the rest of its quarter), after HR imports the
 * directory: the first import, or with `directoryKnown` the same directory again with one person in
 * CHANGED_EACH_QUARTER changed, as before each quarter's cycle. Its ratio to the floor is the median with the
 * `earlier` launches'.
 */
async function launchCase(
  stack: LocalStack,
  counter: DynamoCounter,
  size: number,
  earlier: LaunchTiming[],
  directoryKnown = false,
) {
  const directory = roster(size, benchDepartment(size), directoryKnown ? CHANGED_EACH_QUARTER : undefined);
  await api(stack, 'POST', '/employees/import', directory, 'text/csv');
  const requestsBefore = counter.requests;
  const { cycleId, timing, ...requests } = await timedLaunch(stack, counter, size);
  const launch = { participants: size, ...medianLaunch([...earlier, timing]), ...requests };
  if (launchOnly) return launch;

  // The rest of the quarter, nobody answering: every reminder, escalation, result and the acknowledgement reminder.
  const cycleStarted = performance.now();
  await stack.advance(40 * DAY);
  const restMs = performance.now() - cycleStarted;
  const execution = stack.runner.list().find((e) => e.name === cycleId)!;
  if (execution.status !== 'SUCCEEDED') throw new Error(`cycle execution ended ${execution.status}`);
  await fetch(`${stack.mailUrl}/clear-store`, { method: 'POST' });
  // HR's views of the closed cycle, where everyone is overdue in both phases: the longest lists there are.
  const views = await hrViews(stack, counter, cycleId, size);

  // HR's report of the closed cycle, as JSON and as the CSV.
  const reportStarted = performance.now();
  const report = (await api(stack, 'GET', `/cycles/${cycleId}/report`, '')) as { overall: { participants: number } };
  const reportMs = performance.now() - reportStarted;
  const csvStarted = performance.now();
  const csv = await (
    await fetch(`${stack.apiUrl}/cycles/${cycleId}/report?format=csv`, {
      headers: { authorization: `Bearer ${stack.hrToken}` },
    })
  ).text();
  const csvMs = performance.now() - csvStarted;
  if (report.overall.participants !== size || csv.trimEnd().split('\r\n').length !== size + 1)
    throw new Error('the report does not have one entry per participant');
  return {
    ...launch,
    restOfCycleMs: Math.round(restMs),
    stateTransitionsWholeCycle: execution.transitions,
    dynamoRequestsWholeCycle: counter.requests - requestsBefore,
    ...views,
    reportJsonMs: Math.round(reportMs),
    reportCsvMs: Math.round(csvMs),
  };
}

/** The median of `runs` timed calls of `call`, with the DynamoDB requests one call makes. */
async function timed(counter: DynamoCounter, runs: number, call: () => Promise<unknown>) {
  const times: number[] = [];
  let requests = 0;
  for (let run = 0; run < runs; run++) {
    const before = counter.requests;
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
    requests = counter.requests - before;
  }
  times.sort((a, b) => a - b);
  return { ms: Number(times[Math.floor(runs / 2)].toFixed(1)), requests };
}

/**
 * HR's status and the first page of a list, each the median of five calls through the API, beside what the status
 * read before the counters: every assessment of the cycle (timed directly on the store, its requests counted).
 */
async function hrViews(stack: LocalStack, counter: DynamoCounter, cycleId: string, size: number) {
  const { listAssessments } = await import('../functions/store/assessments.ts');
  const status = await timed(counter, 5, () => api(stack, 'GET', `/cycles/${cycleId}`, ''));
  const page = await timed(counter, 5, async () => {
    const first = (await api(stack, 'GET', `/cycles/${cycleId}/overdue?phase=self&limit=50`, '')) as {
      overdue: unknown[];
      nextCursor?: string;
    };
    if (first.overdue.length !== Math.min(50, size) || (size > 50 && !first.nextCursor))
      throw new Error(`the first page of the overdue list has ${first.overdue.length} people`);
  });
  const fullRead = await timed(counter, 3, () => listAssessments(cycleId));
  return {
    statusMs: status.ms,
    statusDynamoRequests: status.requests,
    firstPageMs: page.ms,
    firstPageDynamoRequests: page.requests,
    wholeCycleReadMs: fullRead.ms,
    wholeCycleReadDynamoRequests: fullRead.requests,
  };
}

/**
 * HR's import of a 5,000-person directory through the CLI, as Excel saves it on a German Windows: Windows-1252,
 * semicolons, "Employee ID" headers. Timed from the command to its exit, with the progress it prints on stderr.
 */
async function importCase(stack: LocalStack) {
  const rows = 5000;
  const dir = mkdtempSync(join(tmpdir(), 'perfcycle-bench-import-'));
  try {
    const lines = ['Employee ID;Name;E-Mail;Manager ID;Department'];
    for (let i = 0; i < rows; i++)
      lines.push(
        `imp${i};Jos\u00e9 M\u00fcller ${i};imp${i}@example.com;${i < 50 ? '' : `imp${i % 50}`};Vertrieb ${i % 12}`,
      );
    writeFileSync(join(dir, 'roster.csv'), Buffer.from(lines.join('\r\n'), 'latin1'));
    let out = '';
    let err = '';
    const started = performance.now();
    const code = await runCli(['employees', 'import', 'roster.csv'], {
      env: { PERFCYCLE_API_URL: stack.apiUrl, PERFCYCLE_TOKEN: stack.hrToken },
      cwd: dir,
      out: (text) => (out += text),
      err: (text) => (err += text),
    });
    const importMs = performance.now() - started;
    if (
      code !== 0 ||
      !out.endsWith(`imported ${rows} employees (${rows} new, 0 updated)`) ||
      !out.includes('Jos\u00e9 M\u00fcller 0')
    )
      throw new Error(`import failed (${code}): ${out} ${err}`);
    const progress = err.trimEnd().split('\n');
    return {
      rows,
      importMs: Math.round(importMs),
      progressLines: progress.length,
      firstProgress: progress[0],
      lastProgress: progress.at(-1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The daily goal watch's read: `goalCount` open goals of which 100 fall due today. They are goals of the quarter of
 * the first size's (closed) cycle, counted in its department with their counter item as the goals' own writes keep
 * it, so HR's goal views of that cycle are timed over them too: `GET /cycles/{id}/goals` (counts and the first page
 * of missed goals), `GET /goals/attention` of the quarter (counts and the first page of each list) and the report, beside what both read before the goal counters (every goal of the period and every
 * participant, timed directly on the store).
 */
async function goalWatchCase(stack: LocalStack, counter: DynamoCounter) {
  const { batchPut, keys } = await import('../functions/store/table.ts');
  const { goalItem, listGoalsOfPeriod } = await import('../functions/store/goals.ts');
  const { listAssessments } = await import('../functions/store/assessments.ts');
  const { goalsOwingSteps } = await import('../functions/services/goals.ts');
  const { DEFAULT_GOAL_TIMINGS, goalTallyOf } = await import('../functions/domain/goals.ts');
  const department = `Bench${sizes[0]}`;
  const { cycles } = (await api(stack, 'GET', '/cycles', '')) as {
    cycles: { cycleId: string; name: string; period: string }[];
  };
  const { cycleId, period } = cycles.find((cycle) => cycle.name === `Bench ${sizes[0]}`)!;
  const now = stack.clock.now();
  const endOfToday = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T23:59:59Z`);
  const dueToday = 100;
  const goals = Array.from({ length: goalCount }, (_, i): GoalRecord => {
    // 100 due today; the rest spread over the months after the reminder window.
    const dueAt = i < dueToday ? endOfToday : endOfToday + (8 + (i % 300)) * DAY;
    const due = new Date(dueAt).toISOString().slice(0, 10);
    return {
      goalId: `goal_bench${i}`,
      employeeId: `bench-goal-owner-${i % 20_000}`,
      title: `Goal ${i}`,
      kind: 'performance',
      weight: 0,
      due,
      dueAt,
      period,
      department,
      state: 'OPEN',
      progress: 0,
      checkIns: [],
      escalations: {},
      createdAt: new Date(now).toISOString(),
      createdBy: 'system',
    };
  });
  // The department's counts as the goals' own writes would have moved them.
  const tally: Record<string, number> = {};
  for (const goal of goals)
    for (const [name, count = 0] of Object.entries(goalTallyOf(goal))) tally[name] = (tally[name] ?? 0) + count;
  const seeded = performance.now();
  await batchPut([...goals.map(goalItem), { ...keys.goalCount(period, department), period, department, ...tally }]);
  const seedMs = performance.now() - seeded;
  const before = { ...counter };
  const started = performance.now();
  const owing = await goalsOwingSteps(now, DEFAULT_GOAL_TIMINGS);
  const dailyCheckMs = Math.round(performance.now() - started);
  const dailyCheck = { itemsRead: counter.itemsRead - before.itemsRead, requests: counter.requests - before.requests };
  const goalsView = await timed(counter, 5, () => api(stack, 'GET', `/cycles/${cycleId}/goals?limit=50`, ''));
  const attention = await timed(counter, 5, () => api(stack, 'GET', `/goals/attention?period=${period}&limit=50`, ''));
  const report = await timed(counter, 3, () => api(stack, 'GET', `/cycles/${cycleId}/report`, ''));
  const wholeRead = await timed(counter, 3, () => Promise.all([listGoalsOfPeriod(period), listAssessments(cycleId)]));
  return {
    goals: goalCount,
    dueToday,
    seedMs: Math.round(seedMs),
    dailyCheckMs,
    goalsOwingAStep: owing.length,
    itemsRead: dailyCheck.itemsRead,
    dynamoRequests: dailyCheck.requests,
    cycleGoalsMs: goalsView.ms,
    cycleGoalsDynamoRequests: goalsView.requests,
    goalsAttentionMs: attention.ms,
    goalsAttentionDynamoRequests: attention.requests,
    reportMs: report.ms,
    reportDynamoRequests: report.requests,
    goalsAndParticipantsReadMs: wholeRead.ms,
    goalsAndParticipantsReadDynamoRequests: wholeRead.requests,
  };
}

function printCost(cost: ReturnType<typeof quarterCosts>): void {
  console.log(
    `What a quarter costs in AWS (us-east-1, list prices, bench/cost-model.ts), measured for ${cost.employees} employees; counts and USD per 1,000 employees`,
  );
  console.table(cost.parts);
  console.log('The cycle part by function');
  console.table(cost.cycleByFunction);
  console.table([cost.per1000EmployeesUsd]);
  console.log(
    `$${cost.costPer1000EmployeesPerQuarterUsd} per 1,000 employees per quarter without SES (aim <= $${cost.aimUsd}); SES adds $${cost.per1000EmployeesUsd.sesUsd}`,
  );
  console.log(
    `Once, before the first quarter: the directory's first import, $${cost.firstImportUsdPer1000} per 1,000 employees (${cost.firstImportWriteRequestUnitsPer1000} write units)`,
  );
}

function printBundles(bundles: BundleFigures[]): void {
  console.log(
    'Lambda bundles (esbuild, minified, SDK bundled): cold import, median of fresh processes, against importing only their SDK clients',
  );
  console.table(bundles);
}

async function fullBench(): Promise<void> {
  const faultFigures = faults ? await faultsBench(asJson, log) : undefined;

  const meter = new UsageMeter();
  const formRequests = new FormRequestRecorder();
  const stack = await startLocalStack({
    aroundInvocation: (functionId, invoke) => meter.around(functionId, () => formRequests.around(functionId, invoke)),
  });
  try {
    const counter = await instrument();
    await meter.meterDynamo();
    await formRequests.attach();
    const cases = [];
    let quarter: Omit<QuarterMeasure, 'answers'> | undefined;
    if (sizes.length) await warmUp(stack);
    for (const size of sizes) {
      // The first size's cycle is the quarter's: its transactions are priced from their items. An organisation's
      // quarter starts from the directory it already has: the first import of it is priced apart, once.
      const priced = !quarter && !launchOnly;
      let firstImport: UsageByFunction | undefined;
      if (priced) {
        log(`importing the directory of ${size} people for the first time...`);
        const onboarding = meter.snapshot();
        await meter.pricing(() =>
          api(stack, 'POST', '/employees/import', roster(size, benchDepartment(size)), 'text/csv'),
        );
        firstImport = usedBetween(onboarding, meter.snapshot());
      }
      log(
        `launching a cycle of ${size} participants${launchSamples(size) > 1 ? `, ${launchSamples(size)} times` : ''}...`,
      );
      const earlier = await earlierLaunches(stack, counter, size);
      const before = meter.snapshot();
      const dailyBefore = stack.goalWatch.list().length;
      const measured = await (priced
        ? meter.pricing(() => launchCase(stack, counter, size, earlier, true))
        : launchCase(stack, counter, size, earlier));
      cases.push(measured);
      // The first size's quarter is the one priced: its cycle with every schedule that ran meanwhile
      // (a launch-only run has no quarter to price).
      if (!firstImport || !('stateTransitionsWholeCycle' in measured)) continue;
      await stack.flushOutboxes();
      const daily = stack.goalWatch.list().slice(dailyBefore);
      quarter = {
        employees: size,
        firstImport,
        cycle: usedBetween(before, meter.snapshot()),
        cycleTransitions: measured.stateTransitionsWholeCycle,
        dailyExecutions: daily.length,
        dailyTransitions: daily.reduce((sum, execution) => sum + execution.transitions, 0),
      };
    }
    if (quarter && answersSize > 0)
      log(`a cycle of ${answersSize} people where everyone answers, to price the answers...`);
    const answers =
      quarter && answersSize > 0 ? await meter.pricing(() => answersBench(stack, api, meter, answersSize)) : undefined;
    const cost = quarter && answers && quarterCosts({ ...quarter, answers });
    const others = !faults && !launchOnly;
    if (others) log('importing a 5,000-row Windows-1252 directory through the CLI...');
    const directoryImport = others ? await importCase(stack) : undefined;
    if (goalCount > 0) log(`seeding ${goalCount} goals for the goal-watch read...`);
    const goalWatch = goalCount > 0 ? await goalWatchCase(stack, counter) : undefined;
    if (formPosts > 0) log(`storming forms, then ${formPosts} form posts one after another...`);
    const forms = formPosts > 0 ? await formsBench(stack, api, formPosts) : undefined;
    if (formLoadSize > 0)
      log(
        `posting ${formLoadSize} self-assessments and ${formLoadSize} check-ins, with 1 client, then 50, then their floor...`,
      );
    const formLoad = formLoadSize > 0 ? await formLoadBench(stack, api, formRequests, formLoadSize) : undefined;
    if (calibrationSize > 0) log(`seeding a calibrated cycle of ${calibrationSize} participants, then reading it...`);
    const calibration = calibrationSize > 0 ? await calibrationBench(stack, counter, calibrationSize) : undefined;
    if (others) log('bundling each function...');
    const bundles = others ? await bundleFigures(benchedFunctions, importRuns) : [];
    const report = {
      node: process.version,
      faults: faultFigures,
      cases,
      answers: answers?.figures,
      directoryImport,
      goalWatch,
      forms,
      formPostP95MsSerial: formLoad?.selfAssessment.serial.p95Ms,
      formPostRatioToFloor: formLoad?.ratioToFloor,
      formLoad,
      calibration,
      cost,
      costPer1000EmployeesPerQuarterUsd: cost?.costPer1000EmployeesPerQuarterUsd,
      bundles,
    };
    if (asJson) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log('\nReview-cycle launch on the local stack');
      console.table(cases);
      if (directoryImport) {
        console.log('Directory import through the CLI (Windows-1252, semicolons), with progress on stderr');
        console.table([directoryImport]);
      }
      if (goalWatch) {
        console.log(
          'Daily goal watch: open goals read through the sparse index; HR\u2019s goal views of the first cycle over the same goals, and what they read before the goal counters',
        );
        console.table([goalWatch]);
      }
      if (forms) {
        console.log(`Submit storm: the same form posted ${forms.storm[0].posts} times at once, exactly one counted`);
        console.table(forms.storm);
        console.log('A form POST (a goal check-in from a fresh page), one after another');
        console.table([forms.checkInPostLatency]);
      }
      if (formLoad) {
        console.log(
          `Forms under load: ${formLoad.participants} distinct self-assessments and ${formLoad.participants} check-ins per run, each POST timed to its 303; the floor is the same DynamoDB requests sent directly`,
        );
        console.table(formLoadRows(formLoad));
        console.log(
          'One POST with one client, means: DynamoDB requests and ms each, time in the handler, of which DynamoDB in flight',
        );
        console.table([
          { form: 'self-assessment', ...formLoad.selfAssessment.perPost },
          { form: 'goal check-in', ...formLoad.checkIn.perPost },
        ]);
        console.log(
          `Self-assessment POST p95 with 1 client: ${formLoad.selfAssessment.serial.p95Ms} ms (aim <= 50); all submissions with ${formLoad.clients} clients: ${formLoad.ratioToFloor}x the floor (aim <= 1.3)`,
        );
      }
      if (calibration) {
        console.log(`Calibration of a cycle (${calibration.managers} managers; seeded in ${calibration.seedMs} ms)`);
        console.table(calibration.reads);
      }
      if (answers) {
        console.log(
          `Answers of a cycle of ${answers.people} (${answers.figures.reviewers} reviewers), each form submitted: what the form pages used per person`,
        );
        console.table(answers.figures.perPerson);
      }
      if (cost) printCost(cost);
      if (bundles.length) printBundles(bundles);
    }
  } finally {
    await stack.stop();
  }
}

if (bundlesOnly) {
  const bundles = await bundleFigures(benchedFunctions, importRuns);
  if (asJson) console.log(JSON.stringify({ node: process.version, bundles }, null, 2));
  else printBundles(bundles);
} else {
  await fullBench();
}
