import type { CirrusClient } from '../client.js';
import type { LabelledRow } from './iris.js';
import type { DemoUi } from './ui.js';

/** What every step reads: the API client, the narrator, the names used, the iris traffic. */
export interface DemoContext {
  readonly client: CirrusClient;
  readonly ui: DemoUi;
  readonly names: { readonly dataset: string; readonly experiment: string; readonly endpoint: string };
  readonly rows: readonly LabelledRow[];
  /** Each step's outcome, filled as the demo goes; printed with --json. */
  readonly summary: DemoSummary;
}

export interface TrainedModel {
  readonly algorithm: string;
  readonly runId: string;
  readonly status: string;
  readonly version?: number;
  readonly score?: number;
  readonly promoted?: boolean;
}

export interface DemoSummary {
  platform?: { url: string; dataDir?: string; embedded: boolean };
  dataset?: { name: string; version: string; rows: number };
  training?: TrainedModel[];
  champion?: { version: number; algorithm?: string; score?: number };
  predictions?: { single: number; batch: number; batchAccuracy: number; servedBy: number[] };
  abTest?: {
    testId: string;
    champion: number;
    challenger: number;
    decision: string;
    state: string;
    labelled: { champion: number; challenger: number };
    metric: { champion: number | null; challenger: number | null };
    pValue: number | null;
    championAfter?: number;
  };
  drift?: {
    reportId?: string;
    status: string;
    rows: number;
    driftDetected: boolean;
    driftedFeatures: string[];
    shifted: string[];
  };
  retraining?: { runId: string; status: string; triggeredBy?: string; version?: number; promoted?: boolean };
  history?: { runs: number; versions: number; championMoves: number };
}

/** Steps fail with a sentence that says what was expected. */
export class DemoError extends Error {}
