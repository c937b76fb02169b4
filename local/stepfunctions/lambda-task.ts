import { fromJsonText, jsonBytes, markJsonSafe, rememberJsonBytes } from './data-limit.js';
import { StatesError } from './states-error.js';

/** UTF-8 JSON size of an Invoke response without its Payload's own text. */
const ENVELOPE_BYTES =
  JSON.stringify({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: null }).length - 4;

/**
 * A pipeline step as the local runtime calls it: the Lambda function's payload in, its result out.
 * The same core function the deployed handler wraps; throwing fails the task.
 */
export type LocalHandler = (payload: unknown) => Promise<unknown>;

/** The error name Step Functions would report for an error thrown by a function. */
function errorName(error: unknown): string {
  if (error instanceof Error && error.name) return error.name;
  return 'Error';
}

/** Error names raised by the Lambda service or Step Functions rather than by the function. */
const SERVICE_ERROR = /^(Lambda|States)\./;

/**
 * Adapts a local handler to the `arn:aws:states:::lambda:invoke` integration: the task's
 * effective input is `{ FunctionName, Payload }` and its result is the Invoke response, so
 * `ResultSelector`/`OutputPath` in the ASL see what they see on AWS. A thrown error keeps its
 * name; a function error's Cause is the Lambda error JSON (`errorType`, `errorMessage`, `trace`).
 */
export function lambdaInvokeTask(handler: LocalHandler): (input: unknown) => Promise<unknown> {
  return async (input) => {
    const payload = isRecord(input) ? input.Payload : undefined;
    let result: unknown;
    try {
      result = await handler(payload);
    } catch (error) {
      throw toTaskError(error);
    }
    // What crosses the Lambda boundary is JSON: undefined becomes null, Dates become strings.
    const Payload = fromJsonText(JSON.stringify(result ?? null));
    const response = { ExecutedVersion: '$LATEST', StatusCode: 200, Payload };
    markJsonSafe(response);
    if (typeof Payload === 'object' && Payload !== null)
      rememberJsonBytes(response, ENVELOPE_BYTES + jsonBytes(Payload));
    return response;
  };
}

function toTaskError(error: unknown): StatesError {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (SERVICE_ERROR.test(name)) return new StatesError(name, message);
  const trace =
    error instanceof Error
      ? (error.stack ?? '')
          .split('\n')
          .slice(1, 6)
          .map((l) => l.trim())
      : [];
  return new StatesError(name, JSON.stringify({ errorType: name, errorMessage: message, trace }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
