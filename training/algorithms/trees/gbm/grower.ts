import { type Tree, TreeBuilder } from '../tree.js';
import type { BinnedData } from './binning.js';
import { type GradientView, type Histogram, totals } from './histogram.js';
import type { HistogramMemory, Side } from './histogram-memory.js';
import type { PairsFn } from './loss.js';
import type { ChildHistogram, ParallelHistograms } from './parallel.js';
import { findSplit, type SplitInfo, type SplitRules } from './split.js';

export interface GrowOptions extends SplitRules {
  readonly maxLeafNodes: number;
  /** 0 = unlimited. */
  readonly maxDepth: number;
  readonly learningRate: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  /** The row index holding rows[start, end) (a partition moves the children to the other). */
  side: Side;
  depth: number;
  hist: Histogram | null;
  g: number;
  h: number;
  split: SplitInfo | null;
}

/**
 * Buffers for one boosting run, allocated once: the shared memory of the histogram kernel
 * (row index, each leaf owning a contiguous range of it; gradient pairs; histograms; partition
 * buffers). With a `ParallelHistograms`, large histograms use two threads.
 */
export class GrowerWorkspace {
  readonly data: BinnedData;
  readonly rows: Uint32Array;
  /** 0 .. rows - 1, copied into `rows` at each tree's start (a copy, not a loop, per tree). */
  private readonly identity: Uint32Array;

  constructor(
    private readonly mem: HistogramMemory,
    private readonly parallel?: ParallelHistograms,
  ) {
    this.data = mem.data;
    this.rows = mem.rows;
    this.identity = new Uint32Array(mem.rows.length);
    for (let i = 0; i < this.identity.length; i++) this.identity[i] = i;
  }

  /** Side 0's rows in id order, where every tree starts. */
  resetRows(): void {
    this.rows.set(this.identity);
  }

  take(): Histogram {
    return this.mem.take();
  }

  give(h: Histogram | null): void {
    if (h) this.mem.give(h);
  }

  subtract(parent: Histogram, child: Histogram): void {
    this.mem.subtract(parent, child);
  }

  /** A zeroed float64 array in the kernel's memory (see `addLeaves`). */
  allocate(length: number): Float64Array {
    return this.mem.allocate(length);
  }

  /** out[rows[i]] += value over each leaf's rows[start, end); `out` from `allocate`. */
  addLeaves(out: Float64Array, leaves: GrownTree['leaves']): void {
    if (this.parallel) this.parallel.addLeaves(out, leaves);
    else for (const l of leaves) this.mem.addLeaf(out, l.start, l.end, l.value, l.side);
  }

  /** The gradient pairs the next histograms sum, to fill in place (see HistogramMemory). */
  get gradientPairs(): Float64Array {
    return this.mem.gradientPairs;
  }

  /**
   * A single-output loss's gradient pairs of y and raw (from `allocate`) into `gradientPairs`
   * while the rows are in id order (before growTree); on both threads with a ParallelHistograms
   * built with that loss.
   */
  lossPairs(pairs: PairsFn, y: Float64Array, raw: Float64Array): void {
    if (this.parallel?.lossPairs === pairs) this.parallel.gradients(y, raw);
    else pairs(y, raw, this.mem.gradientPairs, 0, y.length);
  }

  /** Sets the gradients the next histograms sum. */
  loadGradients(gv: GradientView): void {
    this.mem.loadGradients(gv);
  }

  build(hist: Histogram, start: number, end: number, side: Side): void {
    if (this.parallel) this.parallel.build(hist, start, end, side);
    else this.mem.build(hist, start, end, side);
  }

  /**
   * Stable partition of a side's rows[start, end) by a split into the other side, then the
   * histogram of `child` (a child's range, in the other side) when given; returns the first
   * right position.
   */
  partition(start: number, end: number, side: Side, s: SplitInfo, child?: ChildHistogram): number {
    if (this.parallel) return this.parallel.partition(start, end, side, s, child);
    const mid = this.mem.partition(start, end, side, s);
    if (child) this.mem.build(child.hist, child.start, child.end, (1 - side) as Side);
    return mid;
  }
}

/** A grown tree plus, per leaf, its value and row range (to update the raw predictions). */
export interface GrownTree {
  readonly tree: Tree;
  readonly leaves: readonly { start: number; end: number; side: Side; value: number }[];
}

