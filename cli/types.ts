/*
 * The API's answers as the CLI reads them. Types come from the contracts (one source of truth);
 * the CLI only adds what the API puts beside a record (a run's execution, a model's aliases).
 */
import type { DatasetRecord } from '../contracts/dataset.js';
import type { DriftReport, DriftReportSummary, StoredDriftReport } from '../contracts/drift.js';
import type {
  Alias,
  AliasHistoryEntry,
  MalformedItem,
  ModelVersion,
  PromotionResult,
  RegisteredModel,
} from '../contracts/registry.js';
import type { AbTestStatus, Endpoint, PredictResponse, TrafficConfig } from '../contracts/serving.js';
import type { Experiment, Run } from '../contracts/tracking.js';
import type { ExecutionEvent } from '../core/ports.js';

export type {
  AbTestStatus,
  Alias,
  AliasHistoryEntry,
  DatasetRecord,
  DriftReport,
  Endpoint,
  Experiment,
  MalformedItem,
  ModelVersion,
  PredictResponse,
  PromotionResult,
  RegisteredModel,
  TrafficConfig,
};

/** One event of a run's execution, as the API returns it (the pipeline port's type). */
export type ExecutionEventView = ExecutionEvent;

export interface ExecutionView {
  readonly executionId?: string;
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly history?: readonly ExecutionEventView[];
}

/** `GET /v1/runs/{id}`: the run plus its state-machine execution. */
export type ApiRun = Run & { readonly execution?: ExecutionView };

/** What the deploy step returned (`$.deployment.Payload`, core/pipeline/deploy.ts). */
export interface Deployment extends PromotionResult {
  readonly model: string;
  readonly version: number;
  readonly policy: string;
  readonly abTestId?: string;
  readonly candidates?: number;
}

/** `POST /v1/experiments/{e}/runs` (202). A sweep may name no single run. */
export interface StartedRun {
  readonly runId: string;
  /** One per algorithm: the run itself, or the sweep's variant runs. */
  readonly runIds: readonly string[];
  readonly executionId: string;
  readonly experiment: string;
  readonly pipeline: 'training' | 'sweep';
  /** Retraining: what was replayed, the pinned dataset version, rows appended by continuous training. */
  readonly replays?: string;
  readonly datasetVersion?: string;
  readonly appendedRows?: number;
}

export type ApiModel = RegisteredModel & { readonly aliases?: readonly Alias[] };

export interface AlgorithmView {
  readonly name: string;
  readonly tasks: readonly string[];
  readonly description: string;
  readonly hyperparameters?: unknown;
}

/** `GET /v1/endpoints/{name}/drift` lists summaries; the full report carries its URI and event state. */
export type DriftSummary = DriftReportSummary;
export type DriftReportView = StoredDriftReport;

/** `GET|PUT|DELETE /v1/endpoints/{name}/traffic`: what the endpoint serves now. */
export type { TrafficView } from '../contracts/serving.js';

export interface FeedbackView {
  readonly requestId?: string;
  readonly changed?: boolean;
  readonly record?: {
    readonly requestId: string;
    readonly actual?: unknown;
    readonly variant?: string;
    readonly version?: number;
  };
}
