import * as z from 'zod';
import { ModelNameSchema } from '../../../contracts/registry.js';
import { EndpointNameSchema } from '../../../contracts/serving.js';
import { ExperimentNameSchema, RunIdSchema } from '../../../contracts/tracking.js';

/** Path parameters shared by several route groups. */
export const EndpointParams = z.object({ name: EndpointNameSchema });
export const ModelParams = z.object({ model: ModelNameSchema });
export const ExperimentParams = z.object({ experiment: ExperimentNameSchema });
export const RunParams = z.object({ runId: RunIdSchema });
export const RequestIdParams = z.object({
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'a request id: letters, digits, _ . : - (1-128 characters)'),
});
