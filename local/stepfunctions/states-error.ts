/**
 * An error named as Step Functions names it: `name` is what Retry and Catch match (e.g.
 * `States.TaskFailed`, `SageMaker.ValidationException`, a Lambda's errorType), `message` is the Cause.
 * Every local task integration (Lambda, SageMaker, direct tasks, the interpreter) throws this one.
 */
export class StatesError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}
