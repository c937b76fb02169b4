import {
  type CompleteDatasetUpload,
  type DatasetUploadStatus,
  DatasetUploadStatusSchema,
  type UploadCheckJob,
  UploadIdSchema,
} from '../../contracts/dataset-upload.js';
import { getJson, putJson } from '../artifacts/index.js';
import type { CoreDeps } from '../deps.js';
import { CirrusError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { precheckDatasetUpload, registerUploadedObject, uploadStatusKey } from './uploads.js';

async function writeStatus(deps: CoreDeps, status: DatasetUploadStatus): Promise<DatasetUploadStatus> {
  await putJson(deps, { key: uploadStatusKey(status.uploadId), value: status });
  return status;
}

const stamp = (deps: CoreDeps) => deps.now().toISOString();

/** The upload's status, or undefined before its first `complete`. */
async function storedStatus(deps: CoreDeps, uploadId: string): Promise<DatasetUploadStatus | undefined> {
  try {
    return await getJson(deps, { key: uploadStatusKey(uploadId), schema: DatasetUploadStatusSchema });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * The synchronous half of `complete`: the cheap checks (id, name, uploaded size) refuse at once,
 * then the upload is marked `checking`; the caller starts `checkDatasetUpload` with the returned
 * job. A repeated `complete` (a client's retry) of an upload that is checking or registered
 * answers its status and starts nothing (no job); after `failed` it checks again.
 * @throws ValidationError naming `uploadId`, `name` or `bytes`.
 * @throws ConflictError when the upload was completed under another dataset name.
 */
export async function startDatasetUpload(
  deps: CoreDeps,
  uploadId: string,
  input: CompleteDatasetUpload,
): Promise<{ status: DatasetUploadStatus; job?: UploadCheckJob }> {
  const id = await precheckDatasetUpload(deps, uploadId, input);
  const previous = await storedStatus(deps, id);
  if (previous && previous.status !== 'failed') {
    if (previous.name !== input.name)
      throw new ConflictError(
        `name: upload ${id} was completed as dataset '${previous.name}', not '${input.name}'`,
      );
    return { status: previous };
  }
  const status = await writeStatus(deps, {
    uploadId: id,
    name: input.name,
    status: 'checking',
    updatedAt: stamp(deps),
  });
  return { status, job: { uploadId: id, input } };
}

/**
 * The asynchronous half: streams, checks, copies and records the upload, then writes its final
 * status. Never throws for a refused file: the refusal (message and field) becomes the status,
 * as does an unexpected error, so a poller always sees the upload end.
 */
export async function checkDatasetUpload(deps: CoreDeps, job: UploadCheckJob): Promise<DatasetUploadStatus> {
  const base = { uploadId: job.uploadId, name: job.input.name };
  try {
    const dataset = await registerUploadedObject(deps, job.uploadId, job.input);
    return await writeStatus(deps, { ...base, status: 'registered', dataset, updatedAt: stamp(deps) });
  } catch (error) {
    return failDatasetUpload(deps, job, error);
  }
}

/** Records that an upload's check ended in `error` (its message, and its field when it names one). */
export function failDatasetUpload(
  deps: CoreDeps,
  job: UploadCheckJob,
  error: unknown,
): Promise<DatasetUploadStatus> {
  const message = error instanceof Error ? error.message : String(error);
  const field = error instanceof CirrusError ? error.field : undefined;
  const failed = {
    uploadId: job.uploadId,
    name: job.input.name,
    status: 'failed' as const,
    updatedAt: stamp(deps),
  };
  return writeStatus(deps, { ...failed, error: field ? { message, field } : { message } });
}

/**
 * Where an upload stands after `complete`.
 * @throws ValidationError naming `uploadId` for an id that is not one.
 * @throws NotFoundError when the upload was never completed (or its status expired).
 */
export async function getDatasetUploadStatus(deps: CoreDeps, uploadId: string): Promise<DatasetUploadStatus> {
  const id = UploadIdSchema.safeParse(uploadId);
  if (!id.success)
    throw new ValidationError(`uploadId: '${uploadId.slice(0, 40)}' is not an upload id`, 'uploadId');
  const status = await storedStatus(deps, id.data);
  if (!status) throw new NotFoundError('upload', id.data);
  return status;
}
