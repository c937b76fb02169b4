import { randomUUID } from 'node:crypto';
import {
  type AbLook,
  type AbLooks,
  type AbTestRecord,
  AbTestStartSchema,
  type AbTestStatus,
  type TrafficConfig,
} from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, NotFoundError, ValidationError } from '../errors.js';
import { getAlias, setAlias } from '../registry/aliases.js';
import { getModelVersion } from '../registry/versions.js';
import { getEndpoint } from '../serving/endpoints.js';
import { attachAbTest, detachAbTest } from './endpoint-traffic.js';
import { type AbEvaluation, evaluateAbTest } from './evaluate.js';
import {
  armCounts,
  getAbTest,
  MAX_AB_LOOKS,
  overrideAbTestOutcome,
  putAbTest,
  updateRunningAbTest,
} from './store.js';

/** Who moves the champion alias when a test promotes. */
export const AB_EVALUATOR = 'ab-evaluator';

/**
 * Starts an A/B test on an endpoint between its `champion` and a challenger (the given version,
 * else the `challenger` alias): routes `split` % to the challenger (keeping the sticky key and
 * shadows), and tags every prediction with the test id so feedback counts toward it.
 *
 * @throws ConflictError when a test already runs; NotFoundError for a missing alias or version.
 */
export async function startAbTest(
  deps: CoreDeps,
  endpointName: string,
  body: unknown,
): Promise<AbTestStatus> {
  const parsed = AbTestStartSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  const plan = parsed.data;
  const endpoint = await getEndpoint(deps, endpointName);
  if (endpoint.abTestId)
    throw new ConflictError(`endpoint '${endpointName}' already runs A/B test ${endpoint.abTestId}`);
  const champion = (await getAlias(deps, { model: endpoint.model, alias: 'champion' })).version;
  const challenger =
    plan.challengerVersion ?? (await getAlias(deps, { model: endpoint.model, alias: 'challenger' })).version;
  await getModelVersion(deps, { model: endpoint.model, version: challenger });
  if (challenger === champion) {
    throw new ValidationError(
      `challengerVersion: version ${challenger} is already the champion`,
      'challengerVersion',
    );
  }
  const now = deps.now().toISOString();
  const test: AbTestRecord = {
    testId: `${now.replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`,
    endpoint: endpoint.name,
    model: endpoint.model,
    championVersion: champion,
    challengerVersion: challenger,
    ...plan,
    state: 'running',
    decision: 'running',
    reason: 'started',
    pValue: 1,
    championN: 0,
    championSum: 0,
    championSumSquares: 0,
    challengerN: 0,
    challengerSum: 0,
    challengerSumSquares: 0,
    previousTraffic: endpoint.traffic,
    startedAt: now,
  };
  const traffic: TrafficConfig = {
    variants: [
      { name: 'champion', version: champion, weight: 100 - plan.split },
      { name: 'challenger', version: challenger, weight: plan.split },
    ],
    shadows: (endpoint.traffic?.shadows ?? []).filter(
      (s) => s.name !== 'champion' && s.name !== 'challenger',
    ),
    stickyKey: endpoint.traffic?.stickyKey,
  };
  await putAbTest(deps, test);
  try {
    await attachAbTest(deps, endpoint, test.testId, traffic);
  } catch (error) {
    await updateRunningAbTest(deps, endpoint.name, test.testId, {
      pValue: 1,
      decision: 'running',
      reason: 'lost a concurrent start',
      state: 'stopped',
    });
    throw error;
  }
  return toStatus(test, evaluateTest(test));
}

function evaluateTest(test: AbTestRecord): AbEvaluation {
  return evaluateAbTest({
    ...test,
    champion: armCounts(test, 'champion'),
    challenger: armCounts(test, 'challenger'),
    previous: { pValue: test.pValue, interval: test.interval ?? null },
  });
}

function toStatus(test: AbTestRecord, e: AbEvaluation): AbTestStatus {
  const ended = test.state !== 'running';
  const arm = (name: 'champion' | 'challenger', version: number, metric: number | null) => ({
    variant: name,
    version,
    metric,
    ...armCounts(test, name),
  });
  return {
    testId: test.testId,
    endpoint: test.endpoint,
    state: test.state,
    metric: test.metric,
    split: test.split,
    minSamples: test.minSamples,
    maxSamples: test.maxSamples,
    alpha: test.alpha,
    champion: arm('champion', test.championVersion, e.championMetric),
    challenger: arm('challenger', test.challengerVersion, e.challengerMetric),
    difference: e.difference,
    // An ended test shows its decision's evidence, not a look at samples that landed after it.
    confidenceInterval: ended && test.interval ? test.interval : e.confidenceInterval,
    pValue: ended ? test.pValue : e.pValue,
    fixedHorizonPValue: e.fixedHorizonPValue,
    decision: ended ? test.decision : e.decision,
    reason: ended ? test.reason : e.reason,
    startedAt: test.startedAt,
    decidedAt: test.decidedAt,
  };
}

