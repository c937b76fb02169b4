import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RetrainScheduleSync } from './api/context.js';
import { eventBridgeScheduleSync } from './retrain-schedules.js';
import { SFNClient } from '@aws-sdk/client-sfn';
import { makeDeps } from '../core/clients.js';
import type { CoreDeps } from '../core/deps.js';
import type { EventPublisher, MapRunReader, PipelineRunner } from '../core/ports.js';
import { sfnMapRunReader } from './map-runs.js';
import { eventBridgePublisher, sfnPipelineRunner } from './aws-ports.js';

/** The process environment, or a test's stand-in for it. */
export type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`environment variable ${name} is not set (docs/conventions.md lists each function's)`);
  return value;
}

/**
 * CoreDeps from the environment every Cirrus function gets (docs/conventions.md):
 * `CIRRUS_BUCKET`, `CIRRUS_TRACKING_TABLE`, `CIRRUS_REGISTRY_TABLE`, `CIRRUS_PREDICTIONS_TABLE`
 * and Lambda's `AWS_REGION`. The SDK's own `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_DYNAMODB`
 * point the clients elsewhere (the local emulators), with path-style S3 addressing.
 * @throws Error naming the first missing variable.
 */
export function depsFromEnv(env: Env = process.env): CoreDeps {
  return makeDeps({
    region: required(env, 'AWS_REGION'),
    bucket: required(env, 'CIRRUS_BUCKET'),
    tables: {
      tracking: required(env, 'CIRRUS_TRACKING_TABLE'),
      registry: required(env, 'CIRRUS_REGISTRY_TABLE'),
      predictions: required(env, 'CIRRUS_PREDICTIONS_TABLE'),
    },
    s3Endpoint: env.AWS_ENDPOINT_URL_S3 || undefined,
    dynamoEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB || undefined,
  });
}

/**
 * The Step Functions runner: `CIRRUS_STATE_MACHINE_ARN` (training) and, where the function
 * starts sweeps and batch jobs, `CIRRUS_SWEEP_STATE_MACHINE_ARN`, `CIRRUS_BATCH_STATE_MACHINE_ARN`.
 */
export function pipelineRunnerFromEnv(env: Env = process.env): PipelineRunner {
  return sfnPipelineRunner({
    client: new SFNClient({ region: required(env, 'AWS_REGION') }),
    stateMachineArns: {
      training: required(env, 'CIRRUS_STATE_MACHINE_ARN'),
      sweep: env.CIRRUS_SWEEP_STATE_MACHINE_ARN || undefined,
      batch: env.CIRRUS_BATCH_STATE_MACHINE_ARN || undefined,
    },
  });
}

/** Batch jobs' Map Run progress, where the function starts batch jobs (`CIRRUS_BATCH_STATE_MACHINE_ARN`). */
export function mapRunReaderFromEnv(env: Env = process.env): MapRunReader | undefined {
  const stateMachineArn = env.CIRRUS_BATCH_STATE_MACHINE_ARN;
  if (!stateMachineArn) return undefined;
  return sfnMapRunReader({ client: new SFNClient({ region: required(env, 'AWS_REGION') }), stateMachineArn });
}

/** The EventBridge publisher on `CIRRUS_EVENT_BUS`. */
export function eventPublisherFromEnv(env: Env = process.env): EventPublisher {
  return eventBridgePublisher({
    client: new EventBridgeClient({ region: required(env, 'AWS_REGION') }),
    eventBusName: required(env, 'CIRRUS_EVENT_BUS'),
  });
}

/**
 * The retraining schedule rules, where the function manages them (`CIRRUS_RETRAIN_RULE_PREFIX`
 * and `CIRRUS_RETRAIN_FUNCTION_ARN` set, as on the management function); undefined elsewhere.
 */
export function scheduleSyncFromEnv(env: Env = process.env): RetrainScheduleSync | undefined {
  const rulePrefix = env.CIRRUS_RETRAIN_RULE_PREFIX;
  const retrainFunctionArn = env.CIRRUS_RETRAIN_FUNCTION_ARN;
  if (!rulePrefix || !retrainFunctionArn) return undefined;
  const client = new EventBridgeClient({ region: required(env, 'AWS_REGION') });
  const deadLetterArn = env.CIRRUS_RETRAIN_DEAD_LETTER_ARN || undefined;
  return eventBridgeScheduleSync({ client, rulePrefix, retrainFunctionArn, deadLetterArn });
}

/**
 * Builds a value on first use and keeps it for the container's life: clients are created once
 * per cold start, not per invocation, and a function that never needs one never reads its env.
 */
export function lazy<T>(build: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

/** This container's CoreDeps (built from `process.env` on first use). */
export const lambdaDeps = lazy(() => depsFromEnv());
/** This container's PipelineRunner (built from `process.env` on first use). */
export const lambdaPipelineRunner = lazy(() => pipelineRunnerFromEnv());
/** This container's EventPublisher (built from `process.env` on first use). */
export const lambdaEventPublisher = lazy(() => eventPublisherFromEnv());
