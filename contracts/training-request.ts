import * as z from 'zod';
import { TaskSchema } from './model-contract.js';

/** The seed every random choice of a run derives from (a 31-bit integer, as the trainer's RNGs take). */
export const SeedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(0);

/** How rows are split into train and test sets. */
export const SplitStrategySchema = z.enum(['shuffle', 'stratified', 'last']);
export type SplitStrategy = z.infer<typeof SplitStrategySchema>;

/** What happens to a newly registered version (see DESIGN.md, Promote). */
export const DeployPolicySchema = z.enum(['best_score', 'most_recent', 'manual', 'ab_test']);
export type DeployPolicy = z.infer<typeof DeployPolicySchema>;

/** A dataset by name; `version` is its sha256 (latest when absent). */
export const DatasetRefSchema = z.strictObject({
  name: z.string().min(1).max(128),
  version: z.string().min(1).optional(),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

const scalar = z.union([z.number(), z.string(), z.boolean()]);

/**
 * Hyperparameters: a flat object for one algorithm, or (for a sweep over several algorithms)
 * an object per algorithm name. See `hyperparametersFor`.
 */
export const RequestHyperparametersSchema = z.record(
  z.string(),
  z.union([scalar, z.record(z.string(), scalar)]),
);

/**
 * A custom trainer under the SageMaker container contract: on AWS an ECR image (under the
 * repository prefix the stack allows), locally a command run by the local training-job runner
 * with `{root}` standing for /opt/ml. It writes model.onnx (and optionally contract.json).
 */
export const CustomTrainerSchema = z.strictObject({
  image: z.string().min(1).max(512).optional(),
  command: z.array(z.string().min(1)).min(1).max(64).optional(),
});
export type CustomTrainer = z.infer<typeof CustomTrainerSchema>;

/** The TrainingImage that tells the local runner to run a command instead of Cirrus's trainer. */
export const LOCAL_COMMAND_IMAGE_PREFIX = 'cirrus-local-command:';

/**
 * Text features: every column typed `text` is vectorized inside the graph (TF-IDF over word
 * n-grams); with `template`, the columns it names are joined into one text feature first, as
 * binnr does, e.g. `Author: {author}, Tweet: {text}`.
 */
export const TextOptionsSchema = z.strictObject({
  template: z.string().min(1).max(2000).optional(),
  /** The templated feature's name (its ONNX `text` column and the field serving reads). */
  name: z.string().min(1).max(128).default('text'),
  /** Longest word n-gram: 1 = words, 2 = words and word pairs. */
  ngrams: z.number().int().min(1).max(3).default(2),
  /** Vocabulary size per text feature (the terms in the most training rows). */
  maxFeatures: z.number().int().min(1).max(20_000).default(2000),
  /** A term must appear in at least this many training rows. */
  minDf: z.number().int().min(1).max(1_000_000).default(2),
});
export type TextOptions = z.infer<typeof TextOptionsSchema>;

const searchValue = z.union([z.number(), z.string(), z.boolean()]);

/** A range for random search: uniform, or log-uniform (`log`), rounded when `int`. */
export const SearchRangeSchema = z
  .strictObject({
    min: z.number(),
    max: z.number(),
    log: z.boolean().default(false),
    int: z.boolean().default(false),
  })
  .refine((r) => r.max >= r.min, { message: 'max must be at least min' })
  .refine((r) => !r.log || r.min > 0, { message: 'a log range needs min > 0' });

/**
 * Hyperparameter tuning instead of fixed values: `grid` tries every combination of the listed
 * values (at most `budget`), `random` draws `budget` candidates (lists sampled uniformly, ranges
 * as declared). Each candidate is scored by k-fold cross-validation on the training split.
 */
export const SearchSpaceSchema = z.strictObject({
  strategy: z.enum(['grid', 'random']),
  space: z.record(z.string().min(1), z.union([z.array(searchValue), SearchRangeSchema])),
  budget: z.number().int().min(1).max(1000).default(20),
  folds: z.number().int().min(2).max(20).default(3),
});
export type SearchSpace = z.infer<typeof SearchSpaceSchema>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The training request as the API receives it (no transforms: safe for OpenAPI generation). */
export const TrainingRequestBodySchema = z.strictObject({
  experiment: z
    .string()
    .min(1)
    .max(128)
    .regex(NAME, 'letters, digits, . _ - (starting with a letter or digit)'),
  task: TaskSchema,
  /** One algorithm, or a list to train one run per algorithm (a sweep). */
  algorithm: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(20)]),
  dataset: DatasetRefSchema,
  /** Target column; required except for clustering. */
  target: z.string().min(1).optional(),
  /** Columns to use as features, in order; default: every column but the target. */
  features: z.array(z.string().min(1)).min(1).optional(),
  hyperparameters: RequestHyperparametersSchema.default({}),
  /** Text features: a template joining columns into one text, and the TF-IDF settings. */
  text: TextOptionsSchema.optional(),
  /** Tune instead of fixed values: grid or random search, scored by k-fold cross-validation. */
  search: SearchSpaceSchema.optional(),
  testSize: z.number().gt(0).lt(1).default(0.25),
  /** Default: `stratified` for classification, `shuffle` otherwise. */
  split: SplitStrategySchema.optional(),
  seed: SeedSchema,
  policy: DeployPolicySchema.default('best_score'),
  description: z.string().max(2000).optional(),
  tags: z.record(z.string(), z.string()).default({}),
  /** Train with your own container or command instead of Cirrus's algorithms. */
  trainer: CustomTrainerSchema.optional(),
});

