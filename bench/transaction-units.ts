import { isDeepStrictEqual } from 'node:util';

/**
 * The write request units of a TransactWriteItems, priced from the items it touched, as AWS prices it.
 *
 * DynamoDB Local's ConsumedCapacity for a transaction cannot be used: measured on the jar this project runs, three
 * 100-byte puts report 2 units, seven report 2, and one put into a keys-only index reports 4 for the table and 2 for
 * the index. AWS charges each action twice (a prepare and a commit) by the larger of the item's images before and
 * after, a ConditionCheck too (on the item it read), and each index change once, as the same change costs outside a
 * transaction: index copies are written after the commit. That last rule is from captures against DynamoDB in AWS
 * published by dynoxide's maintainers (github.com/nubo-db/dynoxide, pull request 188, August 2026); AWS's own
 * guide says nothing of indexes inside transactions.
 */

/** An index of the table: its key attributes, and whether it copies every attribute or only the keys. */
export interface IndexShape {
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY';
}

/** One action of a transaction: the item before it and after it (undefined where there was or is none). */
export interface TransactionAction {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

const KB = 1024;
const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** An attribute value's size by DynamoDB's rules (native values, as the document client reads and writes them). */
function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value)
      .replace(/e[+-]?\d+$/i, '')
      .replace(/[-.]/g, '')
      .replace(/^0+|0+$/g, '');
    return Math.ceil(Math.min(digits.length, 38) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueSize(element), 0);
  // A list or a map: 3 bytes, and 1 byte for each element besides its own size.
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueSize(element), 0);
  if (typeof value === 'object' && value)
    return 3 + itemSize(value as Record<string, unknown>) + Object.keys(value).length;
  return 0;
}

/** An item's size in bytes: each attribute's name and value (undefined attributes are not stored). */
export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => (value === undefined ? sum : sum + utf8(name) + valueSize(value)),
    0,
  );
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

/** What an index holds of an item: nothing when it lacks either key, else its keys or all of it. */
function indexView(index: IndexShape, tableKeys: string[], item: Record<string, unknown> | undefined) {
  if (!item || typeof item[index.partitionKey] !== 'string' || typeof item[index.sortKey] !== 'string')
    return undefined;
  if (index.projection === 'ALL') return item;
  return Object.fromEntries(
    [...tableKeys, index.partitionKey, index.sortKey].map((name) => [name, item[name]] as [string, unknown]),
  );
}

/** The write units one action costs an index: an entry written, removed, moved (both), rewritten, or untouched. */
function indexUnits(index: IndexShape, tableKeys: string[], action: TransactionAction): number {
  if (action.kind === 'ConditionCheck') return 0;
  const before = indexView(index, tableKeys, action.before);
  const after = indexView(index, tableKeys, action.after);
  if (!before && !after) return 0;
  if (!before) return units(itemSize(after!));
  if (!after) return units(itemSize(before));
  const moved =
    before[index.partitionKey] !== after[index.partitionKey] || before[index.sortKey] !== after[index.sortKey];
  if (moved) return units(itemSize(before)) + units(itemSize(after));
  if (isDeepStrictEqual(before, after)) return 0;
  return units(Math.max(itemSize(before), itemSize(after)));
}

/** A transaction's units: each action twice for the table, and each index change once. */
export function transactionUnits(
  actions: TransactionAction[],
  indexes: IndexShape[],
  tableKeys: string[],
): { units: number; indexUnits: number } {
  let table = 0;
  let index = 0;
  for (const action of actions) {
    table += 2 * units(Math.max(itemSize(action.before ?? {}), itemSize(action.after ?? {})));
    for (const shape of indexes) index += indexUnits(shape, tableKeys, action);
  }
  return { units: table + index, indexUnits: index };
}
