import { makeDeps } from '../core/clients.js';
import type { CoreDeps } from '../core/deps.js';

// What every function reads from its environment, without the clients only some need (Step
// Functions, EventBridge: lambdas/env.ts): the predict function imports only this.

/** The process environment, or a test's stand-in for it. */
export type Env = Readonly<Record<string, string | undefined>>;

export function required(env: Env, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`environment variable ${name} is not set (docs/conventions.md lists each function's)`);
  return value;
}

/**
 * CoreDeps from the environment every Cirrus function gets (docs/conventions.md):
 * `CIRRUS_BUCKET`, `CIRRUS_TRACKING_TABLE`, `CIRRUS_REGISTRY_TABLE`, `CIRRUS_PREDICTIONS_TABLE`
 * and Lambda's `AWS_REGION`. The SDK's own `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_DYNAMODB`
 * point the clients elsewhere (the local emulators), with path-style S3 addressing.
 * @throws Error naming the first missing variable.
 */
export function depsFromEnv(env: Env = process.env): CoreDeps {
  return makeDeps({
    region: required(env, 'AWS_REGION'),
    bucket: required(env, 'CIRRUS_BUCKET'),
    tables: {
      tracking: required(env, 'CIRRUS_TRACKING_TABLE'),
      registry: required(env, 'CIRRUS_REGISTRY_TABLE'),
      predictions: required(env, 'CIRRUS_PREDICTIONS_TABLE'),
    },
    s3Endpoint: env.AWS_ENDPOINT_URL_S3 || undefined,
    dynamoEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB || undefined,
  });
}

/**
 * Builds a value on first use and keeps it for the container's life: clients are created once
 * per cold start, not per invocation, and a function that never needs one never reads its env.
 */
export function lazy<T>(build: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

/** This container's CoreDeps (built from `process.env` on first use). */
export const lambdaDeps = lazy(() => depsFromEnv());
