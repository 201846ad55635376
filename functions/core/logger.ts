/**
 * One structured JSON logger per container. Powertools reads the level from
 * AWS_LAMBDA_LOG_LEVEL, POWERTOOLS_LOG_LEVEL or LOG_LEVEL.
 * Bodies, headers and tokens are never passed to it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { InvocationContext } from './event.js';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'friendship-bff' });

/**
 * Runs one invocation with its log context, as Powertools' own middleware does:
 * the Lambda context (function name and request id, cold start) and our keys are
 * set before, and the temporary keys cleared after, whatever happens.
 */
export async function withLogContext<T>(keys: Record<string, string>, context: InvocationContext | undefined, run: () => Promise<T>): Promise<T> {
  // A direct caller (a test, the local stack) may pass less than Lambda's full context; Powertools leaves out what is missing.
  if (context?.awsRequestId) logger.addContext(context as Context);
  logger.appendKeys(keys);
  try {
    return await run();
  } finally {
    logger.resetKeys();
  }
}
