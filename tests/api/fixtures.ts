import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ModelContract, ModelContractSchema } from '../../contracts/model-contract.js';
import type { CoreDeps } from '../../core/deps.js';
import type {
  EventPublisher,
  ExecutionEvent,
  ExecutionSummary,
  PipelineName,
  PipelineRunner,
} from '../../core/ports.js';
import { setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint } from '../../core/serving/endpoints.js';
import { type CirrusApp, createApp } from '../../lambdas/api/app.js';
import type { ServingState } from '../../lambdas/api/serving.js';
import { refuseConnect } from '../../lambdas/api/connect.js';
import type { ApiContext, ServingOptions } from '../../lambdas/api/context.js';
import { nodeListener } from '../../lambdas/api/predict-lane.js';
import { trainBuiltin } from '../../training/quickstart.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { registerOnnx } from '../serving/fixtures/register.js';

/** A model produced by the real trainer (SageMaker container path, temp /opt/ml root). */
export interface TrainedModel {
  readonly bytes: Uint8Array;
  readonly contract: ModelContract;
  readonly accuracy: number;
}

export function trainIris(
  algorithm: string,
  hyperparameters?: Record<string, string | number | boolean>,
): TrainedModel {
  const { root, metrics } = trainBuiltin('iris', algorithm, { keep: true, hyperparameters });
  try {
    const bytes = new Uint8Array(readFileSync(join(root, 'model', 'model.onnx')));
    const contract = ModelContractSchema.parse(
      JSON.parse(readFileSync(join(root, 'model', 'contract.json'), 'utf8')),
    );
    const accuracy = metrics.metrics.task === 'classification' ? metrics.metrics.accuracy : Number.NaN;
    return { bytes, contract, accuracy };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The iris rows (features by contract name, and the true class). */
export const IRIS: readonly { features: Record<string, number>; target: number }[] = (() => {
  const [header, ...lines] = readFileSync(new URL('../../datasets/iris.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const values = line.split(',').map(Number);
    const features = Object.fromEntries(names.slice(0, -1).map((n, i) => [n, values[i]]));
    return { features, target: values[values.length - 1] };
  });
})();

/** Registers trained models as versions 1..n of `model`, makes `champion` its champion, creates its endpoint. */
export async function deployModel(
  deps: CoreDeps,
  model: string,
  versions: readonly TrainedModel[],
  champion = 1,
): Promise<void> {
  for (const v of versions) await registerOnnx(deps, model, v.bytes, v.contract);
  await setAlias(deps, {
    model,
    alias: 'champion',
    version: champion,
    reason: 'test setup',
    policy: 'manual',
    by: 'test',
  });
  await ensureEndpoint(deps, { model });
}

/**
 * The Step Functions control plane, mocked: records what the API starts (the training pipeline
 * itself is exercised by tests/local). Everything else in these tests is real.
 */
export function recordingRunner(): PipelineRunner & {
  started: { pipeline: PipelineName; name: string; input: unknown }[];
} {
  const started: { pipeline: PipelineName; name: string; input: unknown }[] = [];
  return {
    started,
    async start(pipeline, name, input) {
      started.push({ pipeline, name, input });
      return { executionId: `exec-${started.length}` };
    },
    async describe(executionId): Promise<ExecutionSummary & { history: readonly ExecutionEvent[] }> {
      return {
        executionId,
        status: 'RUNNING',
        startedAt: new Date(0).toISOString(),
        history: [{ type: 'ExecutionStarted', at: new Date(0).toISOString() }],
      };
    },
  };
}

export const TOKEN = 'test-token';

export interface Reply {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface ApiHarness {
  readonly emu: TestEmulators;
  readonly deps: CoreDeps;
  readonly ctx: ApiContext;
  readonly app: CirrusApp;
  /** The app's predict state (what the predict lane shares). */
  readonly serving: ServingState;
  readonly runner: ReturnType<typeof recordingRunner>;
  readonly events: { detailType: string; detail: Record<string, unknown> }[];
  /** A JSON request with the bearer token; `raw` sends the body string as is. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { raw?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  close(): Promise<void>;
}

type Call = ApiHarness['call'];

/** Parses an answer's body as JSON when it is JSON. */
export async function replyOf(res: Response): Promise<Reply> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text (asserted on by the caller)
  }
  return { status: res.status, body: parsed };
}

function requestInit(
  method: string,
  body: unknown,
  options: { raw?: string; headers?: Record<string, string> },
) {
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  return {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: payload,
  };
}

/**
 * The harness's app behind a real Node server on 127.0.0.1, as the local runtime serves it
 * (`nodeListener`: plain predictions through the predict lane, the rest through Hono).
 */
export async function serveOverNode(
  api: ApiHarness,
): Promise<{ url: string; call: Call; close(): Promise<void> }> {
  const server = createServer(nodeListener(api, api.deps, { token: TOKEN }));
  refuseConnect(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    call: async (method, path, body, options = {}) =>
      replyOf(await fetch(`${base}${path}`, requestInit(method, body, options))),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The API app in-process (`app.request`) over real emulators. */
export async function startApi(serving?: ServingOptions): Promise<ApiHarness> {
  const emu = await startTestEmulators();
  const runner = recordingRunner();
  const published: { detailType: string; detail: Record<string, unknown> }[] = [];
  const events: EventPublisher = {
    async publish(detailType, detail) {
      published.push({ detailType, detail });
    },
  };
  const ctx: ApiContext = { deps: emu.deps, pipelines: runner, events, publicUrl: 'http://127.0.0.1:8787' };
  const { app, serving: state, close } = createApp(ctx, { token: TOKEN, serving });
  return {
    emu,
    deps: emu.deps,
    ctx,
    app,
    serving: state,
    runner,
    events: published,
    async call(method, path, body, options = {}) {
      return replyOf(await app.request(path, requestInit(method, body, options)));
    },
    async close() {
      await close();
      await emu.close();
    },
  };
}
