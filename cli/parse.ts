import { InvalidArgumentError } from 'commander';

/** A CLI value as the API wants it: numbers and booleans typed, everything else a string. */
export function scalar(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/** `k=v` → [k, v]; the message names the option. */
export function keyValue(raw: string, option: string): [string, string] {
  const i = raw.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`${option}: expected key=value, got '${raw}'`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

/** Commander collector for repeatable options. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function positiveInt(option: string) {
  return (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${option}: expected a whole number, got '${raw}'`);
    return n;
  };
}

export function number(option: string) {
  return (raw: string) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${option}: expected a number, got '${raw}'`);
    return n;
  };
}

/** A version argument: `3` or `v3`. */
export function version(raw: string): number {
  const n = Number(raw.replace(/^v/i, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`version: expected a positive whole number like 3 or v3, got '${raw}'`);
  return n;
}

/**
 * Hyperparameters from `--param k=v`: flat for one algorithm; with several algorithms,
 * `svc.C=10` nests under `svc` (the API's per-algorithm form) while plain keys are shared.
 */
export function hyperparameters(
  params: readonly string[],
  algorithms: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const [key, raw] = keyValue(p, '--param');
    const dot = key.indexOf('.');
    const algo = dot > 0 ? key.slice(0, dot) : undefined;
    if (algo && algorithms.includes(algo)) {
      const nested = (out[algo] ??= {}) as Record<string, unknown>;
      nested[key.slice(dot + 1)] = scalar(raw);
    } else {
      out[key] = scalar(raw);
    }
  }
  return out;
}
