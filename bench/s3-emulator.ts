/**
 * The emulated S3's cost, through the real SDK client against the local runtime's emulator
 * thread (SigV4 check, s3rver, its files), printed beside references measured in the same run.
 *
 *   node --import tsx bench/s3-emulator.ts objects [N=400] [KB=200] [rounds=3]
 *     PUTs then GETs N objects of KB each, 8 at a time (the batch job's pattern): through the
 *     runtime's emulator thread, and through s3rver on this thread as shipped and with the fast
 *     path + FastFilesystemStore (an A/B); beside the same bytes written/read with node:fs, and PUT/GET
 *     to a bare node:http server on a worker thread (keeps bodies in memory). Per object: wall ms
 *     and process CPU us (all threads). Rounds are interleaved; medians are printed.
 *   node --import tsx bench/s3-emulator.ts large [MB=150]
 *     the dataset upload path on an MB CSV: a presigned PUT (streamed from disk, as `cirrus
 *     datasets upload` does), the upload's complete (its start and background check), then a bare CopyObject and a streamed
 *     GetObject (ETag checked against the md5 of the bytes read), with the process's peak RSS
 *     above its start in each step (sampled every 10 ms) and VmHWM.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createDatasetUpload } from '../core/datasets/uploads.js';
import { checkDatasetUpload, startDatasetUpload } from '../core/datasets/upload-status.js';
import { destroyDeps } from '../core/clients.js';
import { type CoreDeps, DEFAULT_BUCKET } from '../core/deps.js';
import { createDeps } from '../local/emulators/index.js';
import { startS3rver } from '../local/emulators/servers.js';
import { startEmulatorsThread } from '../local/emulators/thread.js';

const CONCURRENCY = 8;

interface Cost {
  wallMs: number;
  cpuUs: number;
}

async function measure(n: number, run: () => Promise<void>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - t0) / n, cpuUs: (used.user + used.system) / n };
}

async function pool(n: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

/** CSV-like bytes (digits, commas, newlines), distinct per object. */
function bodies(n: number, kb: number): Buffer[] {
  return Array.from({ length: n }, () => {
    const raw = randomBytes(kb * 1024);
    for (let i = 0; i < raw.length; i++) raw[i] = i % 64 === 63 ? 10 : i % 8 === 7 ? 44 : 48 + (raw[i] % 10);
    return raw;
  });
}

const BARE_SERVER = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const store = new Map();
const server = http.createServer((req, res) => {
  if (req.method === 'PUT') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { store.set(req.url, Buffer.concat(chunks)); res.writeHead(200, { etag: '"x"' }); res.end(); });
  } else {
    const body = store.get(req.url);
    res.writeHead(body ? 200 : 404, { 'content-length': body ? body.length : 0 });
    res.end(body);
  }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

async function bareServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(BARE_SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return {
    port,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

function httpCall(agent: Agent, port: number, method: string, path: string, body?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, port, host: '127.0.0.1', method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function s3Round(deps: CoreDeps, data: Buffer[], round: number): Promise<[Cost, Cost]> {
  const { s3, bucket } = deps;
  const key = (i: number) => `bench/r${round}/part-${String(i).padStart(5, '0')}.csv`;
  const put = await measure(data.length, () =>
    pool(data.length, async (i) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(i), Body: data[i] }));
    }),
  );
  const get = await measure(data.length, () =>
    pool(data.length, async (i) => {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(i) }));
      const bytes = await out.Body!.transformToByteArray();
      if (Buffer.compare(bytes, data[i]) !== 0) throw new Error(`object ${i} came back different`);
    }),
  );
  return [put, get];
}