function summary(test: AbTestRecord, e: AbEvaluation): string {
  const ci = e.confidenceInterval
    ? `[${e.confidenceInterval.map((x) => x.toPrecision(3)).join(', ')}]`
    : 'n/a';
  return `A/B test ${test.testId}: ${e.reason}; ${test.metric} champion v${test.championVersion}=${e.championMetric?.toPrecision(4)} (n=${test.championN}) vs challenger v${test.challengerVersion}=${e.challengerMetric?.toPrecision(4)} (n=${test.challengerN}); ${Math.round((1 - test.alpha) * 100)}% always-valid CI ${ci}`;
}

/**
 * Looks at the endpoint's current test: records the running p-value and, when the evidence is
 * sufficient (see `evaluateAbTest`), ends it — exactly once, even with concurrent evaluators —
 * promoting the challenger to `champion` with the test's summary as the alias-history reason,
 * and restoring the endpoint's traffic. Returns the status shown by `GET .../ab-tests/current`.
 */
export async function evaluateCurrentAbTest(deps: CoreDeps, endpointName: string): Promise<AbTestStatus> {
  const endpoint = await getEndpoint(deps, endpointName);
  const testId = endpoint.abTestId ?? endpoint.lastAbTestId;
  if (!testId) throw new NotFoundError('A/B test', `${endpointName}/current`);
  const test = await getAbTest(deps, endpointName, testId);
  if (test.state !== 'running') return toStatus(test, evaluateTest(test));
  const e = evaluateTest(test);
  const { pValue, interval } = e.sequence;
  const look = newLook(deps, test, e);
  if (e.decision === 'running') {
    await updateRunningAbTest(deps, endpointName, testId, {
      pValue,
      interval,
      decision: 'running',
      reason: e.reason,
      look,
    });
    return toStatus({ ...test, pValue }, e);
  }
  const reason = summary(test, e);
  const decidedAt = deps.now().toISOString();
  const won = await updateRunningAbTest(deps, endpointName, testId, {
    pValue,
    interval,
    decision: e.decision,
    reason,
    state: 'completed',
    decidedAt,
    look,
  });
  if (won && e.decision === 'promote_challenger') {
    await promote(deps, test, reason);
  }
  if (won)
    await detachAbTest(
      deps,
      endpointName,
      testId,
      e.decision === 'promote_challenger' ? undefined : test.previousTraffic,
    );
  return toStatus(await getAbTest(deps, endpointName, testId), e);
}

/**
 * The look to record: only with new samples since the last one (a repeated read adds nothing),
 * with both arms scored, and while the test holds fewer than MAX_AB_LOOKS.
 */
function newLook(deps: CoreDeps, test: AbTestRecord, e: AbEvaluation): AbLook | undefined {
  const looks = test.looks ?? [];
  const last = looks.at(-1);
  if (e.difference === null || e.confidenceInterval === null || e.pValue === null) return undefined;
  if (looks.length >= MAX_AB_LOOKS) return undefined;
  if (last && last.championN === test.championN && last.challengerN === test.challengerN) return undefined;
  return {
    at: deps.now().toISOString(),
    championN: test.championN,
    challengerN: test.challengerN,
    championMetric: e.championMetric,
    challengerMetric: e.challengerMetric,
    difference: e.difference,
    interval: e.confidenceInterval,
    pValue: e.pValue,
  };
}

/** The current (else the last) test's looks: its evidence over samples, for the console's chart. */
export async function abTestLooks(deps: CoreDeps, endpointName: string): Promise<AbLooks> {
  const endpoint = await getEndpoint(deps, endpointName);
  const testId = endpoint.abTestId ?? endpoint.lastAbTestId;
  if (!testId) throw new NotFoundError('A/B test', `${endpointName}/current`);
  const test = await getAbTest(deps, endpointName, testId);
  return {
    testId,
    endpoint: endpointName,
    metric: test.metric,
    alpha: test.alpha,
    minSamples: test.minSamples,
    looks: test.looks ?? [],
  };
}

async function promote(deps: CoreDeps, test: AbTestRecord, reason: string): Promise<void> {
  try {
    await setAlias(deps, {
      model: test.model,
      alias: 'champion',
      version: test.challengerVersion,
      reason,
      policy: 'ab_test',
      by: AB_EVALUATOR,
      expectedCurrent: test.championVersion,
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Someone moved the champion during the test: the comparison no longer holds.
    await overrideAbTestOutcome(
      deps,
      test.endpoint,
      test.testId,
      `${reason}; not promoted: ${error.message}`,
      'stopped',
    );
  }
}

/** Stops the current test without a decision and restores the endpoint's traffic. */
export async function stopAbTest(
  deps: CoreDeps,
  endpointName: string,
  reason = 'stopped by request',
): Promise<AbTestStatus> {
  const endpoint = await getEndpoint(deps, endpointName);
  if (!endpoint.abTestId) throw new NotFoundError('running A/B test', endpointName);
  const test = await getAbTest(deps, endpointName, endpoint.abTestId);
  await updateRunningAbTest(deps, endpointName, test.testId, {
    pValue: test.pValue,
    decision: 'no_decision',
    reason,
    state: 'stopped',
  });
  await detachAbTest(deps, endpointName, test.testId, test.previousTraffic);
  const stopped = await getAbTest(deps, endpointName, test.testId);
  return toStatus(stopped, evaluateTest(stopped));
}
