import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpEvent, HttpResult } from '#shared/http.ts';

/**
 * A request that fails for a reason of ours answers 500 with nothing internal, and the log line keeps the
 * reason. Powertools drops reserved keys (`message`, `level`, `timestamp`, `service`) from log attributes
 * with only a warning, so the cause has to travel under a key of its own.
 */
const CAUSE = 'Requested resource not found: Table: perfcycle not found';
const event = { rawPath: '/x', headers: {}, requestContext: { http: { method: 'GET' } } } as unknown as HttpEvent;
const context = {
  functionName: 'perfcycle-test',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

beforeAll(() => {
  Object.assign(process.env, {
    TABLE_NAME: 't',
    LINK_SECRET: 'x'.repeat(40),
    AWS_REGION: 'eu-west-1',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
});
afterEach(() => vi.restoreAllMocks());

/** Runs a handler that fails with CAUSE and returns its answer and the JSON lines it logged. */
async function failWithCause(
  wrap: (
    handler: (event: HttpEvent) => Promise<HttpResult>,
  ) => (event: HttpEvent, context: Context) => Promise<HttpResult>,
) {
  const lines: string[] = [];
  // Powertools writes ERROR lines to stderr, as Lambda's console.error does; both go to CloudWatch.
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
  const failing = Object.assign(new Error(CAUSE), { name: 'ResourceNotFoundException' });
  const result = await wrap(async () => {
    throw failing;
  })(event, context);
  vi.restoreAllMocks();
  return {
    result,
    logged: lines
      .flatMap((text) => text.split('\n'))
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  };
}

describe('an unexpected failure', () => {
  it.each([
    ['a JSON API handler', 'unhandled error', async () => (await import('#shared/http.ts')).apiHandler],
    ['a form handler', 'form failed', async () => (await import('../../functions/forms/form-handler.ts')).formRoute],
  ])('in %s is logged with its cause, and the answer says nothing internal', async (_, message, wrapper) => {
    const { result, logged } = await failWithCause(await wrapper());
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain(CAUSE);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message,
        function_name: 'perfcycle-test',
        error: expect.objectContaining({ name: 'ResourceNotFoundException', message: CAUSE }),
      }),
    ]);
  });
});
