import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAbsolute, join } from 'node:path';
import { Command, CommanderError, type Option } from 'commander';
import { ADJUSTMENT_COLUMNS } from '../functions/domain/adjustments.ts';
import { adjustmentRows } from '../functions/domain/calibration.ts';
import { importParts, separatorName } from '../functions/domain/employee.ts';
import { csvLines, REPORT_COLUMNS, reportRow, toCsv } from '../functions/domain/report.ts';
import { parseCalendarDate } from '../functions/domain/time.ts';
import type {
  Adjustment,
  AdjustmentFile,
  ApiError,
  CalibrationFirstPage,
  ClientResponses,
  ClientRoute,
  CycleReport,
  DirectoryPage,
  ImportResult,
  ImportSaved,
  RouteParams,
} from '../functions/api/responses.ts';
import { DEFAULT_CALLBACK_PORT, freshCredentials, LoginFailure, login, logout, readCredentials } from './login.ts';

/**
 * The `perfcycle` CLI for HR: a thin client of the HTTP API. It reads PERFCYCLE_API_URL and
 * PERFCYCLE_TOKEN; without a token it uses the sign-in kept by `perfcycle login` (AWS), else, on the
 * local stack, the running stack's printed HR token.
 */
export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Reads a CloudFormation stack's outputs for `login --stack` (tests stand in; by default the AWS CLI). */
  stackOutputs?: (stack: string) => Promise<Record<string, string>>;
}

/** A refusal or failure: `message` says what, `details` list each reason (one per problem, all at once). */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** A command line that cannot be run as given (exit code 2, like commander's own usage errors). */
class UsageFailure extends CliFailure {}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/**
 * Where requests go and the token they carry: PERFCYCLE_TOKEN if set; else the sign-in kept by `perfcycle login`
 * when PERFCYCLE_API_URL names its API; else the local stack's HR token file, when there is one (a checkout running
 * the local stack); else the kept sign-in. A kept sign-in is renewed when about to expire and only goes to its own API.
 */
async function connection(io: CliIo) {
  const envUrl = io.env.PERFCYCLE_API_URL?.replace(/\/$/, '');
  const tokenFile = join(io.env.PERFCYCLE_DATA_DIR ?? join(io.cwd, '.data'), 'hr-token');
  if (!io.env.PERFCYCLE_TOKEN) {
    const stored = signIn(() => readCredentials(io.env));
    if (stored && (envUrl === stored.apiUrl || (envUrl === undefined && !existsSync(tokenFile)))) {
      const fresh = await signIn(() => freshCredentials(io.env, stored));
      return { apiUrl: fresh.apiUrl, token: fresh.idToken };
    }
  }
  const apiUrl = envUrl ?? 'http://127.0.0.1:3000';
  const token = io.env.PERFCYCLE_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (!token)
    throw new CliFailure(
      `no HR token: set PERFCYCLE_TOKEN (the local stack writes one to ${tokenFile}), or run \`perfcycle login\` for perfcycle in AWS`,
    );
  return { apiUrl, token };
}

/** Runs a sign-in step, its failures reported as the CLI's own (exit code 1). */
function signIn<T>(step: () => T): T {
  const wrap = (error: unknown) => (error instanceof LoginFailure ? new CliFailure(error.message) : error);
  try {
    const result = step();
    return (result instanceof Promise ? result.catch((error) => Promise.reject(wrap(error))) : result) as T;
  } catch (error) {
    throw wrap(error);
  }
}

/** The routes the CLI calls and what each answers: the HR API's, typed by its handlers, and the local stack's clock. */
type Responses = ClientResponses;
type Route = ClientRoute;

/** A request to `route`: a value for each of its path parameters, a query, and a JSON body or a file's bytes. */
type Request<R extends Route> = {
  query?: Record<string, string | undefined>;
  json?: unknown;
  file?: Uint8Array;
} & RouteParams<R>;

/** The response body as bytes: `text()` would drop a CSV's byte-order mark, which spreadsheets need. */
async function send<R extends Route>(
  io: CliIo,
  route: R,
  request: Request<R>,
  idempotencyKey?: string,
): Promise<Buffer> {
  const { apiUrl, token } = await connection(io);
  const [method, template] = route.split(' ') as [string, string];
  const path = pathOf(template, request);
  let response: Response;
  let bytes: Buffer;
  try {
    ({ response, bytes } = await fetchRetrying(method === 'GET' || idempotencyKey !== undefined, () =>
      fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          // A file goes as its bytes: the API reads its encoding, which a text body would already have lost.
          ...(request.json !== undefined
            ? { 'content-type': 'application/json' }
            : request.file !== undefined
              ? { 'content-type': 'application/octet-stream' }
              : {}),
        },
        body: request.json !== undefined ? JSON.stringify(request.json) : request.file,
      }),
    ));
  } catch (error) {
    throw new CliFailure(
      `cannot reach the perfcycle API at ${apiUrl} (${(error as Error).message}); is the stack running (npm start)?`,
    );
  }
  if (!response.ok) throw refusal(response.status, bytes.toString('utf8'));
  return bytes;
}

/** An error answer as a failure: the API's `{ error, details }` (ApiError), or the start of whatever else came. */
function refusal(status: number, text: string): CliFailure {
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : {};
  } catch {
    payload = { error: text.slice(0, 500) };
  }
  const { error, details }: { [K in keyof ApiError]?: unknown } =
    typeof payload === 'object' && payload !== null ? payload : {};
  return new CliFailure(String(error ?? `HTTP ${status}`), Array.isArray(details) ? details.map(String) : []);
}

/** The route's path with each parameter filled in (URI-encoded), then the query without its unset values. */
function pathOf(
  template: string,
  request: { params?: Partial<Record<string, string>>; query?: Record<string, string | undefined> },
): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
  const query = new URLSearchParams(
    Object.entries(request.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return query.size ? `${path}?${query}` : path;
}

/** Network failures worth another attempt: the API did not answer, or the connection broke or timed out. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** The waits before each retry: four attempts within about two seconds. */
const RETRY_DELAYS_MS = [250, 500, 1000];

/**
 * A request that is safe to repeat (`retryable`: a GET, or one carrying the invocation's Idempotency-Key) is
 * sent again after a network failure, and while the API answers that the first request with its key still runs.
 */
async function fetchRetrying(
  retryable: boolean,
  request: () => Promise<Response>,
): Promise<{ response: Response; bytes: Buffer }> {
  for (let attempt = 0; ; attempt++) {
    const retry = retryable ? RETRY_DELAYS_MS[attempt] : undefined;
    try {
      const response = await request();
      const bytes = Buffer.from(await response.arrayBuffer());
      if (retry === undefined || !(response.status === 409 && response.headers.has('retry-after')))
        return { response, bytes };
    } catch (error) {
      // fetch fails with a TypeError whose cause carries the socket's error code.
      if (
        retry === undefined ||
        !TRANSIENT_NETWORK_CODES.has((error as { cause?: { code?: string } }).cause?.code ?? '')
      )
        throw error;
    }
    await sleep(retry);
  }
}

/** A JSON route's answer, typed as its handler answers it (functions/api/responses.ts). */
async function call<R extends Route>(
  io: CliIo,
  route: R,
  request: Request<R>,
  idempotencyKey?: string,
): Promise<Responses[R]> {
  const text = (await send(io, route, request, idempotencyKey)).toString('utf8');
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw new CliFailure(`the API answered something that is not JSON: ${text.slice(0, 200)}`);
  }
}