/** s3rver on this thread as shipped or with Cirrus's fast path and store, behind the same SigV4 check. */
async function inProcessS3(dir: string, plain: boolean): Promise<{ deps: CoreDeps; stop(): Promise<void> }> {
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench-secret' };
  const server = await startS3rver(dir, DEFAULT_BUCKET, credentials, 0, { plain });
  const deps = createDeps({
    endpoints: { s3: server.endpoint, dynamodb: 'http://127.0.0.1:9' },
    credentials,
  });
  return {
    deps,
    stop: async () => {
      destroyDeps(deps);
      await server.stop();
    },
  };
}
async function fsRound(dir: string, data: Buffer[], round: number): Promise<[Cost, Cost]> {
  const file = (i: number) => join(dir, `fs-r${round}-${i}.csv`);
  const put = await measure(data.length, () => pool(data.length, (i) => writeFile(file(i), data[i])));
  const get = await measure(data.length, () =>
    pool(data.length, async (i) => {
      if ((await readFile(file(i))).length !== data[i].length) throw new Error('short read');
    }),
  );
  return [put, get];
}

async function httpRound(port: number, data: Buffer[], round: number): Promise<[Cost, Cost]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const path = (i: number) => `/r${round}/${i}`;
  const put = await measure(data.length, () =>
    pool(data.length, async (i) => {
      await httpCall(agent, port, 'PUT', path(i), data[i]);
    }),
  );
  const get = await measure(data.length, () =>
    pool(data.length, async (i) => {
      if ((await httpCall(agent, port, 'GET', path(i))).length !== data[i].length) throw new Error('short');
    }),
  );
  agent.destroy();
  return [put, get];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function objectsMode(n: number, kb: number, rounds: number): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'cirrus-bench-s3-'));
  const emu = await startEmulatorsThread({ dataDir: join(scratch, 'data') });
  const plain = await inProcessS3(join(scratch, 'plain'), true);
  const fast = await inProcessS3(join(scratch, 'fast'), false);
  const bare = await bareServer();
  const data = bodies(n, kb);
  const variants: [string, (r: number) => Promise<[Cost, Cost]>][] = [
    ['fs (reference)', (r) => fsRound(scratch, data, r)],
    ['bare http (reference)', (r) => httpRound(bare.port, data, r)],
    ['s3rver as shipped', (r) => s3Round(plain.deps, data, r)],
    ['fast path + store', (r) => s3Round(fast.deps, data, r)],
    ['runtime (emulator thread)', (r) => s3Round(emu.deps, data, r)],
  ];
  const results = new Map<string, [Cost, Cost][]>(variants.map(([name]) => [name, []]));
  try {
    for (const deps of [plain.deps, fast.deps, emu.deps]) await s3Round(deps, data.slice(0, 20), -1); // warm-up
    for (let r = 0; r < rounds; r++)
      for (const [name, run] of variants) results.get(name)!.push(await run(r));
  } finally {
    await bare.stop();
    await Promise.all([plain.stop(), fast.stop(), emu.stop()]);
    await rm(scratch, { recursive: true, force: true });
  }
  report(
    results,
    `${n} objects x ${kb} KB, ${CONCURRENCY} at a time, ${rounds} interleaved rounds (medians)`,
  );
}

function report(results: Map<string, [Cost, Cost][]>, title: string): void {
  console.log(`${title}, load ${load()}`);
  console.log(
    '(s3 rows: SDK client -> SigV4 check -> s3rver; the runtime row runs the server on its own thread)',
  );
  console.log('                           PUT ms/obj  PUT CPU us/obj   GET ms/obj  GET CPU us/obj');
  const cpu = (name: string, side: 0 | 1) => median(results.get(name)!.map((r) => r[side].cpuUs));
  for (const [name, rows] of results) {
    const col = (side: 0 | 1, f: keyof Cost) => median(rows.map((r) => r[side][f]));
    console.log(
      `${name.padEnd(26)} ${col(0, 'wallMs').toFixed(3).padStart(10)} ${col(0, 'cpuUs').toFixed(0).padStart(15)} ` +
        `${col(1, 'wallMs').toFixed(3).padStart(12)} ${col(1, 'cpuUs').toFixed(0).padStart(15)}`,
    );
  }
  const ratio = (a: string, b: string, side: 0 | 1) => `${(cpu(a, side) / cpu(b, side)).toFixed(2)}x`;
  const bare = 'bare http (reference)';
  for (const name of ['s3rver as shipped', 'fast path + store', 'runtime (emulator thread)'])
    console.log(`CPU ${name} / bare http: PUT ${ratio(name, bare, 0)}, GET ${ratio(name, bare, 1)}`);
  const [a, b] = ['fast path + store', 's3rver as shipped'];
  console.log(`CPU ${a} / ${b}: PUT ${ratio(a, b, 0)}, GET ${ratio(a, b, 1)}`);
}

