import { describe, expect, it } from 'vitest';
import { costPer1000Employees, gbSeconds } from '../../bench/cost-model.ts';

describe('the cost of a quarter', () => {
  it('prices each count at its list price, per 1,000 employees', () => {
    const cost = costPer1000Employees({
      employees: 2000,
      lambdaInvocations: 2_000_000,
      lambdaGbSeconds: 150_000,
      stateTransitions: 80_000,
      readRequestUnits: 16_000_000,
      writeRequestUnits: 3_200_000,
      sesMessages: 20_000,
    });
    // Half of each, since the counts are for 2,000 people.
    expect(cost.lambdaRequestsUsd).toBeCloseTo(0.2, 10);
    expect(cost.lambdaComputeUsd).toBeCloseTo(75_000 * 0.0000133334, 10);
    expect(cost.stepFunctionsUsd).toBeCloseTo(1, 10);
    expect(cost.dynamoReadsUsd).toBeCloseTo(1, 10);
    expect(cost.dynamoWritesUsd).toBeCloseTo(1, 10);
    expect(cost.totalUsd).toBeCloseTo(0.2 + 75_000 * 0.0000133334 + 3, 10);
    expect(cost.sesUsd).toBeCloseTo(1, 10);
  });

  it('leaves SES out of the total', () => {
    const cost = costPer1000Employees({
      employees: 1000,
      lambdaInvocations: 0,
      lambdaGbSeconds: 0,
      stateTransitions: 0,
      readRequestUnits: 0,
      writeRequestUnits: 0,
      sesMessages: 5000,
    });
    expect(cost.totalUsd).toBe(0);
    expect(cost.sesUsd).toBeCloseTo(0.5, 10);
  });

  it('bills memory in GB and time in seconds', () => {
    expect(gbSeconds(2000, 512)).toBe(1);
    expect(gbSeconds(100, 1024)).toBeCloseTo(0.1, 10);
  });
});
