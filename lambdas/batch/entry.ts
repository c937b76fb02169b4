import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { CoreDeps } from '../../core/deps.js';
import { CirrusError } from '../../core/errors.js';
import { lambdaDeps } from '../env.js';

/** Service name, level and sampling come from the POWERTOOLS_* environment infra sets. */
const logger = new Logger();

/**
 * The Lambda entry of one batch-predict task: deps built once per container, each invocation
 * logged with its job id. Errors propagate unchanged: the Map's Retry/Catch read their name.
 */
export function batchEntry(
  task: string,
  step: (deps: CoreDeps, payload: unknown) => Promise<unknown>,
): (event: unknown, context?: Context) => Promise<unknown> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    logger.appendKeys({ task, jobId: jobIdOf(event) });
    try {
      return await step(lambdaDeps(), event);
    } catch (error) {
      if (error instanceof CirrusError && error.status < 500) logger.warn(`${task} refused`, error);
      else logger.error(`${task} failed`, error as Error);
      throw error;
    } finally {
      logger.removeKeys(['task', 'jobId']);
    }
  };
}

function jobIdOf(event: unknown): string | undefined {
  const e = event as { jobId?: unknown; BatchInput?: { jobId?: unknown } } | null;
  const id = e?.jobId ?? e?.BatchInput?.jobId;
  return typeof id === 'string' ? id : undefined;
}
