import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';

/** Shared Powertools instances. Log ids only (cycle, employee, mail ids): never names, addresses or answers. */
export const logger = new Logger({ serviceName: 'perfcycle' });
export const metrics = new Metrics({ namespace: 'perfcycle', serviceName: 'perfcycle' });

/**
 * The middy middlewares a handler starts with: the Lambda context on each log line and, for handlers that
 * send mail (the only ones that record metrics), the metrics flushed per invocation.
 */
export const observability = (options: { metrics?: boolean } = {}) =>
  options.metrics ? [injectLambdaContext(logger), logMetrics(metrics)] : [injectLambdaContext(logger)];
