import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { OnnxGraph } from '../../core/ml/onnx/index.js';
import { binMatrix } from '../../training/algorithms/trees/gbm/binning.js';
import { gradientBoosting } from '../../training/algorithms/trees/gbm/gradient-boosting.js';
import { binnedMemory, HistogramMemory } from '../../training/algorithms/trees/gbm/histogram-memory.js';
import { logisticPairs } from '../../training/algorithms/trees/gbm/loss.js';
import { ParallelHistograms, parallelTestHooks } from '../../training/algorithms/trees/gbm/parallel.js';
import type { FitData, FittedModel } from '../../training/algorithms/types.js';

/**
 * 30,000 x 20 rows with 5% missing: large enough that nodes cross both two-thread
 * thresholds (histogram updates, and rows of a partition).
 */
function synthetic(rows: number, cols: number, nClasses: number, seed: number): FitData {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: rows * cols }, () =>
    rng.next() < 0.05 ? Number.NaN : rng.normal(),
  );
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = data[r * cols] || 0;
    const b = data[r * cols + 1] || 0;
    const score = a * b + 0.5 * (data[r * cols + 2] || 0) + 0.3 * rng.normal();
    y[r] = nClasses === 2 ? (score > 0 ? 1 : 0) : score < -0.5 ? 0 : score < 0.5 ? 1 : 2;
  }
  return { X: { data, rows, cols }, y, task: 'classification', nClasses, seed };
}

/** The model's ONNX graph bytes (every tree's features, thresholds, branches and leaf values). */
function onnxBytes(model: FittedModel, cols: number): Buffer {
  const g = new OnnxGraph('threads-test');
  const out = model.exportOnnx(g, g.input('numeric', { type: 'FLOAT', dims: ['N', cols] }));
  g.output(out.probabilities!, 'probabilities', { type: 'FLOAT', dims: ['N', 0] });
  return Buffer.from(g.toBytes());
}

