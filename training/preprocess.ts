import { attr, type OnnxGraph } from '../core/ml/onnx/index.js';
import type { Matrix } from './algorithms/types.js';
import type { FeatureFrame } from './frame.js';
import { exportVectorizer } from './text/graph.js';
import {
  fitVectorizer,
  type TextVectorizer,
  type VectorizerOptions,
  vectorizeInto,
} from './text/vectorizer.js';

/**
 * Fitted preprocessing: mean imputation of numeric NaN, optional standard scaling, one-hot of
 * categorical columns (unknown or missing categories encode as all zeros), concatenated as
 * [numeric..., one-hot...]. `transform` reproduces the graph bit for bit: every step is rounded
 * to float32 as onnxruntime computes it, so a model sees the same numbers in both worlds.
 */
export interface Preprocessor {
  /** Imputation values per numeric column (float32). */
  readonly means: Float32Array;
  /** Standard scaling (offset = mean, scale = 1 / std), when the algorithm asks for it. */
  readonly scaling?: { readonly offset: Float32Array; readonly scale: Float32Array };
  /** Categories per categorical column, in one-hot order. */
  readonly categories: readonly (readonly string[])[];
  /** One TF-IDF vectorizer per text column (unscaled, as one-hot columns are). */
  readonly text: readonly TextVectorizer[];
  /** Width of the preprocessed matrix. */
  readonly width: number;
}

const f32 = Math.fround;

/**
 * Mean (and, with `withStd`, population std) of each numeric column over its present float32
 * values. Row-major passes over the frame; each column still sums its rows in order.
 */
function columnStats(frame: FeatureFrame, withStd: boolean): { mean: number; std: number }[] {
  const f = frame.numericNames.length;
  const x = frame.numeric;
  const n = new Float64Array(f);
  const sum = new Float64Array(f);
  for (let r = 0, at = 0; r < frame.rows; r++) {
    for (let j = 0; j < f; j++, at++) {
      const v = f32(x[at]);
      if (!Number.isNaN(v)) {
        n[j]++;
        sum[j] += v;
      }
    }
  }
  const mean = Array.from(n, (count, j) => (count ? sum[j] / count : 0));
  const ss = new Float64Array(f);
  if (withStd) {
    for (let r = 0, at = 0; r < frame.rows; r++) {
      for (let j = 0; j < f; j++, at++) {
        const v = f32(x[at]);
        if (!Number.isNaN(v)) ss[j] += (v - mean[j]) ** 2;
      }
    }
  }
  return mean.map((m, j) => ({ mean: m, std: n[j] ? Math.sqrt(ss[j] / n[j]) : 0 }));
}

const DEFAULT_TEXT: VectorizerOptions = { ngramMax: 2, maxFeatures: 2000, minDf: 2 };

function columnOf(values: readonly string[], width: number, j: number): string[] {
  return Array.from({ length: values.length / width }, (_, r) => values[r * width + j]);
}

/** Learns imputation means, scaling, categories and text vocabularies from the training frame. */
export function fitPreprocessor(
  frame: FeatureFrame,
  scaling: 'standard' | 'none',
  textOptions: VectorizerOptions = DEFAULT_TEXT,
): Preprocessor {
  const ft = frame.textNames.length;
  const text = frame.textNames.map((name, j) =>
    fitVectorizer(columnOf(frame.text, ft, j), textOptions, `features.${name}`),
  );
  const textWidth = text.reduce((s, v) => s + v.terms.length, 0);
  const stats = columnStats(frame, scaling === 'standard');
  const means = Float32Array.from(stats, (s) => s.mean);
  const fc = frame.categoricalNames.length;
  const categories = frame.categoricalNames.map((_, j) => {
    const seen = new Set<string>();
    for (let r = 0; r < frame.rows; r++) {
      const v = frame.categorical[r * fc + j];
      if (v !== '') seen.add(v);
    }
    return [...seen].sort();
  });
  const width = means.length + categories.reduce((s, c) => s + c.length, 0) + textWidth;
  if (scaling === 'none') return { means, categories, text, width };
  // A constant column keeps scale 1 (as scikit-learn's StandardScaler does).
  const scale = Float32Array.from(stats, (s) => (s.std > 0 ? 1 / s.std : 1));
  return { means, categories, text, width, scaling: { offset: means, scale } };
}

