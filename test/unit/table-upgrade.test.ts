import { describe, expect, it } from 'vitest';
import { type IndexShape, nextIndexStep } from '#domain/upgrade.ts';
import { phaseCheck, type PhaseChecked } from '#store/cycles.ts';
import { queryPage } from '#store/table.ts';
import { rewriteOf } from '#store/upgrade.ts';

const shape = (name: string, projection = 'KEYS_ONLY'): IndexShape => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `${name}pk`, KeyType: 'HASH' },
    { AttributeName: `${name}sk`, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: projection },
});
const active = (index: IndexShape, IndexStatus = 'ACTIVE') => ({ ...index, IndexStatus });
const wanted = [shape('gsi4'), shape('gsi5'), shape('gsi6')];
const old = [active(shape('gsi1', 'ALL')), active(shape('gsi2', 'ALL')), active(shape('gsi3', 'ALL'))];

describe('the table upgrade adds indexes one at a time', () => {
  it('creates the first missing index, then waits while it is built, then the next, then is ready', () => {
    expect(nextIndexStep(wanted, { status: 'ACTIVE', indexes: old })).toEqual({ kind: 'create', index: wanted[0] });
    expect(nextIndexStep(wanted, { status: 'UPDATING', indexes: [...old, active(wanted[0], 'CREATING')] })).toEqual({
      kind: 'wait',
      reason: 'the table is UPDATING',
    });
    expect(nextIndexStep(wanted, { status: 'ACTIVE', indexes: [...old, active(wanted[0], 'CREATING')] })).toEqual({
      kind: 'wait',
      reason: 'index gsi4 is CREATING',
    });
    expect(nextIndexStep(wanted, { status: 'ACTIVE', indexes: [...old, active(wanted[0])] })).toEqual({
      kind: 'create',
      index: wanted[1],
    });
    expect(
      nextIndexStep(wanted, { status: 'ACTIVE', indexes: [...old, ...wanted.map((index) => active(index))] }),
    ).toEqual({ kind: 'ready' });
  });

  it('refuses an index of the same name with other keys or projection, which DynamoDB cannot change', () => {
    expect(() => nextIndexStep(wanted, { status: 'ACTIVE', indexes: [...old, active(shape('gsi4', 'ALL'))] })).toThrow(
      /index gsi4 exists with other keys or projection \(.*projection ALL, wanted .*projection KEYS_ONLY\)/,
    );
  });
});

