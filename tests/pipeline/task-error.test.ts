import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { lambdaInvokeTask } from '../../local/stepfunctions/lambda-task.js';
import { describeTaskError } from '../../core/pipeline/task-error.js';

/** The `$.error` a Catch records for a task that threw `thrown`, via the local Lambda adapter. */
async function caughtFrom(thrown: Error): Promise<{ Error: string; Cause: string }> {
  const task = lambdaInvokeTask(async () => {
    throw thrown;
  });
  const error: Error = await task({ FunctionName: 'f', Payload: {} }).then(
    () => new Error('expected a failure'),
    (e: Error) => e,
  );
  return { Error: error.name, Cause: error.message };
}

describe('describeTaskError', () => {
  it('reads the message of a Lambda function error', async () => {
    const caught = await caughtFrom(new ValidationError('test_size: must be < 1', 'test_size'));

    expect(caught.Error).toBe('ValidationError');
    expect(describeTaskError(caught)).toEqual({ error: 'ValidationError', reason: 'test_size: must be < 1' });
  });

  it('reads FailureReason of a failed training job', () => {
    const cause = JSON.stringify({
      TrainingJobStatus: 'Failed',
      FailureReason: 'AlgorithmError: bad target',
    });

    expect(describeTaskError({ Error: 'States.TaskFailed', Cause: cause })).toEqual({
      error: 'States.TaskFailed',
      reason: 'AlgorithmError: bad target',
    });
  });

  it('keeps a service error plain and names a missing cause by its error', async () => {
    const throttled = await caughtFrom(
      Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' }),
    );

    expect(describeTaskError(throttled)).toEqual({
      error: 'Lambda.TooManyRequestsException',
      reason: 'Rate exceeded',
    });
    expect(describeTaskError({ Error: 'States.Timeout' })).toEqual({
      error: 'States.Timeout',
      reason: 'States.Timeout',
    });
  });
});
