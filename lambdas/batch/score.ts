import { scoreBatch } from '../../core/batch/score-batch.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import { batchEntry } from './entry.js';

/** One session cache per container: a warm child loads the pinned model once. */
const ctx = { cache: new SessionCache(), resolver: new EndpointResolver() };

/** State `ScoreCsvBatch` / `ScoreJsonLinesBatch` (`${ScoreBatchFunctionArn}`): one child's batch. */
export const handler = batchEntry('ScoreBatch', (deps, payload) => scoreBatch(deps, ctx, payload));
