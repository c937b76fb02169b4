/**
 * The Lambda entry files, by the role they are deployed as (docs/conventions.md, "Lambda entry
 * points"). Paths are repository-relative; each file exports `handler`.
 */
export const LAMBDA_ENTRIES = {
  api: 'lambdas/api/handler.ts',
  predict: 'lambdas/api/predict-handler.ts',
  datasetUploads: 'lambdas/api/dataset-uploads-handler.ts',
  logIngest: 'lambdas/log-ingest/handler.ts',
  validate: 'lambdas/pipeline/validate.ts',
  prepare: 'lambdas/pipeline/prepare.ts',
  evaluate: 'lambdas/pipeline/evaluate.ts',
  register: 'lambdas/pipeline/register.ts',
  applyPolicy: 'lambdas/pipeline/apply-policy.ts',
  markRun: 'lambdas/pipeline/mark-run.ts',
  drift: 'lambdas/drift/handler.ts',
  retrain: 'lambdas/retrain/handler.ts',
  scoreBatch: 'lambdas/batch/score.ts',
  assembleBatch: 'lambdas/batch/assemble.ts',
  markBatchFailed: 'lambdas/batch/mark-failed.ts',
} as const;

export type LambdaEntry = keyof typeof LAMBDA_ENTRIES;
