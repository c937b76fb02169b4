/**
 * A fitted binary decision tree in flat arrays, as the ONNX TreeEnsemble operators see it:
 * node `i` sends a row left when `x[feature] <= threshold` in float32 (BRANCH_LEQ), or when
 * the value is missing and `missingLeft` is set (nodes_missing_value_tracks_true).
 */
export interface Tree {
  /** Split feature per node; -1 marks a leaf. */
  readonly feature: Int32Array;
  /** Float32 thresholds (exported bit for bit). */
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
  /** Leaf outputs, `nOut` per node (row-major), already rounded to float32. */
  readonly values: Float32Array;
  readonly nOut: number;
  /** Single-output trees that feed one target of a multi-target ensemble (GBM's per-class trees). */
  readonly target?: number;
}

/** Grows a tree node by node; `freeze()` gives the flat arrays. */
export class TreeBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly missingLeft: number[] = [];
  private readonly values: number[] = [];

  constructor(readonly nOut: number) {}

  get size(): number {
    return this.feature.length;
  }

  /** Adds a node (a leaf until `split` is called on it) and returns its id. */
  add(value: ArrayLike<number>): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.missingLeft.push(0);
    for (let k = 0; k < this.nOut; k++) this.values.push(value[k] ?? 0);
    return id;
  }

  /** Turns leaf `id` into a split node with the given children. */
  split(
    id: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    missingLeft = false,
  ): void {
    this.feature[id] = feature;
    this.threshold[id] = threshold;
    this.left[id] = left;
    this.right[id] = right;
    this.missingLeft[id] = missingLeft ? 1 : 0;
  }

  /** Overwrites a node's output (e.g. GBM leaves, whose values are known after the split search). */
  setValue(id: number, value: ArrayLike<number>): void {
    for (let k = 0; k < this.nOut; k++) this.values[id * this.nOut + k] = value[k] ?? 0;
  }

  freeze(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      missingLeft: Uint8Array.from(this.missingLeft),
      values: Float32Array.from(this.values),
      nOut: this.nOut,
    };
  }
}

/**
 * The leaf a float32 row reaches. `row` holds float32-rounded values (a Float32Array view),
 * so `<=` compares exactly what onnxruntime compares.
 */
export function findLeaf(tree: Tree, row: Float32Array, offset: number): number {
  const { feature, threshold, left, right, missingLeft } = tree;
  let node = 0;
  while (feature[node] >= 0) {
    const v = row[offset + feature[node]];
    node = v <= threshold[node] || (missingLeft[node] === 1 && Number.isNaN(v)) ? left[node] : right[node];
  }
  return node;
}

/** Multiplies every leaf output by `factor` (rounded to float32, as exported). */
export function scaleTree(tree: Tree, factor: number): Tree {
  return { ...tree, values: tree.values.map((v) => Math.fround(v * factor)) };
}

/** Float32 copy of a row-major float64 matrix: the values onnxruntime receives. */
export function toFloat32(data: Float64Array): Float32Array {
  return Float32Array.from(data);
}
