import { Worker } from 'node:worker_threads';
import type { Matrix } from '../../types.js';
import { BLOCK_COLUMNS, type BinnedData, columnBlock, MISSING_BIN, type MatrixBinner } from './binning.js';
import { type ColumnBinner, columnBinner } from './column-binner.js';
import type { Histogram } from './histogram.js';
import { clearFeatures, HISTOGRAM_BYTES } from './histogram.js';
import { checkLefts, type HistogramMemory, type PartitionSplit, type Side } from './histogram-memory.js';
import type { PairsFn } from './loss.js';
import { histogramKernel } from './wasm-kernel.js';

/**
 * A second thread running the same WebAssembly kernel on the same shared memory (codes, row
 * indexes, ordered gradient pairs, histograms, partition tables), for the two row passes of a
 * large node, each cut into chunks that either thread claims (an atomic ticket):
 * - a histogram: a chunk is a group of features (each feature summed by one thread, in row order);
 * - a partition: a chunk is a run of the node's rows; this thread claims runs from the first
 *   one forward, the worker from the last one backward, each writing its runs' rows straight
 *   to their places in the single-thread partition (see `partition`);
 * - the gradient pairs of a single-output loss: a chunk is a run of rows;
 * - a tree's leaf values added to the raw scores: a chunk is a run of leaves (each row is in one leaf);
 * - binning (once per fit, before the worker may be ready): a chunk is a run of columns, binned
 *   once this thread has written them as float32 columns (see `binMatrix`).
 * So trees do not depend on threads, nor on which thread ran which chunk; and the main thread
 * never waits for a worker that has not started (it claims the chunks itself), only for a
 * chunk in progress, which keeps two threads useful on a loaded machine.
 *
 * The worker runs plain JavaScript from a string: a TypeScript worker file would need the
 * tsx loader inside the worker, which vitest and the trainer's child process do not share,
 * and the bundled trainer would need a second file. Its `run` mirrors `runChunk` below.
 */
const HISTOGRAM_TASK = 0;
const PARTITION_TASK = 1;
const GRADIENT_TASK = 2;
const LEAVES_TASK = 3;
const BIN_TASK = 4;

