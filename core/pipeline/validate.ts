import * as z from 'zod';
import type { ValidateOutput } from '../../contracts/pipeline.js';
import { RunIdSchema } from '../../contracts/tracking.js';
import { getDataset } from '../datasets/index.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError } from '../errors.js';
import { variantRunId } from '../tracking/run-id.js';
import { getRun, transitionRun } from '../tracking/index.js';

/**
 * What Validate reads from the state: the run id the submission allocated (in the request, the
 * only place a sweep variant sees) and the sweep's variant index.
 */
const ValidateStateSchema = z
  .object({
    request: z.object({ runId: RunIdSchema, experiment: z.string() }).loose(),
    variantIndex: z.number().int().min(0).optional(),
  })
  .loose();

/**
 * Pipeline step Validate: loads the run submitTraining created (and checked: the request, its
 * hyperparameters, the dataset and its columns), resolves its dataset version to the file the
 * next steps read, and moves the run QUEUED → RUNNING. Idempotent: a retried Validate finds the
 * run RUNNING and advances nothing. It trusts the stored run and re-checks none of its rules.
 *
 * @throws ValidationError naming `request.runId` when the execution was not started by a
 * submission; NotFoundError for a run or dataset version that is gone; ConflictError for a run
 * of another experiment or one that has already ended.
 */
export async function validate(deps: CoreDeps, input: unknown): Promise<ValidateOutput> {
  const state = ValidateStateSchema.safeParse(input);
  if (!state.success) throw fromZodError(state.error);
  const { request, variantIndex } = state.data;
  const runId = variantIndex === undefined ? request.runId : variantRunId(request.runId, variantIndex);
  const run = await getRun(deps, { runId });
  if (run.experiment !== request.experiment) {
    throw new ConflictError(
      `run '${runId}' belongs to experiment '${run.experiment}', not '${request.experiment}'`,
    );
  }
  const dataset = await getDataset(deps, run.dataset.name, run.dataset.version);
  if (run.status === 'QUEUED') {
    await transitionRun(deps, {
      runId,
      status: 'RUNNING',
      reason: `validated: ${run.algorithm} on ${dataset.name}@${dataset.version.slice(0, 12)}`,
    });
  } else if (run.status !== 'RUNNING') {
    throw new ConflictError(`run '${runId}' is ${run.status}; its pipeline cannot start it again`);
  }
  return {
    runId,
    experiment: run.experiment,
    model: run.experiment,
    dataset: { name: dataset.name, version: dataset.version, uri: dataset.uri, target: run.dataset.target },
  };
}