describe('gradient_boosting histogram threads', () => {
  it('partitions a large node on two threads into exactly the single-thread order, then builds a child', () => {
    const n = 400_000;
    const data = synthetic(n, 3, 2, 8);
    const [one, two] = [0, 1].map(() => new HistogramMemory(binMatrix(data.X, 255)));
    const parallel = new ParallelHistograms(two);
    const { ctrl } = parallel as unknown as { ctrl: Int32Array };
    const bytes = (a: Uint32Array | Float64Array): Buffer =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    try {
      parallel.awaitReady();
      let workerRuns = 0;
      for (let round = 0; round < 4; round++) {
        for (const [feature, bin, missingLeft] of [
          [1, 90, true],
          [2, 200, false],
          [0, 3, true],
        ] as const) {
          for (const mem of [one, two]) {
            for (let i = 0; i < n; i++) mem.rows[i] = (i * 7919) % n;
            mem.gradientPairs.forEach((_, i) => (mem.gradientPairs[i] = i));
          }
          const code = (r: number) => one.data.codes[feature * n + r];
          let nLeft = 0;
          for (let i = 1_000; i < n - 1_000; i++) {
            const c = code(one.rows[i]);
            nLeft += (c === 255 ? missingLeft : c <= bin) ? 1 : 0;
          }
          const split = { feature, bin, missingLeft, nLeft };
          const mid = one.partition(1_000, n - 1_000, 0, split);
          // The left child's histogram in the same request (the split's second phase).
          const [histOne, histTwo] = [one.take(), two.take()];
          one.build(histOne, 1_000, mid, 1);
          const child = { hist: histTwo, start: 1_000, end: mid };
          expect(parallel.partition(1_000, n - 1_000, 0, split, child)).toBe(mid);
          // Runs the worker took from the back (the ticket's low six bits).
          workerRuns += ctrl[1] & 63;
          expect(bytes(two.rowsOf(1)).equals(bytes(one.rowsOf(1)))).toBe(true);
          expect(bytes(two.pairsOf(1)).equals(bytes(one.pairsOf(1)))).toBe(true);
          expect(bytes(histTwo).equals(bytes(histOne))).toBe(true);
          one.give(histOne);
          two.give(histTwo);
        }
      }
      expect(workerRuns).toBeGreaterThan(0);
    } finally {
      parallel.close();
    }
  });

  it("adds a tree's leaf values on both threads exactly as one thread does", () => {
    const n = 200_000;
    const data = synthetic(n, 2, 2, 6);
    const [one, two] = [0, 1].map(() => new HistogramMemory(binMatrix(data.X, 255)));
    const parallel = new ParallelHistograms(two);
    try {
      parallel.awaitReady();
      const [rawOne, rawTwo] = [one.allocate(n), two.allocate(n)];
      const expected = new Float64Array(n);
      const rng = createRng(3);
      // Many trees, so the worker surely claims some runs of leaves.
      for (let tree = 0; tree < 30; tree++) {
        const cuts = [0, ...Array.from({ length: 30 }, () => rng.int(n)).sort((a, b) => a - b), n];
        const leaves = cuts.slice(1).map((end, i) => ({
          start: cuts[i],
          end,
          side: ((tree + i) % 2) as 0 | 1,
          value: rng.normal(),
        }));
        // Each row in one leaf, on that leaf's side; the other side holds a decoy row there.
        for (const l of leaves) {
          for (let i = l.start; i < l.end; i++) {
            const row = (i * 7919 + tree) % n;
            for (const mem of [one, two]) {
              mem.rowsOf(l.side)[i] = row;
              mem.rowsOf((1 - l.side) as 0 | 1)[i] = l.start;
            }
            expected[row] += l.value;
          }
        }
        for (const l of leaves) one.addLeaf(rawOne, l.start, l.end, l.value, l.side);
        parallel.addLeaves(rawTwo, leaves);
      }
      const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(rawOne).equals(bytes(expected))).toBe(true);
      expect(bytes(rawTwo).equals(bytes(rawOne))).toBe(true);
      expect(rawOne.some((v) => v !== 0)).toBe(true);
    } finally {
      parallel.close();
    }
  });

  it('computes the loss gradients on both threads exactly as one thread does', () => {
    const n = 200_000;
    const data = synthetic(n, 2, 2, 5);
    const [one, two] = [0, 1].map(() => new HistogramMemory(binMatrix(data.X, 255)));
    const parallel = new ParallelHistograms(two, logisticPairs);
    try {
      parallel.awaitReady();
      const y = two.allocate(n);
      y.set(data.y);
      const raw = two.allocate(n);
      const rng = createRng(2);
      const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      // Many rounds, so the worker surely claims some of the runs.
      for (let round = 0; round < 30; round++) {
        for (let i = 0; i < n; i++) raw[i] = rng.normal() * 3;
        logisticPairs(data.y, raw, one.gradientPairs, 0, n);
        parallel.gradients(y, raw);
        expect(bytes(two.gradientPairs).equals(bytes(one.gradientPairs))).toBe(true);
      }
    } finally {
      parallel.close();
    }
  });

  it('ignores a wake-up without a new request (the last one is not run again)', () => {
    const data = synthetic(50_000, 3, 2, 9);
    const [one, two] = [0, 1].map(() => new HistogramMemory(binMatrix(data.X, 255)));
    const parallel = new ParallelHistograms(two);
    try {
      parallel.awaitReady();
      const hists = [one, two].map((mem) => {
        for (let i = 0; i < 50_000; i++) mem.rows[i] = (i * 7919) % 50_000;
        mem.gradientPairs.fill(1);
        return mem.take();
      });
      one.build(hists[0], 0, 50_000);
      parallel.build(hists[1], 0, 50_000);
      // A spurious wake of the worker's wait: the request sequence is unchanged.
      const { ctrl } = parallel as unknown as { ctrl: Int32Array };
      Atomics.notify(ctrl, 0);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      expect(Array.from(hists[1])).toEqual(Array.from(hists[0]));
    } finally {
      parallel.close();
    }
  });

  it('bins a matrix on two threads into exactly the codes and edges of binMatrix', () => {
    const rng = createRng(8);
    // 70 columns: more than a request's 63 chunks, so runs of two columns too.
    const kinds = [
      () => rng.normal() * 1e3,
      () => (rng.next() < 0.1 ? Number.NaN : rng.normal()),
      () => Math.floor(rng.next() * 40),
      () => Math.floor(rng.next() * 300) / 3,
      () => Number.NaN,
    ];
    const [rows, cols] = [20_000, 70];
    const data = Float64Array.from({ length: rows * cols }, (_, i) => kinds[(i % cols) % kinds.length]());
    const X = { data, rows, cols };
    let parallel: ParallelHistograms | undefined;
    parallelTestHooks.binAfterWorker = true;
    try {
      const mem = binnedMemory(X, 64, (m) => {
        parallel = new ParallelHistograms(m, undefined, true);
        parallel.awaitReady();
        return parallel;
      });
      const ref = binMatrix(X, 64);
      // The codes live in the kernel's memory (from address 0; the memory grew for the columns).
      const codes = new Uint8Array(mem.memory.buffer, 0, rows * cols);
      const diff = codes.findIndex((c, i) => c !== ref.codes[i]);
      expect(diff, `first code difference at column ${Math.floor(diff / rows)}`).toBe(-1);
      expect(mem.data.edges.map((e) => Array.from(e))).toEqual(ref.edges.map((e) => Array.from(e)));
      expect(Array.from(mem.data.nBins)).toEqual(Array.from(ref.nBins));
    } finally {
      parallelTestHooks.binAfterWorker = false;
      parallel?.close();
    }
  });

  for (const nClasses of [2, 3]) {
    it(`exports byte-identical ONNX with one thread and with two (${nClasses} classes)`, () => {
      const data = synthetic(30_000, 20, nClasses, 4);
      const params = (threads: number) => gradientBoosting.params.parse({ max_iter: 6, threads });
      const one = gradientBoosting.fit(data, params(1));
      const two = gradientBoosting.fit(data, params(2));
      expect(onnxBytes(two, 20).equals(onnxBytes(one, 20))).toBe(true);
      let hits = 0;
      const labels = two.predict(data.X).labels!;
      for (let i = 0; i < labels.length; i++) hits += labels[i] === data.y[i] ? 1 : 0;
      expect(hits / labels.length).toBeGreaterThan(nClasses === 2 ? 0.8 : 0.6);
    });
  }
});
