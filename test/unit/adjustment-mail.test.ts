import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SCALE } from '#domain/review-form.ts';
import type { MailRecord } from '#store/mail.ts';

/**
 * The emails of a calibration file applied in several transactions, one of which is refused (a review reopened
 * between them): the store and the sender are replaced, as this path cannot be timed on the local stack. The whole
 * path, with its emails, runs in test/integration/calibration-adjust.test.ts.
 */
const seen = vi.hoisted(() => ({
  transactions: 0,
  refuseAt: 2,
  sent: [] as { mails: MailRecord[]; claim: unknown }[],
  claimsQueued: [] as unknown[],
}));
const participants = Array.from({ length: 30 }, (_, i) => ({
  cycleId: 'c1',
  employeeId: `e${i + 1}`,
  name: `Person ${i + 1}`,
  department: 'Sales',
  managerKey: 'm1',
  managerName: 'Maria',
  managerEmail: 'maria@example.com',
  reviewStatus: 'SUBMITTED',
  review: { rating: 3, score: { value: 3, label: 'Meets expectations', basis: 'rating' } },
}));
vi.mock('#store/cycles.ts', () => ({
  getCycle: async () => ({ cycleId: 'c1', name: 'Q4', timeZone: 'UTC', phase: 'CALIBRATION', scale: DEFAULT_SCALE }),
}));
vi.mock('#store/assessments.ts', () => ({ listAssessments: async () => participants }));
vi.mock('#store/adjustments.ts', () => ({
  ADJUSTMENTS_PER_TRANSACTION: 24,
  claimAdjustmentBatch: async () => true,
  releaseAdjustmentBatch: async () => undefined,
  writeAdjustments: async (_cycle: unknown, _writes: unknown[], _guard: unknown, claim: unknown) => {
    seen.claimsQueued.push(claim);
    seen.transactions += 1;
    return seen.transactions === seen.refuseAt ? 'refused' : 'done';
  },
}));
vi.mock('#mail/outbox.ts', async (original) => ({
  ...(await original<typeof import('#mail/outbox.ts')>()),
  queueClaim: () => 'the call\u2019s claim',
  sendQueuedNow: async (_scope: string, mails: MailRecord[], claim: unknown) => {
    seen.sent.push({ mails, claim });
  },
}));
const { adjustRatingsFromFile } = await import('#services/adjustments.ts');

const file = `employeeId,rating,reason\n${participants.map((p) => `${p.employeeId},4,Calibrated`).join('\n')}\n`;

describe('the emails of a calibration file', () => {
  beforeEach(() => {
    Object.assign(seen, { transactions: 0, sent: [], claimsQueued: [] });
  });

  it('queues each email claimed by the call, in its adjustment\u2019s transaction, and sends them all at the end', async () => {
    seen.refuseAt = 0;
    await adjustRatingsFromFile('c1', file, 'hr:test', false);
    expect(seen.claimsQueued).toEqual(['the call\u2019s claim', 'the call\u2019s claim']);
    expect(seen.sent).toHaveLength(1);
    expect(seen.sent[0]!.claim).toBe('the call\u2019s claim');
    expect(seen.sent[0]!.mails.map((mail) => mail.about[0])).toEqual(participants.map((p) => p.employeeId));
  });

  it('sends those of the transactions applied when a later one is refused, and says which lines stand', async () => {
    seen.refuseAt = 2;
    await expect(adjustRatingsFromFile('c1', file, 'hr:test', false)).rejects.toThrow(
      /: 24 of 30 changes were applied, the rest not$/,
    );
    expect(seen.sent).toHaveLength(1);
    expect(seen.sent[0]!.mails.map((mail) => mail.about[0])).toEqual(
      participants.slice(0, 24).map((p) => p.employeeId),
    );
    expect(seen.sent[0]!.mails.every((mail) => mail.to === 'maria@example.com')).toBe(true);
  });
});
