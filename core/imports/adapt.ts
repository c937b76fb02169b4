import { ValidationError } from '../errors.js';
import {
  type AttributeInfo,
  type GraphInfo,
  int64Initializer,
  type ModelInfo,
  type NodeInfo,
  type ValueInfo,
} from '../ml/onnx/model-codec.js';
import type { ImportPlan } from './plan.js';
import { ElemType, type TensorValue } from './signature.js';

/** The names serving feeds and reads (docs/conventions.md, ONNX conventions). */
const RESERVED = ['numeric', 'label', 'probabilities', 'variable'];
/** Oldest ai.onnx opset whose Reshape, Gather, Cast, Softmax and ArgMax the adapter writes. */
const MIN_OPSET = 7;

const int = (name: string, i: number): AttributeInfo => ({ name, type: 2, i });
const node = (op: string, input: string[], output: string[], attribute: AttributeInfo[] = []): NodeInfo => ({
  op_type: op,
  input,
  output,
  name: `cirrus_adapter_${output[0]}`,
  domain: '',
  attribute,
});

function valueInfo(name: string, elemType: number, dims: (number | 'N')[]): ValueInfo {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (d === 'N' ? { dim_param: 'N' } : { dim_value: d })) },
      },
    },
  };
}

/** Renames the graph's own tensors that carry a reserved name (`label` → `label__imported`). */
function freeReservedNames(graph: GraphInfo): Map<string, string> {
  const used = new Set<string>();
  for (const n of graph.node) for (const x of [...n.input, ...n.output]) used.add(x);
  for (const v of [...graph.input, ...graph.output, ...graph.value_info]) used.add(v.name);
  const renames = new Map<string, string>();
  for (const name of RESERVED) {
    if (!used.has(name)) continue;
    let to = `${name}__imported`;
    while (used.has(to)) to += '_';
    renames.set(name, to);
  }
  const rename = (x: string) => renames.get(x) ?? x;
  for (const n of graph.node) {
    n.input = n.input.map(rename);
    n.output = n.output.map(rename);
  }
  for (const v of [...graph.input, ...graph.output, ...graph.value_info]) v.name = rename(v.name);
  return renames;
}

/** Nodes feeding the graph's original inputs from the `numeric` [N, n] block. */
function feedInputs(plan: ImportPlan, rename: (x: string) => string, adds: Adds): void {
  const cast = (from: string, to: TensorValue) => {
    const target = rename(to.name);
    if (to.elemType === ElemType.FLOAT) adds.nodes.push(node('Identity', [from], [target]));
    else adds.nodes.push(node('Cast', [from], [target], [int('to', to.elemType)]));
  };
  if (plan.inputs.layout === 'block') {
    cast('numeric', plan.inputs.input);
    adds.notes.push(`input 'numeric' [N, ${plan.features.length}] feeds '${plan.inputs.input.name}'`);
    return;
  }
  plan.inputs.inputs.forEach((input, j) => {
    const index = `cirrus_adapter_column_${j}`;
    // A 1-D index keeps the column axis ([N, 1]); a scalar index drops it ([N]).
    adds.initializers.push(int64Initializer(index, [j], input.dims.length === 2 ? [1] : []));
    const column = `cirrus_adapter_gathered_${j}`;
    adds.nodes.push(node('Gather', ['numeric', index], [column], [int('axis', 1)]));
    cast(column, input);
  });
  adds.notes.push(`input 'numeric' [N, ${plan.features.length}] split into one input per column`);
}

interface Adds {
  nodes: NodeInfo[];
  initializers: Uint8Array[];
  notes: string[];
}

