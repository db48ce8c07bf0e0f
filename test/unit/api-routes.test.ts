import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { apiFunctions } from '../../lib/functions.ts';
import type { HttpEvent } from '#shared/http.ts';

/** The HR API's functions: each handler is a route table (functions/api/routes.ts). */
const hrApi = apiFunctions.filter((spec) => spec.entry.startsWith('functions/api/'));

async function routeTable(entry: string) {
  const module = (await import(/* @vite-ignore */ new URL(`../../${entry}`, import.meta.url).href)) as {
    handler: { routeKeys?: string[] };
  };
  return module.handler.routeKeys;
}

describe('the HR API route tables', () => {
  it.each(hrApi.map((spec) => [spec.id, spec] as const))('%s answers exactly its RouteSpec routes', async (_, spec) => {
    const declared = (spec.routes ?? []).map((route) => `${route.method} ${route.path}`);
    expect((await routeTable(spec.entry))?.toSorted()).toEqual(declared.toSorted());
  });

  it('answer 404 to a route key not in the table, without running any route', async () => {
    const { handler } = await import('../../functions/api/settings.ts');
    const event = {
      routeKey: 'DELETE /settings',
      rawPath: '/settings',
      headers: {},
      requestContext: { http: { method: 'DELETE' }, authorizer: { jwt: { claims: { sub: 'test-hr' } } } },
    } as unknown as HttpEvent;
    const context = { functionName: 't', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 1000 } as Context;
    const answer = await handler(event, context);
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(String(answer.body))).toEqual({ error: 'no route DELETE /settings', details: [] });
  });
});