/** Applies the preprocessing in float32 arithmetic, returning the model's input matrix. */
export function transform(pre: Preprocessor, frame: FeatureFrame, into?: Float64Array): Matrix {
  const fn = pre.means.length;
  const fc = pre.categories.length;
  const data = into ?? new Float64Array(frame.rows * pre.width);
  const offsets = pre.categories.map(
    (_, j) => fn + pre.categories.slice(0, j).reduce((s, c) => s + c.length, 0),
  );
  const lookups = pre.categories.map((cats) => new Map(cats.map((c, k) => [c, k])));
  for (let r = 0; r < frame.rows; r++) {
    const row = r * pre.width;
    for (let j = 0; j < fn; j++) {
      let v = f32(frame.numeric[r * fn + j]);
      if (Number.isNaN(v)) v = pre.means[j];
      if (pre.scaling) v = f32(f32(v - pre.scaling.offset[j]) * pre.scaling.scale[j]);
      data[row + j] = v;
    }
    for (let j = 0; j < fc; j++) {
      const k = lookups[j].get(frame.categorical[r * fc + j]);
      if (k !== undefined) data[row + offsets[j] + k] = 1;
    }
  }
  let offset = fn + pre.categories.reduce((s, c) => s + c.length, 0);
  pre.text.forEach((v, j) => {
    vectorizeInto(v, columnOf(frame.text, pre.text.length, j), data, pre.width, offset);
    offset += v.terms.length;
  });
  return { data, rows: frame.rows, cols: pre.width };
}

/**
 * `transform` writing over the frame's own numbers when the matrix is just those columns
 * (numeric features only: cell [r, j] is read before it is written): the frame's numeric cells
 * are the matrix afterwards. Otherwise a new matrix, as `transform`.
 */
export function transformInPlace(pre: Preprocessor, frame: FeatureFrame): Matrix {
  const numericOnly = pre.width === pre.means.length && frame.numeric.length === frame.rows * pre.width;
  return transform(pre, frame, numericOnly ? frame.numeric : undefined);
}

function numericPart(g: OnnxGraph, pre: Preprocessor): string {
  const fn = pre.means.length;
  const x = g.input('numeric', { type: 'FLOAT', dims: ['N', fn] });
  const [imputed] = g.mlNode('Imputer', [x], {
    imputed_value_floats: attr.floats(pre.means),
    replaced_value_float: attr.float(Number.NaN),
  });
  if (!pre.scaling) return imputed;
  const [scaled] = g.mlNode('Scaler', [imputed], {
    offset: attr.floats(pre.scaling.offset),
    scale: attr.floats(pre.scaling.scale),
  });
  return scaled;
}

function categoricalParts(g: OnnxGraph, pre: Preprocessor): string[] {
  const x = g.input('categorical', { type: 'STRING', dims: ['N', pre.categories.length] });
  const axes = g.constant('axis1', { type: 'INT64', data: [1], dims: [1] });
  return pre.categories.flatMap((cats, j) => {
    if (cats.length === 0) return [];
    const starts = g.constant(`start${j}`, { type: 'INT64', data: [j], dims: [1] });
    const ends = g.constant(`end${j}`, { type: 'INT64', data: [j + 1], dims: [1] });
    const [col] = g.node('Slice', [x, starts, ends, axes]);
    const [oh] = g.mlNode('OneHotEncoder', [col], { cats_strings: attr.strings(cats), zeros: attr.int(1) });
    const shape = g.constant(`shape${j}`, { type: 'INT64', data: [-1, cats.length], dims: [2] });
    const [flat] = g.node('Reshape', [oh, shape]);
    return [flat];
  });
}

function textParts(g: OnnxGraph, pre: Preprocessor): string[] {
  const x = g.input('text', { type: 'STRING', dims: ['N', pre.text.length] });
  return pre.text.map((v, j) => exportVectorizer(g, x, j, v));
}

/**
 * Declares the graph inputs (`numeric`, `categorical`, `text` when present) and appends the
 * preprocessing; returns the float [N, width] value the model reads.
 */
export function exportPreprocessor(g: OnnxGraph, pre: Preprocessor): string {
  const parts: string[] = [];
  if (pre.means.length > 0) parts.push(numericPart(g, pre));
  if (pre.categories.length > 0) parts.push(...categoricalParts(g, pre));
  if (pre.text.length > 0) parts.push(...textParts(g, pre));
  if (parts.length === 0) throw new Error('preprocessing: no features');
  if (parts.length === 1) return parts[0];
  const [joined] = g.node('Concat', parts, { axis: attr.int(1) });
  return joined;
}
