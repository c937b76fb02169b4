import { markBatchFailed } from '../../core/batch/mark-failed.js';
import { batchEntry } from './entry.js';

/** State `MarkFailed` of batch-predict (`${MarkBatchFailedFunctionArn}`): the job FAILED with its error. */
export const handler = batchEntry('MarkBatchFailed', markBatchFailed);
