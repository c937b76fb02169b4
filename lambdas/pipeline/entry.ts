import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { CirrusError } from '../../core/errors.js';
import type { LambdaTask } from '../../statemachines/substitutions.js';
import { lambdaDeps } from '../env.js';
import type { PipelineStep } from './deploy-steps.js';
import { taskOfPayload } from './task-of-payload.js';

/** Service name, level and sampling come from the POWERTOOLS_* environment infra sets. */
export const logger = new Logger();

export type LambdaPipelineHandler = (event: unknown, context?: Context) => Promise<unknown>;

/**
 * The Lambda entry of one or more pipeline tasks: deps built once per container (lambdas/env.ts),
 * the task picked from the payload when the function serves several, each invocation logged
 * with its run id. Errors propagate unchanged: their name is the Error the state machine's
 * Catch sees. Each entry file passes only its own steps, so it bundles only their code.
 */
export function pipelineEntry(steps: Partial<Record<LambdaTask, PipelineStep>>): LambdaPipelineHandler {
  const tasks = Object.keys(steps) as LambdaTask[];
  return async (event, context) => {
    const task = tasks.length === 1 ? tasks[0]! : taskOfPayload(event, tasks);
    const step = steps[task]!;
    if (context) logger.addContext(context);
    logger.appendKeys({ task, runId: runIdOf(event) });
    try {
      const result = await step(lambdaDeps(), event);
      logger.info(`${task} done`);
      return result;
    } catch (error) {
      // A refused request is the caller's problem, not an incident.
      if (error instanceof CirrusError && error.status < 500) logger.warn(`${task} refused`, error);
      else logger.error(`${task} failed`, error as Error);
      throw error;
    } finally {
      logger.removeKeys(['task', 'runId']);
    }
  };
}

function runIdOf(event: unknown): string | undefined {
  const state = event as { run?: { Payload?: { runId?: unknown } }; runId?: unknown } | null;
  const runId = state?.run?.Payload?.runId ?? state?.runId;
  return typeof runId === 'string' ? runId : undefined;
}
