import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RetrainScheduleSync } from './api/context.js';
import { eventBridgeScheduleSync } from './retrain-schedules.js';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type Env, lazy, required } from './env-deps.js';
import type { EventPublisher, MapRunReader, PipelineRunner } from '../core/ports.js';
import { sfnMapRunReader } from './map-runs.js';
import { eventBridgePublisher, sfnPipelineRunner } from './aws-ports.js';

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

/** This container's PipelineRunner (built from `process.env` on first use). */
export const lambdaPipelineRunner = lazy(() => pipelineRunnerFromEnv());
/** This container's EventPublisher (built from `process.env` on first use). */
export const lambdaEventPublisher = lazy(() => eventPublisherFromEnv());

export { depsFromEnv, type Env, lambdaDeps, lazy } from './env-deps.js';