describe('items stored before the lists moved', () => {
  const assessment = { pk: 'CYCLE#c1', sk: 'ASMT#e1', employeeId: 'e1', managerKey: 'm1' };
  /** As the old version stored a person still to answer both forms. */
  const pending = {
    ...assessment,
    selfStatus: 'PENDING',
    reviewStatus: 'PENDING',
    gsi1pk: 'SELF#c1',
    gsi1sk: 'e1',
    gsi2pk: 'REVIEW#c1',
    gsi2sk: 'm1#e1',
    gsi3pk: 'TEAM#c1#m1',
    gsi3sk: 'e1',
  };
  const lists = {
    gsi5pk: 'SELF#c1',
    gsi5sk: 'e1',
    gsi6pk: 'REVIEW#c1',
    gsi6sk: 'm1#e1',
    gsi4pk: 'TEAM#c1#m1',
    gsi4sk: 'e1',
  };
  const oldLists = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

  it('adds an assessment\u2019s lists where the code reads them, and keeps the old ones until the old code is gone', () => {
    const before = rewriteOf(pending, 'before-code')!;
    expect(before.set).toEqual(lists);
    // A deploy rolled back after this pass leaves the old version its lists.
    expect(before.remove).toEqual([]);
    // Only while the item is as read.
    expect(before.read).toMatchObject({ gsi1pk: 'SELF#c1', selfStatus: 'PENDING', gsi5pk: undefined });
    const after = rewriteOf({ ...pending, ...lists }, 'after-code')!;
    expect(after.set).toEqual({});
    expect(after.remove.sort()).toEqual(oldLists);
    expect(rewriteOf({ ...pending, ...lists }, 'before-code')).toBeUndefined();
  });

  it('lists a released result awaiting acknowledgement in gsi6, an acknowledged one nowhere but the team', () => {
    const released = {
      ...assessment,
      selfStatus: 'SUBMITTED',
      reviewStatus: 'SUBMITTED',
      resultReleasedAt: '2026-12-01',
      gsi2pk: 'UNACK#c1',
      gsi2sk: 'e1',
      gsi3pk: 'TEAM#c1#m1',
      gsi3sk: 'e1',
    };
    expect(rewriteOf(released, 'after-code')?.set).toEqual({
      gsi6pk: 'UNACK#c1',
      gsi6sk: 'e1',
      gsi4pk: 'TEAM#c1#m1',
      gsi4sk: 'e1',
    });
    expect(rewriteOf({ ...released, acknowledgedAt: '2026-12-02' }, 'after-code')?.set).toEqual({
      gsi4pk: 'TEAM#c1#m1',
      gsi4sk: 'e1',
    });
  });

  it('follows the state, not keys either version left behind while both ran', () => {
    // Copied by the first pass; then the new code took the review (leaving gsi6) and released it (gsi6 unacknowledged),
    // while the old keys still say the review is pending.
    const both = {
      ...pending,
      ...lists,
      reviewStatus: 'SUBMITTED',
      resultReleasedAt: '2026-12-01',
      gsi6pk: 'UNACK#c1',
      gsi6sk: 'e1',
    };
    const after = rewriteOf(both, 'after-code')!;
    expect(after.set).toEqual({});
    expect(after.remove.sort()).toEqual(oldLists);
    // An old function took the self-assessment after the first pass (removing gsi1 only).
    const { gsi1pk: _pk, gsi1sk: _sk, ...selfTaken } = { ...pending, ...lists, selfStatus: 'SUBMITTED' };
    expect(rewriteOf(selfTaken, 'after-code')?.remove.sort()).toEqual([
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'gsi5pk',
      'gsi5sk',
    ]);
  });

  it('leaves an assessment the code wrote as it is', () => {
    for (const pass of ['before-code', 'after-code'] as const) {
      expect(
        rewriteOf({ ...assessment, selfStatus: 'PENDING', reviewStatus: 'PENDING', ...lists }, pass),
      ).toBeUndefined();
      expect(rewriteOf({ pk: 'CYCLE#c1', sk: 'META', gsi2pk: 'CYCLES', gsi2sk: 'x' }, pass)).toBeUndefined();
    }
  });

  it('moves unsent mail into the one outbox partition once the old code is gone, mending each key on its own', () => {
    const mail = { pk: 'CYCLE#c1', sk: 'MAIL#m-1' };
    const at = '2026-12-01T10:00:00.000Z';
    // The old version's flusher reads only its own partitions.
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX#c1', gsi2sk: `${at}#m-1` }, 'before-code')).toBeUndefined();
    // As the old code queued it.
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX#c1', gsi2sk: `${at}#m-1` }, 'after-code')?.set).toEqual({
      gsi2pk: 'OUTBOX',
      gsi2sk: `c1#${at}#m-1`,
    });
    // Claimed again by the new code (sort key only), or by an old function after the new code queued it.
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX#c1', gsi2sk: `c1#${at}#m-1` }, 'after-code')?.set).toEqual({
      gsi2pk: 'OUTBOX',
    });
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX', gsi2sk: `${at}#m-1` }, 'after-code')?.set).toEqual({
      gsi2sk: `c1#${at}#m-1`,
    });
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX', gsi2sk: `c1#${at}#m-1` }, 'after-code')).toBeUndefined();
    expect(rewriteOf({ ...mail, status: 'SENT' }, 'after-code')).toBeUndefined();
  });
});

describe('a page cursor signed before the lists moved', () => {
  it('is refused as invalid, asking to start the list again, before anything is read', async () => {
    const before = { pk: 'CYCLE#c1', sk: 'ASMT#e1', gsi1pk: 'SELF#c1', gsi1sk: 'e1' };
    await expect(
      queryPage({ IndexName: 'gsi5' }, { limit: 5, start: before, keyNames: ['pk', 'sk', 'gsi5pk', 'gsi5sk'] }),
    ).rejects.toMatchObject({
      message: 'invalid cursor',
      details: [
        'the cursor is from an earlier version of this list',
        'read the list again from its first page, without a cursor',
      ],
    });
  });
});

describe('the phase check of a cycle whose phase an older version moved', () => {
  const check = (phase: string, phaseKept?: unknown) =>
    (
      phaseCheck({ cycleId: 'c1', phase, phaseKept } as PhaseChecked, ['MANAGER_REVIEW']) as {
        ConditionCheck: { Key: unknown };
      }
    ).ConditionCheck.Key;

  it('reads the phase item while it was moved with the cycle item, else the cycle item', () => {
    expect(check('MANAGER_REVIEW', 'MANAGER_REVIEW')).toEqual({ pk: 'CYCLE#c1', sk: 'PHASE' });
    // An older version's function moved the cycle item alone during a deploy: the phase item still says SELF_REVIEW.
    expect(check('MANAGER_REVIEW', 'SELF_REVIEW')).toEqual({ pk: 'CYCLE#c1', sk: 'META' });
    // Launched before the phase item, or kept by the version of 2 December, which recorded no phase.
    expect(check('MANAGER_REVIEW')).toEqual({ pk: 'CYCLE#c1', sk: 'META' });
    expect(check('MANAGER_REVIEW', true)).toEqual({ pk: 'CYCLE#c1', sk: 'META' });
  });
});
