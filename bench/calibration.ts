import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { runCli } from '../cli/program.ts';
import type { LocalStack } from '../local/stack.ts';

/**
 * HR's calibration read of a cycle of `size` participants (issue 11): 1 manager per 10 people, 12 departments,
 * 90 % reviewed, answers of a realistic length (about 3 KB an assessment). The cycle, its assessments and the
 * tallies are seeded straight into the table (a launch and 9,000 form posts would time the seeding, not the
 * read); the tallies through `ratingMove`, the write each review submission makes. Then, counting time,
 * DynamoDB requests and items read:
 * - `perfcycle cycle calibration <id> --csv`: the figures and every participant, page after page;
 * - the figures alone (the API's first page with one participant), from the summaries;
 * - the same figures counted from every assessment (projected), as when the summaries do not add up.
 */
interface Counter {
  requests: number;
  itemsRead: number;
}

const TEXT = 'A steady quarter with clear progress on the goals that mattered most to the team. '.repeat(5);

export async function calibrationBench(stack: LocalStack, counter: Counter, size: number) {
  const { batchPut, db, keys, tableName } = await import('../functions/store/table.ts');
  const { assessmentItem } = await import('../functions/store/assessments.ts');
  const { ratingMove } = await import('../functions/store/calibration.ts');
  const { progressItems } = await import('../functions/store/progress.ts');
  const { DEFAULT_SCALE } = await import('../functions/domain/review-form.ts');
  const { finalScore } = await import('../functions/domain/score.ts');
  const { forEachLimited } = await import('../functions/shared/concurrency.ts');
  const cycleId = `cyc_${Date.now().toString(16).padStart(16, '0').slice(-16)}`;
  const now = stack.clock.now();
  const weights = { goals: 70, competencies: 30 };
  const cycle = {
    cycleId,
    name: `Calibration bench ${size}`,
    phase: 'CALIBRATION' as const,
    selfDue: now - 20 * 86_400_000,
    managerDue: now - 86_400_000,
    timings: { reminderLeadMs: 3 * 86_400_000, hrGraceMs: 2 * 86_400_000 },
    extensions: {},
    timeZone: 'UTC',
    period: '2026-Q4',
    settingsVersion: 0,
    scale: DEFAULT_SCALE,
    selfQuestions: [],
    competencies: [],
    scoreWeights: weights,
    acknowledgementReminderMs: 5 * 86_400_000,
    senderName: 'Bench',
    createdAt: new Date(now).toISOString(),
    createdBy: 'hr:bench',
    participantCount: size,
  };
  const managers = Math.ceil(size / 10);
  const people = Array.from({ length: size }, (_, i) => {
    const manager = i % managers;
    const reviewed = i % 10 !== 9;
    const rating = 1 + ((i * 7 + manager) % 5);
    const answers = {
      goalRatings: [
        { goalId: `goal_${i}a`, title: 'Grow the pipeline', weight: 60, rating },
        { goalId: `goal_${i}b`, title: 'Mentor a new joiner', weight: 40, rating: 1 + (i % 5) },
      ],
      competencyRatings: [1, 2, 3].map((c) => ({ id: `c${c}`, rating: 1 + ((i + c) % 5) })),
      rating,
      strengths: TEXT,
      areasToImprove: TEXT,
      comments: TEXT,
      proposedGoals: [],
    };
    const record = {
      cycleId,
      employeeId: `cal-${i}`,
      name: `Person ${i}`,
      email: `cal${i}@example.com`,
      department: `Department ${i % 12}`,
      managerKey: `cal-m${manager}`,
      managerName: `Manager ${manager}`,
      managerEmail: `calm${manager}@example.com`,
      selfStatus: 'SUBMITTED' as const,
      selfAnswers: {
        goalRatings: {},
        overallRating: rating,
        answers: { wentWell: TEXT, toImprove: TEXT, nextGoals: TEXT },
      },
      reviewStatus: reviewed ? ('SUBMITTED' as const) : ('PENDING' as const),
    };
    const review = reviewed ? { ...answers, score: finalScore(answers as never, weights, DEFAULT_SCALE) } : undefined;
    return { record, review };
  });
  const seeded = performance.now();
  // The cycle and its groups' counters as a launch stores them; each review then moves its group's tally.
  await batchPut([
    { ...keys.cycle(cycleId), ...cycle },
    ...progressItems(
      cycleId,
      people.map(({ record }) => record),
      cycle.phase,
    ),
  ]);
  await batchPut(
    people.map(({ record, review }) => {
      const { gsi5pk: _g5, gsi5sk: _g5s, gsi6pk, gsi6sk, ...item } = assessmentItem(record as never);
      return review ? { ...item, review, reviewVersion: 1 } : { ...item, gsi6pk, gsi6sk };
    }),
  );
  await forEachLimited(
    people.filter((p) => p.review),
    16,
    async ({ record, review }) => {
      for (const write of ratingMove(cycle, record, { review: review as never }).writes) {
        if ('Update' in write) await db().send(new UpdateCommand({ ...write.Update, TableName: tableName() }));
      }
    },
  );
  const seedMs = performance.now() - seeded;

  const measure = async <T>(work: () => Promise<T>) => {
    const before = { ...counter };
    const started = performance.now();
    const result = await work();
    return {
      result,
      ms: Math.round(performance.now() - started),
      dynamoRequests: counter.requests - before.requests,
      itemsRead: counter.itemsRead - before.itemsRead,
    };
  };
  const figures = () =>
    fetch(`${stack.apiUrl}/cycles/${cycleId}/calibration?limit=1`, {
      headers: { authorization: `Bearer ${stack.hrToken}` },
    }).then((r) => r.json() as Promise<any>);
  const dir = mkdtempSync(join(tmpdir(), 'perfcycle-bench-calibration-'));
  try {
    const cliRun = await measure(async () => {
      let out = '';
      const code = await runCli(['cycle', 'calibration', cycleId, '--csv', 'calibration.csv'], {
        env: { PERFCYCLE_API_URL: stack.apiUrl, PERFCYCLE_TOKEN: stack.hrToken },
        cwd: dir,
        out: (text) => (out += text),
        err: () => {},
      });
      if (code !== 0 || !out.includes(`participants (${size}):`)) throw new Error(`cycle calibration failed (${code})`);
    });
    const fromSummaries = await measure(figures);
    // One participant more on the cycle than its groups count (as for a cycle launched before the counters): the
    // figures are counted from the assessments.
    const participantsKey = { TableName: tableName(), Key: keys.cycle(cycleId) };
    const addParticipants = (delta: number) =>
      db().send(
        new UpdateCommand({
          ...participantsKey,
          UpdateExpression: 'ADD participantCount :delta',
          ExpressionAttributeValues: { ':delta': delta },
        }),
      );
    await addParticipants(1);
    const fromAssessments = await measure(figures);
    await addParticipants(-1);
    if (fromSummaries.result.source !== 'summaries' || fromAssessments.result.source !== 'assessments')
      throw new Error('the figures did not come from where they should');
    if (JSON.stringify(fromSummaries.result.figures) !== JSON.stringify(fromAssessments.result.figures))
      throw new Error('the summaries and the assessments disagree');
    const row = (read: string, m: { ms: number; dynamoRequests: number; itemsRead: number }) => ({
      participants: size,
      read,
      ms: m.ms,
      dynamoRequests: m.dynamoRequests,
      itemsRead: m.itemsRead,
    });
    return {
      seedMs: Math.round(seedMs),
      managers,
      reads: [
        row('cycle calibration --csv (figures + every participant)', cliRun),
        row('figures from the summaries (API, first page)', fromSummaries),
        row('figures from every assessment (projected)', fromAssessments),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