// ctrl slots (Int32): the request sequence, the chunk ticket, chunks completed, and the
// worker's state (STARTING, then READY once its kernel instance exists, or FAILED). A ticket
// is (sequence mod 2^18) << 12 | chunk count << 6 | next chunk: a thread claims a chunk by
// compare-and-swap on it, which also proves the request (and its args) is still current. A
// partition's ticket is TWO_ENDED | (sequence mod 2^18) << 12 | runs claimed from the front
// << 6 | runs claimed from the back (its run count is in its args); a split's child
// histogram, claimed once the partition is done, has its own ticket in HIST_TICKET. TRANSPOSED:
// how many columns binning's float32 columns hold so far.
const [REQUEST, TICKET, COMPLETED, STATE, HIST_TICKET, TRANSPOSED] = [0, 1, 2, 3, 4, 5];
/** Where a histogram's arguments start in a request's args (a split's second phase too). */
const HIST_ARGS = 7;
const [STARTING, READY, FAILED] = [0, 1, -1];
/** At most this many chunks per request (6 bits of the ticket). */
const MAX_CHUNKS = 63;
const SEQ_MOD = 1 << 18;
const TWO_ENDED = 1 << 30;
const ticketOf = (seq: number, chunks: number) => (seq % SEQ_MOD << 12) | (chunks << 6);

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, args, bounds, features, lefts, n, featureBytes, table, rowsAt, pairsAt, startDelayMs, gradientPairsAt, lossPairs, leafTable, binnerSource, binEdges, binCounts } = workerData;
let { binValues } = workerData;
const signal = (state) => { Atomics.store(ctrl, ${STATE}, state); Atomics.notify(ctrl, ${STATE}); };
if (startDelayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, startDelayMs);
let kernel, gradientPairs, makeBinner, binner;
try {
  kernel = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
  // The loss's own function, from its source text (see loss.ts: PairsFn).
  if (lossPairs) gradientPairs = new Function('return (' + lossPairs + ')')();
  // The binner's factory, from its source text too (see column-binner.ts).
  if (binValues) makeBinner = new Function('return (' + binnerSource + ')')();
} catch (e) {
  signal(${FAILED});
  throw e;
}
const { acc4, acc1, acc2, acc3, splitBack, addLeaf } = kernel;
const rest = [undefined, acc1, acc2, acc3];
// Feature chunk k of the histogram in args[${HIST_ARGS}..]: hist, rows address, row count, pairs;
// its slots cleared first (see clearFeatures).
function histogram(k) {
  const a = features[k], b = features[k + 1];
  const h = args[${HIST_ARGS}], rows = args[${HIST_ARGS + 1}], m = args[${HIST_ARGS + 2}], pairs = args[${HIST_ARGS + 3}];
  new Float64Array(memory.buffer, h + a * featureBytes, ((b - a) * featureBytes) / 8).fill(0);
  let f = a;
  for (; f + 4 <= b; f += 4) acc4(h + f * featureBytes, f * n, n, rows, m, pairs);
  if (f < b) rest[b - f](h + f * featureBytes, f * n, n, rows, m, pairs);
}
function run(k) {
  const a = bounds[k], b = bounds[k + 1];
  if (args[0] === ${HISTOGRAM_TASK}) {
    histogram(k);
  } else if (args[0] === ${GRADIENT_TASK}) {
    const view = (at, length) => new Float64Array(memory.buffer, at, length);
    gradientPairs(view(args[1], args[3]), view(args[2], args[3]), view(gradientPairsAt, 2 * args[3]), a, b);
  } else if (args[0] === ${BIN_TASK}) {
    binColumns(a, b);
  } else {
    for (let l = a; l < b; l++) addLeaf(args[1], leafTable[3 * l], leafTable[3 * l + 1], leafTable[3 * l + 2]);
  }
}
// Columns [a, b) into the codes (from address 0) and binEdges/binCounts, once the main thread
// has written them to binValues.
function binColumns(a, b) {
  for (let t = Atomics.load(ctrl, ${TRANSPOSED}); t < b; t = Atomics.load(ctrl, ${TRANSPOSED}))
    Atomics.wait(ctrl, ${TRANSPOSED}, t, 1);
  binner ??= makeBinner(n);
  const codes = new Uint8Array(memory.buffer, 0, n * binCounts.length);
  for (let f = a; f < b; f++) {
    const e = binner.bin(binValues, f * n, args[1], codes, f * n);
    binEdges.set(e, f * ${MISSING_BIN});
    binCounts[f] = e.length + 1;
  }
}
// Claims chunks of the request \`mine\` from a ticket slot; \`before\`: chunks of the request
// completed before this ticket's (a split's partition runs).
function claim(slot, mine, runChunk, before) {
  for (;;) {
    const t = Atomics.load(ctrl, slot);
    const chunks = (t >> 6) & 63, k = t & 63;
    // Another request's ticket, or every chunk claimed: done with this one.
    if (t >>> 12 !== mine || k >= chunks) return;
    if (Atomics.compareExchange(ctrl, slot, t, t + 1) !== t) continue;
    try {
      runChunk(k);
    } catch (e) {
      signal(${FAILED});
    }
    if (Atomics.add(ctrl, ${COMPLETED}, 1) + 1 === before + chunks) Atomics.notify(ctrl, ${COMPLETED});
  }
}
// A partition's runs from the last one backward (the main thread takes them from the first
// one forward): each run's rows go below the previous one's, left ones ending at the split's
// middle, right ones at the node's end.
function partitionBackward(mine) {
  let left = 0, right = 0;
  for (let first = true; ; ) {
    const t = Atomics.load(ctrl, ${TICKET});
    // Read before the claim; a claim that succeeds proves the request (and args) current.
    const runs = args[6];
    if (t >>> 12 !== (${TWO_ENDED >>> 12} | mine) || ((t >> 6) & 63) + (t & 63) >= runs) return;
    if (Atomics.compareExchange(ctrl, ${TICKET}, t, t + 1) !== t) continue;
    const side = args[5], out = 1 - side, k = runs - 1 - (t & 63);
    if (first) [left, right, first] = [rowsAt[out] + args[3] * 4, rowsAt[out] + args[2] * 4, false];
    try {
      const a = bounds[k], m = bounds[k + 1] - a;
      const l = splitBack(rowsAt[side] + a * 4, m, args[4] * n, table, left, right, pairsAt[side], pairsAt[out]);
      lefts[k] = l;
      left -= 4 * l;
      right -= 4 * (m - l);
    } catch (e) {
      signal(${FAILED});
    }
    if (Atomics.add(ctrl, ${COMPLETED}, 1) + 1 === runs) Atomics.notify(ctrl, ${COMPLETED});
  }
}
// A split's second phase, a child's histogram: once every partition run is done (the other
// thread may be finishing one), if the request is still current.
function childHistogram(mine) {
  const runs = args[6];
  for (let i = 0; ; i++) {
    const done = Atomics.load(ctrl, ${COMPLETED});
    if (Atomics.load(ctrl, ${HIST_TICKET}) >>> 12 !== mine) return;
    if (done >= runs) break;
    if (i > 1000) Atomics.wait(ctrl, ${COMPLETED}, done, 1);
  }
  claim(${HIST_TICKET}, mine, histogram, runs);
}
signal(${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${REQUEST}, seen);
  const next = Atomics.load(ctrl, ${REQUEST});
  // Woken without a new request: nothing to claim.
  if (next === seen) continue;
  if (next < 0) break;
  seen = next;
  // Binning is over once another request comes: its columns may go.
  if (args[0] !== ${BIN_TASK}) binValues = undefined;
  const mine = next % ${SEQ_MOD};
  if (args[0] === ${PARTITION_TASK}) {
    partitionBackward(mine);
    childHistogram(mine);
  } else claim(${TICKET}, mine, run, 0);
}
`;

/**
 * Test hooks: `workerStartDelayMs` holds each new worker back before it instantiates the
 * kernel, so a fit's first nodes run before the worker is ready (the start-up order that a
 * loaded machine produces by chance); `binAfterWorker` makes binMatrix wait for the worker to
 * claim a run of columns first, so a test sees the worker bin some.
 */
export const parallelTestHooks = { workerStartDelayMs: 0, binAfterWorker: false };

/** Below this many bin updates a node is summed on one thread (waking the worker costs more). */
const PARALLEL_MIN_UPDATES = 60_000;

/** Below this many rows a node is partitioned on one thread. */
const PARALLEL_MIN_PARTITION_ROWS = 20_000;

/**
 * Relative sizes of the runs a large node's rows are partitioned in (and gradients computed
 * in), largest first: either thread takes the next run, so small last runs keep the thread
 * that finishes first from waiting long for the other's last one.
 */
const RUN_WEIGHTS = [3, 3, 2, 2, 1, 1];
const RUN_WEIGHT_SUM = RUN_WEIGHTS.reduce((a, b) => a + b, 0);

/** Runs of [start, start + m) by RUN_WEIGHTS, written to `bounds`; returns the run count. */
function runBounds(start: number, m: number, bounds: Int32Array): number {
  let acc = 0;
  bounds[0] = start;
  RUN_WEIGHTS.forEach((w, k) => {
    acc += w;
    bounds[k + 1] = start + Math.floor((m * acc) / RUN_WEIGHT_SUM);
  });
  return RUN_WEIGHTS.length;
}

/** Rows per partition run: small enough that the two ends meet close to evenly. */
const PARTITION_RUN_ROWS = 8_192;

/** Runs of about PARTITION_RUN_ROWS (at most MAX_CHUNKS) over [start, start + m), written to `bounds`. */
function partitionRuns(start: number, m: number, bounds: Int32Array): number {
  const runs = Math.min(MAX_CHUNKS, Math.ceil(m / PARTITION_RUN_ROWS));
  for (let k = 0; k <= runs; k++) bounds[k] = start + Math.floor((m * k) / runs);
  return runs;
}

/** Runs of leaves a tree's values are added in. */
const LEAF_CHUNKS = 6;

const WORKER_TIMEOUT_MS = 120_000;

/**
 * The worker over a HistogramMemory; `close()` must be called when the fit ends.
 *
 * Start-up: the memory should already hold everything the fit allocates (see
 * `HistogramMemory.reserve`), so it does not grow while the worker attaches to it; a later
 * grow first waits until the worker is ready. Until the worker reports ready, every node is
 * done on this thread in one piece.
 */
export class ParallelHistograms implements MatrixBinner {
  /** [request sequence, chunk ticket, chunks completed, worker state]: what the threads exchange. */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(6 * 4));
  /** A request: the task and its arguments (see WORKER_SOURCE). */
  private readonly args = new Float64Array(new SharedArrayBuffer((HIST_ARGS + 4) * 8));
  /** Chunk k covers [bounds[k], bounds[k + 1]): rows of a partition or of gradients, or leaves. */
  private readonly bounds = new Int32Array(new SharedArrayBuffer((MAX_CHUNKS + 1) * 4));
  /** Histogram chunk k covers features [features[k], features[k + 1]). */
  private readonly features = new Int32Array(new SharedArrayBuffer((MAX_CHUNKS + 1) * 4));
  private readonly featureChunks: number;
  /** A partition run's left count. */
  private readonly lefts = new Int32Array(new SharedArrayBuffer(MAX_CHUNKS * 4));
  /** A tree's leaves as (row address, row count, value) triples, for LEAVES_TASK. */
  private readonly leafTable = new Float64Array(new SharedArrayBuffer(3 * MAX_LEAVES * 8));
  private readonly worker: Worker;
  private seq = 0;
  private ready = false;
  /**
   * Binning's float32 columns (column-major, in the memory's scratch: see binningScratch), its
   * edges (255 slots per column) and bin counts.
   */
  private binning?: { values: Float32Array; edges: Float32Array; counts: Int32Array };

  /**
   * `lossPairs`: the fit's single-output loss, whose gradients both threads then compute;
   * `binsMatrix`: the memory's codes are not binned yet, and `binMatrix` will bin them.
   */
  constructor(
    private readonly mem: HistogramMemory,
    readonly lossPairs?: PairsFn,
    binsMatrix = false,
  ) {
    this.featureChunks = featureChunks(mem.shape.cols, this.features);
    const { rows, cols } = mem.shape;
    const shared = <T>(make: new (b: SharedArrayBuffer) => T, bytes: number) =>
      new make(new SharedArrayBuffer(bytes));
    this.binning = binsMatrix
      ? {
          values: mem.binningScratch(rows * cols),
          edges: shared(Float32Array, cols * MISSING_BIN * 4),
          counts: shared(Int32Array, cols * 4),
        }
      : undefined;
    const workerData = {
      module: histogramKernel(),
      memory: mem.memory,
      ctrl: this.ctrl,
      args: this.args,
      bounds: this.bounds,
      features: this.features,
      lefts: this.lefts,
      n: mem.shape.rows,
      ...mem.workerAddresses,
      featureBytes: HISTOGRAM_BYTES(1),
      startDelayMs: parallelTestHooks.workerStartDelayMs,
      gradientPairsAt: mem.gradientPairs.byteOffset,
      lossPairs: lossPairs?.toString(),
      leafTable: this.leafTable,
      binnerSource: columnBinner.toString(),
      binValues: this.binning?.values,
      binEdges: this.binning?.edges,
      binCounts: this.binning?.counts,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
    mem.beforeGrow = () => this.awaitReady();
  }

  /** HistogramMemory.build; a large node's features in chunks of up to four, shared with the worker. */
  build(hist: Histogram, start: number, end: number, side: Side = 0): void {
    const { mem } = this;
    if (!this.parallelBuild(start, end)) {
      mem.build(hist, start, end, side);
      return;
    }
    const task = [HISTOGRAM_TASK, 0, 0, 0, 0, 0, 0, ...this.histogramArgs(hist, start, end, side)];
    this.run(task, this.featureChunks, (k) => this.accumulateChunk(hist, start, end, side, k));
  }

  /** Whether a node's histogram is worth the worker's time. */
  private parallelBuild(start: number, end: number): boolean {
    const { cols } = this.mem.data;
    return (end - start) * cols >= PARALLEL_MIN_UPDATES && cols >= 2 && this.isReady();
  }

  /** A histogram's request arguments (see WORKER_SOURCE: HIST_ARGS). */
  private histogramArgs(hist: Histogram, start: number, end: number, side: Side): number[] {
    const { mem } = this;
    return [hist.byteOffset, mem.rowAddress(side, start), end - start, mem.pairOffset(side)];
  }

  /** Features chunk k of a histogram, its slots cleared first: each thread clears what it sums. */
  private accumulateChunk(hist: Histogram, start: number, end: number, side: Side, k: number): void {
    const { features } = this;
    clearFeatures(hist, features[k], features[k + 1]);
    this.mem.accumulate(hist, start, end - start, features[k], features[k + 1], side);
  }

  /**
   * HistogramMemory.partition, then (with `child`, a range of the other side inside the node)
   * `build(child.hist, child.start, child.end)`. A large node's rows go in runs, this thread
   * taking them from the first one forward and the worker from the last one backward, until
   * they meet: each run goes straight to its place in the other side (lefts from start forward
   * and from the middle backward; rights from the middle forward and from end backward), so
   * the result is the one-thread partition whoever ran which run. The child's histogram is the
   * same request's second phase (one wake of the worker per split).
   */
  partition(start: number, end: number, side: Side, s: PartitionSplit, child?: ChildHistogram): number {
    const { mem, bounds, lefts, ctrl } = this;
    const m = end - start;
    const out = (1 - side) as Side;
    if (m < PARALLEL_MIN_PARTITION_ROWS || !this.isReady()) {
      const mid = mem.partition(start, end, side, s);
      if (child) this.build(child.hist, child.start, child.end, out);
      return mid;
    }
    mem.setSplit(s.bin, s.missingLeft);
    const mid = start + s.nLeft;
    const runs = partitionRuns(start, m, bounds);
    const fused = child !== undefined && this.parallelBuild(child.start, child.end);
    const histArgs = fused ? this.histogramArgs(child.hist, child.start, child.end, out) : [0, 0, 0, 0];
    const ticket = TWO_ENDED | ticketOf(this.seq + 1, 0);
    const histTicket = fused ? ticketOf(this.seq + 1, this.featureChunks) : -1;
    this.post([PARTITION_TASK, start, end, mid, s.feature, side, runs, ...histArgs], ticket, histTicket);
    const at: [number, number] = [start, mid];
    for (;;) {
      const t = Atomics.load(ctrl, TICKET);
      const k = (t >> 6) & 63;
      if (k + (t & 63) >= runs) break;
      if (Atomics.compareExchange(ctrl, TICKET, t, t + 64) !== t) continue;
      lefts[k] = mem.splitRun(side, bounds[k], bounds[k + 1], s.feature, at, false);
      at[0] += lefts[k];
      at[1] += bounds[k + 1] - bounds[k] - lefts[k];
      if (Atomics.add(ctrl, COMPLETED, 1) + 1 === runs) Atomics.notify(ctrl, COMPLETED);
    }
    this.awaitCompleted(runs);
    let total = 0;
    for (let k = 0; k < runs; k++) total += lefts[k];
    checkLefts(total, s.nLeft);
    if (fused) {
      this.claim(HIST_TICKET, histTicket, this.featureChunks, (k) =>
        this.accumulateChunk(child.hist, child.start, child.end, out, k),
      );
      this.awaitCompleted(runs + this.featureChunks);
    } else if (child) mem.build(child.hist, child.start, child.end, out);
    return mid;
  }

  /**
   * The constructor's loss over y and raw (arrays in the shared memory) into the gradient
   * pairs, rows in runs shared with the worker: each row's pair is computed alone, so the
   * values do not depend on which thread ran it.
   */
  gradients(y: Float64Array, raw: Float64Array): void {
    const { mem, bounds } = this;
    const pairsFn = this.lossPairs!;
    const n = y.length;
    if (n < PARALLEL_MIN_PARTITION_ROWS || !this.isReady()) {
      pairsFn(y, raw, mem.gradientPairs, 0, n);
      return;
    }
    const chunks = runBounds(0, n, bounds);
    this.run([GRADIENT_TASK, y.byteOffset, raw.byteOffset, n], chunks, (k) =>
      pairsFn(y, raw, mem.gradientPairs, bounds[k], bounds[k + 1]),
    );
  }

  /**
   * HistogramMemory.addLeaf for each of a tree's leaves (disjoint row ranges, so each raw
   * score gets one addition whichever thread makes it), runs of leaves shared with the worker.
   */
  addLeaves(out: Float64Array, leaves: readonly LeafRange[]): void {
    const { mem, bounds, leafTable } = this;
    const rows = leaves.reduce((sum, l) => sum + l.end - l.start, 0);
    if (rows < PARALLEL_MIN_PARTITION_ROWS || leaves.length > MAX_LEAVES || !this.isReady()) {
      for (const l of leaves) mem.addLeaf(out, l.start, l.end, l.value, l.side);
      return;
    }
    leaves.forEach((l, i) =>
      leafTable.set([mem.rowAddress(l.side, l.start), l.end - l.start, l.value], 3 * i),
    );
    const chunks = leafChunks(leaves, rows, bounds);
    this.run([LEAVES_TASK, out.byteOffset], chunks, (k) => {
      for (let i = bounds[k]; i < bounds[k + 1]; i++) {
        const l = leaves[i];
        mem.addLeaf(out, l.start, l.end, l.value, l.side);
      }
    });
  }

  /**
   * binning.ts binMatrix on both threads, whether the worker is ready or not: this thread
   * writes the columns as float32 (in blocks, the worker binning those already written), then
   * bins the columns the worker has not claimed. Each column is binned alone, so the codes and
   * edges do not depend on which thread binned it.
   */
  binMatrix(X: Matrix, maxBins: number, codes: Uint8Array): BinnedData {
    const { rows, cols } = X;
    const { ctrl, bounds } = this;
    const binning = this.binning;
    if (!binning || rows !== this.mem.shape.rows || cols !== this.mem.shape.cols)
      throw new Error('binMatrix: this worker was not set up to bin this matrix');
    this.binning = undefined;
    const { values, edges, counts } = binning;
    const bins = Math.min(maxBins, MISSING_BIN);
    const chunks = Math.min(cols, MAX_CHUNKS);
    for (let k = 0; k <= chunks; k++) bounds[k] = Math.floor((cols * k) / chunks);
    Atomics.store(ctrl, TRANSPOSED, 0);
    const ticket = ticketOf(this.seq + 1, chunks);
    this.post([BIN_TASK, bins], ticket, -1);
    for (let f0 = 0; f0 < cols; f0 += BLOCK_COLUMNS) {
      const w = Math.min(BLOCK_COLUMNS, cols - f0);
      columnBlock(X, f0, w, values, f0 * rows);
      Atomics.store(ctrl, TRANSPOSED, f0 + w);
      Atomics.notify(ctrl, TRANSPOSED);
    }
    if (parallelTestHooks.binAfterWorker) this.awaitClaim(ticket);
    let binner: ColumnBinner | undefined;
    this.claim(TICKET, ticket, chunks, (k) => {
      binner ??= columnBinner(rows);
      for (let f = bounds[k]; f < bounds[k + 1]; f++) {
        const e = binner.bin(values, f * rows, bins, codes, f * rows);
        edges.set(e, f * MISSING_BIN);
        counts[f] = e.length + 1;
      }
    });
    this.awaitCompleted(chunks);
    values.fill(0);
    const featureEdges = Array.from({ length: cols }, (_, f) =>
      edges.slice(f * MISSING_BIN, f * MISSING_BIN + counts[f] - 1),
    );
    return { codes, rows, cols, edges: featureEdges, nBins: Int32Array.from(counts) };
  }

  /** Waits until a chunk of `ticket` is claimed (for parallelTestHooks.binAfterWorker). */
  private awaitClaim(ticket: number): void {
    const { ctrl } = this;
    for (let t = Atomics.load(ctrl, TICKET); t === ticket; t = Atomics.load(ctrl, TICKET))
      if (Atomics.wait(ctrl, TICKET, t, WORKER_TIMEOUT_MS) === 'timed-out')
        throw new Error('gradient_boosting: histogram worker did not claim a column');
  }

  /** Posts a request, claims its chunks alongside the worker, and waits for the worker's last one. */
  private run(task: number[], chunks: number, runChunk: (k: number) => void): void {
    const ticket = ticketOf(this.seq + 1, chunks);
    this.post(task, ticket, -1);
    this.claim(TICKET, ticket, chunks, runChunk);
    this.awaitCompleted(chunks);
  }

  /** Runs the chunks of a ticket (in `slot`) that the worker has not claimed. */
  private claim(slot: number, ticket: number, chunks: number, runChunk: (k: number) => void): void {
    const { ctrl } = this;
    for (;;) {
      const t = Atomics.load(ctrl, slot);
      const k = t - ticket;
      if (k >= chunks) break;
      if (Atomics.compareExchange(ctrl, slot, t, t + 1) !== t) continue;
      runChunk(k);
      Atomics.add(ctrl, COMPLETED, 1);
    }
  }

  /**
   * Makes a request current (args, then its tickets, then its sequence number) and wakes the
   * worker; `histTicket` -1 when the request has no child histogram.
   */
  private post(task: number[], ticket: number, histTicket: number): void {
    const { ctrl } = this;
    this.args.set(task);
    this.seq++;
    Atomics.store(ctrl, COMPLETED, 0);
    Atomics.store(ctrl, HIST_TICKET, histTicket);
    Atomics.store(ctrl, TICKET, ticket);
    Atomics.store(ctrl, REQUEST, this.seq);
    Atomics.notify(ctrl, REQUEST);
  }

  /** Waits until `chunks` chunks of the current request are done (the worker's last one). */
  private awaitCompleted(chunks: number): void {
    const { ctrl } = this;
    for (let done = Atomics.load(ctrl, COMPLETED); done < chunks; done = Atomics.load(ctrl, COMPLETED)) {
      // A crashed worker never finishes its chunk; fail the fit instead of blocking forever.
      if (Atomics.wait(ctrl, COMPLETED, done, WORKER_TIMEOUT_MS) === 'timed-out')
        throw new Error('gradient_boosting: histogram worker did not answer');
    }
    if (Atomics.load(ctrl, STATE) === FAILED) throw new Error('gradient_boosting: histogram worker failed');
  }

  /** True once the worker has its kernel instance (never blocks). */
  private isReady(): boolean {
    if (this.ready) return true;
    const state = Atomics.load(this.ctrl, STATE);
    if (state === FAILED) throw new Error('gradient_boosting: histogram worker failed to start');
    this.ready = state === READY;
    return this.ready;
  }

  /** Blocks until the worker is ready (before the shared memory grows; tests that need the worker). */
  awaitReady(): void {
    while (!this.isReady()) {
      // A worker that never starts cannot answer; fail the fit instead of blocking forever.
      if (Atomics.wait(this.ctrl, STATE, STARTING, WORKER_TIMEOUT_MS) === 'timed-out')
        throw new Error('gradient_boosting: histogram worker did not start');
    }
  }

  close(): void {
    this.mem.beforeGrow = undefined;
    Atomics.store(this.ctrl, REQUEST, -1);
    Atomics.notify(this.ctrl, REQUEST);
    void this.worker.terminate();
  }
}

/** A child node's histogram to build after a partition: its rows are [start, end) of the other side. */
export interface ChildHistogram {
  readonly hist: Histogram;
  readonly start: number;
  readonly end: number;
}

/** A leaf's row range [start, end) of a side and its value. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
  readonly side: Side;
  readonly value: number;
}

/** Trees with more leaves add their values on one thread. */
const MAX_LEAVES = 4096;

/** Runs of leaves of about rows / LEAF_CHUNKS rows each, written to `bounds`; returns the count. */
function leafChunks(leaves: readonly LeafRange[], rows: number, bounds: Int32Array): number {
  let chunks = 0;
  let sum = 0;
  bounds[0] = 0;
  for (let i = 0; i < leaves.length; i++) {
    sum += leaves[i].end - leaves[i].start;
    const last = i === leaves.length - 1;
    if (last || (sum * LEAF_CHUNKS >= (chunks + 1) * rows && chunks < MAX_CHUNKS - 1))
      bounds[++chunks] = i + 1;
  }
  return chunks;
}

/**
 * Feature chunks of four (one acc4 pass each; more per chunk past MAX_CHUNKS * 4 features),
 * the last cut in two when that evens the count (20 features: 4 4 4 4 2 2), written to
 * `bounds`; returns the chunk count.
 */
function featureChunks(cols: number, bounds: Int32Array): number {
  const size = 4 * Math.ceil(cols / (4 * MAX_CHUNKS));
  const ends: number[] = [];
  for (let f = size; f < cols; f += size) ends.push(f);
  ends.push(cols);
  const lastStart = ends.length > 1 ? ends[ends.length - 2] : 0;
  if (ends.length % 2 === 1 && ends.length < MAX_CHUNKS && cols - lastStart >= 2)
    ends.splice(ends.length - 1, 0, lastStart + Math.floor((cols - lastStart) / 2));
  bounds[0] = 0;
  ends.forEach((e, k) => (bounds[k + 1] = e));
  return ends.length;
}
