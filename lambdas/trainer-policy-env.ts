import type { TrainerPolicy } from '../core/pipeline/custom-trainer.js';

/**
 * The custom trainers a deployed function accepts: ECR image prefixes from
 * CIRRUS_TRAINER_IMAGE_PREFIX (CDK context key cirrus:customTrainerRepositoryPrefix), never
 * local commands. The API and the retrain function both submit training, so both read it.
 */
export function trainerPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): TrainerPolicy {
  return {
    imagePrefixes: (env.CIRRUS_TRAINER_IMAGE_PREFIX || '').split(',').filter(Boolean),
    commands: false,
  };
}
