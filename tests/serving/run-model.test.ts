import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { normalizeRequest } from '../../core/serving/request-rows.js';
import { runModel } from '../../core/serving/run-model.js';
import type { LoadedModel } from '../../core/serving/session-cache.js';
import { classifierContract, tinyClassifierBytes } from './fixtures/tiny-models.js';

const names = classifierContract.features.map((f) => f.name);

async function loadTiny(): Promise<LoadedModel> {
  const bytes = tinyClassifierBytes();
  const session = await ort.InferenceSession.create(bytes);
  return {
    model: 'clf',
    version: 1,
    contract: classifierContract,
    session,
    sha256: '',
    sizeBytes: bytes.length,
  };
}

describe('runModel micro-batching', () => {
  it('answers concurrent single-row requests exactly as one batch scores the same rows', async () => {
    const loaded = await loadTiny();
    const rows = Array.from({ length: 40 }, (_, i) => ({
      x1: i - 20,
      color: i % 3 === 0 ? 'red' : 'blue',
      x2: (i % 7) - 3,
    }));
    const batch = await runModel(loaded, normalizeRequest({ dataframe_records: rows }, names));
    // Started in one turn, so they share runs; each must get its own row's answer back.
    const singles = await Promise.all(
      rows.map((features) => runModel(loaded, normalizeRequest({ features }, names))),
    );
    expect(singles.map((p) => p.length)).toEqual(rows.map(() => 1));
    expect(singles.map((p) => p[0])).toEqual(batch);
    expect(new Set(batch.map((p) => p.label)).size).toBeGreaterThan(1);
  });

  it('fails only the request with a bad row, naming its field', async () => {
    const loaded = await loadTiny();
    const good = runModel(loaded, normalizeRequest({ features: { x1: 2, color: 'red', x2: 1 } }, names));
    const bad = runModel(loaded, normalizeRequest({ features: { x1: 'two', color: 'red', x2: 1 } }, names));
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toThrow(/^features\.x1: must be a number/);
    await expect(good).resolves.toEqual([expect.objectContaining({ label: 'yes' })]);
  });
});
