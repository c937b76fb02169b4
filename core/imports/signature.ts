import {
  type AttributeInfo,
  type GraphInfo,
  initializerName,
  type ModelInfo,
  type TypeInfo,
  type ValueInfo,
} from '../ml/onnx/model-codec.js';
import { ValidationError } from '../errors.js';

/** onnx.TensorProto.DataType values an imported model's inputs and scores may have. */
export const ElemType = { FLOAT: 1, INT32: 6, INT64: 7, STRING: 8, DOUBLE: 11 } as const;
const NUMERIC_INPUTS = new Set<number>([ElemType.FLOAT, ElemType.DOUBLE, ElemType.INT64, ElemType.INT32]);
const FLOATS = new Set<number>([ElemType.FLOAT, ElemType.DOUBLE]);
const ELEM_NAMES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
};

/** A dimension: a number when static, undefined when symbolic or absent. */
export type StaticDim = number | undefined;

export interface TensorValue {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly StaticDim[];
}

/** A graph output: a tensor, or a ZipMap `seq(map)` with the tensor that feeds it. */
export type OutputValue =
  | ({ readonly kind: 'tensor' } & TensorValue)
  | { readonly kind: 'zipmap'; readonly name: string; readonly source: string; readonly classes?: string[] };

/** What the graph says about itself: inputs, outputs, class labels found in its nodes. */
export interface GraphSignature {
  readonly inputs: readonly TensorValue[];
  readonly outputs: readonly OutputValue[];
  /** Class labels of an ai.onnx.ml classifier node or ZipMap (probability-column order). */
  readonly classes?: string[];
}

export function elemName(t: number): string {
  return ELEM_NAMES[t] ?? `type ${t}`;
}

function tensorOf(value: ValueInfo, field: string): TensorValue {
  const tensor = value.type?.tensor_type;
  if (!tensor) {
    throw new ValidationError(
      `${field} '${value.name}': a ${kindOf(value.type)} cannot be matched (import takes tensors)`,
      field,
    );
  }
  const dims = (tensor.shape?.dim ?? []).map((d) =>
    d.dim_value !== undefined ? Number(d.dim_value) : undefined,
  );
  return { name: value.name, elemType: tensor.elem_type ?? 0, dims };
}

function kindOf(type: TypeInfo | undefined): string {
  if (type?.sequence_type) return 'sequence';
  if (type?.map_type) return 'map';
  if (type?.optional_type) return 'optional';
  if (type?.sparse_tensor_type) return 'sparse tensor';
  return 'value of unknown type';
}

function stringsOf(attribute: AttributeInfo | undefined): string[] | undefined {
  if (!attribute) return undefined;
  if (attribute.strings?.length) return attribute.strings.map((s) => Buffer.from(s).toString('utf8'));
  if (attribute.ints?.length) return attribute.ints.map((i) => String(i));
  return undefined;
}

const LABEL_ATTRIBUTES = ['classlabels_strings', 'classlabels_int64s', 'classlabels_ints'];

/** Class labels of the first node that declares them (classifier ops, ZipMap). */
function graphClasses(graph: GraphInfo): string[] | undefined {
  for (const node of graph.node) {
    for (const name of LABEL_ATTRIBUTES) {
      const found = stringsOf(node.attribute.find((a) => a.name === name));
      if (found) return found;
    }
  }
  return undefined;
}

function outputOf(graph: GraphInfo, value: ValueInfo): OutputValue {
  const zipmap = graph.node.find((n) => n.op_type === 'ZipMap' && n.output.includes(value.name));
  if (zipmap) {
    const classes = LABEL_ATTRIBUTES.map((a) => stringsOf(zipmap.attribute.find((x) => x.name === a))).find(
      (c) => c !== undefined,
    );
    return { kind: 'zipmap', name: value.name, source: zipmap.input[0], classes };
  }
  return { kind: 'tensor', ...tensorOf(value, 'outputs') };
}

/**
 * Reads a decoded model's inputs and outputs. Throws a ValidationError naming the input when
 * one is not a numeric tensor of rank 1 or 2 (the layouts the serving adapter can feed).
 */
export function readSignature(model: ModelInfo): GraphSignature {
  const graph = model.graph;
  if (!graph) throw new ValidationError('file: the ONNX model has no graph', 'file');
  const initializers = new Set(initializerNames(graph));
  const inputs = graph.input.filter((i) => !initializers.has(i.name)).map((i) => tensorOf(i, 'inputs'));
  if (inputs.length === 0) throw new ValidationError('inputs: the graph has no inputs', 'inputs');
  for (const input of inputs) {
    if (!NUMERIC_INPUTS.has(input.elemType)) {
      throw new ValidationError(
        `inputs '${input.name}': ${elemName(input.elemType)} inputs cannot be matched (import feeds numeric features: float, double, int64, int32)`,
        'inputs',
      );
    }
    if (input.dims.length < 1 || input.dims.length > 2) {
      throw new ValidationError(
        `inputs '${input.name}': rank ${input.dims.length} cannot be matched (expected [N, features] or [N])`,
        'inputs',
      );
    }
    if (inputs.length > 1 && input.dims.length === 2 && input.dims[1] !== undefined && input.dims[1] !== 1) {
      throw new ValidationError(
        `inputs '${input.name}': [N, ${input.dims[1]}] cannot be matched: with several inputs each must be one column ([N, 1] or [N])`,
        'inputs',
      );
    }
  }
  return { inputs, outputs: graph.output.map((o) => outputOf(graph, o)), classes: graphClasses(graph) };
}

function initializerNames(graph: GraphInfo): string[] {
  return graph.initializer.map(initializerName);
}

export function isFloat(elemType: number): boolean {
  return FLOATS.has(elemType);
}
