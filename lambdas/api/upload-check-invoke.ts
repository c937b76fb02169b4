import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { type UploadCheckJob, UploadCheckJobSchema } from '../../contracts/dataset-upload.js';
import type { UploadCheckRunner } from './routes/dataset-uploads.js';

/** The event the upload function sends itself: the background half of `complete`. */
export const UploadCheckEventSchema = z.strictObject({ cirrusUploadCheck: UploadCheckJobSchema });

/** The job an event carries, or undefined when the event is an HTTP request. */
export function uploadCheckJobOf(event: unknown): UploadCheckJob | undefined {
  if (typeof event !== 'object' || event === null || !('cirrusUploadCheck' in event)) return undefined;
  return UploadCheckEventSchema.parse(event).cirrusUploadCheck;
}

/**
 * Hands the check to a new invocation of this same function (InvocationType `Event`): the request
 * answers 202 within API Gateway's limit while the check runs up to the function's own timeout.
 * Accepted means Lambda queued it.
 */
export function selfInvokeUploadCheck(client: LambdaClient, functionName: string): UploadCheckRunner {
  return async (job) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ cirrusUploadCheck: job })),
      }),
    );
    if (out.StatusCode !== 202) throw new Error(`Lambda answered ${out.StatusCode ?? 'no status'}, not 202`);
  };
}
