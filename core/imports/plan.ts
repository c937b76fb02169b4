import type { ImportOptions } from '../../contracts/model-import.js';
import { ValidationError } from '../errors.js';
import {
  ElemType,
  elemName,
  type GraphSignature,
  isFloat,
  type OutputValue,
  type TensorValue,
} from './signature.js';

type Tensor = Extract<OutputValue, { kind: 'tensor' }>;

/** How the adapter feeds the graph: one [N, n] block, or one input per feature column. */
export type InputLayout =
  | { readonly layout: 'block'; readonly input: TensorValue }
  | { readonly layout: 'columns'; readonly inputs: readonly TensorValue[] };

/** Which tensor the adapter turns into Cirrus's outputs. */
export type OutputPlan =
  | {
      readonly kind: 'scores';
      readonly source: string;
      readonly elemType: number;
      readonly logits: boolean;
      /** The ZipMap output the adapter drops (onnxruntime-node cannot return seq(map)). */
      readonly zipmap?: string;
    }
  | { readonly kind: 'value'; readonly source: string; readonly elemType: number };

/** Everything the adapter and the contract need, resolved from the graph and the options. */
export interface ImportPlan {
  readonly task: 'classification' | 'regression';
  readonly features: readonly string[];
  readonly classes?: readonly string[];
  readonly inputs: InputLayout;
  readonly output: OutputPlan;
}

const LABEL_TYPES = new Set<number>([ElemType.INT64, ElemType.INT32, ElemType.STRING]);

function width(t: Tensor): number | undefined {
  return t.dims.length === 2 ? t.dims[1] : t.dims.length === 1 ? 1 : undefined;
}

function describe(outputs: readonly OutputValue[]): string {
  return outputs
    .map((o) =>
      o.kind === 'zipmap'
        ? `'${o.name}' seq(map)`
        : `'${o.name}' ${elemName(o.elemType)} [${o.dims.map((d) => d ?? '?').join(', ')}]`,
    )
    .join(', ');
}

