import { AsyncLocalStorage } from 'node:async_hooks';
import { ProjectionType } from 'aws-cdk-lib/aws-dynamodb';
import { GSI_NAMES, PROJECTIONS } from '../lib/data.ts';
import { allFunctions, dailyFunctions, scheduledFunctions } from '../lib/functions.ts';
import { addSdkObserver } from '../functions/shared/sdk-observer.ts';
import {
  AIM_USD_PER_1000_EMPLOYEES_PER_QUARTER,
  costPer1000Employees,
  gbSeconds,
  type QuarterCounts,
} from './cost-model.ts';
import { type IndexShape, type TransactionAction, transactionUnits } from './transaction-units.ts';

/** What one function used on the local stack: its invocations, their billed time, and what they asked of AWS. */
export interface FunctionUsage {
  invocations: number;
  /** Each invocation's wall time, rounded up to the millisecond as Lambda bills it. */
  billedMs: number;
  readUnits: number;
  writeUnits: number;
  /** Of writeUnits, those spent on the copies of items in the table's global secondary indexes. */
  indexWriteUnits: number;
  sesMessages: number;
}

export type UsageByFunction = Record<string, FunctionUsage>;

/** The reads, by the name the document client's middleware sees: the low-level command's (GetItem, not Get). */
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const empty = (): FunctionUsage => ({
  invocations: 0,
  billedMs: 0,
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  sesMessages: 0,
});

const INDEXES: IndexShape[] = GSI_NAMES.map((name) => ({
  partitionKey: `${name}pk`,
  sortKey: `${name}sk`,
  projection: PROJECTIONS[name] === ProjectionType.ALL ? 'ALL' : 'KEYS_ONLY',
}));

type Key = { pk: string; sk: string };

/** The kind and the key of each action of a TransactWriteItems, in order. */
function transactionKeys(input: unknown): { kind: TransactionAction['kind']; key: Key }[] {
  return ((input as { TransactItems?: Record<string, { Key?: Key; Item?: Key }>[] }).TransactItems ?? []).map(
    (action) => {
      const [[kind, body]] = Object.entries(action);
      const { pk, sk } = body.Key ?? body.Item!;
      return { kind: kind as TransactionAction['kind'], key: { pk, sk } };
    },
  );
}

/** What DynamoDB reports consumed with ReturnConsumedCapacity INDEXES: the total, and the indexes' share. */
interface Consumed {
  CapacityUnits?: number;
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/**
 * Meters every handler invocation of the local stack per function (pass `around` as the stack's
 * aroundInvocation), with the DynamoDB request units DynamoDB Local reports as consumed (ReturnConsumedCapacity
 * on every request) and the SES messages sent. Calls the bench makes itself (seeding, floors) are not counted.
 */
export class UsageMeter {
  private readonly current = new AsyncLocalStorage<FunctionUsage>();
  private pricingTransactions = false;
  private readonly byFunction: UsageByFunction = Object.fromEntries(allFunctions.map((spec) => [spec.id, empty()]));

  constructor() {
    addSdkObserver((call) => {
      const usage = this.current.getStore();
      if (usage && call.service === 'ses' && call.operation === 'SendEmail') usage.sesMessages++;
    });
  }

  around = async <T>(functionId: string, invoke: () => Promise<T>): Promise<T> => {
    const usage = this.byFunction[functionId];
    usage.invocations++;
    const started = performance.now();
    try {
      return await this.current.run(usage, invoke);
    } finally {
      usage.billedMs += Math.ceil(performance.now() - started);
    }
  };

