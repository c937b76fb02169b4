import { attr, type OnnxGraph } from '../../core/ml/onnx/index.js';
import { ModelProtoType } from '../../core/ml/onnx/onnx-proto.js';
import { TOKEN_PATTERN, type TextVectorizer } from './vectorizer.js';

/** The domain of onnxruntime's Tokenizer (a contrib op every onnxruntime CPU build registers). */
export const MS_DOMAIN = 'com.microsoft';
/** Never a token (tokens are letters and digits), so padding never matches a vocabulary term. */
const PAD = '#';

/**
 * Appends one text column's vectorizer: column `j` of the string input `text` [N, Ftext] ->
 * lowercase (ai.onnx StringNormalizer, C locale: ASCII) -> tokens (com.microsoft Tokenizer,
 * regex, padded) -> n-gram counts times idf (ai.onnx TfIdfVectorizer) -> rows scaled to unit
 * L2 norm. Returns the float [N, vocabulary] value.
 */
export function exportVectorizer(g: OnnxGraph, text: string, j: number, v: TextVectorizer): string {
  const axes = g.constant('text_axis1', { type: 'INT64', data: [1], dims: [1] });
  const starts = g.constant(`text_start${j}`, { type: 'INT64', data: [j], dims: [1] });
  const ends = g.constant(`text_end${j}`, { type: 'INT64', data: [j + 1], dims: [1] });
  const [col] = g.node('Slice', [text, starts, ends, axes]);
  const flat = g.constant('text_flat', { type: 'INT64', data: [-1], dims: [1] });
  const [docs] = g.node('Reshape', [col, flat]);
  const [lower] = g.node('StringNormalizer', [docs], {
    case_change_action: attr.string('LOWER'),
    is_case_sensitive: attr.int(1),
    locale: attr.string('C'),
  });
  const [tokens] = g.node(
    'Tokenizer',
    [lower],
    {
      mark: attr.int(0),
      mincharnum: attr.int(1),
      pad_value: attr.string(PAD),
      tokenexp: attr.string(TOKEN_PATTERN),
    },
    { domain: MS_DOMAIN },
  );
  const unigrams = v.terms.filter((t) => t.length === 1).length;
  const counts = v.ngramMax === 1 ? [0] : [0, unigrams];
  const [tfidf] = g.node('TfIdfVectorizer', [tokens], {
    mode: attr.string('TFIDF'),
    min_gram_length: attr.int(1),
    max_gram_length: attr.int(v.ngramMax),
    max_skip_count: attr.int(0),
    ngram_counts: attr.ints(counts),
    ngram_indexes: attr.ints(v.terms.map((_, k) => k)),
    pool_strings: attr.strings(v.terms.flat()),
    weights: attr.floats(v.idf),
  });
  const [sq] = g.node('ReduceSumSquare', [tfidf], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const [norm] = g.node('Sqrt', [sq]);
  const tiny = g.constant('text_tiny', { type: 'FLOAT', data: [1e-12], dims: [1] });
  const [safe] = g.node('Max', [norm, tiny]);
  const [out] = g.node('Div', [tfidf, safe]);
  return out;
}

/** Adds the com.microsoft opset import to serialized model bytes whose graph uses that domain. */
export function withContribOpset(bytes: Uint8Array): Uint8Array {
  const model = ModelProtoType.toObject(ModelProtoType.decode(bytes), { longs: Number }) as {
    opset_import: { domain: string; version: number }[];
    graph: { node: { domain?: string }[] };
  };
  if (!model.graph.node.some((n) => n.domain === MS_DOMAIN)) return bytes;
  model.opset_import.push({ domain: MS_DOMAIN, version: 1 });
  return ModelProtoType.encode(ModelProtoType.fromObject(model)).finish();
}
