/**
 * What a Catch puts at `$.error` (`{ Error, Cause }`) turned into a one-line reason for the run.
 * The Cause's shape depends on who failed, exactly as on AWS:
 * - a Lambda function error: JSON `{ errorType, errorMessage, trace }`;
 * - a failed `createTrainingJob.sync` job (`States.TaskFailed`): the DescribeTrainingJob JSON,
 *   whose `FailureReason` carries the trainer's `/opt/ml/output/failure`;
 * - anything else (Lambda service errors, States.* errors, the Fail/Pass states): plain text.
 *
 * @example
 * describeTaskError({ Error: 'States.TaskFailed', Cause: '{"FailureReason":"AlgorithmError: ..."}' })
 * // => { error: 'States.TaskFailed', reason: 'AlgorithmError: ...' }
 */
export function describeTaskError(caught: unknown): { error: string; reason: string } {
  const record = isRecord(caught) ? caught : {};
  const error = typeof record.Error === 'string' ? record.Error : 'States.Runtime';
  const cause = typeof record.Cause === 'string' ? record.Cause : '';
  const parsed = parseJson(cause);
  if (isRecord(parsed) && typeof parsed.errorMessage === 'string')
    return { error, reason: parsed.errorMessage };
  if (isRecord(parsed) && typeof parsed.FailureReason === 'string')
    return { error, reason: parsed.FailureReason };
  return { error, reason: cause || error };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
