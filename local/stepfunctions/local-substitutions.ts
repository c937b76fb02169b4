import {
  BATCH_LAMBDA_TASKS,
  functionArnSubstitution,
  LAMBDA_TASKS,
  type Substitutions,
} from '../../statemachines/substitutions.js';

/**
 * Fake but well-formed values for every substitution: the local runtime never calls these ARNs
 * (each task is overridden by a local handler); they only need to be distinct per function.
 */
export function localSubstitutions(region = 'us-east-1', accountId = '000000000000'): Substitutions {
  const functions = Object.fromEntries(
    [...LAMBDA_TASKS, ...BATCH_LAMBDA_TASKS].map((task) => [
      functionArnSubstitution(task),
      `arn:aws:lambda:${region}:${accountId}:function:cirrus-local-${kebab(task)}`,
    ]),
  );
  return {
    ...functions,
    TrainerImageUri: `${accountId}.dkr.ecr.${region}.amazonaws.com/cirrus-trainer:local`,
    SageMakerRoleArn: `arn:aws:iam::${accountId}:role/cirrus-local-sagemaker`,
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `-${c.toLowerCase()}`));
}
