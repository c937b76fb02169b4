import type { z } from 'zod';
import type { Task } from '../../contracts/model-contract.js';
import type { OnnxGraph } from '../../core/ml/onnx/index.js';

/**
 * A dense row-major matrix after preprocessing (imputed, one-hot encoded, scaled where the
 * algorithm asks): `X[r * cols + c]`.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export interface FitData {
  readonly X: Matrix;
  /** Class index (classification) or target value (regression); empty for clustering. */
  readonly y: Float64Array;
  readonly task: Task;
  /** Number of classes (classification), else 0. */
  readonly nClasses: number;
  /** The explicit seed every random choice derives from; recorded in the manifest. */
  readonly seed: number;
  /**
   * The caller hands X over: the fit may free X's numbers once it no longer reads them (see
   * matrix-release.ts), so the caller must not read X.data after the fit. Needs a matrix that
   * owns its buffer.
   */
  readonly releaseX?: boolean;
}

/** What a fitted model predicts for N rows; which fields are set depends on the task. */
export interface Predictions {
  /** Class index per row (classification). */
  readonly labels?: Int32Array;
  /** Row-major [N, C] class probabilities (classification). */
  readonly probabilities?: Float64Array;
  /** Predicted value per row (regression). */
  readonly values?: Float64Array;
  /** Cluster id per row and row-major [N, K] distances (clustering). */
  readonly clusters?: Int32Array;
  readonly distances?: Float64Array;
}

/** The graph values a model's export produced, named by output role. */
export interface OnnxOutputs {
  readonly label?: string;
  readonly probabilities?: string;
  readonly variable?: string;
  readonly cluster?: string;
  readonly distances?: string;
}

export interface FittedModel {
  /**
   * Predicts from preprocessed features. Must compute what the exported graph computes
   * (tree thresholds compared in float32, as onnxruntime does) so parity holds.
   */
  predict(X: Matrix): Predictions;
  /**
   * Appends the model's nodes to `g`, reading `input` (float32 [N, cols], preprocessed), and
   * returns the values to expose. The trainer adds preprocessing before and outputs after.
   */
  exportOnnx(g: OnnxGraph, input: string): OnnxOutputs;
  /**
   * Predictions for the rows the model was fitted on, kept from the fit (boosting's raw scores),
   * for training metrics without a second pass. May differ from `predict` by float32 rounding.
   */
  trainingPredictions?(): Predictions;
}

/** One trainable algorithm: its hyperparameters (zod, with defaults and bounds) and its fit. */
export interface Algorithm<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly tasks: readonly Task[];
  /** One line, listed by `cirrus algorithms`. */
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Standard scaling inside the graph before the model (linear, kernel, distance, neural). */
  readonly scaling: 'standard' | 'none';
  fit(data: FitData, params: P): FittedModel;
}
