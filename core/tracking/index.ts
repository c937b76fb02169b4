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
  newRunId,
  recordRunResults,
  type TransitionRunInput,
  transitionRun,
} from './runs.js';
