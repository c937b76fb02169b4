/**
 * Generates datasets/reviews.csv: a small labelled text set (product reviews, sentiment
 * positive/negative) for the text-feature tests, from a fixed seed; no downloads.
 *   npx tsx training/reviews-dataset.ts > datasets/reviews.csv
 * Sentiment is carried by words and by negated phrases ("not good" is negative), 10% of the
 * labels are flipped, and some authors lean one way, so an author+text template helps a little.
 */
import { createRng, type Rng } from '../core/ml/random.js';

const POSITIVE = [
  'great',
  'excellent',
  'love',
  'perfect',
  'happy',
  'recommend',
  'amazing',
  'sturdy',
  'comfortable',
  'fast',
];
const NEGATIVE = [
  'terrible',
  'broken',
  'awful',
  'refund',
  'disappointed',
  'useless',
  'flimsy',
  'slow',
  'returned',
  'waste',
];
const NEUTRAL = [
  'the',
  'box',
  'arrived',
  'on',
  'tuesday',
  'colour',
  'blue',
  'battery',
  'size',
  'price',
  'package',
  'cable',
  'manual',
  'it',
  'was',
];
const PRODUCTS = ['headphones', 'kettle', 'backpack', 'lamp', 'keyboard', 'blender', 'charger', 'jacket'];
const AUTHORS = [
  'ana',
  'ben',
  'chloe',
  'dev',
  'emma',
  'farid',
  'grace',
  'hugo',
  'ines',
  'jack',
  'kim',
  'lena',
];

function pick<T>(items: readonly T[], rng: Rng): T {
  return items[rng.int(items.length)];
}

function sentence(positive: boolean, rng: Rng): string {
  const words: string[] = [];
  const n = 4 + rng.int(6);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.3) words.push(pick(positive ? POSITIVE : NEGATIVE, rng));
    else if (r < 0.38) words.push('not', pick(positive ? NEGATIVE : POSITIVE, rng));
    else if (r < 0.45) words.push(pick(positive ? NEGATIVE : POSITIVE, rng));
    else words.push(pick(NEUTRAL, rng));
  }
  const text = `The ${pick(PRODUCTS, rng)}: ${words.join(' ')}.`;
  return rng.next() < 0.3 ? text.toUpperCase() : text;
}

export function reviewsCsv(rows = 400, seed = 2024): string {
  const rng = createRng(seed);
  const lines = ['author,text,sentiment'];
  for (let i = 0; i < rows; i++) {
    const author = pick(AUTHORS, rng);
    const lean = AUTHORS.indexOf(author) < 4 ? 0.7 : AUTHORS.indexOf(author) < 8 ? 0.5 : 0.3;
    const positive = rng.next() < lean;
    const label = rng.next() < 0.1 ? !positive : positive;
    lines.push(`${author},"${sentence(positive, rng)}",${label ? 'positive' : 'negative'}`);
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(reviewsCsv());