const load = () => loadavg()[0].toFixed(1);

/** Peak RSS (MiB above `base`) while `run` runs, sampled every 10 ms. */
async function peakRss<T>(
  run: () => Promise<T>,
  base: number,
): Promise<{ value: T; peakMiB: number; ms: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t0 = performance.now();
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMiB: (peak - base) / 2 ** 20, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

async function writeLargeFile(path: string, mb: number): Promise<void> {
  const chunk = bodies(1, 1024)[0];
  const out = createWriteStream(path);
  out.write('a,b,c,d,e,f,g,h\n');
  for (let i = 0; i < mb; i++)
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

function presignedPut(url: string, file: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'PUT', headers: { 'content-length': size, 'content-type': 'text/csv' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

async function largeMode(mb: number): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'cirrus-bench-s3-'));
  const file = join(scratch, 'large.csv');
  await writeLargeFile(file, mb);
  const size = (await stat(file)).size;
  const emu = await startEmulatorsThread({ dataDir: join(scratch, 'data') });
  const { deps } = emu;
  const { s3, bucket } = deps;
  try {
    const base = process.memoryUsage.rss();
    const upload = await createDatasetUpload(deps, { name: 'big', bytes: size });
    const put = await peakRss(() => presignedPut(upload.url, file, size), base);
    if (put.value !== 200) throw new Error(`PUT answered ${put.value}`);
    // The path `complete` takes: the cheap checks, then the background check that registers.
    const complete = await peakRss(async () => {
      const { job } = await startDatasetUpload(deps, upload.uploadId, { name: 'big', bytes: size });
      if (!job) throw new Error('the upload was already completed');
      const status = await checkDatasetUpload(deps, job);
      if (status.status !== 'registered')
        throw new Error(`upload ${status.status}: ${JSON.stringify(status)}`);
      return status.dataset;
    }, base);
    const dataKey = `datasets/big/${complete.value.version}/data.csv`;
    const copy = await peakRss(
      () =>
        s3.send(
          new CopyObjectCommand({ Bucket: bucket, Key: 'copy/data.csv', CopySource: `${bucket}/${dataKey}` }),
        ),
      base,
    );
    const get = await peakRss(async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/data.csv' }));
      const hash = createHash('md5');
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
      return { etag: out.ETag, md5: hash.digest('hex') };
    }, base);
    if (get.value.etag !== `"${get.value.md5}"`)
      throw new Error(`ETag ${get.value.etag} is not the md5 ${get.value.md5}`);
    console.log(
      `${(size / 2 ** 20).toFixed(0)} MiB CSV; process RSS at start ${(base / 2 ** 20).toFixed(0)} MiB, load ${load()}`,
    );
    const steps = [
      ['presigned PUT (emulator)', put],
      ['complete (start + background check: stream, schema, copy)', complete],
      ['CopyObject (emulator)', copy],
      ['GetObject streamed (emulator)', get],
    ] as const;
    for (const [name, m] of steps)
      console.log(
        `${name.padEnd(58)} ${m.ms.toFixed(0).padStart(7)} ms   peak RSS +${m.peakMiB.toFixed(0)} MiB`,
      );
    console.log(`ETag == md5 of the bytes read back: yes. VmHWM ${await vmHwm()} MiB`);
  } finally {
    await emu.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function vmHwm(): Promise<string> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
  return kb ? (Number(kb) / 1024).toFixed(0) : '?';
}

const [mode = 'objects', ...rest] = process.argv.slice(2);
if (mode === 'large') await largeMode(Number(rest[0] ?? 150));
else await objectsMode(Number(rest[0] ?? 400), Number(rest[1] ?? 200), Number(rest[2] ?? 3));
