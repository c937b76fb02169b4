/**
 * Typed errors that every edge maps the same way: HTTP status in the API, a one-line reason in
 * the trainer's failure file, a red line in the CLI. `field` names the offending input field.
 * The base and the validation error live here because contracts' own parsers throw them;
 * `core/errors.ts` re-exports them beside the domain errors.
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

/** The part of a zod issue the mapper reads (zod 4's `$ZodIssue` has these fields). */
export interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

/**
 * Turns a zod error into a ValidationError naming the first failing field (under `prefix`) and
 * its rule. An unknown key is named itself, since zod reports it on the parent object.
 */
export function fromZodError(error: { issues: readonly ZodIssueLike[] }, prefix?: string): ValidationError {
  const issue = error.issues[0];
  if (!issue) return new ValidationError(prefix ? `${prefix}: invalid input` : 'invalid input', prefix);
  const path = [prefix, ...issue.path.map(String)].filter(Boolean);
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    const field = [...path, issue.keys[0]].join('.');
    return new ValidationError(`${field}: unknown field (not accepted here)`, field);
  }
  const field = path.join('.');
  return new ValidationError(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}
