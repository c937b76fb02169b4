import { type Attr, attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { Tree } from './tree.js';

/** Which leaf outputs become weights: `(target index, value) => emit?`, and the id they carry. */
export interface LeafWeights {
  /** Output ids written for each leaf, from the tree's `nOut` values. */
  readonly pick: (k: number, value: number) => boolean;
  /** The target or class id weight `k` is exported as. */
  readonly id?: (k: number) => number;
}

interface Flat {
  nodes: Record<string, Attr>;
  weights: { treeids: number[]; nodeids: number[]; ids: number[]; values: number[] };
}

/** Flattens trees into the nodes_* attributes and per-leaf weights of a TreeEnsemble operator. */
function flatten(trees: readonly Tree[], weights: LeafWeights): Flat {
  const treeids: number[] = [];
  const nodeids: number[] = [];
  const featureids: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueids: number[] = [];
  const falseids: number[] = [];
  const missing: number[] = [];
  const w = { treeids: [] as number[], nodeids: [] as number[], ids: [] as number[], values: [] as number[] };
  const idOf = weights.id ?? ((k: number) => k);
  trees.forEach((tree, t) => {
    for (let i = 0; i < tree.feature.length; i++) {
      const leaf = tree.feature[i] < 0;
      treeids.push(t);
      nodeids.push(i);
      featureids.push(leaf ? 0 : tree.feature[i]);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      values.push(leaf ? 0 : tree.threshold[i]);
      trueids.push(leaf ? 0 : tree.left[i]);
      falseids.push(leaf ? 0 : tree.right[i]);
      missing.push(leaf ? 0 : tree.missingLeft[i]);
      if (!leaf) continue;
      for (let k = 0; k < tree.nOut; k++) {
        const v = tree.values[i * tree.nOut + k];
        if (!weights.pick(k, v)) continue;
        w.treeids.push(t);
        w.nodeids.push(i);
        w.ids.push(tree.target ?? idOf(k));
        w.values.push(v);
      }
    }
  });
  const nodes: Record<string, Attr> = {
    nodes_treeids: attr.ints(treeids),
    nodes_nodeids: attr.ints(nodeids),
    nodes_featureids: attr.ints(featureids),
    nodes_modes: attr.strings(modes),
    nodes_values: attr.floats(values),
    nodes_truenodeids: attr.ints(trueids),
    nodes_falsenodeids: attr.ints(falseids),
  };
  // Only declared when some split learned where missing values go (GBM); ORT then checks NaN.
  if (missing.some((m) => m === 1)) nodes.nodes_missing_value_tracks_true = attr.ints(missing);
  return { nodes, weights: w };
}

/** A TreeEnsembleRegressor summing leaf values into `nTargets` float32 outputs [N, nTargets]. */
export function addTreeRegressor(
  g: OnnxGraph,
  input: string,
  trees: readonly Tree[],
  nTargets: number,
  options: { base?: ArrayLike<number>; weights?: LeafWeights } = {},
): string {
  const { nodes, weights } = flatten(trees, options.weights ?? { pick: () => true });
  const attributes: Record<string, Attr> = {
    ...nodes,
    target_treeids: attr.ints(weights.treeids),
    target_nodeids: attr.ints(weights.nodeids),
    target_ids: attr.ints(weights.ids),
    target_weights: attr.floats(weights.values),
    n_targets: attr.int(nTargets),
    aggregate_function: attr.string('SUM'),
    post_transform: attr.string('NONE'),
  };
  if (options.base) attributes.base_values = attr.floats(options.base);
  const [out] = g.mlNode('TreeEnsembleRegressor', [input], attributes);
  return out;
}

/**
 * A TreeEnsembleClassifier summing class weights (post_transform NONE): label int64 [N] and
 * scores float32 [N, C]. With two classes only class 1 carries weights: onnxruntime's binary
 * path then labels `p1 > 0.5` and reports [1 - p1, p1].
 */
export function addTreeClassifier(
  g: OnnxGraph,
  input: string,
  trees: readonly Tree[],
  nClasses: number,
): [string, string] {
  const binary = nClasses === 2;
  const pick = binary ? (k: number) => k === 1 : (_k: number, v: number) => v !== 0;
  const { nodes, weights } = flatten(trees, { pick });
  const [label, scores] = g.mlNode(
    'TreeEnsembleClassifier',
    [input],
    {
      ...nodes,
      class_treeids: attr.ints(weights.treeids),
      class_nodeids: attr.ints(weights.nodeids),
      class_ids: attr.ints(weights.ids),
      class_weights: attr.floats(weights.values),
      classlabels_int64s: attr.ints(Array.from({ length: nClasses }, (_, k) => k)),
      post_transform: attr.string('NONE'),
    },
    2,
  );
  return [label, scores];
}
