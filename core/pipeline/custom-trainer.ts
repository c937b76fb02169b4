import { type CustomTrainer, LOCAL_COMMAND_IMAGE_PREFIX } from '../../contracts/training-request.js';
import { ValidationError } from '../errors.js';

/** Which custom trainers a runtime accepts. */
export interface TrainerPolicy {
  /** ECR image prefixes (`<account>.dkr.ecr.<region>.amazonaws.com/<repo-prefix>`) the stack allows. */
  readonly imagePrefixes: readonly string[];
  /** Local commands (the local runtime only: a command runs on the machine serving the API). */
  readonly commands: boolean;
}

export const NO_CUSTOM_TRAINERS: TrainerPolicy = { imagePrefixes: [], commands: false };

/**
 * Checks a request's custom trainer against the runtime's policy and returns it with the
 * SageMaker TrainingImage set (a local command travels encoded in it, for the local runner).
 * @throws ValidationError naming `trainer.image` or `trainer.command`.
 */
export function resolveCustomTrainer(trainer: CustomTrainer, policy: TrainerPolicy): CustomTrainer {
  // A replayed request carries the command as the image its first submission encoded.
  const replayed = trainer.image?.startsWith(LOCAL_COMMAND_IMAGE_PREFIX) ?? false;
  if (trainer.command || replayed) {
    if (!policy.commands) {
      throw new ValidationError(
        'trainer.command: commands run only on the local runtime; here give trainer.image (an ECR image)',
        'trainer.command',
      );
    }
    if (!trainer.command) return trainer;
    const image = `${LOCAL_COMMAND_IMAGE_PREFIX}${Buffer.from(JSON.stringify(trainer.command)).toString('base64url')}`;
    // Only the image travels on: the SageMaker TrainingImage of the Train state.
    return { image };
  }
  const image = trainer.image ?? '';
  if (!policy.imagePrefixes.some((p) => image.startsWith(p))) {
    const allowed = policy.imagePrefixes.length
      ? `allowed: ${policy.imagePrefixes.join(', ')}`
      : 'this stack allows none (CDK context key cirrus:customTrainerRepositoryPrefix)';
    throw new ValidationError(
      `trainer.image: '${image}' is not under an allowed repository prefix (${allowed})`,
      'trainer.image',
    );
  }
  return trainer;
}

/** The command encoded in a local TrainingImage, or undefined for a real image. */
export function localCommandOf(trainingImage: string): string[] | undefined {
  if (!trainingImage.startsWith(LOCAL_COMMAND_IMAGE_PREFIX)) return undefined;
  const json = Buffer.from(trainingImage.slice(LOCAL_COMMAND_IMAGE_PREFIX.length), 'base64url').toString(
    'utf8',
  );
  return JSON.parse(json) as string[];
}
