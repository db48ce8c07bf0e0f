import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Shared Powertools instances. Log ids only (cycle, employee, mail ids): never names, addresses or answers. */
export const logger = new Logger({ serviceName: 'perfcycle' });
export const metrics = new Metrics({ namespace: 'perfcycle', serviceName: 'perfcycle' });
