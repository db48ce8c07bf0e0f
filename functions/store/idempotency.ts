import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalDelete, conditionalUpdate, db, keys, tableName, withoutKeys } from './table.ts';

/** An API answer as it was sent, so a retry gets it again unchanged. */
export interface StoredAnswer {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
}

/**
 * A request made with an Idempotency-Key: IN_PROGRESS while one invocation (its `owner`) runs it, at most
 * until `leaseUntil` (epoch ms, real time: a lease is about a live process), then COMPLETED with its answer.
 * `fingerprint` tells the same request from another one sent with the same key.
 */
export interface ApiRequestRecord {
  status: 'IN_PROGRESS' | 'COMPLETED';
  fingerprint: string;
  owner: string;
  leaseUntil?: number;
  expiresAt: number;
  answer?: StoredAnswer;
}

const NAMES = { '#status': 'status', '#owner': 'owner' };

/**
 * Takes the key for `owner`, unless another request holds it (lease not over) or completed it (not expired):
 * true when taken.
 */
export function claimApiRequest(
  scope: string,
  claim: { owner: string; fingerprint: string; leaseUntil: number; expiresAt: number },
  now: number,
): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.apiRequest(scope),
    UpdateExpression:
      'SET #status = :inProgress, fingerprint = :fingerprint, #owner = :owner, leaseUntil = :leaseUntil, expiresAt = :expiresAt REMOVE answer',
    ConditionExpression:
      'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (#status = :inProgress AND leaseUntil < :now)',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':inProgress': 'IN_PROGRESS',
      ':fingerprint': claim.fingerprint,
      ':owner': claim.owner,
      ':leaseUntil': claim.leaseUntil,
      ':expiresAt': claim.expiresAt,
      ':nowSeconds': Math.floor(now / 1000),
      ':now': now,
    },
  });
}

export async function readApiRequest(scope: string): Promise<ApiRequestRecord | undefined> {
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.apiRequest(scope), ConsistentRead: true }),
  );
  return result.Item ? withoutKeys<ApiRequestRecord>(result.Item) : undefined;
}

/** Stores the answer of the request `owner` ran; false when its claim was lost (its lease ran out and another took over). */
export function completeApiRequest(scope: string, owner: string, answer: StoredAnswer): Promise<boolean> {
  return conditionalUpdate({
    Key: keys.apiRequest(scope),
    UpdateExpression: 'SET #status = :completed, answer = :answer REMOVE leaseUntil',
    ConditionExpression: '#owner = :owner AND #status = :inProgress',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':completed': 'COMPLETED',
      ':inProgress': 'IN_PROGRESS',
      ':answer': answer,
      ':owner': owner,
    },
  });
}

/** Frees the key after a failure, so a retry runs the request again; never another owner's claim. */
export function releaseApiRequest(scope: string, owner: string): Promise<boolean> {
  return conditionalDelete({
    Key: keys.apiRequest(scope),
    ConditionExpression: '#owner = :owner AND #status = :inProgress',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':owner': owner, ':inProgress': 'IN_PROGRESS' },
  });
}
