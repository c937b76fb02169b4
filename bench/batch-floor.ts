/**
 * The floor bench/batch.ts compares the state machine with, as issue 21 words it: the same model
 * scoring the same rows in one process with onnxruntime-node, in batches of the same size. It
 * does the work any batch scorer must do and nothing else: stream the input CSV from local disk,
 * split lines, read each cell's number with the job's own parser (`decimalAt`, falling back to
 * `Number`), one session.run per batch,
 * write the same output lines (key, label, one probability per class, model, version) to a local
 * file through a write stream. No S3, no state machine, no validation beyond the numbers.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import * as ort from 'onnxruntime-node';
import { decimalAt } from '../core/batch/numeric-rows.js';

export interface StreamedFloorOptions {
  readonly model: Buffer;
  readonly input: string;
  readonly output: string;
  readonly batch: number;
  /** The output file's first line (the job's CSV header). */
  readonly header: string;
  readonly classes: readonly string[];
  readonly modelName: string;
  readonly version: number;
}

export interface FloorResult {
  readonly rows: number;
  readonly rps: number;
  readonly cpuSeconds: number;
}

/** Streams, parses, scores and writes; returns rows/s and CPU seconds (session creation excluded). */
export async function streamedFloor(o: StreamedFloorOptions): Promise<FloorResult> {
  const session = await ort.InferenceSession.create(o.model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const out = createWriteStream(o.output, { highWaterMark: 1 << 20 });
  out.write(o.header);
  const tail = `,${o.modelName},${o.version}\n`;
  let width = 0;
  let data = new Float32Array(0);
  let n = 0;
  let rows = 0;
  const flush = async () => {
    if (n === 0) return;
    const res = await session.run({
      numeric: new ort.Tensor('float32', data.subarray(0, n * width), [n, width]),
    });
    const labels = res.label.data as BigInt64Array;
    const probs = res.probabilities.data as Float32Array;
    const k = o.classes.length;
    let text = '';
    for (let i = 0; i < n; i++) {
      text += `${rows - n + i + 1},${o.classes[Number(labels[i])]}`;
      for (let c = 0; c < k; c++) text += `,${probs[i * k + c]}`;
      text += tail;
    }
    for (const t of Object.values(res)) t.dispose();
    n = 0;
    if (!out.write(text)) await once(out, 'drain');
  };
  /** Parses one line into the batch; true when the batch is full. */
  const push = (text: string): boolean => {
    if (text === '') return false;
    if (width === 0) {
      width = text.split(',').length;
      data = new Float32Array(o.batch * width);
      return false;
    }
    const at = n * width;
    let start = 0;
    for (let j = 0; j < width; j++) {
      let end = text.indexOf(',', start);
      if (end === -1) end = text.length;
      const v = decimalAt(text, start, end);
      data[at + j] = v === v ? v : Number(text.slice(start, end));
      start = end + 1;
    }
    n++;
    rows++;
    return n === o.batch;
  };
  let rest = '';
  for await (const chunk of createReadStream(o.input, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (push(text.slice(start, nl))) await flush();
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  push(rest);
  await flush();
  out.end();
  await finished(out);
  const cpu = process.cpuUsage(cpuStart);
  return {
    rows,
    rps: rows / ((performance.now() - started) / 1000),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** SHA-256 of a byte stream, hex. */
export async function sha256Of(body: AsyncIterable<Uint8Array | string>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk);
  return hash.digest('hex');
}
