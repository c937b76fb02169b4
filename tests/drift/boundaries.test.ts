import { describe, expect, it } from 'vitest';
import { type CategoricalProfile, DriftOptionsSchema, DriftThresholdsSchema } from '../../contracts/drift.js';
import { categoricalFeatureDrift } from '../../core/drift/feature-drift.js';
import { CategoryCounter } from '../../core/drift/sketches/categorical-profile.js';

/** Evidently's documented defaults, pinned: a changed default is a changed product. */
describe('drift defaults', () => {
  it('a dataset drifts when half its features drift; thresholds are Evidently’s', () => {
    const options = DriftOptionsSchema.parse({});
    expect(options.driftShare).toBe(0.5);
    expect(options.minRows).toBe(30);
    expect(options.performanceTolerance).toBe(0.1);
    expect(DriftThresholdsSchema.parse({})).toEqual({
      ks: 0.05,
      chisquare: 0.05,
      z: 0.05,
      wasserstein: 0.1,
      jensenshannon: 0.1,
      psi: 0.1,
    });
  });
});

function profile(frequencies: Record<string, number>): CategoricalProfile {
  const count = Object.values(frequencies).reduce((a, b) => a + b, 0);
  return {
    name: 'colour',
    type: 'categorical',
    count,
    missing: 0,
    missingRate: 0,
    distinctCount: Object.keys(frequencies).length,
    frequencies,
    otherCount: 0,
  };
}

function window(frequencies: Record<string, number>): CategoryCounter {
  const counter = new CategoryCounter();
  for (const [value, n] of Object.entries(frequencies)) for (let i = 0; i < n; i++) counter.add(value);
  return counter;
}

const defaults = DriftThresholdsSchema.parse({});

describe('a statistic exactly at its threshold', () => {
  it('a distance (Jensen-Shannon, PSI) at the threshold drifts; just below does not', () => {
    // Over 1,000 reference rows: Jensen-Shannon distance (Evidently's rule).
    const ref = profile({ red: 800, blue: 400 });
    const cur = window({ red: 60, blue: 40 });
    const first = categoricalFeatureDrift(ref, cur, 1200, defaults);
    expect(first.test).toBe('jensenshannon');
    const at = { ...defaults, jensenshannon: first.statistic, psi: first.psi as number };
    const exactly = categoricalFeatureDrift(ref, cur, 1200, at);
    expect(exactly.drifted).toBe(true);
    expect(exactly.psiDrifted).toBe(true);
    const above = {
      ...defaults,
      jensenshannon: first.statistic * (1 + 1e-12),
      psi: (first.psi as number) * (1 + 1e-12),
    };
    const below = categoricalFeatureDrift(ref, cur, 1200, above);
    expect(below.drifted).toBe(false);
    expect(below.psiDrifted).toBe(false);
  });

  it('a p-value (chi-square) exactly at the threshold does not drift; just above it does', () => {
    const ref = profile({ red: 50, blue: 40, green: 30 });
    const cur = window({ red: 30, blue: 40, green: 50 });
    const first = categoricalFeatureDrift(ref, cur, 120, defaults);
    expect(first.test).toBe('chisquare');
    const p = first.pValue as number;
    expect(p).toBeGreaterThan(0);
    expect(categoricalFeatureDrift(ref, cur, 120, { ...defaults, chisquare: p }).drifted).toBe(false);
    expect(categoricalFeatureDrift(ref, cur, 120, { ...defaults, chisquare: p * (1 + 1e-9) }).drifted).toBe(
      true,
    );
  });
});
