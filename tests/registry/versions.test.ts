import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import {
  getModel,
  getModelVersion,
  listModels,
  listModelVersions,
  registerModelVersion,
  setModelVersionStatus,
} from '../../core/registry/index.js';
import { useEmulators } from '../emulators/harness.js';
import { contract, versionInput } from './fixtures.js';

const { deps } = useEmulators();

describe('registerModelVersion', () => {
  it('gives 20 parallel registrations versions 1..20, each once (catches a non-atomic counter)', async () => {
    const registered = await Promise.all(
      Array.from({ length: 20 }, (_, i) => registerModelVersion(deps(), versionInput('parallel', i / 20))),
    );
    expect(registered.map((v) => v.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const stored = await listModelVersions(deps(), { model: 'parallel' });
    expect(stored.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each stored version holds the registration that got its number (no overwrite).
    for (const v of registered) expect(stored[v.version - 1].score).toBe(v.score);
    expect((await getModel(deps(), { model: 'parallel' })).latestVersion).toBe(20);
  });

  it('labels versions by the OpenMetadata rule: minor for retrains, major for algorithm/feature changes', async () => {
    const v1 = await registerModelVersion(deps(), versionInput('labels', 0.9));
    const v2 = await registerModelVersion(
      deps(),
      versionInput('labels', 0.91, { hyperparameters: { n_estimators: 10 } }),
    );
    const v3 = await registerModelVersion(
      deps(),
      versionInput('labels', 0.92, { algorithm: 'logistic_regression' }),
    );
    const fewer = contract({ features: contract().features.slice(0, 1) });
    const v4 = await registerModelVersion(
      deps(),
      versionInput('labels', 0.93, { algorithm: 'logistic_regression', contract: fewer }),
    );
    const v5 = await registerModelVersion(
      deps(),
      versionInput('labels', 0.94, { algorithm: 'logistic_regression', contract: fewer }),
    );
    expect([v1, v2, v3, v4, v5].map((v) => v.versionLabel)).toEqual(['1.0', '1.1', '2.0', '3.0', '3.1']);
  });

  it('stores the full record and reads it back (catches dropped fields)', async () => {
    const v = await registerModelVersion(deps(), versionInput('record', 0.8, { description: 'first' }));
    const back = await getModelVersion(deps(), { model: 'record', version: v.version });
    expect(back).toEqual(v);
    expect(back.contract.features[0].source.columns).toEqual(['sepal_length']);
    expect(back.status).toBe('READY');
    expect((await listModels(deps())).map((m) => m.name)).toContain('record');
    expect(
      (await setModelVersionStatus(deps(), { model: 'record', version: 1, status: 'ARCHIVED' })).status,
    ).toBe('ARCHIVED');
  });

  it('rejects a bad input naming the field', async () => {
    const bad = versionInput('bad', 0.5, { onnxSha256: 'nope' });
    await expect(registerModelVersion(deps(), bad)).rejects.toThrow(ValidationError);
    await expect(registerModelVersion(deps(), bad)).rejects.toThrow(/onnxSha256/);
  });
});

describe('NotFound errors', () => {
  it('names the unknown model', async () => {
    await expect(getModel(deps(), { model: 'ghost' })).rejects.toThrow(NotFoundError);
    await expect(getModelVersion(deps(), { model: 'ghost', version: 1 })).rejects.toThrow(
      /model 'ghost' not found/,
    );
    await expect(listModelVersions(deps(), { model: 'ghost' })).rejects.toThrow(/ghost/);
  });

  it('names the unknown version of a known model', async () => {
    await registerModelVersion(deps(), versionInput('known', 0.5));
    const read = getModelVersion(deps(), { model: 'known', version: 99 });
    await expect(read).rejects.toBeInstanceOf(NotFoundError);
    await expect(read).rejects.toThrow(/known v99/);
    await expect(
      setModelVersionStatus(deps(), { model: 'known', version: 99, status: 'ARCHIVED' }),
    ).rejects.toThrow(/known v99/);
  });
});