function printer(io: CliIo, asJson: boolean) {
  return (payload: unknown, human: () => string) => io.out(asJson ? JSON.stringify(payload, null, 2) : human());
}

/** A file named on the command line, relative to the working directory, refused when missing or over `maxBytes`. */
function readInputFile(io: CliIo, file: string, maxBytes: number): Buffer {
  const path = join(io.cwd, file);
  if (!existsSync(file) && !existsSync(path)) throw new CliFailure(`no such file: ${file}`);
  const target = existsSync(file) ? file : path;
  if (statSync(target).size > maxBytes) throw new CliFailure(`${file} is larger than ${maxBytes / 1024 / 1024} MB`);
  return readFileSync(target);
}

/** Writes a file named on the command line, relative to the working directory. */
function writeOutputFile(io: CliIo, file: string, content: string | Uint8Array, append = false): void {
  try {
    (append ? appendFileSync : writeFileSync)(isAbsolute(file) ? file : join(io.cwd, file), content);
  } catch (error) {
    throw new CliFailure(`cannot write ${file}: ${(error as Error).message}`);
  }
}

export function buildProgram(io: CliIo): Command {
  // One key per invocation, sent on each creating call: a retry of it, by this CLI or through a proxy, is applied once.
  const idempotencyKey = randomUUID();
  const program = new Command('perfcycle')
    .description('Run quarterly review cycles: import the directory, launch, watch and steer cycles')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    // Commander's own usage errors (unknown option, missing argument) are printed by runCli, once, in the chosen format.
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} });

  program
    .command('login')
    .description(
      'Sign in to perfcycle in AWS through the managed login (MFA included); the sign-in is kept in your config directory and renewed. ' +
        'Give --stack, or --api-url, --auth-domain and --client-id (these override the stack\u2019s outputs)',
    )
    .option(
      '--stack <name>',
      'read the API URL, sign-in domain and client id from this CloudFormation stack\u2019s outputs (needs the AWS CLI)',
    )
    .option('--api-url <url>', 'the HTTP API\u2019s URL (stack output ApiUrl)')
    .option('--auth-domain <domain>', 'the managed login\u2019s domain (stack output AuthDomain)')
    .option('--client-id <id>', 'the app client id (stack output UserPoolClientId)')
    .option(
      '--port <port>',
      `the loopback port of the redirect, registered on the app client as http://localhost:<port>/callback (0: any free port)`,
      String(DEFAULT_CALLBACK_PORT),
    )
    .option('--timeout <seconds>', 'how long to wait for the sign-in', '300')
    .action(
      async (options: {
        stack?: string;
        apiUrl?: string;
        authDomain?: string;
        clientId?: string;
        port: string;
        timeout: string;
      }) => {
        const port = Number(options.port);
        const timeoutSeconds = Number(options.timeout);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageFailure(`--port must be a port number, not ${options.port}`);
        if (!(timeoutSeconds > 0))
          throw new UsageFailure(`--timeout must be a number of seconds, not ${options.timeout}`);
        await signIn(() => login(io, { ...options, port, timeoutSeconds }));
      },
    );
  program
    .command('logout')
    .description('Forget the sign-in kept by `perfcycle login` (and revoke its refresh token)')
    .action(async () => {
      await signIn(() => logout(io));
    });

  const employees = program.command('employees').description('The employee directory');
  employees
    .command('import')
    .description(
      'Import the directory from a CSV (employeeId,name,email,managerId,department; comma, semicolon or tab; UTF-8 or Windows-1252); all rows or none. ' +
        'Deactivated people in the file stay deactivated',
    )
    .argument('<file>', 'CSV file')
    .option('--dry-run', 'check the file and show how it was read; save nothing')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { dryRun?: boolean; json?: boolean }) => {
      const bytes = readInputFile(io, file, 5 * 1024 * 1024);
      if (options.dryRun) {
        const checked = await call(
          io,
          'POST /employees/import',
          { query: { dryRun: 'true' }, file: bytes },
          idempotencyKey,
        );
        printer(io, !!options.json)(checked, () =>
          [...howRead(checked), `valid: ${checked.valid} employees (${importCounts(checked)}); nothing saved`].join(
            '\n',
          ),
        );
        return;
      }
      // Parts sized by the file's lines after the header (at least its rows): every part checks the whole file, so any split saves the same rows.
      const lines = bytes.filter((byte) => byte === 0x0a).length + (bytes.at(-1) === 0x0a ? 0 : 1);
      const parts = importParts(lines - 1);
      /** Saves one part and adds its counts to those of the parts before. */
      const savePart = async (part: number, before?: ImportSaved): Promise<ImportSaved> => {
        // Each part is a request of its own, so each has a key of its own, derived from the invocation's.
        // Not a dry run: the API saves and answers what it saved.
        const saved = (await call(
          io,
          'POST /employees/import',
          { query: parts > 1 ? { part: String(part), parts: String(parts) } : {}, file: bytes },
          parts > 1 ? `${idempotencyKey}.${part}` : idempotencyKey,
        )) as ImportSaved;
        const result = before
          ? {
              ...saved,
              imported: before.imported + saved.imported,
              created: before.created + saved.created,
              updated: before.updated + saved.updated,
              unchanged: before.unchanged + saved.unchanged,
            }
          : saved;
        if (parts > 1) io.err(`imported ${result.imported} of ${saved.valid} rows (part ${part} of ${parts})\n`);
        return result;
      };
      let result = await savePart(1);
      for (let part = 2; part <= parts; part++) result = await savePart(part, result);
      const { part: _part, parts: _parts, valid: _valid, ...total } = result;
      printer(io, !!options.json)(total, () =>
        [...howRead(total), `imported ${total.imported} employees (${importCounts(total)})`].join('\n'),
      );
    });

  employees
    .command('list')
    .description('Everyone in the directory, by department, with who is deactivated')
    .option('--department <department>', 'only this department (any case)')
    .option('--json', 'print JSON')
    .action(async (options: { department?: string; json?: boolean }) => {
      const people: DirectoryPage['employees'] = [];
      let cursor: string | undefined;
      do {
        const query = { limit: '1000', department: options.department, cursor };
        const page = await call(io, 'GET /employees', { query });
        people.push(...page.employees);
        cursor = page.nextCursor;
      } while (cursor);
      printer(io, !!options.json)({ employees: people }, () =>
        people.length
          ? people
              .map(
                (p) =>
                  `${p.employeeId}  ${p.name} <${p.email}>  ${p.department}${p.managerId ? `, manager ${p.managerId}` : ''}${p.active ? '' : `  (deactivated ${p.deactivatedAt?.slice(0, 10)})`}`,
              )
              .join('\n')
          : options.department !== undefined
            ? `nobody in department "${options.department}"`
            : 'the directory is empty: import it with `perfcycle employees import`',
      );
    });

  for (const [name, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    employees
      .command(name)
      .argument('<employeeId>')
      .description(
        active
          ? 'Activate someone deactivated: in the next cycles and sent mail again'
          : 'Deactivate a leaver: in no new cycle and sent no more mail (what was queued for them is dropped); their goals, reviews and audit stay',
      )
      .option('--json', 'print JSON')
      .action(async (employeeId: string, options: { json?: boolean }) => {
        const result = await call(io, `POST /employees/{employeeId}/${name}`, { params: { employeeId }, json: {} });
        const who = `${result.name} (${result.employeeId})`;
        printer(io, !!options.json)(result, () =>
          result.changed
            ? `${who} ${active ? 'is active again' : 'is deactivated: in no new cycle and sent no more mail; their history stays'}`
            : `${who} was already ${active ? 'active' : `deactivated (since ${result.deactivatedAt?.slice(0, 10)})`}: nothing changed`,
        );
      });
  }

  employees
    .command('history')
    .argument('<employeeId>')
    .description('One person\u2019s appraisals across cycles, newest first')
    .option('--json', 'print JSON')
    .action(async (employeeId: string, options: { json?: boolean }) => {
      const result = await call(io, 'GET /employees/{employeeId}/history', { params: { employeeId } });
      printer(io, !!options.json)(result, () =>
        result.cycles.length
          ? result.cycles
              .map(
                (c) =>
                  `${c.period}  ${c.name} (${c.cycleId}): ${c.finalRating ? `${c.finalRating.value} ${c.finalRating.label}${c.finalRating.calibrated ? ' (set in calibration)' : ''}` : 'no rating'}, ${c.acknowledgement}, reviewer ${c.manager}`,
              )
              .join('\n')
          : `no released appraisals for ${employeeId}`,
      );
    });

  const settings = program
    .command('settings')
    .description('The organisation settings: scale, template, timings, time zone (versioned)');
  settings
    .command('show')
    .description('The settings in force and their version (version 0: the defaults)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await call(io, 'GET /settings', {});
      printer(io, !!options.json)(
        result,
        () =>
          `version ${result.version}${result.savedAt ? ` saved ${result.savedAt}` : ' (defaults)'}\n${JSON.stringify(result.settings, null, 2)}`,
      );
    });
  settings
    .command('set')
    .description(
      'Save settings as the next version: a whole document, the output of `settings show --json`, or only the fields to change ' +
        '(merged onto the version in force; lists such as the scale replace whole); prints what changed. Running cycles keep theirs',
    )
    .requiredOption('--file <file>', 'settings JSON, whole or partial (see `settings show --json` for the shape)')
    .option('--json', 'print JSON')
    .action(async (options: { file: string; json?: boolean }) => {
      const text = readInputFile(io, options.file, 256 * 1024).toString('utf8');
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (error) {
        throw new CliFailure(`${options.file} is not JSON: ${(error as Error).message}`);
      }
      const result = await call(io, 'PATCH /settings', { json: document });
      printer(io, !!options.json)(result, () =>
        result.saved
          ? [
              `settings saved as version ${result.version}; the next cycle uses them`,
              ...result.changes.map((change: string) => `  ${change}`),
            ].join('\n')
          : `no change: ${options.file} matches version ${result.version} in force; nothing saved`,
      );
    });

  const cycle = program.command('cycle').description('Review cycles');
  cycle
    .command('launch')
    .description('Launch a review cycle; deadlines are the end of the given day in the organisation\u2019s time zone')
    .requiredOption('--name <name>', 'cycle name, e.g. "2026 Q4"')
    .requiredOption('--self-due <date>', 'self-assessment deadline, YYYY-MM-DD')
    .requiredOption('--manager-due <date>', 'manager review deadline, YYYY-MM-DD')
    .option('--department <department>', 'only this department')
    .option(
      '--period <quarter>',
      'the quarter under review, e.g. 2026-Q4, whose goals are rated (default: the current quarter)',
    )
    .option('--reminder-lead <duration>', 'remind this long before each deadline (default 3d)')
    .option('--hr-grace <duration>', 'tell HR this long after each deadline (default 2d)')
    .option('--allow-overlap', 'launch even if a running cycle of the same quarter has some of the same people')
    .option('--upward', 'each participant with a manager also reviews that manager, anonymously')
    .option(
      '--calibration-due <date>',
      'calibrate before release: results wait for `cycle release`, planned for this day, YYYY-MM-DD (after --manager-due)',
    )
    .option('--no-calibration', 'release by itself even where the settings calibrate by default')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        name: string;
        selfDue: string;
        managerDue: string;
        department?: string;
        period?: string;
        reminderLead?: string;
        hrGrace?: string;
        allowOverlap?: boolean;
        upward?: boolean;
        calibrationDue?: string;
        calibration?: boolean;
        json?: boolean;
      }) => {
        const { name, selfDue, managerDue, department, period, reminderLead, hrGrace } = options;
        const allowOverlap = options.allowOverlap ? true : undefined;
        if (options.calibration === false && options.calibrationDue)
          throw new UsageFailure('--calibration-due and --no-calibration contradict each other: give one');
        const calibrationDue = options.calibration === false ? false : options.calibrationDue;
        const result = await call(
          io,
          'POST /cycles',
          {
            json: {
              name,
              selfDue,
              managerDue,
              department,
              period,
              reminderLead,
              hrGrace,
              allowOverlap,
              ...(options.upward ? { upward: true } : {}),
              calibrationDue,
            },
          },
          idempotencyKey,
        );
        for (const warning of result.warnings ?? []) io.err(`warning: ${warning}\n`);
        printer(io, !!options.json)(result, () => result.cycleId);
      },
    );
  cycle
    .command('list')
    .description('Every cycle, newest first, with its phase, deadlines and completion')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await call(io, 'GET /cycles', {});
      printer(io, !!options.json)(result, () =>
        result.cycles.length
          ? result.cycles
              .map(
                (c) =>
                  `${c.cycleId}  ${c.name}${c.department ? ` (${c.department})` : ''}, ${c.period}: ${c.phase}, ${c.participants ?? 0} participants; ` +
                  `self due ${c.selfDue} ${c.selfCompletion}% done; manager due ${c.managerDue} ${c.managerCompletion}% done`,
              )
              .join('\n')
          : 'no cycles yet: launch one with `perfcycle cycle launch`',
      );
    });
  cycle
    .command('report')
    .argument('<cycleId>')
    .description(
      'Completion and lateness per phase and department, final ratings, goals met and missed, unacknowledged results',
    )
    .option(
      '--csv <file>',
      'also write one row per person to this CSV file (UTF-8, opens in a spreadsheet), page by page as they come',
    )
    // Pages of 300: about what DynamoDB reads in its 1 MB a request anyway, so a larger limit saves no request.
    .option('--limit <n>', 'people per page of the CSV (1-1000)', '300')
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { csv?: string; limit: string; json?: boolean }) => {
      const report = await call(io, 'GET /cycles/{cycleId}/report', { params: { cycleId } });
      const rows = options.csv ? await writeReportCsv(io, cycleId, options.csv, options.limit) : 0;
      printer(io, !!options.json)(report, () => {
        const line = (name: string, s: CycleReport['overall']) =>
          `${name}: ${s.participants} people; self ${s.self.completion}% (${s.self.late} late, ${s.self.overdue} overdue); manager ${s.manager.completion}% (${s.manager.late} late, ${s.manager.overdue} overdue); goals ${s.goals.met} met, ${s.goals['done-late']} done late, ${s.goals.missed} missed; ${s.unacknowledged} unacknowledged`;
        return [
          `${report.name} (${report.cycleId}), ${report.period}: ${report.phase}`,
          line('everyone', report.overall),
          ...report.departments.map((d) => line(d.department, d)),
          `final ratings: ${Object.entries(report.overall.ratings)
            .map(([label, n]) => `${label} ${n}`)
            .join(', ')}`,
          ...calibrationLines(report),
          ...(report.peerReviews.asked
            ? [
                `peer reviews: ${report.peerReviews.answered} of ${report.peerReviews.asked} answered (${report.peerReviews.completion}%); ${report.peerReviews.byDepartment.map((d) => `${d.department} ${d.completion}%`).join(', ')}; by manager: ${report.peerReviews.byManager.map((m) => `${peerManager(m)} ${m.completion}%`).join(', ')}`,
              ]
            : []),
          ...(options.csv ? [`wrote ${rows} rows to ${options.csv}`] : []),
        ].join('\n');
      });
    });
  cycle
    .command('calibration')
    .argument('<cycleId>')
    .description(
      'Ratings side by side: per manager and department, the count at each scale point before (the manager\u2019s rating) and after (the final rating), ' +
        'the mean and its distance from the cycle\u2019s (flagged beyond one scale point), missing reviews, and every participant',
    )
    .option(
      '--csv <file>',
      `also write ${ADJUSTMENT_COLUMNS.join(',')} for \`cycle adjust --csv\`: each reviewed person's final rating at its nearest scale point, reason empty`,
    )
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { csv?: string; json?: boolean }) => {
      // Pages of 300: about what DynamoDB reads in its 1 MB a request anyway, so a larger limit saves no request.
      // The first page carries the figures.
      const first = (await call(io, 'GET /cycles/{cycleId}/calibration', {
        params: { cycleId },
        query: { limit: '300' },
      })) as CalibrationFirstPage;
      const participants = [...first.participants];
      for (let cursor = first.nextCursor; cursor; ) {
        const page = await call(io, 'GET /cycles/{cycleId}/calibration', {
          params: { cycleId },
          query: { limit: '300', cursor },
        });
        participants.push(...page.participants);
        cursor = page.nextCursor;
      }
      const { nextCursor: _next, ...view } = { ...first, participants };
      if (options.csv)
        writeOutputFile(io, options.csv, toCsv([[...ADJUSTMENT_COLUMNS], ...adjustmentRows(participants)]));
      printer(io, !!options.json)(view, () => calibrationText(view, options.csv));
    });
  cycle
    .command('status')
    .argument('<cycleId>')
    .description('Phase, whether its workflow needs attention, counts by state for each phase, and overdue people')
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { json?: boolean }) => {
      const s = await call(io, 'GET /cycles/{cycleId}', { params: { cycleId } });
      printer(io, !!options.json)(s, () =>
        [
          `${s.name} (${s.cycleId}): ${s.phase}, ${s.participants} participants`,
          ...(s.needsAttention ? [`needs attention: ${s.needsAttention}`] : []),
          `self-assessments due ${s.selfDue}: ${formatCounts(s.counts.self)}`,
          `manager reviews due ${s.managerDue}: ${formatCounts(s.counts.manager)}`,
          ...s.departments.map(
            (d) =>
              `  ${d.department}: ${d.participants} people; self ${formatCounts(d.self)}; manager ${formatCounts(d.manager)}`,
          ),
          ...(s.counts.self.overdue || s.counts.manager.overdue
            ? [`who is overdue: perfcycle cycle overdue ${s.cycleId} [--phase manager]`]
            : []),
          ...(s.peerReviews.asked
            ? [
                `peer reviews: ${s.peerReviews.answered} of ${s.peerReviews.asked} answered (${s.peerReviews.completion}%)`,
                ...s.peerReviews.byDepartment.map(
                  (d) => `  ${d.department}: ${d.answered} of ${d.asked} peer reviews answered (${d.completion}%)`,
                ),
                ...s.peerReviews.byManager.map(
                  (m) => `  ${peerManager(m)}: ${m.answered} of ${m.asked} peer reviews answered (${m.completion}%)`,
                ),
              ]
            : []),
          ...(s.results.released
            ? [
                `results: ${s.results.released} released, ${s.results.acknowledged} acknowledged (${s.results.disagreed} disagreeing), ${s.results.unacknowledged} not acknowledged`,
                ...(s.results.unacknowledged ? [`who has not: perfcycle cycle unacknowledged ${s.cycleId}`] : []),
              ]
            : []),
          ...(s.upward
            ? [
                `upward reviews (shown to a manager from ${s.upward.threshold} answers): ${s.upward.managers.reduce((n: number, m: { answered: number }) => n + m.answered, 0)} of ${s.upward.managers.reduce((n: number, m: { asked: number }) => n + m.asked, 0)} answered`,
                ...s.upward.managers.map(
                  (m: {
                    managerName: string;
                    managerKey: string;
                    answered: number;
                    asked: number;
                    mean: number | null;
                  }) =>
                    `  ${m.managerName} (${m.managerKey}): ${m.answered} of ${m.asked}${m.mean === null ? '' : `, mean ${m.mean}`}`,
                ),
              ]
            : []),
        ].join('\n'),
      );
    });
  cycle
    .command('extend')
    .argument('<cycleId>')
    .description(
      'Move one person\u2019s self-assessment deadline, or reopen their manager review with a deadline of its own (--review manager)',
    )
    .requiredOption('--employee <employeeId>', 'the participant')
    .requiredOption('--until <date>', 'new deadline, YYYY-MM-DD')
    .option(
      '--review <which>',
      'self (default) or manager: the manager gets a fresh link, during the manager phase or calibration',
    )
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { employee: string; until: string; review?: string; json?: boolean }) => {
      if (options.review !== undefined && options.review !== 'self' && options.review !== 'manager')
        throw new UsageFailure(`--review: ${options.review} is not self or manager`);
      const result = await call(
        io,
        'POST /cycles/{cycleId}/extensions',
        { params: { cycleId }, json: { employeeId: options.employee, until: options.until, review: options.review } },
        idempotencyKey,
      );
      printer(io, !!options.json)(result, () =>
        result.review === 'manager'
          ? `the manager review of ${result.employeeId} is reopened until ${result.until}; the manager was emailed a fresh link`
          : `${result.employeeId}'s deadline is now ${result.until}`,
      );
    });
  cycle
    .command('peers')
    .argument('<cycleId>')
    .description(
      'Assign peer reviewers to a participant while the self-assessment phase is open (at most 5 in all); each new one is emailed a link',
    )
    .requiredOption('--employee <employeeId>', 'the participant to review')
    .requiredOption('--reviewers <ids>', 'employee ids of the reviewers, comma-separated')
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { employee: string; reviewers: string; json?: boolean }) => {
      const reviewers = options.reviewers
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      const result = await call(
        io,
        'POST /cycles/{cycleId}/peers',
        { params: { cycleId }, json: { employeeId: options.employee, reviewers } },
        idempotencyKey,
      );
      printer(io, !!options.json)(result, () =>
        [
          result.assigned.length
            ? `assigned ${result.assigned.join(', ')} to review ${result.employeeId}; each was emailed a link`
            : `no new reviewers for ${result.employeeId}`,
          ...(result.alreadyAssigned.length ? [`already assigned: ${result.alreadyAssigned.join(', ')}`] : []),
          `${result.employeeId}'s peer reviewers: ${result.reviewers.join(', ')}`,
        ].join('\n'),
      );
    });
  cycle
    .command('release')
    .argument('<cycleId>')
    .description('Release the results of a cycle in calibration: each participant gets their final rating')
    .option('--force', 'release even while manager reviews you reopened are still pending')
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { force?: boolean; json?: boolean }) => {
      const result = await call(
        io,
        'POST /cycles/{cycleId}/release',
        { params: { cycleId }, json: options.force ? { force: true } : {} },
        idempotencyKey,
      );
      printer(io, !!options.json)(
        result,
        () =>
          `releasing the results of ${result.cycleId}${result.pendingReopened.length ? `, without the reviews of ${result.pendingReopened.join(', ')} (their results say HR follows up)` : ''}`,
      );
    });
  cycle
    .command('cancel')
    .argument('<cycleId>')
    .description('Cancel a running cycle; participants get a short note')
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { json?: boolean }) => {
      const result = await call(io, 'POST /cycles/{cycleId}/cancel', { params: { cycleId }, json: {} });
      printer(io, !!options.json)(
        result,
        () => `cancelled ${result.cycleId}; ${result.notified} participants notified`,
      );
    });
  cycle
    .command('resume')
    .argument('<cycleId>')
    .description(
      'Give a cycle whose workflow failed or stopped (`cycle status` says so) a new execution, carrying on from its stored state',
    )
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: { json?: boolean }) => {
      const result = await call(io, 'POST /cycles/{cycleId}/resume', { params: { cycleId }, json: {} });
      printer(io, !!options.json)(result, () => `resumed ${result.cycleId} (${result.phase}) after: ${result.problem}`);
    });
  pagedList(cycle, io, {
    name: 'goals',
    description:
      'The goals of the cycle\u2019s period counted in its departments: counts by outcome, and the missed ones',
    route: 'GET /cycles/{cycleId}/goals',
    filters: [['--department <department>', 'only missed goals counted in this department']],
    head: (page) =>
      `goals of ${page.period}: ${Object.entries(page.counts)
        .map(([outcome, n]) => `${n} ${outcome}`)
        .join(', ')}`,
    items: (page) => page.missed,
    line: (g) => `missed: ${g.name} (${g.employeeId}, ${g.department}): ${g.title}, due ${g.due}`,
    empty: 'no goal missed',
  });
  pagedList(cycle, io, {
    name: 'audit',
    description: 'Every email, submission and state change of a cycle, oldest first',
    route: 'GET /cycles/{cycleId}/audit',
    items: (page) => page.events,
    line: (event) =>
      `${event.at}  ${event.actor.padEnd(20)} ${event.action}${event.employeeId ? ` ${event.employeeId}` : ''}${event.details?.kind ? ` ${event.details.kind}` : ''}` +
      `${event.details?.to ? ` to ${event.details.to}` : ''}${event.details?.error ? ` (${event.details.error})` : ''}`,
    empty: 'nothing happened yet',
  });
  pagedList(cycle, io, {
    name: 'overdue',
    description: 'Who is past their deadline and has not submitted, in one phase',
    route: 'GET /cycles/{cycleId}/overdue',
    filters: [
      ['--phase <phase>', 'self (self-assessments, the default) or manager (reviews)', 'self'],
      ...PEOPLE_FILTERS,
    ],
    items: (page) => page.overdue,
    line: (o) => `${o.employeeId}  ${o.name} (${o.department}), reviewer ${o.reviewer}, due ${o.due.slice(0, 10)}`,
    empty: 'nobody is overdue',
  });
  pagedList(cycle, io, {
    name: 'unacknowledged',
    description: 'Whose released appraisal is not acknowledged yet',
    route: 'GET /cycles/{cycleId}/unacknowledged',
    filters: PEOPLE_FILTERS,
    items: (page) => page.unacknowledged,
    line: (u) => `${u.employeeId}  ${u.name} (${u.department}), manager ${u.manager}`,
    empty: 'every released appraisal is acknowledged',
  });
  pagedList(cycle, io, {
    name: 'teams',
    description: 'Each reviewer\u2019s progress, per department they review people in',
    route: 'GET /cycles/{cycleId}/teams',
    filters: [['--department <department>', 'only this department (as spelled in the cycle)']],
    items: (page) => page.teams,
    line: (t) =>
      `${t.reviewer} (${t.reviewerId}), ${t.department}: ${t.participants} people; self ${formatCounts(t.self)}; manager ${formatCounts(t.manager)}`,
    empty: 'the cycle has no participants yet',
  });
  pagedList(cycle, io, {
    name: 'escalations',
    description: 'The reminders, overdue notices and escalations to HR sent, oldest first',
    route: 'GET /cycles/{cycleId}/escalations',
    items: (page) => page.escalations,
    line: (e) => `${e.at}  ${e.kind} to ${e.to} (${e.status}): ${e.subject}`,
    empty: 'no reminder or escalation sent yet',
  });
  cycle
    .command('adjust')
    .argument('<cycleId>')
    .description(
      'In calibration, set final ratings with a reason: one person (--employee, --rating, --reason) or a CSV file (--csv: employeeId,rating,reason), ' +
        'applied whole or not at all; each manager is told, with the reason. The manager\u2019s review stays as written',
    )
    .option('--employee <employeeId>', 'the participant whose final rating HR sets')
    .option('--rating <rating>', 'the final rating: a point of the cycle\u2019s scale')
    .option('--reason <reason>', 'why (the manager reads it; the employee does not)')
    .option(
      '--csv <file>',
      'a calibration file: a header employeeId,rating,reason, then one line per person (UTF-8; commas or semicolons)',
    )
    .option('--dry-run', 'with --csv: show what each line would do; change nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        cycleId: string,
        options: {
          employee?: string;
          rating?: string;
          reason?: string;
          csv?: string;
          dryRun?: boolean;
          json?: boolean;
        },
      ) => {
        const single = { '--employee': options.employee, '--rating': options.rating, '--reason': options.reason };
        const given = Object.entries(single)
          .filter(([, value]) => value !== undefined)
          .map(([flag]) => flag);
        if (options.csv !== undefined && given.length)
          throw new UsageFailure(`--csv applies a whole file: leave out ${given.join(', ')}`);
        if (options.csv === undefined) {
          const problems = [
            ...Object.entries(single)
              .filter(([, value]) => value === undefined)
              .map(([flag]) => `${flag} is required (or give a file with --csv)`),
            ...(options.rating !== undefined && !/^\d+(\.\d+)?$/.test(options.rating)
              ? [`--rating: ${options.rating} is not a number (a point of the cycle\u2019s scale)`]
              : []),
            ...(options.dryRun ? ['--dry-run goes with --csv'] : []),
          ];
          if (problems.length)
            throw new UsageFailure(
              problems.length === 1
                ? problems[0]!
                : `${problems.length} problems with the options of \`perfcycle cycle adjust\``,
              problems.length === 1 ? [] : problems,
            );
          // One person's rating answers one adjustment.
          const result = (await call(
            io,
            'POST /cycles/{cycleId}/adjustments',
            {
              params: { cycleId },
              json: { employeeId: options.employee, rating: Number(options.rating), reason: options.reason },
            },
            idempotencyKey,
          )) as Adjustment;
          printer(io, !!options.json)(result, () =>
            result.outcome === 'changed'
              ? `${result.name} (${result.employeeId}): final rating ${result.before} -> ${result.after} (manager\u2019s review: ${result.managerRating}); their manager is told, with the reason`
              : `${result.name} (${result.employeeId}): the final rating is ${result.after} already${result.reason === null ? '' : ' with this reason'}; nothing changed`,
          );
          return;
        }
        let csv: string;
        try {
          csv = new TextDecoder('utf-8', { fatal: true }).decode(readInputFile(io, options.csv, 2 * 1024 * 1024));
        } catch (error) {
          if (error instanceof CliFailure) throw error;
          throw new CliFailure(`${options.csv} is not UTF-8: save it as "CSV UTF-8" and try again`);
        }
        // A file answers a line by line plan.
        const result = (await call(
          io,
          'POST /cycles/{cycleId}/adjustments',
          { params: { cycleId }, json: { csv, dryRun: !!options.dryRun } },
          idempotencyKey,
        )) as AdjustmentFile;
        printer(io, !!options.json)(result, () => {
          const { change, unchanged, refused } = result.counts;
          const lines = result.lines.map((entry) => {
            const what =
              entry.outcome === 'change'
                ? `${entry.before} -> ${entry.after}`
                : entry.outcome === 'unchanged'
                  ? `${entry.rating}, unchanged`
                  : `refused: ${entry.problem}`;
            return `  line ${entry.line}  ${entry.employeeId}  ${what}`;
          });
          const summary = result.dryRun
            ? `dry run: ${change} would change, ${unchanged} unchanged, ${refused} refused; nothing saved${refused ? ' (a file with a refused line is not applied)' : ''}`
            : `applied: ${change} ratings changed, ${unchanged} unchanged; each manager whose report changed is told, with the reason`;
          return [summary, ...lines].join('\n');
        });
      },
    );

  const goals = program.command('goals').description('Goals of employees');
  goals
    .command('add')
    .description('Set a goal for an employee; weights of their open goals in one quarter add up to at most 100')
    .requiredOption('--employee <employeeId>', 'the goal owner')
    .requiredOption('--title <title>', 'what is to be achieved')
    .requiredOption('--due <date>', 'due date, YYYY-MM-DD (ends at 23:59:59 in the organisation\u2019s time zone)')
    .option('--weight <percent>', 'weight among the owner\u2019s goals of the quarter, 0-100')
    .option('--kind <kind>', 'performance or development', 'performance')
    .option('--target <target>', 'how achievement is measured')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        employee: string;
        title: string;
        due: string;
        weight?: string;
        kind: string;
        target?: string;
        json?: boolean;
      }) => {
        const weight =
          options.weight === undefined
            ? undefined
            : /^\d+$/.test(options.weight)
              ? Number(options.weight)
              : options.weight;
        const result = await call(
          io,
          'POST /employees/{employeeId}/goals',
          {
            params: { employeeId: options.employee },
            json: { title: options.title, due: options.due, weight, kind: options.kind, target: options.target },
          },
          idempotencyKey,
        );
        printer(io, !!options.json)(
          result,
          () =>
            `${result.goalId}: "${result.title}" for ${result.employeeId}, due ${result.due} (${result.period}, weight ${result.weight})`,
        );
      },
    );
  goals
    .command('list')
    .description('An employee\u2019s goals with status and progress')
    .requiredOption('--employee <employeeId>', 'the goal owner')
    .option('--json', 'print JSON')
    .action(async (options: { employee: string; json?: boolean }) => {
      const result = await call(io, 'GET /employees/{employeeId}/goals', { params: { employeeId: options.employee } });
      printer(io, !!options.json)(result, () =>
        result.goals.length
          ? result.goals
              .map(
                (g) =>
                  `${g.goalId}  due ${g.due}  ${String(g.progress).padStart(3)}%  ${g.outcome.padEnd(9)} w${g.weight}  ${g.title}`,
              )
              .join('\n')
          : 'no goals',
      );
    });

  goals
    .command('check-in')
    .description('Record a check-in on a goal (as HR or the manager): progress and how it is going')
    .requiredOption('--employee <employeeId>', 'the goal owner')
    .requiredOption('--goal <goalId>', 'the goal')
    .requiredOption('--progress <percent>', '0-100; 100 marks the goal done')
    .requiredOption('--status <status>', 'ON_TRACK, AT_RISK or OFF_TRACK')
    .option('--note <note>', 'what happened')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        employee: string;
        goal: string;
        progress: string;
        status: string;
        note?: string;
        json?: boolean;
      }) => {
        const progress = /^\d+$/.test(options.progress) ? Number(options.progress) : options.progress;
        const result = await call(io, 'POST /employees/{employeeId}/goals/{goalId}/check-ins', {
          params: { employeeId: options.employee, goalId: options.goal },
          json: { progress, status: options.status, note: options.note },
        });
        printer(io, !!options.json)(
          result,
          () => `${result.goalId}: ${result.progress}% (${result.state.toLowerCase()})`,
        );
      },
    );
  goals
    .command('history')
    .description('One goal with every check-in, oldest first, and the escalations sent about it')
    .requiredOption('--employee <employeeId>', 'the goal owner')
    .requiredOption('--goal <goalId>', 'the goal')
    .option('--json', 'print JSON')
    .action(async (options: { employee: string; goal: string; json?: boolean }) => {
      const result = await call(io, 'GET /employees/{employeeId}/goals', { params: { employeeId: options.employee } });
      const goal = result.goals.find((g) => g.goalId === options.goal);
      if (!goal) throw new CliFailure(`goal ${options.goal} of ${options.employee} not found`);
      printer(io, !!options.json)(goal, () =>
        [
          `${goal.title} (${goal.goalId}): ${goal.progress}%, ${goal.outcome}, due ${goal.due}`,
          ...(goal.checkIns.length
            ? goal.checkIns.map(
                (c) =>
                  `  ${c.at}  ${String(c.progress).padStart(3)}%  ${c.status.padEnd(9)} ${c.by ?? ''}${c.note ? `  ${c.note}` : ''}`,
              )
            : ['  no check-ins yet']),
          ...Object.entries(goal.escalations).map(([step, at]) => `  ${at}  ${step.toLowerCase()} sent`),
        ].join('\n'),
      );
    });
  goals
    .command('cancel')
    .description('Cancel an open goal: nothing more is sent about it')
    .requiredOption('--employee <employeeId>', 'the goal owner')
    .requiredOption('--goal <goalId>', 'the goal')
    .option('--json', 'print JSON')
    .action(async (options: { employee: string; goal: string; json?: boolean }) => {
      const result = await call(io, 'POST /employees/{employeeId}/goals/{goalId}/cancel', {
        params: { employeeId: options.employee, goalId: options.goal },
        json: {},
      });
      printer(io, !!options.json)(result, () => `${result.goalId}: cancelled`);
    });

  const feedback = program
    .command('feedback')
    .description('Continuous feedback: praise is public, constructive feedback private');
  feedback
    .command('give')
    .description(
      'Give feedback: praise reaches the person, their manager and their team; constructive feedback only the person and their manager',
    )
    .requiredOption('--from <employeeId>', 'who gives it')
    .requiredOption('--to <employeeId>', 'who receives it')
    .requiredOption('--kind <kind>', 'praise or constructive')
    .requiredOption('--text <text>', 'the feedback')
    .option('--json', 'print JSON')
    .action(async (options: { from: string; to: string; kind: string; text: string; json?: boolean }) => {
      const result = await call(
        io,
        'POST /feedback',
        { json: { from: options.from, to: options.to, kind: options.kind, text: options.text } },
        idempotencyKey,
      );
      printer(io, !!options.json)(
        result,
        () => `${result.feedbackId}: ${result.kind} from ${result.fromId} to ${result.toId} sent`,
      );
    });
  feedback
    .command('request')
    .description('Ask colleagues for feedback on someone: each gets an emailed link to a feedback form')
    .requiredOption('--from <employeeId>', 'who asks for feedback (about themselves)')
    .requiredOption('--to <employeeIds>', 'colleagues, comma-separated (at most 10)')
    .option('--message <message>', 'a note to the colleagues')
    .option('--json', 'print JSON')
    .action(async (options: { from: string; to: string; message?: string; json?: boolean }) => {
      const to = options.to
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      const result = await call(
        io,
        'POST /feedback/requests',
        { json: { from: options.from, to, message: options.message } },
        idempotencyKey,
      );
      printer(io, !!options.json)(result, () => `${result.requestId}: asked ${result.to.join(', ')}`);
    });

  const clock = program.command('clock').description('The local stack\u2019s clock (in AWS the clock is real time)');
  clock
    .command('advance')
    .argument('<duration>', 'e.g. 3d, 12h, 1d12h, 90m')
    .description('Move the clock forward; what falls due on the way happens now, in order')
    .option('--json', 'print JSON')
    .action(async (duration: string, options: { json?: boolean }) => {
      const result = await call(io, 'POST /local/clock/advance', { json: { duration } });
      printer(io, !!options.json)(result, () => `now ${result.now}`);
    });
  clock
    .command('show')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await call(io, 'GET /local/clock', {});
      printer(io, !!options.json)(result, () => `now ${result.now}`);
    });
  checkOptionsUpFront(program);
  return program;
}

