/**
 * Typed errors that every edge maps the same way: HTTP status in the API, a one-line reason in
 * the trainer's failure file, a red line in the CLI. `field` names the offending input field.
 */
export class CirrusError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller's input breaks a rule; `field` is its dotted path (e.g. `hyperparameters.max_depth`). */
export class ValidationError extends CirrusError {
  constructor(message: string, field?: string) {
    super('ValidationError', message, 400, field);
  }
}

/** A well-formed request that names something unusable (e.g. a dataset that does not exist). */
export class UnprocessableError extends CirrusError {
  constructor(message: string, field?: string) {
    super('Unprocessable', message, 422, field);
  }
}

/** A named thing (model, version, alias, endpoint, run, dataset) does not exist. */
export class NotFoundError extends CirrusError {
  constructor(
    readonly kind: string,
    readonly entity: string,
  ) {
    super('NotFound', `${kind} '${entity}' not found`, 404);
  }
}

/** A conditional write lost a race or a state transition is not allowed. */
export class ConflictError extends CirrusError {
  constructor(message: string) {
    super('Conflict', message, 409);
  }
}

/** A payload is larger than the limit the edge accepts. */
export class PayloadTooLargeError extends CirrusError {
  constructor(message: string) {
    super('PayloadTooLarge', message, 413);
  }
}

/** Turns a zod error into a ValidationError naming the first failing field and its rule. */
export function fromZodError(
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
  prefix?: string,
): ValidationError {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return new ValidationError(
    path ? `${path}: ${issue?.message}` : (issue?.message ?? 'invalid input'),
    path || undefined,
  );
}

/**
 * A stored item its reader's schema rejects (a foreign write or an old bug). Names the item
 * and, where one exists, the repair path; 409 because the stored state, not the request, is bad.
 */
export class MalformedRecordError extends CirrusError {
  constructor(
    readonly item: string,
    detail: string,
    readonly repair?: string,
  ) {
    super(
      'MalformedRecord',
      `stored item ${item} is malformed at ${detail}${repair ? `; repair: ${repair}` : ''}`,
      409,
    );
  }
}

/** The model gave a non-finite output for an input (422: the request is well-formed but cannot be scored). */
export class NonFiniteOutputError extends CirrusError {
  constructor(message: string) {
    super('Unprocessable', message, 422);
  }
}
