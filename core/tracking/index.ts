export {
  type CreateExperimentInput,
  CreateExperimentInputSchema,
  createExperiment,
  ensureExperiment,
  getExperiment,
  listExperiments,
  type UpdateExperimentInput,
  UpdateExperimentInputSchema,
  updateExperiment,
} from './experiments.js';
export {
  bestRun,
  createRun,
  getRun,
  type ListRunsInput,
  listRuns,
  recordRunResults,
  type TransitionRunInput,
  transitionRun,
} from './runs.js';
export { MAX_RUN_ID_LENGTH, newRunId, variantRunId } from './run-id.js';
