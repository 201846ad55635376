/**
 * One structured JSON logger per container. Powertools reads the level from
 * AWS_LAMBDA_LOG_LEVEL, POWERTOOLS_LOG_LEVEL or LOG_LEVEL.
 * Bodies, headers and tokens are never passed to it.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'friendship-bff' });
