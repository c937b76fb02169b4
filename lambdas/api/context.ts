import type { CoreDeps } from '../../core/deps.js';
import type { EventPublisher, PipelineRunner } from '../../core/ports.js';

/** What the HTTP app needs: storage deps and the runtime's ports. Built once per process. */
export interface ApiContext {
  readonly deps: CoreDeps;
  readonly pipelines: PipelineRunner;
  readonly events: EventPublisher;
  /** Base URL the API is served at (model cards link to it). */
  readonly publicUrl?: string;
}

export interface AppOptions {
  /** Bearer token required on every route but /health, /docs, /openapi.json (local runtime). */
  readonly token?: string;
  /** Largest accepted request body in bytes. @default 6 MiB (API Gateway's Lambda payload limit) */
  readonly maxBodyBytes?: number;
}
