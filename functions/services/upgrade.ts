import { type IndexShape, nextIndexStep } from '#domain/upgrade.ts';
import { logger } from '#shared/observability.ts';
import {
  createIndex,
  describeTableState,
  recountPeerCounts,
  rewritePage,
  saveUpgradeCursor,
  upgradeCursor,
  type UpgradeCursor,
  type UpgradePass,
} from '#store/upgrade.ts';

/** How long a run's scan position is kept after its last step. */
const CURSOR_DAYS = 30;

/** One pass of an upgrade: the indexes it adds, and how long calls of the old code may still run. */
export interface Upgrade {
  pass: UpgradePass;
  indexes: IndexShape[];
  drainMs: number;
}

export type UpgradeStep = { complete: false; waiting: string } | ({ complete: true } & UpgradeCursor);

/**
 * One step of a table's upgrade in place, run again until it answers complete (a CloudFormation custom resource
 * does, every half minute: lib/table-upgrade.ts). First every `indexes` is added, one at a time, each once the one
 * before is built; then the table is scanned page by page, from where run `runId` stopped, until `budgetMs` is
 * spent, and each item the old version stored is rewritten as `pass` allows (store/upgrade.ts rewriteOf): old peer
 * reviews take their manager on the way, and after the code update, once through, the cycles whose peer counts
 * were kept per department alone are counted again. Each rewrite holds only while the item is as read, so a
 * function writing the same item meanwhile loses nothing; a rerun finds nothing left to do.
 */
export async function upgradeStep(runId: string, upgrade: Upgrade, budgetMs: number): Promise<UpgradeStep> {
  try {
    return await stepOf(runId, upgrade, Date.now() + budgetMs);
  } catch (error) {
    // A write that met a transaction in flight, or DynamoDB asking to slow down: the next step goes on from the cursor.
    const { name } = error as Error;
    if (!RETRIED_ERRORS.has(name)) throw error;
    logger.warn('table upgrade: step to be retried', { runId, error: name });
    return { complete: false, waiting: `${name}: tried again at the next step` };
  }
}

const RETRIED_ERRORS = new Set([
  'TransactionConflictException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ResourceInUseException',
  'InternalServerError',
]);

async function stepOf(runId: string, { pass, indexes, drainMs }: Upgrade, stopAt: number): Promise<UpgradeStep> {
  const step = nextIndexStep(indexes, await describeTableState());
  if (step.kind === 'wait') return { complete: false, waiting: step.reason };
  if (step.kind === 'create') {
    await createIndex(step.index);
    logger.info('table upgrade: index created', { runId, index: step.index.IndexName });
    return { complete: false, waiting: `index ${step.index.IndexName} is being created` };
  }
  const save = (cursor: UpgradeCursor) =>
    saveUpgradeCursor(runId, cursor, Math.floor(Date.now() / 1000) + CURSOR_DAYS * 86_400);
  let cursor = await upgradeCursor(runId);
  const startedAt = cursor.startedAt ?? Date.now();
  if (cursor.startedAt === undefined) {
    cursor = { ...cursor, startedAt };
    await save(cursor);
  }
  // A call the old code started before its function was updated still runs on it, and may write what it knew.
  const drained = startedAt + drainMs;
  if (Date.now() < drained)
    return { complete: false, waiting: `calls of the old code may run until ${new Date(drained).toISOString()}` };
  while (!cursor.done && Date.now() < stopAt) {
    if (cursor.through) {
      // Through the table, every old peer review named its manager: the cycles counted per department count again.
      const [cycleId, ...rest] = cursor.recount ?? [];
      if (cycleId !== undefined) await recountPeerCounts(cycleId);
      cursor = { ...cursor, recount: rest, done: rest.length === 0 };
    } else {
      const page = await rewritePage(cursor.next, pass);
      const { next: _next, ...before } = cursor;
      cursor = {
        ...before,
        ...(page.next ? { next: page.next } : { through: true }),
        scanned: cursor.scanned + page.scanned,
        rewritten: cursor.rewritten + page.rewritten,
        recount: [...new Set([...(cursor.recount ?? []), ...page.recount])],
      };
    }
    await save(cursor);
  }
  logger.info('table upgrade: items rewritten', { runId, scanned: cursor.scanned, rewritten: cursor.rewritten });
  return cursor.done ? { complete: true, ...cursor } : { complete: false, waiting: 'items still to scan' };
}
