import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliPlatform, startCliPlatform, tableRow } from './run-cli.js';

// Hyperparameter tuning as a user runs it: typed search flags on `cirrus train`, the candidates
// table in `cirrus runs show`, and the chosen values (not the search spec) on the run and the card.
let p: CliPlatform;
const cli = (...args: string[]) => p.cli(...args);
const IRIS = ['--task', 'classification', '--dataset', 'iris', '--target', 'target'];

interface Candidate {
  hyperparameters: Record<string, unknown>;
  score: number;
  std: number;
}
interface TunedRun {
  id: string;
  hyperparameters: Record<string, unknown>;
  tuning: { strategy: string; folds: number; candidates: Candidate[]; best: number };
}

const lastRun = async (experiment: string): Promise<TunedRun> => {
  const { runs } = JSON.parse((await cli('--json', 'runs', 'list', '--experiment', experiment)).stdout);
  return JSON.parse((await cli('--json', 'runs', 'show', runs[0].id)).stdout);
};
const cardParams = async (model: string): Promise<Record<string, string>> => {
  const card = JSON.parse((await cli('--json', 'models', 'card', model, '1')).stdout);
  return Object.fromEntries(
    card.mlHyperParameters.map((p: { name: string; value: string }) => [p.name, p.value]),
  );
};

beforeAll(async () => {
  p = await startCliPlatform('cirrus-tuning-');
  expect((await cli('datasets', 'load', 'iris')).code).toBe(0);
});
afterAll(() => p?.stop());

describe('tuning through the CLI', () => {
  it('grid search: every candidate cross-validated, the best one kept and recorded', async () => {
    const args = ['train', '--experiment', 'grid', '--algorithm', 'svc', ...IRIS];
    const res = await cli(
      ...args,
      '--search',
      'grid',
      '--grid',
      'C=0.1,1,10',
      '--grid',
      'kernel=linear,rbf',
      '--folds',
      '4',
    );
    expect(res.code).toBe(0);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
    const run = await lastRun('grid');
    expect(run.tuning).toMatchObject({ strategy: 'grid', folds: 4 });
    expect(run.tuning.candidates).toHaveLength(6);
    const best = run.tuning.candidates[run.tuning.best]!;
    expect(best.score).toBe(Math.max(...run.tuning.candidates.map((c) => c.score)));
    // The run records the values used (chosen candidate + defaults), not the search spec.
    expect(run.hyperparameters).toMatchObject({
      C: best.hyperparameters.C,
      kernel: best.hyperparameters.kernel,
    });
    expect(run.hyperparameters).toHaveProperty('gamma');
    expect(JSON.stringify(run.hyperparameters)).not.toContain('cirrus_search');

    const show = await cli('runs', 'show', run.id);
    expect(show.stdout).toContain('grid search: 6 candidates');
    const rows = run.tuning.candidates.map((c, i) => tableRow(show.stdout, String(i + 1)));
    rows.forEach((row, i) => {
      const c = run.tuning.candidates[i]!;
      expect(row?.slice(1, 4)).toEqual([
        String(c.hyperparameters.C),
        String(c.hyperparameters.kernel),
        c.score.toFixed(4),
      ]);
    });
    expect(rows[run.tuning.best]?.at(-1)).toBe('✓');

    const card = await cardParams('grid');
    expect(card).toMatchObject({
      C: String(best.hyperparameters.C),
      kernel: String(best.hyperparameters.kernel),
    });
    expect(Object.keys(card)).not.toContain('cirrus_search');
  });

  it('random search over ranges draws `budget` candidates inside them', async () => {
    const res = await cli(
      'train',
      '--experiment',
      'random',
      '--algorithm',
      'random_forest',
      ...IRIS,
      '--range',
      'n_estimators=5:30:int',
      '--range',
      'max_depth=1:6:int',
      '--budget',
      '3',
    );
    expect(res.code).toBe(0);
    const run = await lastRun('random');
    expect(run.tuning).toMatchObject({ strategy: 'random', folds: 3 });
    expect(run.tuning.candidates).toHaveLength(3);
    for (const { hyperparameters: h } of run.tuning.candidates) {
      expect(
        Number.isInteger(h.n_estimators) &&
          (h.n_estimators as number) >= 5 &&
          (h.n_estimators as number) <= 30,
      ).toBe(true);
      expect(
        Number.isInteger(h.max_depth) && (h.max_depth as number) >= 1 && (h.max_depth as number) <= 6,
      ).toBe(true);
    }
  });

  it('an algorithm run on its defaults shows the defaults it used', async () => {
    const res = await cli('train', '--experiment', 'defaults', '--algorithm', 'logistic_regression', ...IRIS);
    expect(res.code).toBe(0);
    const run = await lastRun('defaults');
    expect(Object.keys(run.hyperparameters).length).toBeGreaterThan(0);
    expect(run.hyperparameters).toHaveProperty('C', 1);
    expect(await cardParams('defaults')).toMatchObject({ C: '1' });
  });

  it('refuses a search over a sweep and a malformed range, naming the flag or field', async () => {
    const sweep = await cli(
      'train',
      '--experiment',
      'bad',
      '--algorithm',
      'svc,knn',
      ...IRIS,
      '--grid',
      'C=1,10',
    );
    expect(sweep.stderr).toMatch(/search: tunes one algorithm.*\[400/);
    const range = await cli('train', '--experiment', 'bad', '--algorithm', 'svc', ...IRIS, '--range', 'C=1');
    expect(range.stderr).toContain('--range C: expected min:max[:log][:int]');
  });
});
