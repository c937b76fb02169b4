// One fresh process of bench/lambda.ts, run as Lambda's Node.js runtime runs a function: cwd is
// the task root, the layer's modules resolve from node_modules, `handler(event, context)`.
// Usage: node lambda-runner.mjs <mode> <taskDir> <argsJson> <resultFile>; writes its figures
// as JSON to resultFile (stdout is the function's: the prediction log's lines go there).
// Modes: bare (start only) | ort (+ onnxruntime-node's load) | compile (+ compiling the bundle,
// not evaluating it; needs --experimental-vm-modules) | import (+ the bundle's import) |
// cold (import, then one invocation) | warm (invocations, timed) | session (bare session.run, timed).
import { readFileSync, writeFileSync } from 'node:fs';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [mode, taskDir, argsJson = '{}', resultFile] = process.argv.slice(2);
const args = JSON.parse(argsJson);
const context = {
  awsRequestId: 'bench',
  functionName: 'cirrus-predict',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cirrus-predict',
  memoryLimitInMB: '1536',
  logGroupName: '/aws/lambda/cirrus-predict',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
};

/** ms since this process started (performance's time origin). */
const since = () => performance.now();
/** CPU ms this process has used (user + system): steadier than wall time on a shared machine. */
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const out = { mode };
const ort = () => createRequire(join(taskDir, 'index.mjs'))('onnxruntime-node');

async function invoke(handler, event) {
  const t0 = performance.now();
  const result = await handler(event, context);
  const ms = performance.now() - t0;
  if (result.statusCode !== 200) throw new Error(`status ${result.statusCode}: ${result.body}`);
  return ms;
}

/** n timed calls, summarized (the whole series would be a long line on a pipe). */
async function timed(n, fn) {
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = await fn();
  times.sort();
  const at = (q) => times[Math.min(n - 1, Math.floor(q * n))];
  let sum = 0;
  let billed = 0;
  for (const t of times) {
    sum += t;
    billed += Math.ceil(t);
  }
  return { p50: at(0.5), p99: at(0.99), mean: sum / n, billedMean: billed / n };
}

if (mode === 'ort') {
  ort();
  out.ortLoadedAt = since();
  out.ortLoadedCpu = cpu();
} else if (mode === 'compile') {
  new vm.SourceTextModule(readFileSync(join(taskDir, 'index.mjs'), 'utf8'));
  out.compiledAt = since();
  out.compiledCpu = cpu();
} else if (mode === 'import' || mode === 'cold' || mode === 'warm') {
  const { handler } = await import(pathToFileURL(join(taskDir, 'index.mjs')).href);
  out.importedAt = since();
  out.importedCpu = cpu();
  if (mode === 'cold') {
    out.firstMs = await invoke(handler, args.single);
    out.answeredAt = since();
    out.answeredCpu = cpu();
  }
  if (mode === 'warm') {
    for (let i = 0; i < 200; i++) await invoke(handler, i % 2 ? args.batch : args.single);
    out.single = await timed(args.n, () => invoke(handler, args.single));
    out.batch = await timed(args.n, () => invoke(handler, args.batch));
    out.rssMb = process.memoryUsage().rss / 2 ** 20;
  }
} else if (mode === 'session') {
  const { InferenceSession, Tensor } = ort();
  const t0 = performance.now();
  const session = await InferenceSession.create(readFileSync(args.model));
  out.createMs = performance.now() - t0;
  const feeds = (rows) => {
    const data = Float32Array.from(rows.flat());
    return { [session.inputNames[0]]: new Tensor('float32', data, [rows.length, rows[0].length]) };
  };
  const single = feeds([args.rows[0]]);
  const batch = feeds(args.rows.slice(0, 100));
  const run = (f) => async () => {
    const t = performance.now();
    await session.run(f);
    return performance.now() - t;
  };
  for (let i = 0; i < 200; i++) await session.run(i % 2 ? batch : single);
  out.single = await timed(args.n, run(single));
  out.batch = await timed(args.n, run(batch));
  out.rssMb = process.memoryUsage().rss / 2 ** 20;
} else if (mode !== 'bare') {
  throw new Error(`unknown mode ${mode}`);
}
out.exitAt = since();
out.exitCpu = cpu();
writeFileSync(resultFile, JSON.stringify(out));
// Lambda freezes the process after the answer; end it here (SDK sockets may be kept alive).
process.exit(0);
