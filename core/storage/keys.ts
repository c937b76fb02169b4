/**
 * Key layout of the single-table designs (see tables.ts). Every item has `pk`/`sk`; items that
 * must be listed also carry `gsi1pk`/`gsi1sk`. Other parts of Cirrus add their own prefixes to
 * the registry table (endpoints, traffic, A/B tests, drift): keep them distinct from these.
 *
 * tracking table
 * | item | pk | sk | gsi1pk / gsi1sk |
 * |---|---|---|---|
 * | experiment | `EXP#{name}` | `EXPERIMENT` | `EXPERIMENTS` / `{name}` |
 * | run | `RUN#{id}` | `RUN` | `EXP#{experiment}#RUNS` / `{createdAt}#{id}` |
 * | dataset version | `DATASET#{name}` | `V#{sha256}` | – |
 * | dataset latest pointer | `DATASET#{name}` | `LATEST` | `DATASETS` / `{name}` |
 * | batch prediction job | `BATCH#{jobId}` | `JOB` | `BATCHJOBS` / `{createdAt}#{jobId}` |
 *
 * registry table
 * | item | pk | sk | gsi1pk / gsi1sk |
 * |---|---|---|---|
 * | registered model (+ version counter) | `MODEL#{name}` | `MODEL` | `MODELS` / `{name}` |
 * | model version | `MODEL#{name}` | `VERSION#{n, 10 digits}` | – |
 * | alias (current target) | `MODEL#{name}` | `ALIAS#{alias}` | – |
 * | alias history entry | `ALIASLOG#{name}#{alias}` | `REV#{revision, 10 digits}` | – |
 * | drift report summary | `ENDPOINT#{endpoint}` | `DRIFT#{reportId}` | – |
 */
export const pad = (n: number): string => String(n).padStart(10, '0');

export const trackingKeys = {
  experiment: (name: string) => ({ pk: `EXP#${name}`, sk: 'EXPERIMENT' }),
  experimentIndex: (name: string) => ({ gsi1pk: 'EXPERIMENTS', gsi1sk: name }),
  run: (id: string) => ({ pk: `RUN#${id}`, sk: 'RUN' }),
  runIndex: (experiment: string, createdAt: string, id: string) => ({
    gsi1pk: `EXP#${experiment}#RUNS`,
    gsi1sk: `${createdAt}#${id}`,
  }),
  runsOf: (experiment: string) => `EXP#${experiment}#RUNS`,
  datasetPk: (name: string) => `DATASET#${name}`,
  datasetVersion: (name: string, version: string) => ({ pk: `DATASET#${name}`, sk: `V#${version}` }),
  datasetLatest: (name: string) => ({ pk: `DATASET#${name}`, sk: 'LATEST' }),
  datasetIndex: (name: string) => ({ gsi1pk: 'DATASETS', gsi1sk: name }),
  batchJob: (jobId: string) => ({ pk: `BATCH#${jobId}`, sk: 'JOB' }),
  batchJobIndex: (createdAt: string, jobId: string) => ({
    gsi1pk: 'BATCHJOBS',
    gsi1sk: `${createdAt}#${jobId}`,
  }),
  batchJobs: 'BATCHJOBS',
} as const;

export const registryKeys = {
  modelPk: (name: string) => `MODEL#${name}`,
  model: (name: string) => ({ pk: `MODEL#${name}`, sk: 'MODEL' }),
  modelIndex: (name: string) => ({ gsi1pk: 'MODELS', gsi1sk: name }),
  version: (name: string, version: number) => ({ pk: `MODEL#${name}`, sk: `VERSION#${pad(version)}` }),
  alias: (name: string, alias: string) => ({ pk: `MODEL#${name}`, sk: `ALIAS#${alias}` }),
  aliasLogPk: (name: string, alias: string) => `ALIASLOG#${name}#${alias}`,
  aliasLog: (name: string, alias: string, revision: number) => ({
    pk: `ALIASLOG#${name}#${alias}`,
    sk: `REV#${pad(revision)}`,
  }),
} as const;

/**
 * Drift report summaries live under their endpoint's partition (beside the endpoint item and its
 * A/B tests, see core/serving/endpoints.ts). Report ids are time-ordered, so a descending query
 * on the `DRIFT#` prefix lists them newest first.
 */
export const driftKeys = {
  pk: (endpoint: string) => `ENDPOINT#${endpoint}`,
  skPrefix: 'DRIFT#',
  summary: (endpoint: string, reportId: string) => ({ pk: `ENDPOINT#${endpoint}`, sk: `DRIFT#${reportId}` }),
} as const;
