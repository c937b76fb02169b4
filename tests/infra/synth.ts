import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll } from 'vitest';
import { createCirrusApp } from '../../infra/app.js';
import { repoPath } from '../../infra/paths.js';
import type { CirrusStack } from '../../infra/stack.js';

/** The `context` block of cdk.json: tests synthesize with what `cdk synth` uses. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson))
    throw new Error('cdk.json: no context');
  const { context } = cdkJson;
  if (typeof context !== 'object' || context === null) throw new Error('cdk.json: context is not an object');
  return { ...context };
}

export interface SynthOptions {
  /** Extra context on top of cdk.json's. */
  readonly context?: Record<string, unknown>;
  /** Run esbuild and the layer copy (slower); off, assets are placeholders. @default false */
  readonly bundle?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: CirrusStack;
  readonly template: Template;
  /** The cloud assembly directory; removed by `dispose()`. */
  readonly outdir: string;
  dispose(): void;
}

/**
 * Synthesizes the Cirrus app in-process (the same `createCirrusApp` the CLI runs, cdk-nag
 * plugin included) into a temporary directory. `app.synth()` throws if cdk-nag reports an
 * unacknowledged error, so every test that synthesizes also proves that.
 */
export function synthCirrus(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'cirrus-cdk-'));
  const context = {
    ...cdkJsonContext(),
    ...options.context,
    // An empty list tells CDK to bundle no stack: NodejsFunction and the layer get placeholders.
    ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
  const { app, stack } = createCirrusApp(new App({ context, outdir }));
  app.synth();
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    outdir,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/**
 * One synthesis shared by every check a test file registers: returns an object that a
 * `beforeAll` fills with `synthCirrus(options)` (checks read it inside their tests, after that
 * hook ran) and an `afterAll` disposes. Synthesizing once per file keeps tests/infra fast.
 */
export function synthOnce(options: SynthOptions = {}): Synthesized {
  const shared = {} as Synthesized;
  beforeAll(() => {
    Object.assign(shared, synthCirrus(options));
  });
  afterAll(() => shared.dispose?.());
  return shared;
}