function threshold(data: BinnedData, s: SplitInfo): number {
  const edges = data.edges[s.feature];
  return s.bin < edges.length ? edges[s.bin] : Number.POSITIVE_INFINITY;
}

/**
 * Grows one tree leaf-wise (best gain first) up to `maxLeafNodes`. The smaller child's
 * histogram is built from its rows; the larger one's is the parent's minus the smaller's.
 */
/** `gv` null: the gradients are already in `ws.gradientPairs`. */
export function growTree(
  ws: GrowerWorkspace,
  gv: GradientView | null,
  o: GrowOptions,
  target?: number,
): GrownTree {
  const data = ws.data;
  const builder = new TreeBuilder(1);
  ws.resetRows();
  if (gv) ws.loadGradients(gv);
  const rootHist = ws.take();
  ws.build(rootHist, 0, data.rows, 0);
  const [g, h] = totals(rootHist);
  const root: Leaf = {
    node: builder.add([0]),
    start: 0,
    end: data.rows,
    side: 0,
    depth: 0,
    hist: rootHist,
    g,
    h,
    split: null,
  };
  const canSplit = (leaf: Leaf) =>
    leaf.end - leaf.start >= 2 * o.minSamplesLeaf && (o.maxDepth === 0 || leaf.depth < o.maxDepth);
  const evaluate = (leaf: Leaf) => {
    leaf.split = canSplit(leaf)
      ? findSplit(leaf.hist!, data, leaf.g, leaf.h, leaf.end - leaf.start, o)
      : null;
    if (!leaf.split) {
      ws.give(leaf.hist);
      leaf.hist = null;
    }
  };
  evaluate(root);
  const leaves: Leaf[] = [root];
  while (leaves.length < o.maxLeafNodes) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) {
      const s = leaves[i].split;
      if (s && (pick < 0 || s.gain > leaves[pick].split!.gain)) pick = i;
    }
    if (pick < 0) break;
    const parent = leaves[pick];
    const s = parent.split!;
    // The children's ranges are known before the partition: the split counted its left rows.
    const mid = parent.start + s.nLeft;
    const depth = parent.depth + 1;
    const side = (1 - parent.side) as Side;
    const left: Leaf = {
      node: builder.add([0]),
      start: parent.start,
      end: mid,
      side,
      depth,
      hist: null,
      g: s.gLeft,
      h: s.hLeft,
      split: null,
    };
    const right: Leaf = {
      node: builder.add([0]),
      start: mid,
      end: parent.end,
      side,
      depth,
      hist: null,
      g: parent.g - s.gLeft,
      h: parent.h - s.hLeft,
      split: null,
    };
    builder.split(parent.node, s.feature, threshold(data, s), left.node, right.node, s.missingLeft);
    const [small, large] = mid - parent.start <= parent.end - mid ? [left, right] : [right, left];
    const bothLeaves = !canSplit(small) && !canSplit(large);
    if (!bothLeaves) small.hist = ws.take();
    const child = small.hist ? { hist: small.hist, start: small.start, end: small.end } : undefined;
    ws.partition(parent.start, parent.end, parent.side, s, child);
    if (bothLeaves) ws.give(parent.hist);
    else {
      ws.subtract(parent.hist!, small.hist!);
      large.hist = parent.hist;
      evaluate(small);
      evaluate(large);
    }
    parent.hist = null;
    leaves.splice(pick, 1, left, right);
  }
  return finish(ws, builder, leaves, o, target);
}

function finish(
  ws: GrowerWorkspace,
  builder: TreeBuilder,
  leaves: Leaf[],
  o: GrowOptions,
  target?: number,
): GrownTree {
  const out: { start: number; end: number; side: Side; value: number }[] = [];
  for (const leaf of leaves) {
    ws.give(leaf.hist);
    const value = Math.fround((-o.learningRate * leaf.g) / (leaf.h + o.l2 + 1e-15));
    builder.setValue(leaf.node, [value]);
    out.push({ start: leaf.start, end: leaf.end, side: leaf.side, value });
  }
  const tree = builder.freeze();
  return { tree: target === undefined ? tree : { ...tree, target }, leaves: out };
}
