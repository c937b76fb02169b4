import { ApiError, type CirrusClient, seg } from './client.js';
import type { ApiRun, ExecutionEventView } from './types.js';

export interface WatchRunOptions {
  /** Called once per state the execution enters, in order. */
  readonly onState?: (state: string, event: ExecutionEventView) => void;
  /** Poll interval. @default 250 */
  readonly intervalMs?: number;
  /** Give up after this long. @default 10 minutes */
  readonly timeoutMs?: number;
}

const TERMINAL_RUN = new Set(['SUCCEEDED', 'FAILED']);

/** True once the run has its final status and its execution has stopped too. */
export function isFinished(run: ApiRun): boolean {
  if (!TERMINAL_RUN.has(run.status)) return false;
  return !run.execution || run.execution.status !== 'RUNNING';
}

/**
 * Polls `GET /v1/runs/{id}` until the run ends, reporting each state its execution enters
 * (sweeps interleave their variants' states; each entry is reported once). A run not there yet
 * (a retraining run exists once its Validate step ran) is waited for.
 */
export async function watchRun(
  client: CirrusClient,
  runId: string,
  options: WatchRunOptions = {},
): Promise<ApiRun> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let seen = 0;
  for (;;) {
    const run = await client.get<ApiRun>(`/v1/runs/${seg(runId)}`).catch(notYet);
    const history = run?.execution?.history ?? [];
    for (; seen < history.length; seen++) {
      const e = history[seen]!;
      if (e.type === 'StateEntered' && e.state) options.onState?.(e.state, e);
    }
    if (run && isFinished(run)) return run;
    if (Date.now() > deadline)
      throw new Error(
        `run ${runId} ${run ? `still ${run.status}` : 'not created'} after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s`,
      );
    await sleep(options.intervalMs ?? 250);
  }
}

/**
 * Follows a sweep: polls each variant run (`runIds`; a variant's run exists once its Validate
 * ran) until the shared execution has stopped, reporting each run as it finishes.
 */
export async function watchSweep(
  client: CirrusClient,
  runIds: readonly string[],
  options: WatchRunOptions & { readonly onRun?: (run: ApiRun) => void } = {},
): Promise<ApiRun[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  const reported = new Set<string>();
  for (;;) {
    const runs = (
      await Promise.all(runIds.map((id) => client.get<ApiRun>(`/v1/runs/${seg(id)}`).catch(notYet)))
    ).filter((r): r is ApiRun => r !== undefined);
    for (const r of runs) {
      if (TERMINAL_RUN.has(r.status) && !reported.has(r.id)) {
        reported.add(r.id);
        options.onRun?.(r);
      }
    }
    const execution = runs.find((r) => r.execution)?.execution;
    const allEnded = runs.length === runIds.length && runs.every((r) => TERMINAL_RUN.has(r.status));
    // Variant runs may not link the sweep's execution: then their own end is all we can see.
    if (
      execution ? execution.status !== 'RUNNING' && runs.every((r) => TERMINAL_RUN.has(r.status)) : allEnded
    )
      return runs;
    if (Date.now() > deadline) throw new Error(`sweep ${runIds[0] ?? ''}: not finished in time`);
    await sleep(options.intervalMs ?? 250);
  }
}

function notYet(error: unknown): undefined {
  if (error instanceof ApiError && error.status === 404) return undefined;
  throw error;
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
