import { assembleBatch } from '../../core/batch/assemble.js';
import { batchEntry } from './entry.js';

/** State `Assemble` (`${AssembleBatchFunctionArn}`): the outputs in row order, the job SUCCEEDED. */
export const handler = batchEntry('AssembleBatch', assembleBatch);
