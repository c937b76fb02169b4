import type { AbMetric } from '../../contracts/serving.js';
import { startAbTest } from '../abtest/lifecycle.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';
import { CHAMPION, findAlias, getModel, setAlias } from '../registry/index.js';
import type { AbTestStarter } from './deploy.js';

export const CHALLENGER = 'challenger';

/**
 * The `ab_test` deploy policy (pipeline steps StartAbTest and PickBest): points the
 * `challenger` alias at the new version and starts an A/B test on the model's endpoint
 * (Register created it, named after the model) between the champion and it, on accuracy for
 * classifiers and RMSE for regressors, with the test's default split and sample sizes.
 *
 * @throws ValidationError (field `policy`) when the model has no champion to test against, or
 * its task has no A/B metric; ConflictError when a test already runs on the endpoint.
 */
export const startPipelineAbTest: AbTestStarter = async (deps, input) => {
  const { model, version, by } = input;
  const champion = await findAlias(deps, { model, alias: CHAMPION });
  if (!champion) {
    throw new ValidationError(
      `policy: ab_test needs a champion to test v${version} against, and model '${model}' has none (deploy a first version with best_score)`,
      'policy',
    );
  }
  const metric = await abMetricOf(deps, model);
  await setAlias(deps, {
    model,
    alias: CHALLENGER,
    version,
    reason: `challenger of an A/B test against champion v${champion.version}`,
    policy: 'ab_test',
    by,
  });
  const test = await startAbTest(deps, model, { challengerVersion: version, metric });
  return {
    abTestId: test.testId,
    reason: `A/B test ${test.testId}: v${version} gets ${test.split}% of traffic against champion v${champion.version} (${metric})`,
  };
};

async function abMetricOf(deps: CoreDeps, model: string): Promise<AbMetric> {
  const { task } = await getModel(deps, { model });
  if (task === 'classification') return 'accuracy';
  if (task === 'regression') return 'rmse';
  throw new ValidationError(
    `policy: ab_test compares accuracy or RMSE; a ${task ?? 'untyped'} model has neither`,
    'policy',
  );
}
