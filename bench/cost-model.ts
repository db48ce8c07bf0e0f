/**
 * What a quarter costs in AWS at list prices: the pure arithmetic from counts to dollars (issue 13, part 4).
 *
 * Prices: us-east-1, on-demand, without free tiers, as known on 2026-12-01 (from the pages below as last read
 * before this date, not re-read online when this was written; check them before quoting a figure):
 * - Lambda, https://aws.amazon.com/lambda/pricing/ : arm64, first 7.5 billion GB-s a month.
 * - Step Functions, https://aws.amazon.com/step-functions/pricing/ : Standard workflows.
 * - DynamoDB, https://aws.amazon.com/dynamodb/pricing/on-demand/ : on-demand, Standard table class, after the
 *   price cut of 1 November 2024.
 * - SES, https://aws.amazon.com/ses/pricing/ : outbound email, attachments and data transfer aside.
 */
export const LAMBDA_ARM64_USD_PER_GB_SECOND = 0.0000133334;
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1_000_000;
export const STEP_FUNCTIONS_STANDARD_USD_PER_TRANSITION = 0.025 / 1_000;
export const DYNAMODB_ON_DEMAND_USD_PER_WRITE_REQUEST_UNIT = 0.625 / 1_000_000;
export const DYNAMODB_ON_DEMAND_USD_PER_READ_REQUEST_UNIT = 0.125 / 1_000_000;
export const SES_USD_PER_MESSAGE = 0.1 / 1_000;

/** The aim: a quarter for 1,000 employees, SES's own per-message price excluded. */
export const AIM_USD_PER_1000_EMPLOYEES_PER_QUARTER = 0.05;

/** What one quarter used, for `employees` people. */
export interface QuarterCounts {
  employees: number;
  lambdaInvocations: number;
  /** Billed duration (each invocation rounded up to the millisecond) times memory, in GB-seconds. */
  lambdaGbSeconds: number;
  stateTransitions: number;
  readRequestUnits: number;
  writeRequestUnits: number;
  sesMessages: number;
}

export interface QuarterCost {
  lambdaRequestsUsd: number;
  lambdaComputeUsd: number;
  stepFunctionsUsd: number;
  dynamoReadsUsd: number;
  dynamoWritesUsd: number;
  /** Everything above, SES excluded: the figure the aim is about. */
  totalUsd: number;
  sesUsd: number;
}

/** GB-seconds of invocations that together ran `billedMs` at `memoryMb`. */
export function gbSeconds(billedMs: number, memoryMb: number): number {
  return (billedMs / 1000) * (memoryMb / 1024);
}

/** The dollars of one quarter's counts, scaled to 1,000 employees. */
export function costPer1000Employees(counts: QuarterCounts): QuarterCost {
  const scale = 1000 / counts.employees;
  const lambdaRequestsUsd = counts.lambdaInvocations * LAMBDA_USD_PER_REQUEST * scale;
  const lambdaComputeUsd = counts.lambdaGbSeconds * LAMBDA_ARM64_USD_PER_GB_SECOND * scale;
  const stepFunctionsUsd = counts.stateTransitions * STEP_FUNCTIONS_STANDARD_USD_PER_TRANSITION * scale;
  const dynamoReadsUsd = counts.readRequestUnits * DYNAMODB_ON_DEMAND_USD_PER_READ_REQUEST_UNIT * scale;
  const dynamoWritesUsd = counts.writeRequestUnits * DYNAMODB_ON_DEMAND_USD_PER_WRITE_REQUEST_UNIT * scale;
  return {
    lambdaRequestsUsd,
    lambdaComputeUsd,
    stepFunctionsUsd,
    dynamoReadsUsd,
    dynamoWritesUsd,
    totalUsd: lambdaRequestsUsd + lambdaComputeUsd + stepFunctionsUsd + dynamoReadsUsd + dynamoWritesUsd,
    sesUsd: counts.sesMessages * SES_USD_PER_MESSAGE * scale,
  };
}
