import { describe, expect, it } from 'vitest';
import { type IndexShape, itemSize, transactionUnits } from '../../bench/transaction-units.ts';

const keysOnly: IndexShape = { partitionKey: 'gpk', sortKey: 'gsk', projection: 'KEYS_ONLY' };
const all: IndexShape = { partitionKey: 'apk', sortKey: 'ask', projection: 'ALL' };
const priced = (actions: Parameters<typeof transactionUnits>[0], indexes: IndexShape[] = [keysOnly, all]) =>
  transactionUnits(actions, indexes, ['pk', 'sk']);
const small = (sk: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ pk: 'P', sk, ...extra });

describe('itemSize', () => {
  it('counts names and values as DynamoDB does', () => {
    expect(itemSize({ pk: 'abc' })).toBe(5);
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
    expect(itemSize({ b: true, z: null })).toBe(4);
    expect(itemSize({ bin: new Uint8Array(10) })).toBe(13);
    expect(itemSize({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { k: 'v' } })).toBe(1 + 3 + 2 + 1);
    expect(itemSize({ gone: undefined, s: 'é' })).toBe(1 + 2);
  });
});

describe('transactionUnits', () => {
  it('charges each action twice by its size, where DynamoDB Local reports 2 for three puts', () => {
    expect(priced([1, 2, 3].map((i) => ({ kind: 'Put' as const, after: small(`${i}`) })))).toEqual({
      units: 6,
      indexUnits: 0,
    });
    expect(priced([{ kind: 'Put', after: small('big', { text: 'x'.repeat(1500) }) }]).units).toBe(4);
  });

  it('charges an update by the larger image, and a condition check by the item it read, writing no index', () => {
    const big = small('s', { text: 'x'.repeat(1500), gpk: 'G', gsk: '1' });
    expect(priced([{ kind: 'Update', before: big, after: { ...big, text: 'short' } }])).toEqual({
      units: 4,
      indexUnits: 0,
    });
    expect(priced([{ kind: 'ConditionCheck', before: big, after: big }])).toEqual({ units: 4, indexUnits: 0 });
  });

  it('charges an index change once: an entry written, removed, or moved (both), not doubled', () => {
    const listed = small('a', { gpk: 'G', gsk: '1' });
    const { gpk: _gpk, gsk: _gsk, ...unlisted } = listed;
    expect(priced([{ kind: 'Put', after: listed }])).toEqual({ units: 3, indexUnits: 1 });
    expect(priced([{ kind: 'Update', before: listed, after: unlisted }])).toEqual({ units: 3, indexUnits: 1 });
    expect(priced([{ kind: 'Update', before: listed, after: { ...listed, gsk: '2' } }])).toEqual({
      units: 4,
      indexUnits: 2,
    });
    expect(priced([{ kind: 'Delete', before: listed }])).toEqual({ units: 3, indexUnits: 1 });
  });

  it('rewrites an index copying every attribute when any changes, and a keys-only one only when its keys do', () => {
    const both = small('b', { gpk: 'G', gsk: '1', apk: 'A', ask: '1', state: 'old' });
    expect(priced([{ kind: 'Update', before: both, after: { ...both, state: 'new' } }])).toEqual({
      units: 3,
      indexUnits: 1,
    });
    expect(priced([{ kind: 'Update', before: both, after: { ...both } }])).toEqual({ units: 2, indexUnits: 0 });
  });

  it('matches a capture against DynamoDB in AWS: a 1.5 KB item moving its key in an index copying all of it', () => {
    const before = small('c', { apk: 'A', ask: '1', text: 'x'.repeat(1500) });
    // Table 2 x 2, index 2 + 2 (dynoxide's capture B7: table 4, index 4).
    expect(priced([{ kind: 'Update', before, after: { ...before, apk: 'B' } }], [all])).toEqual({
      units: 8,
      indexUnits: 4,
    });
  });
});
