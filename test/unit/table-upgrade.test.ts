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
  const assessment = { pk: 'CYCLE#c1', sk: 'ASMT#e1', employeeId: 'e1' };

  it('moves a pending assessment’s lists from gsi1-gsi3 to gsi5, gsi6 and gsi4, with the same keys', () => {
    const item = {
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
    const rewrite = rewriteOf(item)!;
    expect(rewrite.set).toEqual({
      gsi5pk: 'SELF#c1',
      gsi5sk: 'e1',
      gsi6pk: 'REVIEW#c1',
      gsi6sk: 'm1#e1',
      gsi4pk: 'TEAM#c1#m1',
      gsi4sk: 'e1',
    });
    expect(rewrite.remove.sort()).toEqual(['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk']);
    // Only while the item is as read.
    expect(rewrite.read).toMatchObject({ gsi1pk: 'SELF#c1', selfStatus: 'PENDING', gsi5pk: undefined });
  });

  it('moves a released result awaiting acknowledgement into gsi6', () => {
    const item = {
      ...assessment,
      selfStatus: 'SUBMITTED',
      reviewStatus: 'SUBMITTED',
      gsi2pk: 'UNACK#c1',
      gsi2sk: 'e1',
      gsi3pk: 'TEAM#c1#m1',
      gsi3sk: 'e1',
    };
    expect(rewriteOf(item)?.set).toEqual({ gsi6pk: 'UNACK#c1', gsi6sk: 'e1', gsi4pk: 'TEAM#c1#m1', gsi4sk: 'e1' });
  });

  it('drops an entry the person left by an old function’s hand after the first pass moved it', () => {
    // Moved by the first pass, then submitted by an old function (which removed only gsi1) and released by another.
    const item = {
      ...assessment,
      selfStatus: 'SUBMITTED',
      reviewStatus: 'SUBMITTED',
      gsi5pk: 'SELF#c1',
      gsi5sk: 'e1',
      gsi6pk: 'REVIEW#c1',
      gsi6sk: 'm1#e1',
      gsi2pk: 'UNACK#c1',
      gsi2sk: 'e1',
      gsi4pk: 'TEAM#c1#m1',
      gsi4sk: 'e1',
    };
    const rewrite = rewriteOf(item)!;
    expect(rewrite.set).toEqual({ gsi6pk: 'UNACK#c1', gsi6sk: 'e1' });
    expect(rewrite.remove.sort()).toEqual(['gsi2pk', 'gsi2sk', 'gsi5pk', 'gsi5sk']);
    const acknowledged = { ...item, gsi2pk: undefined, gsi2sk: undefined, gsi6pk: 'UNACK#c1', acknowledgedAt: 'x' };
    expect(rewriteOf(acknowledged)?.remove.sort()).toEqual(['gsi5pk', 'gsi5sk', 'gsi6pk', 'gsi6sk']);
  });

  it('leaves an assessment the code wrote as it is', () => {
    const item = {
      ...assessment,
      selfStatus: 'PENDING',
      reviewStatus: 'PENDING',
      gsi5pk: 'SELF#c1',
      gsi5sk: 'e1',
      gsi6pk: 'REVIEW#c1',
      gsi6sk: 'm1#e1',
      gsi4pk: 'TEAM#c1#m1',
      gsi4sk: 'e1',
    };
    expect(rewriteOf(item)).toBeUndefined();
    expect(rewriteOf({ pk: 'CYCLE#c1', sk: 'META', gsi2pk: 'CYCLES', gsi2sk: 'x' })).toBeUndefined();
  });

  it('moves unsent mail into the one outbox partition, mending each key on its own', () => {
    const mail = { pk: 'CYCLE#c1', sk: 'MAIL#m-1' };
    const at = '2026-12-01T10:00:00.000Z';
    // As the old code queued it.
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX#c1', gsi2sk: `${at}#m-1` })?.set).toEqual({
      gsi2pk: 'OUTBOX',
      gsi2sk: `c1#${at}#m-1`,
    });
    // Claimed again by the new code (sort key only), or by an old function after the new code queued it.
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX#c1', gsi2sk: `c1#${at}#m-1` })?.set).toEqual({ gsi2pk: 'OUTBOX' });
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX', gsi2sk: `${at}#m-1` })?.set).toEqual({ gsi2sk: `c1#${at}#m-1` });
    expect(rewriteOf({ ...mail, gsi2pk: 'OUTBOX', gsi2sk: `c1#${at}#m-1` })).toBeUndefined();
    expect(rewriteOf({ ...mail, status: 'SENT' })).toBeUndefined();
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