  /**
   * Asks DynamoDB (the shared document client) for the capacity each request consumes, and books it. Within
   * `pricing`, a transaction is priced from the items it touched instead (bench/transaction-units.ts), read before
   * and after it by the store's batchGet outside the invocation, which books nothing.
   */
  async meterDynamo(): Promise<void> {
    const { batchGet, db } = await import('../functions/store/table.ts');
    const id = (key: Key) => `${key.pk}\u0000${key.sk}`;
    // What a transaction's actions found and left, as last written: read outside the invocation, so nothing is booked.
    const images = (actions: { key: Key }[]) =>
      this.current.exit(async () => {
        const items = await batchGet<Key & Record<string, unknown>>(
          actions.map(({ key }) => key),
          { consistent: true },
        );
        const found = new Map(items.map((item) => [id(item), item]));
        return actions.map(({ key }) => found.get(id(key)));
      });
    db().middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
        const usage = this.current.getStore();
        const command = context.commandName ?? '';
        const transaction =
          usage && this.pricingTransactions && command === 'TransactWriteItemsCommand'
            ? transactionKeys(args.input)
            : undefined;
        // The bench's own reads are not the function's time.
        const unbilled = async <T>(read: () => Promise<T>) => {
          const since = performance.now();
          const found = await read();
          usage!.billedMs -= performance.now() - since;
          return found;
        };
        const before = transaction && (await unbilled(() => images(transaction)));
        const result = await next(args);
        if (!usage) return result;
        if (transaction && before) {
          const after = await unbilled(() => images(transaction));
          const priced = transactionUnits(
            transaction.map(({ kind }, i) => ({ kind, before: before[i], after: after[i] })),
            INDEXES,
            ['pk', 'sk'],
          );
          usage.writeUnits += priced.units;
          usage.indexWriteUnits += priced.indexUnits;
          return result;
        }
        const consumed = [
          (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity ?? [],
        ].flat();
        // DynamoDB Local counts a single item's size and index writes as AWS does, but not the minimum a read is
        // charged when it finds nothing.
        const units = consumed.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        const consistent = (args.input as { ConsistentRead?: boolean }).ConsistentRead;
        if (READS.has(command)) usage.readUnits += units || (consistent ? 1 : 0.5);
        else {
          usage.writeUnits += units;
          usage.indexWriteUnits += consumed
            .flatMap((entry) => Object.values(entry.GlobalSecondaryIndexes ?? {}))
            .reduce((sum, index) => sum + (index.CapacityUnits ?? 0), 0);
        }
        return result;
      },
      { step: 'initialize', name: 'benchCapacity' },
    );
  }

  /**
   * Runs `measure` with each transaction priced from its items (meterDynamo): only the runs the quarter is priced
   * from, since the two reads around each transaction would slow the timed ones (forms under load above all).
   */
  async pricing<T>(measure: () => Promise<T>): Promise<T> {
    this.pricingTransactions = true;
    try {
      return await measure();
    } finally {
      this.pricingTransactions = false;
    }
  }

  snapshot(): UsageByFunction {
    return Object.fromEntries(Object.entries(this.byFunction).map(([id, usage]) => [id, { ...usage }]));
  }
}

/** What was used between two snapshots. */
export function usedBetween(before: UsageByFunction, after: UsageByFunction): UsageByFunction {
  return Object.fromEntries(
    Object.entries(after).map(([id, usage]) => [
      id,
      {
        invocations: usage.invocations - before[id].invocations,
        billedMs: usage.billedMs - before[id].billedMs,
        readUnits: usage.readUnits - before[id].readUnits,
        writeUnits: usage.writeUnits - before[id].writeUnits,
        indexWriteUnits: usage.indexWriteUnits - before[id].indexWriteUnits,
        sesMessages: usage.sesMessages - before[id].sesMessages,
      },
    ]),
  );
}

const memoryOf = (id: string) => allFunctions.find((spec) => spec.id === id)?.memoryMb ?? 256;

/** One part of the quarter, as counts (employees aside), and how many of its write units went to index copies. */
type Part = Omit<QuarterCounts, 'employees'> & { indexWriteRequestUnits: number };

function partOf(usage: UsageByFunction, ids: string[], times: number, stateTransitions: number): Part {
  const part: Part = {
    lambdaInvocations: 0,
    lambdaGbSeconds: 0,
    stateTransitions: stateTransitions * times,
    readRequestUnits: 0,
    writeRequestUnits: 0,
    indexWriteRequestUnits: 0,
    sesMessages: 0,
  };
  for (const id of ids) {
    const used = usage[id];
    part.lambdaInvocations += used.invocations * times;
    part.lambdaGbSeconds += gbSeconds(used.billedMs, memoryOf(id)) * times;
    part.readRequestUnits += used.readUnits * times;
    part.writeRequestUnits += used.writeUnits * times;
    part.indexWriteRequestUnits += used.indexWriteUnits * times;
    part.sesMessages += used.sesMessages * times;
  }
  return part;
}

const QUARTER_DAYS = 91;

export interface QuarterMeasure {
  employees: number;
  /** The directory's first import: once for an organisation, so apart from its quarters. */
  firstImport: UsageByFunction;
  /** The directory's import again (some people changed), the launch and the whole cycle (the cycle's executions, its mail, the schedules that ran meanwhile). */
  cycle: UsageByFunction;
  cycleTransitions: number;
  /** Daily machine executions during the cycle, and their transitions in all. */
  dailyExecutions: number;
  dailyTransitions: number;
  /** The answers of a cycle where everyone answers (bench/answers.ts): what the people's form pages used, for `people`. */
  answers: { people: number; usage: UsageByFunction };
}

