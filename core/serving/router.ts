import type { ShadowVariant, StickyKey, TrafficConfig, TrafficVariant } from '../../contracts/serving.js';
import { ValidationError } from '../errors.js';

/** Buckets per 100 %: weights resolve to 0.01 percentage points. */
export const BUCKETS = 10_000;

export interface RouteChoice {
  /** The variant that answers. */
  readonly variant: TrafficVariant;
  /** Variants scored and logged beside it, never returned. */
  readonly shadows: readonly ShadowVariant[];
  /** 0..BUCKETS-1: where the request landed. */
  readonly bucket: number;
  /** True when the bucket came from the sticky key (same key, same variant). */
  readonly sticky: boolean;
}

/**
 * FNV-1a over the key's UTF-16 code units, then murmur3's fmix32 finalizer so nearby keys
 * (user-1, user-2, ...) spread over all buckets instead of clustering in the low bits.
 */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The bucket of a sticky key; `salt` (e.g. the endpoint) keeps assignments independent across endpoints. */
export function bucketOf(key: string, salt = ''): number {
  return hashKey(`${salt}\u0000${key}`) % BUCKETS;
}

/** The variant owning `bucket`: variants take consecutive bucket ranges in config order. */
export function variantForBucket(variants: readonly TrafficVariant[], bucket: number): TrafficVariant {
  let upper = 0;
  for (const v of variants) {
    upper += Math.round(v.weight * (BUCKETS / 100));
    if (bucket < upper) return v;
  }
  // Rounding can leave the last bucket(s) unowned: give them to the last weighted variant.
  const weighted = variants.filter((v) => v.weight > 0);
  return weighted[weighted.length - 1] ?? variants[variants.length - 1];
}

export interface RouteRequest {
  /** Request headers (any case; a repeated header's values as a list, as node:http gives them). */
  readonly headers?: RequestHeaders;
  /** The parsed body: a sticky field is read at its top level, then inside `features`. */
  readonly body?: unknown;
}

export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header by lower-case name: node:http's keys are lower-case already, others are searched. */
export function headerValue(headers: RequestHeaders, wanted: string): string | undefined {
  const value = headers[wanted] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
  return typeof value === 'string' || value === undefined ? value : value.join(', ');
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj) && Object.hasOwn(obj, name)
    ? Reflect.get(obj, name)
    : undefined;
}

/** Reads the sticky routing key, or undefined when the request does not carry it. */
export function stickyKeyOf(sticky: StickyKey | undefined, request: RouteRequest): string | undefined {
  if (!sticky) return undefined;
  if (sticky.from === 'header') {
    const wanted = sticky.name.toLowerCase();
    return headerValue(request.headers ?? {}, wanted) || undefined;
  }
  const value = field(request.body, sticky.name) ?? field(field(request.body, 'features'), sticky.name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ValidationError(`${sticky.name}: sticky routing key must be a string or number`, sticky.name);
  }
  return String(value);
}

/**
 * Chooses the answering variant: a sticky key hashes to a fixed bucket (same key, same variant);
 * without one the bucket is drawn from `random` (inject a seeded generator in tests).
 *
 * @example
 * const { variant } = chooseVariant(config, stickyKeyOf(config.stickyKey, { headers }), Math.random, endpoint);
 */
export function chooseVariant(
  config: TrafficConfig,
  key: string | undefined,
  random: () => number = Math.random,
  salt = '',
): RouteChoice {
  const sticky = key !== undefined;
  const bucket = sticky ? bucketOf(key, salt) : Math.min(BUCKETS - 1, Math.floor(random() * BUCKETS));
  return { variant: variantForBucket(config.variants, bucket), shadows: config.shadows, bucket, sticky };
}
