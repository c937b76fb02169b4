import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import type { EventPublisher, PipelineRunner } from '../../core/ports.js';
import { deadLettersFromEnv } from '../dead-letters-env.js';
import { trainerPolicyFromEnv } from '../trainer-policy-env.js';
import {
  lambdaDeps,
  lambdaEventPublisher,
  lambdaPipelineRunner,
  lazy,
  mapRunReaderFromEnv,
  scheduleSyncFromEnv,
} from '../env.js';
import { batchLocations } from '../../core/batch/locations.js';
import { createApp } from './app.js';
import type { ApiContext } from './context.js';

/**
 * The ports are built on first use: the predict function has no state machine or event bus in
 * its environment, and never needs them.
 */
const pipelines: PipelineRunner = {
  start: (pipeline, name, input) => lambdaPipelineRunner().start(pipeline, name, input),
  describe: (executionId) => lambdaPipelineRunner().describe(executionId),
};
const events: EventPublisher = {
  publish: (detailType, detail) => lambdaEventPublisher().publish(detailType, detail),
};

/** One app per container (cold start), reused by every invocation: its session cache stays warm. */
const container = lazy(() => {
  // No token: API Gateway's IAM authorizer guards every route.
  const deps = lambdaDeps();
  const ctx: ApiContext = {
    deps,
    pipelines,
    // The batch state machine may read and write only its prefixes of the artifact bucket.
    batchLocations: batchLocations(deps.bucket),
    mapRuns: mapRunReaderFromEnv(),
    events,
    publicUrl: process.env.CIRRUS_PUBLIC_URL || undefined,
    schedules: scheduleSyncFromEnv(),
    deadLetters: deadLettersFromEnv(),
    builtinDatasetsDir: process.env.CIRRUS_BUILTIN_DATASETS_DIR || undefined,
    trainers: trainerPolicyFromEnv(),
  };
  const { app, close } = createApp(ctx);
  return { close, handler: handle(app) };
});

/**
 * Lambda entry of both API functions (predict and management). The prediction log is flushed
 * before returning: Lambda freezes the sandbox once the handler resolves, so records left in
 * the buffer would be delayed until the next invocation (or lost with the container).
 */
export async function handler(event: LambdaEvent, context: LambdaContext) {
  const { close, handler: serve } = container();
  try {
    return await serve(event, context);
  } finally {
    // A failed write keeps its records queued for the next invocation; the answer still goes out.
    await close().catch((error: unknown) => console.error('prediction log flush failed', error));
  }
}
