import { readFileSync } from 'node:fs';

/** The committed import fixtures (made by make_fixtures.py beside them). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

export const IRIS_CSV = readFileSync(new URL('../../datasets/iris.csv', import.meta.url), 'utf8');
export const DIABETES_REFERENCE = readFileSync(
  new URL('./fixtures/diabetes-reference.csv', import.meta.url),
  'utf8',
);

/** The exporters' own answers on the first `rows` rows of each fixture's reference CSV. */
export const EXPECTED = JSON.parse(
  readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8'),
) as {
  rows: number;
  outputs: Record<string, { probabilities?: number[][]; label?: number[]; value?: number[] }>;
};

/** The first `n` data rows of a CSV as feature objects (the target column left out). */
export function csvInstances(csv: string, n: number, target = 'target'): Record<string, number>[] {
  const [header, ...lines] = csv.trim().split('\n');
  const names = header.split(',');
  return lines.slice(0, n).map((line) => {
    const cells = line.split(',').map(Number);
    return Object.fromEntries(names.flatMap((name, i) => (name === target ? [] : [[name, cells[i]]])));
  });
}

export const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
