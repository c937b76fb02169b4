import * as z from 'zod';
import { ModelNameSchema } from '../../../contracts/registry.js';
import { ExperimentNameSchema, RunIdSchema } from '../../../contracts/tracking.js';

export { EndpointParams } from './endpoint-params.js';

/** Path parameters shared by several route groups. */
export const ModelParams = z.object({ model: ModelNameSchema });
export const ExperimentParams = z.object({ experiment: ExperimentNameSchema });
export const RunParams = z.object({ runId: RunIdSchema });
export const RequestIdParams = z.object({
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'a request id: letters, digits, _ . : - (1-128 characters)'),
});
