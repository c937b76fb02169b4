import * as z from 'zod';

/**
 * Hyperparameter field builders. Values arrive as JSON numbers from the API and as strings
 * from SageMaker's hyperparameters.json, so numeric and boolean fields accept both; every
 * field has a default and bounds, and an unknown key is an error (schemas are strict).
 */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .min(1)
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'must be a number')
    .transform(Number),
]);

/** An integer in [min, max] with a default. */
export const int = (def: number, min: number, max: number) =>
  numeric.pipe(z.number().int('must be an integer').min(min).max(max)).default(def);

/** A finite number in [min, max] with a default. */
export const num = (def: number, min: number, max: number) =>
  numeric.pipe(z.number().finite().min(min).max(max)).default(def);

/** A number strictly above `min` (e.g. a regularization strength) and at most max. */
export const positive = (def: number, max = 1e12) =>
  numeric.pipe(z.number().finite().positive().max(max)).default(def);

/** A boolean; the strings 'true'/'false' are accepted. */
export const bool = (def: boolean) =>
  z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(def);

/** One of a fixed set of strings. */
export const choice = <const T extends readonly [string, ...string[]]>(def: T[number], options: T) =>
  z.enum(options).default(def as never);

/** An optional seed (the trainer derives one from the request's seed when absent). */
export const seed = () =>
  numeric
    .pipe(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .optional();

/** A strict hyperparameter object: unknown keys are rejected with their name. */
export const params = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);
