import { describe, expect, it } from 'vitest';
import { type FunctionUsage, quarterCosts } from '../../bench/cost.ts';
import { allFunctions } from '../../lib/functions.ts';

const none: FunctionUsage = {
  invocations: 0,
  billedMs: 0,
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  sesMessages: 0,
};
const usage = (used: Record<string, Partial<FunctionUsage>>) =>
  Object.fromEntries(allFunctions.map((spec) => [spec.id, { ...none, ...used[spec.id] }]));

describe('the quarter priced by the bench', () => {
  // A cycle of 1,000 with one daily run and one flush, and the answers of 100 people, after the directory's first import.
  const cost = quarterCosts({
    employees: 1000,
    firstImport: usage({ ImportEmployees: { invocations: 1, billedMs: 500, writeUnits: 3900 } }),
    cycle: usage({
      LaunchParticipants: { invocations: 1, billedMs: 1000, writeUnits: 4000 },
      RunGoalWatch: { invocations: 1, billedMs: 10 },
      FlushOutboxes: { invocations: 1, billedMs: 10 },
    }),
    cycleTransitions: 26,
    dailyExecutions: 1,
    dailyTransitions: 9,
    answers: {
      people: 100,
      usage: {
        SelfAssessmentForm: {
          invocations: 300,
          billedMs: 8000,
          readUnits: 950,
          writeUnits: 6600,
          indexWriteUnits: 2000,
          sesMessages: 0,
        },
        ResultsPage: {
          invocations: 300,
          billedMs: 8000,
          readUnits: 950,
          writeUnits: 6720,
          indexWriteUnits: 1500,
          sesMessages: 190,
        },
      },
    },
  });
  const part = (name: string) => cost.parts.find((row) => row.part === name)!;

  it('prices the answers measured for fewer people as that many times more', () => {
    expect(part('answers')).toMatchObject({
      lambdaInvocations: 6000,
      // 16 s at 256 MB, ten times.
      lambdaGbSeconds: 40,
      readRequestUnits: 19_000,
      writeRequestUnits: 133_200,
      // Of them, index copies: shown beside, priced within the write units.
      indexWriteRequestUnits: 35_000,
      sesMessages: 1900,
      usdPer1000: Number((6000 * 0.2e-6 + 40 * 0.0000133334 + 19_000 * 0.125e-6 + 133_200 * 0.625e-6).toFixed(5)),
    });
  });

  it('adds the answers to the cycle, the daily machine and the flusher', () => {
    expect(cost.parts.map((row) => row.part)).toEqual(['cycle', 'dailyMachine', 'outboxFlusher', 'answers']);
    expect(part('cycle').writeRequestUnits).toBe(4000);
    expect(part('dailyMachine').lambdaInvocations).toBe(91);
    // One flush every 15 minutes for 91 days.
    expect(part('outboxFlusher').lambdaInvocations).toBe(8736);
    const sum = cost.parts.reduce((total, row) => total + row.usdPer1000, 0);
    expect(cost.costPer1000EmployeesPerQuarterUsd).toBeCloseTo(sum, 4);
  });

  it('prices the directory\u2019s first import apart, once, outside the quarter', () => {
    expect(cost.parts.some((row) => row.writeRequestUnits === 3900)).toBe(false);
    expect(cost.firstImportWriteRequestUnitsPer1000).toBe(3900);
    expect(cost.firstImportUsdPer1000).toBe(
      // 0.5 s at 512 MB.
      Number((0.2e-6 + 0.25 * 0.0000133334 + 3900 * 0.625e-6).toFixed(5)),
    );
  });
});