/** Nodes producing `label` + `probabilities`, or `variable`, from the planned output. */
function produceOutputs(plan: ImportPlan, rename: (x: string) => string, adds: Adds): ValueInfo[] {
  const out = plan.output;
  let source = rename(out.source);
  if (out.elemType !== ElemType.FLOAT) {
    adds.nodes.push(node('Cast', [source], ['cirrus_adapter_float'], [int('to', ElemType.FLOAT)]));
    source = 'cirrus_adapter_float';
    adds.notes.push(`'${out.source}' cast to float`);
  }
  if (out.kind === 'value') {
    adds.initializers.push(int64Initializer('cirrus_adapter_shape', [-1, 1], [2]));
    adds.nodes.push(node('Reshape', [source, 'cirrus_adapter_shape'], ['variable']));
    adds.notes.push(`'${out.source}' reshaped to 'variable' [N, 1]`);
    return [valueInfo('variable', ElemType.FLOAT, ['N', 1])];
  }
  const named = rename(out.source);
  if (out.zipmap) adds.notes.push(`dropped ZipMap '${out.zipmap}': probabilities read from '${named}'`);
  if (out.logits) {
    adds.nodes.push(node('Softmax', [source], ['probabilities'], [int('axis', 1)]));
    adds.notes.push(`softmax over the logits '${named}' gives 'probabilities'`);
  } else {
    adds.nodes.push(node('Identity', [source], ['probabilities']));
    adds.notes.push(`'${named}' is 'probabilities'`);
  }
  adds.nodes.push(node('ArgMax', ['probabilities'], ['label'], [int('axis', 1), int('keepdims', 0)]));
  adds.notes.push(`'label' is the argmax of 'probabilities'`);
  const k = plan.classes?.length ?? 0;
  return [valueInfo('label', ElemType.INT64, ['N']), valueInfo('probabilities', ElemType.FLOAT, ['N', k])];
}

function ensureOpset(model: ModelInfo): void {
  const main = model.opset_import.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  if (!main) {
    model.opset_import.push({ domain: '', version: 13 });
    model.ir_version = Math.max(model.ir_version ?? 0, 7);
    return;
  }
  if ((main.version ?? 0) < MIN_OPSET) {
    throw new ValidationError(
      `opset: ai.onnx ${main.version} is unsupported (the serving adapter needs ${MIN_OPSET} or newer)`,
      'opset',
    );
  }
}

/**
 * Rewrites an imported model to Cirrus's serving conventions, so serving, Evaluate's scoring
 * and drift treat it like a trained model: one `numeric` float [N, n] input feeding the graph's
 * own inputs, and `label` int64 [N] + `probabilities` float [N, k] or `variable` float [N, 1]
 * as the only outputs. A ZipMap output is dropped (its input tensor becomes `probabilities`).
 * Mutates `model`; returns what the adapter did, for lineage.
 */
export function adaptModel(model: ModelInfo, plan: ImportPlan): string[] {
  const graph = model.graph as GraphInfo;
  ensureOpset(model);
  const renames = freeReservedNames(graph);
  const rename = (x: string) => renames.get(x) ?? x;
  const adds: Adds = { nodes: [], initializers: [], notes: [] };
  for (const [from, to] of renames) adds.notes.push(`the graph's own '${from}' renamed '${to}'`);
  const fed = new Set(
    (plan.inputs.layout === 'block' ? [plan.inputs.input] : plan.inputs.inputs).map((i) => rename(i.name)),
  );
  feedInputs(plan, rename, adds);
  const outputs = produceOutputs(plan, rename, adds);
  const zipmap = plan.output.kind === 'scores' ? plan.output.zipmap : undefined;
  graph.node = [
    ...graph.node.filter((n) => !(n.op_type === 'ZipMap' && zipmap && n.output.includes(rename(zipmap)))),
    ...adds.nodes,
  ];
  graph.initializer = [...graph.initializer, ...adds.initializers];
  graph.input = [
    valueInfo('numeric', ElemType.FLOAT, ['N', plan.features.length]),
    ...graph.input.filter((i) => !fed.has(i.name)),
  ];
  graph.output = outputs;
  return adds.notes;
}