/**
 * The quarter for `employees` people: the cycle as measured (daily machine and flusher taken out), plus 91 runs
 * of the daily machine and an outbox flush every `everyMinutes` at their measured average, plus the answers (each
 * person's self-assessment, review and acknowledgement) measured for fewer people and scaled to `employees`. The
 * directory's first import is priced apart: an organisation pays it once, not each quarter.
 */
export function quarterCosts(measure: QuarterMeasure) {
  const daily = Object.values(dailyFunctions).map((spec) => spec.id);
  const flusher = scheduledFunctions.flushOutboxes;
  const scheduled = [...daily, flusher.id];
  const cycleIds = Object.keys(measure.cycle).filter((id) => !scheduled.includes(id));
  const flushes = (QUARTER_DAYS * 24 * 60) / flusher.everyMinutes;
  const flushesMeasured = measure.cycle[flusher.id].invocations;
  const { answers } = measure;
  const parts: Record<string, Part> = {
    cycle: partOf(measure.cycle, cycleIds, 1, measure.cycleTransitions),
    dailyMachine: partOf(
      measure.cycle,
      daily,
      QUARTER_DAYS / measure.dailyExecutions,
      measure.dailyTransitions / measure.dailyExecutions,
    ),
    outboxFlusher: partOf(measure.cycle, [flusher.id], flushes / flushesMeasured, 0),
    answers: partOf(answers.usage, Object.keys(answers.usage), measure.employees / answers.people, 0),
  };
  // Each part's counts per 1,000 employees, beside its dollars.
  const per1000 = 1000 / measure.employees;
  const rows = Object.entries(parts).map(([part, counts]) => {
    const cost = costPer1000Employees({ employees: measure.employees, ...counts });
    return {
      part,
      lambdaInvocations: Math.round(counts.lambdaInvocations * per1000),
      lambdaGbSeconds: Number((counts.lambdaGbSeconds * per1000).toFixed(1)),
      stateTransitions: Math.round(counts.stateTransitions * per1000),
      readRequestUnits: Math.round(counts.readRequestUnits * per1000),
      writeRequestUnits: Math.round(counts.writeRequestUnits * per1000),
      // The share of the writes that index copies cost (an item in three indexes with every attribute projected
      // is written four times over): what a leaner projection would save.
      indexWriteRequestUnits: Math.round(counts.indexWriteRequestUnits * per1000),
      sesMessages: Math.round(counts.sesMessages * per1000),
      usdPer1000: Number(cost.totalUsd.toFixed(5)),
      sesUsdPer1000: Number(cost.sesUsd.toFixed(5)),
    };
  });
  const sum = (key: keyof Part) => Object.values(parts).reduce((total, counts) => total + counts[key], 0);
  const total = costPer1000Employees({
    employees: measure.employees,
    lambdaInvocations: sum('lambdaInvocations'),
    lambdaGbSeconds: sum('lambdaGbSeconds'),
    stateTransitions: sum('stateTransitions'),
    readRequestUnits: sum('readRequestUnits'),
    writeRequestUnits: sum('writeRequestUnits'),
    sesMessages: sum('sesMessages'),
  });
  const round = (usd: number) => Number(usd.toFixed(5));
  const firstImport = partOf(measure.firstImport, Object.keys(measure.firstImport), 1, 0);
  // Where the cycle's units go: each function that ran in it, per 1,000 employees.
  const cycleByFunction = cycleIds
    .filter((id) => measure.cycle[id].invocations > 0)
    .map((id) => {
      const used = measure.cycle[id];
      return {
        function: id,
        invocations: Math.round(used.invocations * per1000),
        readUnits: Math.round(used.readUnits * per1000),
        writeUnits: Math.round(used.writeUnits * per1000),
        indexWriteUnits: Math.round(used.indexWriteUnits * per1000),
        sesMessages: Math.round(used.sesMessages * per1000),
      };
    });
  return {
    employees: measure.employees,
    flushesPerQuarter: flushes,
    dailyRunsPerQuarter: QUARTER_DAYS,
    parts: rows,
    cycleByFunction,
    per1000EmployeesUsd: Object.fromEntries(Object.entries(total).map(([key, usd]) => [key, round(usd)])),
    costPer1000EmployeesPerQuarterUsd: round(total.totalUsd),
    /** Once, before an organisation's first quarter: its directory's first import. */
    firstImportUsdPer1000: round(costPer1000Employees({ employees: measure.employees, ...firstImport }).totalUsd),
    firstImportWriteRequestUnitsPer1000: Math.round((firstImport.writeRequestUnits * 1000) / measure.employees),
    aimUsd: AIM_USD_PER_1000_EMPLOYEES_PER_QUARTER,
  };
}