/** The training request with its task-dependent defaults applied (parse API bodies with this). */
export const TrainingRequestSchema = TrainingRequestBodySchema.superRefine((r, ctx) => {
  if (r.task !== 'clustering' && !r.target) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: `required for task '${r.task}'` });
  }
  if (r.task === 'clustering' && r.target) {
    ctx.addIssue({
      code: 'custom',
      path: ['target'],
      message: `task 'clustering' takes no target (got '${r.target}'): clusters are learned from the features alone`,
    });
  }
  if (r.target && r.features?.includes(r.target)) {
    ctx.addIssue({
      code: 'custom',
      path: ['features'],
      message: `must not include the target '${r.target}'`,
    });
  }
  if (r.features && new Set(r.features).size !== r.features.length) {
    ctx.addIssue({ code: 'custom', path: ['features'], message: 'must not repeat a column' });
  }
  for (const [field, key] of [
    ['text', TEXT_OPTIONS_KEY],
    ['search', SEARCH_SPACE_KEY],
  ] as const) {
    if (r[field] && r.hyperparameters[key] !== undefined)
      ctx.addIssue({ code: 'custom', path: [field], message: `given twice: also as hyperparameters.${key}` });
  }
  if (r.search && Array.isArray(r.algorithm) && r.algorithm.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['search'],
      message: 'tunes one algorithm: name one algorithm, not a list',
    });
  }
  if (r.trainer && (r.trainer.image === undefined) === (r.trainer.command === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['trainer'], message: 'give exactly one of image or command' });
  }
  if (r.trainer && typeof r.algorithm !== 'string') {
    ctx.addIssue({
      code: 'custom',
      path: ['algorithm'],
      message: 'a custom trainer trains one algorithm (a name)',
    });
  }
  if (r.split === 'stratified' && r.task !== 'classification') {
    ctx.addIssue({ code: 'custom', path: ['split'], message: 'stratified needs a classification task' });
  }
}).transform((r) => ({ ...r, split: r.split ?? defaultSplit(r.task) }));
export type TrainingRequest = z.infer<typeof TrainingRequestSchema>;
export type TrainingRequestInput = z.input<typeof TrainingRequestSchema>;

/** `stratified` for classification, else `shuffle`. */
export function defaultSplit(task: z.infer<typeof TaskSchema>): SplitStrategy {
  return task === 'classification' ? 'stratified' : 'shuffle';
}

/** The request's algorithms as a list (one entry unless it is a sweep). */
export function requestAlgorithms(r: Pick<TrainingRequest, 'algorithm'>): string[] {
  return typeof r.algorithm === 'string' ? [r.algorithm] : [...r.algorithm];
}

/**
 * The hyperparameters for one algorithm of a request: the nested object under its name when
 * present (sweeps), plus every flat scalar entry (shared by all algorithms of a single run).
 */
export function hyperparametersFor(
  r: Pick<TrainingRequest, 'hyperparameters'>,
  algorithm: string,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(r.hyperparameters)) {
    if (typeof v !== 'object') out[k] = v;
  }
  const nested = r.hyperparameters[algorithm];
  if (nested && typeof nested === 'object') Object.assign(out, nested);
  return out;
}

/**
 * What the trainer receives for one algorithm of a request: its hyperparameters, plus the typed
 * `text` and `search` fields as the reserved `cirrus_text` / `cirrus_search` JSON strings
 * (SageMaker passes string key/values only).
 */
export function trainerHyperparameters(
  r: Pick<TrainingRequest, 'hyperparameters' | 'text' | 'search'>,
  algorithm: string,
): Record<string, string | number | boolean> {
  const out = hyperparametersFor(r, algorithm);
  if (r.text) out[TEXT_OPTIONS_KEY] = JSON.stringify(r.text);
  if (r.search) out[SEARCH_SPACE_KEY] = JSON.stringify(r.search);
  return out;
}

/**
 * Reserved hyperparameters.json keys (JSON strings) for what a trainer needs beyond one
 * algorithm's hyperparameters; `parseHyperparameters` leaves every `cirrus_` key to the trainer.
 * A request gives them as the typed `text` and `search` fields; the keys inside `hyperparameters`
 * (JSON strings) still work, for requests stored before the fields existed.
 */
export const TEXT_OPTIONS_KEY = 'cirrus_text';
export const SEARCH_SPACE_KEY = 'cirrus_search';

/** Whether Cirrus's own algorithms apply (their names and hyperparameters are checked). */
export function usesCirrusTrainer(r: { trainer?: CustomTrainer }): boolean {
  return r.trainer === undefined;
}
