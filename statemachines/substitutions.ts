import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The Lambda tasks of the pipeline, by the key the local runtime uses for its handler map.
 * Each key `K` is substituted as `${KFunctionArn}` in the ASL files.
 */
export const LAMBDA_TASKS = [
  'Validate',
  'Prepare',
  'Evaluate',
  'Register',
  'ApplyPolicy',
  'StartAbTest',
  'MarkSucceeded',
  'MarkFailed',
  'PickBest',
] as const;

export type LambdaTask = (typeof LAMBDA_TASKS)[number];

/** The Lambda tasks of the batch-predict state machine (deployed with it, not with training). */
export const BATCH_LAMBDA_TASKS = ['ScoreBatch', 'AssembleBatch', 'MarkBatchFailed'] as const;
export type BatchLambdaTask = (typeof BATCH_LAMBDA_TASKS)[number];
export type AnyLambdaTask = LambdaTask | BatchLambdaTask;

/** `${Name}` placeholder of the function a Lambda task invokes. */
export function functionArnSubstitution<T extends AnyLambdaTask>(task: T): `${T}FunctionArn` {
  return `${task}FunctionArn`;
}

/**
 * Every `${Name}` the ASL files may contain. CDK passes these as `definitionSubstitutions`
 * (with `DefinitionBody.fromFile`), the local runtime passes fake local ARNs.
 */
export const SUBSTITUTION_NAMES = [
  ...LAMBDA_TASKS.map(functionArnSubstitution),
  /** The trainer's container image (ECR) that SageMaker runs. */
  'TrainerImageUri',
  /** The execution role SageMaker assumes for the training job (the state machine passes it). */
  'SageMakerRoleArn',
] as const;

export type SubstitutionName = (typeof SUBSTITUTION_NAMES)[number];
/** Every `${Name}` of `batch-predict.asl.json`. */
export const BATCH_SUBSTITUTION_NAMES = BATCH_LAMBDA_TASKS.map(functionArnSubstitution);
/** Values by placeholder name, as CDK's `definitionSubstitutions` takes them. */
export type Substitutions = Readonly<Record<string, string>>;

/** Absolute paths of the definitions: CDK and the local runtime read the same files. */
export const DEFINITION_FILES = {
  training: fileURLToPath(new URL('./training.asl.json', import.meta.url)),
  sweep: fileURLToPath(new URL('./training-sweep.asl.json', import.meta.url)),
  batch: fileURLToPath(new URL('./batch-predict.asl.json', import.meta.url)),
} as const;

export type DefinitionName = keyof typeof DEFINITION_FILES;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The distinct `${Name}` placeholders in a definition text, in order of first appearance. */
export function findPlaceholders(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1] ?? ''))];
}

/**
 * Reads an ASL file and replaces each `${Name}` with `values[Name]`, the way Step Functions'
 * `definitionSubstitutions` does. Throws naming the placeholder when a value is missing, so a
 * definition never reaches a runtime with a literal `${...}` left in it.
 *
 * @example
 * const text = renderDefinition(DEFINITION_FILES.training, localSubstitutions());
 * const definition = JSON.parse(text);
 */
export function renderDefinition(file: string, values: Substitutions): string {
  const text = readFileSync(file, 'utf8');
  const missing = findPlaceholders(text).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`${file}: no substitution value for ${missing.map((n) => `\${${n}}`).join(', ')}`);
  }
  // JSON-escape the value: it lands inside a JSON string literal.
  return text.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(values[name]).slice(1, -1));
}
