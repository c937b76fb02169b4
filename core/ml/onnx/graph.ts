import { type Attr, attributeProto } from './attributes.js';
import { ModelProtoType, TensorDataType, type TensorDataTypeName } from './onnx-proto.js';
import { type TensorSpec, tensorProto } from './tensor.js';

/** ai.onnx and ai.onnx.ml opsets every Cirrus model declares (see docs/conventions.md). */
export const OPSET = 17;
export const ML_OPSET = 3;
export const ML_DOMAIN = 'ai.onnx.ml';
const IR_VERSION = 8;

/** A graph value's declared type: element type and dims (a string dim is symbolic, e.g. 'N'). */
export interface ValueSpec {
  readonly type: TensorDataTypeName;
  readonly dims: readonly (number | string)[];
}

export interface ModelOptions {
  /** Written to ModelProto.metadata_props (e.g. the model contract as JSON). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly producerVersion?: string;
  readonly docString?: string;
}

function valueInfo(name: string, spec: ValueSpec): Record<string, unknown> {
  const dim = spec.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: TensorDataType[spec.type], shape: { dim } } } };
}

/**
 * Builds an ONNX graph node by node and serializes it as a ModelProto.
 *
 * @example
 * const g = new OnnxGraph('linear');
 * const x = g.input('numeric', { type: 'FLOAT', dims: ['N', 4] });
 * const w = g.constant('W', { type: 'FLOAT', data: weights, dims: [4, 3] });
 * const [logits] = g.node('MatMul', [x, w]);
 * g.output(logits, 'probabilities', { type: 'FLOAT', dims: ['N', 3] });
 * const bytes = g.toBytes({ metadata: { contract: JSON.stringify(contract) } });
 */
export class OnnxGraph {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly inputs: Record<string, unknown>[] = [];
  private readonly outputs: Record<string, unknown>[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  private mlUsed = false;

  constructor(readonly name: string) {}

  /** A fresh value name starting with `prefix`. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.used.has(name)) name = `${prefix}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Declares a graph input and returns its name. */
  input(name: string, spec: ValueSpec): string {
    if (this.used.has(name)) throw new Error(`duplicate value name ${name}`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, spec));
    return name;
  }

  /** Adds a constant (initializer) and returns its (possibly uniquified) name. */
  constant(prefix: string, spec: TensorSpec): string {
    const name = this.fresh(prefix);
    this.initializers.push(tensorProto(name, spec));
    return name;
  }

  /**
   * Adds a node; returns its output names (fresh names derived from the op unless given).
   * `outputs` may be a count or explicit names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, Attr>> = {},
    options: { outputs?: number | readonly string[]; domain?: string } = {},
  ): string[] {
    const spec = options.outputs ?? 1;
    const outputs =
      typeof spec === 'number'
        ? Array.from({ length: spec }, (_, i) => this.fresh(`${opType.toLowerCase()}_out${i}`))
        : spec.map((n) => this.fresh(n));
    if (options.domain === ML_DOMAIN) this.mlUsed = true;
    this.nodes.push({
      op_type: opType,
      name: this.fresh(`${opType}_node`),
      input: [...inputs],
      output: outputs,
      domain: options.domain ?? '',
      attribute: Object.entries(attributes).map(([k, a]) => attributeProto(k, a)),
    });
    return outputs;
  }

  /** Shorthand for an ai.onnx.ml node. */
  mlNode(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, Attr>> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    return this.node(opType, inputs, attributes, { outputs, domain: ML_DOMAIN });
  }

  /** Exposes `value` as graph output `name` (an Identity node renames it when needed). */
  output(value: string, name: string, spec: ValueSpec): void {
    if (value !== name) {
      if (this.used.has(name)) throw new Error(`output name ${name} already used`);
      this.used.add(name);
      this.nodes.push({
        op_type: 'Identity',
        name: this.fresh('Identity_node'),
        input: [value],
        output: [name],
        domain: '',
        attribute: [],
      });
    }
    this.outputs.push(valueInfo(name, spec));
  }

  /** Serializes the model. */
  toBytes(options: ModelOptions = {}): Uint8Array {
    const opsets = [{ domain: '', version: OPSET }];
    if (this.mlUsed) opsets.push({ domain: ML_DOMAIN, version: ML_OPSET });
    const model = {
      ir_version: IR_VERSION,
      producer_name: 'cirrus',
      producer_version: options.producerVersion ?? '0.1.0',
      doc_string: options.docString ?? '',
      opset_import: opsets,
      metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const message = ModelProtoType.fromObject(model);
    return ModelProtoType.encode(message).finish();
  }
}