function refuse(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`, field);
}

/** The graph's outputs sorted by role: class labels, per-class scores, single values. */
function roles(outputs: readonly OutputValue[]) {
  const tensors = outputs.filter((o): o is Tensor => o.kind === 'tensor');
  return {
    zipmap: outputs.find((o) => o.kind === 'zipmap'),
    labels: tensors.filter((t) => LABEL_TYPES.has(t.elemType) && (width(t) ?? 1) === 1),
    scores: tensors.filter((t) => isFloat(t.elemType) && t.dims.length === 2 && width(t) !== 1),
    values: tensors.filter((t) => isFloat(t.elemType) && width(t) === 1),
  };
}

function planRegression(sig: GraphSignature): OutputPlan {
  const r = roles(sig.outputs);
  if (r.zipmap || r.labels.length > 0 || r.scores.length > 0) {
    refuse(
      'outputs',
      `the graph answers classes or per-class scores (${describe(sig.outputs)}), which contradicts task regression`,
    );
  }
  if (r.values.length !== 1) {
    refuse(
      'outputs',
      `a regressor needs one float output [N] or [N, 1]; the graph has ${describe(sig.outputs)}`,
    );
  }
  return { kind: 'value', source: r.values[0].name, elemType: r.values[0].elemType };
}

function planClassifier(sig: GraphSignature, options: ImportOptions): OutputPlan {
  const r = roles(sig.outputs);
  if (r.zipmap?.kind === 'zipmap') {
    const logits = options.scores === 'logits';
    return {
      kind: 'scores',
      source: r.zipmap.source,
      elemType: ElemType.FLOAT,
      logits,
      zipmap: r.zipmap.name,
    };
  }
  if (r.scores.length === 0) {
    refuse(
      'outputs',
      `a classifier needs probabilities or scores [N, k]; the graph has ${describe(sig.outputs)}, which contradicts task classification`,
    );
  }
  if (r.scores.length > 1) {
    refuse('outputs', `several score outputs (${describe(r.scores)}): cannot tell which holds the classes`);
  }
  const scores = r.scores[0];
  // With a label output beside it (skl2onnx), the tensor is probabilities; alone, the user says.
  const kind = options.scores ?? (r.labels.length > 0 ? 'probabilities' : undefined);
  if (!kind) {
    refuse(
      'scores',
      `the output '${scores.name}' [N, ${width(scores) ?? '?'}] may hold logits or probabilities: say which (--scores logits|probabilities)`,
    );
  }
  return { kind: 'scores', source: scores.name, elemType: scores.elemType, logits: kind === 'logits' };
}

function inferTask(sig: GraphSignature): 'classification' | 'regression' {
  const r = roles(sig.outputs);
  if (r.zipmap || r.labels.length > 0 || r.scores.length > 0 || sig.classes) return 'classification';
  if (r.values.length > 0) return 'regression';
  return refuse('task', `cannot tell the task from the outputs (${describe(sig.outputs)}): pass --task`);
}

function planInputs(sig: GraphSignature): InputLayout {
  if (sig.inputs.length === 1 && sig.inputs[0].dims.length === 2)
    return { layout: 'block', input: sig.inputs[0] };
  return { layout: 'columns', inputs: sig.inputs };
}

function planFeatures(inputs: InputLayout, options: ImportOptions, header?: readonly string[]): string[] {
  const fromHeader = header?.filter((c) => c !== options.target);
  const given = options.features ?? fromHeader;
  if (inputs.layout === 'columns') {
    const names = given ?? inputs.inputs.map((i) => i.name);
    if (names.length !== inputs.inputs.length) {
      refuse(
        options.features ? 'features' : 'reference',
        `${names.length} feature names for ${inputs.inputs.length} inputs (${inputs.inputs.map((i) => i.name).join(', ')})`,
      );
    }
    return [...names];
  }
  const n = inputs.input.dims[1];
  if (!given) {
    refuse(
      'features',
      `the input '${inputs.input.name}' takes ${n ?? 'several'} columns the graph does not name: pass --features or a --reference CSV`,
    );
  }
  if (n !== undefined && given.length !== n) {
    refuse(
      options.features ? 'features' : 'reference',
      `${given.length} feature names, but the input '${inputs.input.name}' takes ${n} columns`,
    );
  }
  return [...given];
}

function planClasses(sig: GraphSignature, output: OutputPlan, options: ImportOptions): string[] {
  const zipmap = sig.outputs.find((o) => o.kind === 'zipmap');
  const found = options.classes ?? (zipmap?.kind === 'zipmap' ? zipmap.classes : undefined) ?? sig.classes;
  if (!found)
    refuse('classes', 'the graph names no class labels: pass them in probability-column order (--classes)');
  const scores = sig.outputs.find((o) => o.kind === 'tensor' && o.name === output.source) as
    | Tensor
    | undefined;
  const k = scores ? width(scores) : undefined;
  if (k !== undefined && k !== found.length) {
    refuse('classes', `${found.length} classes, but the output '${output.source}' has ${k} columns`);
  }
  return [...found];
}

/**
 * Resolves an import: the task (given, or inferred from the outputs), the input layout, the
 * output to adapt, feature names and classes. Throws a ValidationError naming the field when
 * the graph contradicts the options or leaves something only the user can say.
 */
export function planImport(
  sig: GraphSignature,
  options: ImportOptions,
  header?: readonly string[],
): ImportPlan {
  const task = options.task ?? inferTask(sig);
  const output = task === 'regression' ? planRegression(sig) : planClassifier(sig, options);
  const inputs = planInputs(sig);
  const features = planFeatures(inputs, options, header);
  const classes = task === 'classification' ? planClasses(sig, output, options) : undefined;
  return { task, features, classes, inputs, output };
}
