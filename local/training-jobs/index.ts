export { DEFAULT_TRAINER_COMMAND, type TrainerCommand } from './trainer-process.js';
export {
  type TrainingJobDescription,
  TrainingJobDescriptionSchema,
  type TrainingJobRequest,
  TrainingJobRequestSchema,
} from './training-job-request.js';
export {
  createTrainingJobRunner,
  describeTrainingJob,
  runTrainingJob,
  type TrainingJobDeps,
  type TrainingJobRunnerOptions,
} from './training-job-runner.js';
