import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';

/** Shared Powertools instances. Log ids only (cycle, employee, mail ids): never names, addresses or answers. */
export const logger = new Logger({ serviceName: 'perfcycle' });
export const metrics = new Metrics({
  namespace: 'perfcycle',
  serviceName: 'perfcycle',
  logger: {
    trace: () => {},
    debug: () => {},
    info: (message: string) => logger.info(message),
    // A task with nothing to send records no metric, which is normal: Powertools would warn on every such run.
    warn: (message: string) => void (message.startsWith('No application metrics to publish') || logger.warn(message)),
    error: (message: string) => logger.error(message),
  },
});

/**
 * The middy middlewares a handler starts with: the Lambda context on each log line and, for handlers that
 * send mail (the only ones that record metrics), the metrics flushed per invocation.
 */
export const observability = (options: { metrics?: boolean } = {}) =>
  options.metrics ? [injectLambdaContext(logger), logMetrics(metrics)] : [injectLambdaContext(logger)];
