import * as z from 'zod';
import { EndpointNameSchema } from '../../../contracts/endpoint.js';

/**
 * The `{name}` path parameter of the endpoint routes. Its own file so the predict function's
 * admission (predict-admission.ts) does not build the tracking and training schemas params.ts needs.
 */
export const EndpointParams = z.object({ name: EndpointNameSchema });
