/**
 * The domain errors (not found, conflict, too large, unprocessable, malformed record). The base
 * `CirrusError`, `ValidationError` and the zod mapper come from `contracts/errors.ts`, since
 * contracts' parsers throw them too; they are re-exported here so core code has one import.
 */
import { CirrusError } from '../contracts/errors.js';

export { CirrusError, fromZodError, ValidationError, type ZodIssueLike } from '../contracts/errors.js';

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
