import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ModelCardSchema } from '../../contracts/model-card.js';
import {
  exportModelCard,
  getAlias,
  getAliasHistory,
  getModelVersion,
  promoteVersion,
  registerModelVersion,
  toCreateMlModel,
} from '../../core/registry/index.js';
import { registryKeys } from '../../core/storage/keys.js';
import { useEmulators } from '../emulators/harness.js';
import { contract, versionInput } from './fixtures.js';
import { openMetadataErrors } from './openmetadata-schema.js';

const { deps } = useEmulators();

describe('exportModelCard', () => {
  it('exports the OpenMetadata MlModel shape with sources, hyperparameters, store, server and aliases', async () => {
    const text = contract({
      features: [
        ...contract().features,
        {
          name: 'note',
          type: 'text',
          source: { dataset: 'iris', version: 'b'.repeat(64), columns: ['a', 'b'], template: '{a} {b}' },
        },
      ],
    });
    await registerModelVersion(deps(), versionInput('card', 0.9, { contract: text }));
    await promoteVersion(deps(), { model: 'card', version: 1, by: 'a' });
    const card = await exportModelCard(deps(), {
      model: 'card',
      version: 1,
      serverUrl: 'http://127.0.0.1:3000/v1/endpoints/card/predict',
      dashboardUrl: 'http://127.0.0.1:3000/models/card/versions/1',
    });
    expect(ModelCardSchema.parse(card)).toEqual(card);
    // OpenMetadata's own schemas accept the entity and the request made from it.
    expect(openMetadataErrors('entity', card)).toEqual([]);
    expect(openMetadataErrors('create', toCreateMlModel(card))).toEqual([]);
    expect(card).toMatchObject({
      name: 'card',
      fullyQualifiedName: 'cirrus.card',
      algorithm: 'random_forest',
      target: 'species',
      mlStore: { storage: 's3://cirrus-artifacts/models/card/versions/x/model.onnx' },
      server: 'http://127.0.0.1:3000/v1/endpoints/card/predict',
      service: { type: 'mlmodelService', name: 'cirrus' },
      serviceType: 'CustomMlModel',
      extension: { cirrus: { version: 1, versionLabel: '1.0', task: 'classification' } },
    });
    expect(card.extension.cirrus.metrics).toEqual(
      (await getModelVersion(deps(), { model: 'card', version: 1 })).metrics,
    );
    expect(card.mlHyperParameters).toEqual([
      { name: 'n_estimators', value: '50' },
      { name: 'max_depth', value: '4' },
    ]);
    expect(card.mlFeatures[0]).toEqual({
      name: 'sepal_length',
      dataType: 'numerical',
      featureSources: [
        {
          name: 'sepal_length',
          dataType: 'number',
          description: `column 'sepal_length' of dataset 'iris' version ${'a'.repeat(64)}`,
          fullyQualifiedName: `iris.${'a'.repeat(64)}.sepal_length`,
        },
      ],
    });
    expect(card.mlFeatures[2].featureSources.map((s) => s.name)).toEqual(['a', 'b']);
    expect(card.mlFeatures[2].featureAlgorithm).toBe('{a} {b}');
    expect(card.tags).toContainEqual({
      tagFQN: 'CirrusAlias.champion',
      source: 'Classification',
      labelType: 'Automated',
      state: 'Confirmed',
    });
    expect(card.tags.map((t) => t.tagFQN)).toContain('CirrusTask.classification');
    // The same id at every export: a catalog updates one entity.
    expect((await exportModelCard(deps(), { model: 'card', version: 1 })).id).toBe(card.id);
  });

  it('is checked by the schemas: plain-string tags and a missing service are refused', () => {
    const errors = openMetadataErrors('entity', {
      name: 'iris',
      algorithm: 'svc',
      tags: ['task:classification'],
    });
    expect(errors.map((e) => e.instancePath || e.params)).toEqual(
      expect.arrayContaining(['/tags/0', { missingProperty: 'id' }, { missingProperty: 'service' }]),
    );
  });
});

describe('alias recovery', () => {
  it('rolls the alias forward from a history entry whose writer died before moving the alias', async () => {
    await registerModelVersion(deps(), versionInput('crash', 0.1));
    await registerModelVersion(deps(), versionInput('crash', 0.2));
    await registerModelVersion(deps(), versionInput('crash', 0.3));
    await promoteVersion(deps(), { model: 'crash', version: 1, by: 'a' });
    // Simulate a mover that claimed revision 2 and crashed before updating the alias item.
    const orphan = {
      model: 'crash',
      alias: 'champion',
      revision: 2,
      from: 1,
      to: 2,
      at: new Date().toISOString(),
      reason: 'crashed mover',
      policy: 'manual',
      by: 'ghost',
    };
    await deps().ddb.send(
      new PutCommand({
        TableName: deps().tables.registry,
        Item: { ...registryKeys.aliasLog('crash', 'champion', 2), ...orphan },
      }),
    );
    await promoteVersion(deps(), { model: 'crash', version: 3, by: 'b', expectedCurrent: 2 });
    expect(await getAlias(deps(), { model: 'crash', alias: 'champion' })).toMatchObject({
      version: 3,
      revision: 3,
    });
    const history = await getAliasHistory(deps(), { model: 'crash', alias: 'champion' });
    expect(history.map((h) => [h.from, h.to])).toEqual([
      [null, 1],
      [1, 2],
      [2, 3],
    ]);
  });
});
