import { Duration } from 'aws-cdk-lib';
import { DEFAULT_DRIFT_SCHEDULE } from '../core/events/rules.js';

/** CloudWatch namespace every Cirrus function publishes its Powertools metrics to. */
export const METRICS_NAMESPACE = 'Cirrus';

/**
 * Metric names the handlers emit through Powertools (`metrics.addMetric(name, unit, value)`),
 * with `Variant` as a dimension on prediction metrics. The dashboard and alarms read these.
 */
export const METRIC_NAMES = {
  /** Milliseconds per prediction request, dimension `Variant`. */
  predictionLatency: 'PredictionLatency',
  /** Instances predicted, dimension `Variant`. */
  predictions: 'Predictions',
  /** 1 per endpoint whose drift evaluation crossed a threshold. */
  driftDetected: 'DriftDetected',
} as const;

/** Prefix of every SageMaker training job the state machines start (`cirrus-{runId}-{attempt}`). */
export const TRAINING_JOB_PREFIX = 'cirrus-';

/** Artifact-store key prefixes (docs/conventions.md, "Artifact store layout"). */
export const ARTIFACT_PREFIXES = {
  datasets: 'datasets/',
  runs: 'runs/',
  models: 'models/',
  drift: 'drift/',
  predictions: 'predictions/',
} as const;

/** Defaults of the stack-wide settings; context keys (`cirrus:*`) override them. */
export const STACK_DEFAULTS = {
  /** Prefix of physical names that must be readable (log groups, dashboard, state machines). */
  namePrefix: 'cirrus',
  /** Retention of every log group, in days. */
  logRetentionDays: 30,
  /** Keep bucket and tables when the stack is deleted. */
  retainData: true,
  /** Prediction logs under `predictions/` expire after this many days. */
  predictionLogExpirationDays: 90,
  /** Noncurrent object versions expire after this many days. */
  noncurrentVersionExpirationDays: 30,
  /** EventBridge schedule expression of the drift evaluation. */
  driftSchedule: DEFAULT_DRIFT_SCHEDULE,
  /** Steady-state requests per second and burst of each management route. */
  apiRateLimit: 50,
  apiBurstLimit: 100,
  /** The predict route's own throttle, so management traffic cannot use up its share. */
  predictRateLimit: 500,
  predictBurstLimit: 1000,
  /**
   * Reserved concurrency of the management function: a cap, so a burst of management calls
   * cannot take the concurrency predictions need. 0 = no reservation (accounts with a low limit).
   */
  managementConcurrency: 20,
  /** Step Functions execution log level; execution data (payloads) stays out unless asked. */
  stateMachineLogLevel: 'ERROR',
} as const;

/** Lambda sizing per role; the predict and evaluate functions load onnxruntime. */
export const FUNCTION_DEFAULTS = {
  memorySize: 512,
  timeout: Duration.seconds(30),
  onnxMemorySize: 1536,
  /** Drift evaluation streams prediction logs through sketches: bounded, but not tiny. */
  driftMemorySize: 1024,
  pipelineTimeout: Duration.minutes(5),
} as const;
