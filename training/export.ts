import type { ModelContract } from '../contracts/model-contract.js';
import { attr, OnnxGraph } from '../core/ml/onnx/index.js';
import type { FittedModel } from './algorithms/types.js';
import { exportPreprocessor, type Preprocessor } from './preprocess.js';
import { withContribOpset } from './text/graph.js';

/** ONNX metadata key holding the model contract (JSON). */
export const CONTRACT_METADATA_KEY = 'cirrus.contract';

/**
 * Builds model.onnx: the inputs and preprocessing, the model's own nodes, and the outputs under
 * the fixed names of docs/conventions.md, with the contract in the metadata.
 */
export function exportModel(
  model: FittedModel,
  pre: Preprocessor,
  contract: ModelContract,
  trainerVersion: string,
): Uint8Array {
  const g = new OnnxGraph(`cirrus_${contract.algorithm}`);
  const features = exportPreprocessor(g, pre);
  const out = model.exportOnnx(g, features);
  if (contract.task === 'classification') {
    const classes = contract.classes?.length ?? 0;
    if (!out.probabilities) throw new Error(`${contract.algorithm}: export produced no probabilities`);
    // A model that only exposes probabilities gets its label as their argmax.
    const label =
      out.label ?? g.node('ArgMax', [out.probabilities], { axis: attr.int(1), keepdims: attr.int(0) })[0];
    g.output(label, 'label', { type: 'INT64', dims: ['N'] });
    g.output(out.probabilities, 'probabilities', { type: 'FLOAT', dims: ['N', classes] });
  } else if (contract.task === 'regression') {
    if (!out.variable) throw new Error(`${contract.algorithm}: export produced no variable`);
    g.output(out.variable, 'variable', { type: 'FLOAT', dims: ['N', 1] });
  } else {
    if (!out.cluster || !out.distances)
      throw new Error(`${contract.algorithm}: export produced no cluster/distances`);
    g.output(out.cluster, 'cluster', { type: 'INT64', dims: ['N'] });
    g.output(out.distances, 'distances', { type: 'FLOAT', dims: ['N', contract.clusters ?? 0] });
  }
  // Text features use onnxruntime's Tokenizer (com.microsoft), which the graph builder does not import.
  return withContribOpset(
    g.toBytes({
      metadata: { [CONTRACT_METADATA_KEY]: JSON.stringify(contract) },
      producerVersion: trainerVersion,
      docString: `Cirrus ${contract.algorithm} (${contract.task}) on ${contract.features[0]?.source.dataset}`,
    }),
  );
}