/**
 * Every problem with a command's options reported at once, before anything is sent: each missing
 * required option, and each date option whose value is not a calendar date, named by its flag.
 * Commander stops at the first missing option, so required options are checked here instead.
 */
function checkOptionsUpFront(program: Command): void {
  const required = new Map<Command, Option[]>();
  const visit = (command: Command) => {
    const mandatory = command.options.filter((option) => option.mandatory);
    for (const option of mandatory) option.mandatory = false;
    required.set(command, mandatory);
    command.commands.forEach(visit);
  };
  visit(program);
  program.hook('preAction', (_program, action) => {
    const values = action.opts();
    const problems: string[] = [];
    for (const option of required.get(action) ?? []) {
      if (values[option.attributeName()] === undefined)
        problems.push(`${option.long} is required${option.description ? ` (${option.description})` : ''}`);
    }
    for (const option of action.options) {
      const value = values[option.attributeName()];
      if (option.flags.includes('<date>') && typeof value === 'string' && !parseCalendarDate(value)) {
        problems.push(`${option.long}: ${value} is not a date (YYYY-MM-DD)`);
      }
    }
    if (problems.length) {
      throw new UsageFailure(
        problems.length === 1
          ? problems[0]!
          : `${problems.length} problems with the options of \`${commandPath(action)}\``,
        problems.length === 1 ? [] : problems,
      );
    }
  });
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What an import does to the directory: people new, updated and, when any, listed as they already are. */
function importCounts(counts: Pick<ImportResult, 'created' | 'updated' | 'unchanged'>): string {
  return `${counts.created} new, ${counts.updated} updated${counts.unchanged ? `, ${counts.unchanged} unchanged` : ''}`;
}

/** How the API read an import's file, and its names beyond ASCII as stored, for HR to check. */
function howRead(result: Pick<ImportResult, 'encoding' | 'separator' | 'sample'>): string[] {
  const encoding = result.encoding === 'Windows-1252' ? 'Windows-1252 (the file is not UTF-8)' : result.encoding;
  return [
    `read as ${encoding}, columns separated by ${separatorName(result.separator)}`,
    ...(result.sample.length
      ? [
          'names as perfcycle reads them:',
          ...result.sample.map((p) => `  ${p.employeeId}  ${p.name}  (${p.department})`),
        ]
      : []),
  ];
}

/**
 * Writes the report's CSV as its pages come, so neither side holds the whole cycle: the header (after the
 * byte-order mark) once, then each page's rows appended; what is written so far goes to stderr. The file is
 * the same, byte for byte, as the API's `?format=csv`.
 */
async function writeReportCsv(io: CliIo, cycleId: string, file: string, limit: string): Promise<number> {
  writeOutputFile(io, file, toCsv([[...REPORT_COLUMNS]]));
  let rows = 0;
  let cursor: string | undefined;
  do {
    const page = await call(io, 'GET /cycles/{cycleId}/report/people', {
      params: { cycleId },
      query: { limit, cursor },
    });
    writeOutputFile(io, file, csvLines(page.people.map(reportRow)), true);
    rows += page.people.length;
    cursor = page.nextCursor;
    io.err(`${file}: ${rows} rows written${cursor ? ', reading on' : ''}\n`);
  } while (cursor);
  return rows;
}

/** A report's ratings before and after calibration, overall, per department and per manager: once HR adjusted any, or while it may. */
function calibrationLines(report: CycleReport): string[] {
  const { calibration } = report;
  if (!calibration.adjusted && report.phase !== 'CALIBRATION') return [];
  const counts = (ratings: Record<string, number>) =>
    Object.entries(ratings)
      .filter(([, n]) => n > 0)
      .map(([label, n]) => `${label} ${n}`)
      .join(', ') || 'none';
  const line = (name: string, c: Pick<CycleReport['calibration'], 'before' | 'after' | 'adjusted'>) =>
    `  ${name}: before ${counts(c.before)}; after ${counts(c.after)}${c.adjusted ? ` (${c.adjusted} adjusted)` : ''}`;
  return [
    `calibration: ${calibration.adjusted} rating${calibration.adjusted === 1 ? '' : 's'} adjusted by HR`,
    line('everyone', calibration),
    ...calibration.departments.map((d) => line(d.department, d)),
    ...calibration.managers.map((m) => line(`manager ${m.manager} (${m.managerId})`, m)),
  ];
}

/** A row of peer completion by manager: the manager of the people reviewed, or none for those HR reviews. */
const peerManager = (m: CycleReport['peerReviews']['byManager'][number]) =>
  m.managerKey === null ? 'no manager (HR reviews)' : `manager ${m.managerName} (${m.managerKey})`;

/** Lines padded into columns, for a terminal. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

type CalibrationGroup = CalibrationFirstPage['figures']['overall'];

/** The calibration view for a terminal: the figures, who is missing a review, then everyone, by department and manager. */
function calibrationText(view: Omit<CalibrationFirstPage, 'nextCursor'>, csv: string | undefined): string {
  const f = view.figures;
  const signed = (n: number | null) => (n === null ? '' : n > 0 ? `+${n.toFixed(2)}` : n.toFixed(2));
  const dist = (d: CalibrationGroup['before']) => [
    d.counts.join(' '),
    d.mean === null ? '-' : d.mean.toFixed(2),
    `${signed(d.deviation)}${d.outlier ? ' !' : ''}`,
  ];
  const header = ['', 'reviewed', 'missing', 'before', 'mean', 'vs cycle', 'after', 'mean', 'vs cycle'];
  const line = (g: CalibrationGroup, indent = '') => [
    `${indent}${g.name}`,
    String(g.reviewed),
    String(g.missing),
    ...dist(g.before),
    ...dist(g.after),
  ];
  // The cycle against itself is always 0: left blank.
  const overall = line(f.overall).map((cell, column) => (column === 5 || column === 8 ? '' : cell));
  const people = [...view.participants].sort(
    (a, b) =>
      a.department.localeCompare(b.department) ||
      a.managerName.localeCompare(b.managerName) ||
      a.name.localeCompare(b.name),
  );
  return [
    `${view.name} (${view.cycleId}): ${view.phase}`,
    `scale: ${view.scale.map((p) => `${p.value} ${p.label}`).join(', ')}`,
    `before: the score of the manager's review; after: the final rating (HR's adjustment, else that score); each at its nearest point, counts lowest point first`,
    `! more than one scale point (${f.pointStep}) from the cycle's mean${view.source === 'assessments' ? ' (counted from the assessments: the summaries did not add up)' : ''}`,
    '',
    ...columns([
      header,
      overall,
      ['by manager'],
      ...f.managers.map((g) => line(g, '  ')),
      ['by department'],
      ...f.departments.map((g) => line(g, '  ')),
    ]),
    '',
    ...(view.missing.length
      ? [
          `missing reviews (${view.missing.length}):`,
          ...view.missing.map((m) => `  ${m.name} (${m.employeeId}), ${m.department}, manager ${m.managerName}`),
        ]
      : ['no review is missing']),
    '',
    `participants (${people.length}):`,
    ...columns([
      ['  employeeId', 'name', 'department', 'manager', 'manager rating', 'score', 'final', ''],
      ...people.map((p) => [
        `  ${p.employeeId}`,
        p.name,
        p.department,
        p.managerName,
        p.reviewMissing ? 'missing' : String(p.managerRating),
        p.computedScore === null ? '-' : String(p.computedScore),
        p.finalPoint ? `${p.finalRating} (${p.finalPoint.label})` : '-',
        p.adjustment ? `adjusted from ${p.adjustment.from}: ${p.adjustment.reason}` : '',
      ]),
    ]),
    ...(csv
      ? [
          '',
          `wrote ${adjustmentRows(people).length} rows to ${csv} (${ADJUSTMENT_COLUMNS.join(',')}); change a rating and give a reason, then \`perfcycle cycle adjust ${view.cycleId} --csv ${csv}\``,
        ]
      : []),
  ].join('\n');
}

/** The filters of HR's lists of people, as options: [flags, description]. */
const PEOPLE_FILTERS: [string, string][] = [
  ['--department <department>', 'only this department (as spelled in the cycle)'],
  ['--manager <employeeId>', 'only this reviewer\u2019s people (HR for those HR reviews)'],
  ['--search <text>', 'only people whose name or employeeId contains this (any case)'],
];

type ListRoute =
  | 'GET /cycles/{cycleId}/audit'
  | 'GET /cycles/{cycleId}/overdue'
  | 'GET /cycles/{cycleId}/unacknowledged'
  | 'GET /cycles/{cycleId}/teams'
  | 'GET /cycles/{cycleId}/escalations'
  | 'GET /cycles/{cycleId}/goals';

/**
 * A `cycle <name> <cycleId>` command over one of the API's paged lists: the first `--limit` items, with the
 * command for the next page; `--all` streams every page as it comes (with `--json`, one JSON object a line),
 * so a list of any length never has to fit in memory.
 */
function pagedList<R extends ListRoute, T>(
  cycle: Command,
  io: CliIo,
  list: {
    name: string;
    description: string;
    route: R;
    filters?: [string, string, string?][];
    /** A line the first page starts with (the list's totals). */
    head?: (page: Responses[R]) => string;
    items: (page: Responses[R]) => T[];
    line: (item: T) => string;
    empty: string;
  },
): void {
  const command = cycle.command(list.name).argument('<cycleId>').description(list.description);
  for (const [flags, description, defaultValue] of list.filters ?? []) command.option(flags, description, defaultValue);
  command
    .option('--limit <n>', 'how many to show (1-1000)', '50')
    .option('--cursor <cursor>', 'start where an earlier page ended')
    .option('--all', 'every page, one after another')
    .option('--json', 'print JSON')
    .action(async (cycleId: string, options: Record<string, string | boolean | undefined>) => {
      const filters = Object.fromEntries(
        (list.filters ?? []).map(([flags]) => {
          const name = flags.slice(2, flags.indexOf(' '));
          return [name, options[name] as string | undefined];
        }),
      );
      let cursor = options.cursor as string | undefined;
      let shown = 0;
      let pages = 0;
      do {
        const page = await call(io, list.route, {
          params: { cycleId },
          query: { ...filters, limit: options.all ? '1000' : String(options.limit), cursor },
        } as unknown as Request<R>);
        const items = list.items(page);
        const head = list.head && !options.json && (!options.all || !pages) ? [list.head(page)] : [];
        pages++;
        cursor = (page as { nextCursor?: string }).nextCursor;
        shown += items.length;
        if (options.all) {
          if (items.length || head.length)
            io.out(
              [...head, ...items.map((item) => (options.json ? JSON.stringify(item) : list.line(item)))].join('\n'),
            );
        } else
          printer(io, !!options.json)(page, () =>
            [
              ...head,
              ...(items.length ? items.map(list.line) : [list.empty]),
              ...(cursor
                ? [
                    `more: perfcycle cycle ${list.name} ${cycleId}${Object.entries(filters)
                      .filter(([, value]) => value !== undefined)
                      .map(([name, value]) => ` --${name} ${JSON.stringify(value)}`)
                      .join('')} --cursor ${cursor}`,
                  ]
                : []),
            ].join('\n'),
          );
      } while (options.all && cursor);
      if (options.all && !shown && !options.json) io.out(list.empty);
    });
}

function formatCounts(counts: Record<string, number>): string {
  return `${counts.submitted} submitted, ${counts.late} late, ${counts.pending} pending, ${counts.overdue} overdue`;
}

/**
 * Runs one command line; returns the exit code (0 ok, 1 refused or failed, 2 usage). With `--json`,
 * an error is one JSON object `{ "error", "details" }` on stderr and stdout stays empty.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const asJson = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).includes('--json');
  const fail = (code: number, message: string, details: string[]) => {
    if (asJson) io.err(`${JSON.stringify({ error: message, details })}\n`);
    else io.err(`${[`error: ${message}`, ...details.map((detail) => `  - ${detail}`)].join('\n')}\n`);
    return code;
  };
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // Help asked for by a bare command group: already written to stderr.
      if (error.code === 'commander.help') return 2;
      return fail(2, error.message.replace(/^error: /, ''), []);
    }
    if (error instanceof UsageFailure) return fail(2, error.message, error.details);
    if (error instanceof CliFailure) return fail(1, error.message, error.details);
    throw error;
  }
}
