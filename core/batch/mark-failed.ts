import * as z from 'zod';
import type { CoreDeps } from '../deps.js';
import { finishBatchJob, getBatchJob } from './jobs.js';

/** The MarkFailed state: ends the job FAILED with the Map's or Assemble's error. */
export async function markBatchFailed(deps: CoreDeps, payload: unknown): Promise<{ jobId: string }> {
  const input = z
    .object({
      jobId: z.string(),
      failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
    })
    .parse(payload);
  const job = await getBatchJob(deps, input.jobId);
  const finishedAt = deps.now();
  await finishBatchJob(deps, input.jobId, {
    status: 'FAILED',
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(job.createdAt),
    error: `${input.failure?.Error ?? 'Error'}: ${input.failure?.Cause ?? ''}`.slice(0, 2000),
  });
  return { jobId: input.jobId };
}
