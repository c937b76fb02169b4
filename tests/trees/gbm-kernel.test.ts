import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { binMatrix } from '../../training/algorithms/trees/gbm/binning.js';
import { HistogramMemory } from '../../training/algorithms/trees/gbm/histogram-memory.js';

/** The plain definition: per feature, per bin, [sum gradient, sum hessian, count] in row order. */
function naiveHistogram(
  mem: HistogramMemory,
  grad: Float64Array,
  hess: Float64Array,
  start: number,
  end: number,
) {
  const { codes, rows: n, cols } = mem.data;
  const out = new Float64Array(cols * 256 * 3);
  for (let f = 0; f < cols; f++) {
    for (let i = start; i < end; i++) {
      const r = mem.rows[i];
      const o = (f * 256 + codes[f * n + r]) * 3;
      out[o] += grad[r];
      out[o + 1] += hess[r];
      out[o + 2] += 1;
    }
  }
  return out;
}

describe('HistogramMemory (WebAssembly kernel)', () => {
  // 5, 6 and 7 features: a pass of four, then one of one, two or three, so every entry point runs.
  it.each([5, 6, 7])('sums exactly what the plain loop sums, %i features with NaN codes', (cols) => {
    const rows = 3000;
    const rng = createRng(3);
    const data = Float64Array.from({ length: rows * cols }, () =>
      rng.next() < 0.1 ? Number.NaN : rng.normal(),
    );
    const mem = new HistogramMemory(binMatrix({ data, rows, cols }, 100));
    const [grad, hess] = [new Float64Array(rows), new Float64Array(rows)];
    for (let r = 0; r < rows; r++) [grad[r], hess[r]] = [rng.normal(), rng.next()];
    // A node's rows: a sorted subset placed mid-index, as the grower leaves them.
    let end = 500;
    for (let r = 0; r < rows; r++) if (rng.next() < 0.4) mem.rows[end++] = r;
    const hist = mem.take();
    hist.fill(7); // stale values from an earlier node must be cleared
    mem.loadGradients({ grad, hess });
    mem.build(hist, 500, end);
    const expected = naiveHistogram(mem, grad, hess, 500, end);
    // Slots no code can reach (bins past the feature's last, below the missing bin) stay as they were.
    const used = (i: number) => {
      const bin = Math.floor(i / 3) % 256;
      return bin < mem.data.nBins[Math.floor(i / (256 * 3))] || bin === 255;
    };
    expect(Array.from(hist)).toEqual(Array.from(expected, (v, i) => (used(i) ? v : 7)));
  });

  it('subtracts a child histogram from its parent slot by slot', () => {
    const mem = new HistogramMemory(
      binMatrix({ data: new Float64Array(60).map((_, i) => i % 7), rows: 20, cols: 3 }, 255),
    );
    const [parent, child] = [mem.take(), mem.take()];
    const rng = createRng(9);
    parent.forEach((_, i) => (parent[i] = rng.normal()));
    child.forEach((_, i) => (child[i] = rng.normal()));
    const expected = parent.map((v, i) => v - child[i]);
    mem.subtract(parent, child);
    expect(Array.from(parent)).toEqual(Array.from(expected));
  });

  it('partitions a node stably by threshold into the other side, missing rows to the learned side', () => {
    const rows = 500;
    const rng = createRng(5);
    const data = Float64Array.from({ length: rows * 2 }, () =>
      rng.next() < 0.2 ? Number.NaN : rng.normal(),
    );
    const mem = new HistogramMemory(binMatrix({ data, rows, cols: 2 }, 255));
    const grad = Float64Array.from({ length: rows }, (_, r) => r + 0.5);
    const hess = Float64Array.from({ length: rows }, (_, r) => -r);
    for (const missingLeft of [false, true]) {
      for (let i = 0; i < rows; i++) mem.rows[i] = i;
      mem.loadGradients({ grad, hess });
      const code = (r: number) => mem.data.codes[rows + r]; // feature 1
      const node = Array.from(mem.rows.subarray(100, 400));
      const goesLeft = (r: number) => (code(r) === 255 ? missingLeft : code(r) <= 40);
      const nLeft = node.filter(goesLeft).length;
      const split = { feature: 1, bin: 40, missingLeft, nLeft };
      const mid = mem.partition(100, 400, 0, split);
      expect(mid).toBe(100 + nLeft);
      const out = mem.rowsOf(1);
      expect(Array.from(out.subarray(100, mid))).toEqual(node.filter(goesLeft));
      expect(Array.from(out.subarray(mid, 400))).toEqual(node.filter((r) => !goesLeft(r)));
      // Nothing outside the node's range is written; side 0 is left as it was.
      expect(out.subarray(0, 100).every((r) => r === 0)).toBe(true);
      expect(Array.from(mem.rows)).toEqual(Array.from({ length: rows }, (_, i) => i));
      // Each row's gradient pair moved with it (histograms read them in the rows' order).
      const pairs = mem.pairsOf(1);
      const moved = node.map((_, j) => {
        const i = 100 + j;
        return pairs[2 * i] === grad[out[i]] && pairs[2 * i + 1] === hess[out[i]];
      });
      expect(moved.every(Boolean)).toBe(true);
      // A left count that is not the split's fails the fit.
      expect(() => mem.partition(100, 400, 0, { ...split, nLeft: nLeft + 1 })).toThrow(/histogram counted/);
    }
  });

  it('splits runs from both ends into the same stable partition as one forward pass', () => {
    const rows = 3_000;
    const rng = createRng(11);
    const data = Float64Array.from({ length: rows }, () => (rng.next() < 0.1 ? Number.NaN : rng.normal()));
    const mem = new HistogramMemory(binMatrix({ data, rows, cols: 1 }, 255));
    const grad = Float64Array.from({ length: rows }, (_, r) => r);
    for (let i = 0; i < rows; i++) mem.rows[i] = (i * 1_237) % rows;
    mem.loadGradients({ grad, hess: grad });
    mem.setSplit(100, true);
    const goesLeft = (r: number) => mem.data.codes[r] === 255 || mem.data.codes[r] <= 100;
    const node = Array.from(mem.rows);
    const nLeft = node.filter(goesLeft).length;
    const expected = [...node.filter(goesLeft), ...node.filter((r) => !goesLeft(r))];
    for (const meet of [0, 1, 777, 1_500, 2_999, 3_000]) {
      mem.rowsOf(1).fill(0);
      // Rows [0, meet) forward from the front, [meet, rows) backward from the back, in two runs each.
      const front: [number, number] = [0, nLeft];
      for (const [a, b] of [
        [0, meet >> 1],
        [meet >> 1, meet],
      ]) {
        const l = mem.splitRun(0, a, b, 0, front, false);
        front[0] += l;
        front[1] += b - a - l;
      }
      const back: [number, number] = [nLeft, rows];
      for (const [a, b] of [
        [(meet + rows) >> 1, rows],
        [meet, (meet + rows) >> 1],
      ]) {
        const l = mem.splitRun(0, a, b, 0, back, true);
        back[0] -= l;
        back[1] -= b - a - l;
      }
      expect(front[0]).toBe(back[0]);
      expect(front[1]).toBe(back[1]);
      expect(Array.from(mem.rowsOf(1))).toEqual(expected);
      const pairs = mem.pairsOf(1);
      expect(expected.every((r, i) => pairs[2 * i] === r)).toBe(true);
    }
  });

  it('hands out distinct histograms as the pool grows past its first pages', () => {
    const mem = new HistogramMemory(
      binMatrix({ data: new Float64Array(40).map((_, i) => i), rows: 20, cols: 2 }, 255),
    );
    const taken = Array.from({ length: 40 }, () => mem.take());
    taken.forEach((h, i) => h.fill(i));
    taken.forEach((h, i) => expect(h.every((v) => v === i)).toBe(true));
  });
});
