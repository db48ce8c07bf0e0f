import { createHash, randomBytes } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { claimApiRequest, completeApiRequest, readApiRequest, releaseApiRequest } from '#store/idempotency.ts';
import { HttpError, hrActor, json, type HttpEvent, type HttpResult } from './http.ts';
import { logger } from './observability.ts';

/** Printable ASCII without spaces, as long as Stripe allows: a UUID fits, so does any sane client's key. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long an answer is replayed for its key (Stripe and Powertools keep keys about a day). */
const KEEP_SECONDS = 24 * 60 * 60;

type ApiRequest = Request<HttpEvent, HttpResult, Error, Context>;
/** The claim this invocation holds, kept on the middy request between its before and its after or onError. */
type Internal = { idempotency?: { scope: string; owner: string } };

function digest(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * The `Idempotency-Key` header on creating routes (Stripe's convention, modelled on Powertools' idempotency):
 * the first request with a key runs under an in-progress record; its answer, a 4xx included, is stored and
 * replayed to every retry with the same key, caller and route for 24 hours. A retry while the first still
 * runs gets 409 with Retry-After; a different request with the same key 422. A 5xx or a thrown error frees
 * the key, so a retry can run the request again. Requests without the header run as before.
 *
 * It sits inside the JSON error mapping: by its onError, an error has become the answer a caller sees.
 */
export function idempotencyKey(): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: async (request: ApiRequest) => {
      const { event, context } = request;
      const key = event.headers?.['idempotency-key'];
      if (key === undefined) return;
      if (!KEY_PATTERN.test(key)) {
        throw new HttpError(400, 'invalid Idempotency-Key', [
          'an Idempotency-Key is 1 to 255 printable ASCII characters without spaces, e.g. a UUID',
        ]);
      }
      const scope = digest([hrActor(event), event.routeKey, key]);
      const fingerprint = digest([event.rawPath, event.rawQueryString, event.body ?? '']);
      const owner = randomBytes(8).toString('hex');
      // A record released between a refused claim and its read is gone: claim again (a few times at most).
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = Date.now();
        // The claim lasts as long as this invocation can: past that, its runner is surely gone.
        const claim = {
          owner,
          fingerprint,
          leaseUntil: now + context.getRemainingTimeInMillis(),
          expiresAt: Math.ceil(now / 1000) + KEEP_SECONDS,
        };
        if (await claimApiRequest(scope, claim, now)) {
          (request.internal as Internal).idempotency = { scope, owner };
          return;
        }
        const first = await readApiRequest(scope);
        if (!first) continue;
        if (first.fingerprint !== fingerprint) {
          throw new HttpError(422, 'this Idempotency-Key was already used for a different request', [
            'a key stands for one request (same path and body); send a new key for a new request',
          ]);
        }
        // Only a completed request has an answer.
        if (first.answer) {
          return { ...first.answer, headers: { ...first.answer.headers, 'idempotent-replayed': 'true' } };
        }
        const busy = json(409, {
          error: 'a request with this Idempotency-Key is in progress',
          details: ['retry in a moment to get its answer'],
        });
        return { ...busy, headers: { ...busy.headers, 'retry-after': '1' } };
      }
      throw new Error('the Idempotency-Key record kept changing');
    },
    after: settle,
    onError: settle,
  };
}

/** Stores the answer the request got (below 500: it is the answer), or frees the key for a retry. */
async function settle(request: ApiRequest): Promise<void> {
  const held = (request.internal as Internal).idempotency;
  if (!held) return;
  const answer = request.response;
  try {
    if (answer && (answer.statusCode ?? 200) < 500) {
      if (!(await completeApiRequest(held.scope, held.owner, answer)))
        logger.warn('idempotency claim lost before its answer was stored', { route: request.event.routeKey });
    } else {
      await releaseApiRequest(held.scope, held.owner);
    }
  } catch (error) {
    // The caller still gets the answer; the key stays held until its lease ends, then a retry runs again.
    logger.error('idempotency record not settled', { route: request.event.routeKey, error });
  }
}
