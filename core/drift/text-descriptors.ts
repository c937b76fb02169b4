import type { TextDescriptorSpec } from '../../contracts/drift.js';
import type { ProfileColumn } from './profile.js';

/** Tokens as the model's graph reads them: ASCII-lowercased maximal runs of letters and digits. */
const TOKEN = /[\p{L}\p{N}]+/gu;

export function tokens(text: string): string[] {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase()).match(TOKEN) ?? [];
}

/** Vocabulary kept for the out-of-vocabulary rate, and terms tracked by share. */
const VOCABULARY = 5000;
const TOP_TERMS = 20;
/** The top-term value of a text with none of the tracked terms. */
export const NO_TOP_TERM = '(none)';

/**
 * The derived columns a text feature is watched through (Evidently's text descriptors): word
 * count, out-of-vocabulary rate (share of words not in the training vocabulary) and top term (the
 * most frequent of the training's top terms in the text, one value per row so tests stay valid).
 */
export function descriptorColumns(name: string): { length: string; oov: string; topTerm: string } {
  return {
    length: `${name} (words)`,
    oov: `${name} (out-of-vocabulary rate)`,
    topTerm: `${name} (top term)`,
  };
}

/** The spec of one text feature: its vocabulary and top terms, learned from the training rows. */
export function textDescriptorSpec(name: string, values: readonly unknown[]): TextDescriptorSpec {
  const df = new Map<string, number>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    for (const t of new Set(tokens(v))) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const ranked = [...df].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  return { name, vocabulary: ranked.slice(0, VOCABULARY).sort(), topTerms: ranked.slice(0, TOP_TERMS) };
}

/** The profiled columns that stand for a text feature. */
export function descriptorProfileColumns(name: string): ProfileColumn[] {
  const c = descriptorColumns(name);
  return [
    { name: c.length, type: 'numeric' },
    { name: c.oov, type: 'numeric' },
    { name: c.topTerm, type: 'categorical' },
  ];
}

/** Compiled spec: sets for lookups, built once per evaluation. */
export interface TextDescriber {
  readonly spec: TextDescriptorSpec;
  readonly columns: ReturnType<typeof descriptorColumns>;
  readonly vocabulary: ReadonlySet<string>;
  readonly rank: ReadonlyMap<string, number>;
}

export function textDescriber(spec: TextDescriptorSpec): TextDescriber {
  return {
    spec,
    columns: descriptorColumns(spec.name),
    vocabulary: new Set(spec.vocabulary),
    rank: new Map(spec.topTerms.map((t, i) => [t, i])),
  };
}

/** Writes the descriptor columns of one row's text into `out` (missing text stays missing). */
export function describeText(d: TextDescriber, value: unknown, out: Record<string, unknown>): void {
  if (typeof value !== 'string') {
    out[d.columns.length] = null;
    out[d.columns.oov] = null;
    out[d.columns.topTerm] = null;
    return;
  }
  const words = tokens(value);
  let unknown = 0;
  const counts = new Map<string, number>();
  for (const w of words) {
    if (!d.vocabulary.has(w)) unknown++;
    if (d.rank.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  let top = NO_TOP_TERM;
  let best = 0;
  for (const [t, n] of counts) {
    if (n > best || (n === best && d.rank.get(t)! < d.rank.get(top)!)) [top, best] = [t, n];
  }
  out[d.columns.length] = words.length;
  out[d.columns.oov] = words.length ? unknown / words.length : 0;
  out[d.columns.topTerm] = top;
}

/** A row with the descriptor columns of every text feature added (the row itself is not changed). */
export function withTextDescriptors(
  describers: readonly TextDescriber[],
  features: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...features };
  for (const d of describers) describeText(d, features[d.spec.name], out);
  return out;
}
