import { ValidationError } from '../../core/errors.js';

/**
 * TF-IDF over word n-grams, computed exactly as the graph computes it (text/graph.ts):
 * ASCII-lowercase (StringNormalizer with the C locale lowercases ASCII only), tokens are maximal
 * runs of Unicode letters and digits (the Tokenizer's regular expression), counts of the kept
 * n-grams times their idf (TfIdfVectorizer), then each row scaled to unit L2 norm.
 */
export interface TextVectorizer {
  /** Kept n-grams as token lists: every unigram first, then every bigram (the graph's pool order). */
  readonly terms: readonly (readonly string[])[];
  /** Smoothed idf per term, float32: ln((1 + n) / (1 + df)) + 1 (scikit-learn's TfidfVectorizer). */
  readonly idf: Float32Array;
  readonly ngramMax: number;
}

export interface VectorizerOptions {
  readonly ngramMax: number;
  readonly maxFeatures: number;
  readonly minDf: number;
}

/** The regular expression the graph's Tokenizer applies (RE2 syntax, also valid in JS with `u`). */
export const TOKEN_PATTERN = '[\\p{L}\\p{N}]+';
const TOKEN = new RegExp(TOKEN_PATTERN, 'gu');

export function tokenize(text: string): string[] {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase()).match(TOKEN) ?? [];
}

function ngrams(tokens: readonly string[], ngramMax: number): string[] {
  const out = [...tokens];
  for (let n = 2; n <= ngramMax; n++)
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/** Learns the vocabulary (the `maxFeatures` terms in most documents, at least `minDf`) and idf. */
export function fitVectorizer(docs: readonly string[], o: VectorizerOptions, field: string): TextVectorizer {
  const df = new Map<string, number>();
  for (const doc of docs)
    for (const term of new Set(ngrams(tokenize(doc), o.ngramMax))) df.set(term, (df.get(term) ?? 0) + 1);
  const kept = [...df.entries()]
    .filter(([, d]) => d >= o.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, o.maxFeatures);
  if (kept.length === 0)
    throw new ValidationError(`${field}: no word appears in at least ${o.minDf} training rows`, field);
  const order = (t: string) => t.split(' ').length;
  kept.sort((a, b) => order(a[0]) - order(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const n = docs.length;
  return {
    terms: kept.map(([t]) => t.split(' ')),
    idf: Float32Array.from(kept, ([, d]) => Math.log((1 + n) / (1 + d)) + 1),
    ngramMax: o.ngramMax,
  };
}

/** Writes the TF-IDF rows of `docs` into `out` (row stride `stride`, starting at column `offset`). */
export function vectorizeInto(
  v: TextVectorizer,
  docs: readonly string[],
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const index = new Map(v.terms.map((t, k) => [t.join(' '), k]));
  const f = Math.fround;
  const row = new Float32Array(v.terms.length);
  docs.forEach((doc, r) => {
    row.fill(0);
    for (const term of ngrams(tokenize(doc), v.ngramMax)) {
      const k = index.get(term);
      if (k !== undefined) row[k] += 1;
    }
    let sq = 0;
    for (let k = 0; k < row.length; k++) {
      row[k] = f(row[k] * v.idf[k]);
      sq += row[k] * row[k];
    }
    const norm = Math.max(f(Math.sqrt(f(sq))), 1e-12);
    for (let k = 0; k < row.length; k++) out[r * stride + offset + k] = f(row[k] / norm);
  });
}
