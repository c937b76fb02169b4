import type { BatchLocations } from '../../core/batch/locations.js';
import type { CoreDeps } from '../../core/deps.js';
import type { DeadLetterPorts } from '../../core/events/dead-letters.js';
import type { TrainerPolicy } from '../../core/pipeline/custom-trainer.js';
import type { EventPublisher, MapRunReader, PipelineRunner } from '../../core/ports.js';
import type { PredictionLogOptions } from '../../core/serving/prediction-log.js';

/** What the HTTP app needs: storage deps and the runtime's ports. Built once per process, never changed. */
export interface ApiContext {
  readonly deps: CoreDeps;
  readonly pipelines: PipelineRunner;
  readonly events: EventPublisher;
  /** Live counts of batch jobs' Map Runs (absent: status shows no progress until the job ends). */
  readonly mapRuns?: MapRunReader;
  /** Where batch jobs may read and write (AWS: the batch state machine's grants); absent: anywhere. */
  readonly batchLocations?: BatchLocations;
  /** Base URL the API is served at (model cards link to it). Read per request: may be set after createApp. */
  readonly publicUrl?: string;
  /**
   * Keeps the deployed retraining schedule rules in step with `PUT .../schedule` (AWS: one
   * EventBridge rule per experiment). Absent locally: the local scheduler reads the experiments.
   */
  readonly schedules?: RetrainScheduleSync;
  /**
   * The dead-letter queue and the functions a redrive hands payloads back to (AWS: SQS and
   * Lambda; local: the event bus's failed deliveries). Absent: the routes answer 501.
   */
  readonly deadLetters?: DeadLetterPorts;
  /** Custom trainers this runtime accepts (none when absent). */
  readonly trainers?: TrainerPolicy;
  /** Where the built-in dataset CSVs are (a Lambda bundle ships them beside its code). @default the repository's datasets/ */
  readonly builtinDatasetsDir?: string;
}

/** Applies an experiment's retraining schedule (`null` removes it) where the runtime keeps rules. */
export interface RetrainScheduleSync {
  apply(experiment: string, expression: string | null): Promise<void>;
}

/** Tuning of the predict path (per process). */
export interface ServingOptions {
  /** How long an endpoint's traffic and champion are reused before re-reading. @default 2000 */
  readonly endpointTtlMs?: number;
  /** Largest batch accepted per request. @default 10_000 */
  readonly maxRows?: number;
  /** Random draw for unsticky routing (tests inject a seeded one). @default Math.random */
  readonly random?: () => number;
  /** Prediction log batching. */
  readonly log?: PredictionLogOptions;
}

export interface AppOptions {
  /** Bearer token required on every route but /health, /docs, /openapi.json (local runtime). */
  readonly token?: string;
  /** Largest accepted request body in bytes. @default 6 MiB (API Gateway's Lambda payload limit) */
  readonly maxBodyBytes?: number;
  readonly serving?: ServingOptions;
}
