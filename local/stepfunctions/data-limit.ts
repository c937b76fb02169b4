/**
 * Step Functions' cap on state data: a state's input (after Parameters) or result over 256 KiB
 * (UTF-8 JSON) fails the execution with States.DataLimitExceeded. aws-local-stepfunctions does
 * not enforce it, so the local runtime checks at every task boundary.
 */
export const STATE_DATA_LIMIT_BYTES = 262_144;

/**
 * The error as AWS reports it. A terminal error: States.ALL neither retries nor catches it
 * (aws-local-stepfunctions honours `isRetryable` / `isCatchable` on any thrown error).
 */
export class DataLimitExceededError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.DataLimitExceeded';
  }
}

/** Throws DataLimitExceededError when `value` as JSON is over the limit. */
export function checkDataLimit(value: unknown, stateName: string, what: 'input' | 'result'): void {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
  if (bytes > STATE_DATA_LIMIT_BYTES)
    throw new DataLimitExceededError(
      `${stateName}: the state's ${what} is ${bytes} bytes, over the ${STATE_DATA_LIMIT_BYTES}-byte (256 KiB) limit for state data`,
    );
}
