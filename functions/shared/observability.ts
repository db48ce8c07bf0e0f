import type { MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Shared Powertools instances. Log ids only (cycle, employee, mail ids): never names, addresses or answers. */
export const logger = new Logger({ serviceName: 'perfcycle' });
export const metrics = new Metrics({ namespace: 'perfcycle', serviceName: 'perfcycle' });

/**
 * Publishes what an invocation recorded, after it or on its error. A task with nothing to send records
 * nothing, which is normal: it publishes nothing (Powertools' own middleware would warn on every such run).
 */
const publishRecordedMetrics = (): MiddlewareObj => {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
};

/**
 * The middy middlewares a handler starts with: the Lambda context on each log line and, for handlers that
 * send mail (the only ones that record metrics), the metrics flushed per invocation.
 */
export const observability = (options: { metrics?: boolean } = {}) =>
  options.metrics ? [injectLambdaContext(logger), publishRecordedMetrics()] : [injectLambdaContext(logger)];
