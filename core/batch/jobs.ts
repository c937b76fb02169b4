import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type BatchJob, BatchJobSchema } from '../../contracts/batch.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed, parseItem, queryAll } from '../storage/dynamo.js';
import { toItem } from '../storage/storable.js';
import { trackingKeys } from '../storage/keys.js';

/** Stores a new RUNNING job; its id is never reused. */
export async function createBatchJob(deps: CoreDeps, job: BatchJob): Promise<void> {
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.tracking,
        Item: {
          ...trackingKeys.batchJob(job.jobId),
          ...trackingKeys.batchJobIndex(job.createdAt, job.jobId),
          ...toItem(BatchJobSchema, job),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConflictError(`batch job '${job.jobId}' already exists`);
    throw error;
  }
}

export async function getBatchJob(deps: CoreDeps, jobId: string): Promise<BatchJob> {
  const { Item } = await deps.ddb.send(
    new GetCommand({ TableName: deps.tables.tracking, Key: trackingKeys.batchJob(jobId) }),
  );
  if (!Item) throw new NotFoundError('batch job', jobId);
  return parseItem(BatchJobSchema, Item);
}

/** Newest first. */
export async function listBatchJobs(deps: CoreDeps, limit = 50): Promise<BatchJob[]> {
  const items = await queryAll(deps, {
    TableName: deps.tables.tracking,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': trackingKeys.batchJobs },
    ScanIndexForward: false,
    Limit: limit,
  });
  return items.slice(0, limit).map((item) => parseItem(BatchJobSchema, item));
}

/**
 * Ends a RUNNING job (SUCCEEDED or FAILED) with its results; conditional, so a retried task or a
 * late failure never overwrites an ended job.
 * @returns false when the job had already ended.
 */
export async function finishBatchJob(
  deps: CoreDeps,
  jobId: string,
  fields: Partial<BatchJob> & Pick<BatchJob, 'status' | 'finishedAt'>,
): Promise<boolean> {
  checkUpdate(BatchJobSchema, { set: fields });
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
  const values = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.tracking,
        Key: trackingKeys.batchJob(jobId),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { ...names, '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':running': 'RUNNING' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
