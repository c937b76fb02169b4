import * as z from 'zod';
import {
  PipelineRequestSchema,
  RegisteredStateSchema,
  RegisterOutputSchema,
} from '../../contracts/pipeline.js';
import type { PromotionResult } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';
import { applyDeployPolicy, CHAMPION, findAlias, getModelVersion } from '../registry/index.js';

/** What the deploy steps return (at `$.deployment.Payload`). */
export interface DeployOutput extends PromotionResult {
  readonly model: string;
  readonly version: number;
  readonly policy: string;
  readonly abTestId?: string;
}

/** Starts an A/B test for a new version (provided by the serving layer). */
export type AbTestStarter = (
  deps: CoreDeps,
  input: { model: string; version: number; by: string },
) => Promise<{ abTestId: string; reason: string }>;

/** No deploy policy deploys a model scored on fewer held-out rows than this: its score is noise. */
export const MIN_TEST_ROWS_TO_DEPLOY = 10;

/** Why the version may not be deployed (scored on too few test rows), or undefined. */
async function tooFewTestRows(deps: CoreDeps, model: string, version: number): Promise<string | undefined> {
  const mv = await getModelVersion(deps, { model, version });
  const n = mv.metrics.n;
  if (typeof n !== 'number' || n >= MIN_TEST_ROWS_TO_DEPLOY) return undefined;
  return `not deployed: v${version} was scored on ${n} test row${n === 1 ? '' : 's'}, fewer than the ${MIN_TEST_ROWS_TO_DEPLOY} a deploy policy needs (add rows or raise testSize)`;
}

async function keepChampion(deps: CoreDeps, model: string, reason: string): Promise<PromotionResult> {
  const champion = (await findAlias(deps, { model, alias: CHAMPION }))?.version ?? null;
  return { promoted: false, reason, previousChampion: champion, champion };
}

export async function deployVersion(
  deps: CoreDeps,
  input: { model: string; version: number; policy: string; by?: string },
  startAbTest?: AbTestStarter,
): Promise<DeployOutput> {
  const { model, version, policy } = input;
  const by = input.by ?? 'pipeline';
  if (policy === 'ab_test') {
    const tooFew = await tooFewTestRows(deps, model, version);
    if (tooFew) return { model, version, policy, ...(await keepChampion(deps, model, tooFew)) };
    if (!startAbTest) throw new ValidationError('policy: ab_test is not available in this runtime', 'policy');
    const started = await startAbTest(deps, { model, version, by });
    return {
      model,
      version,
      policy,
      promoted: false,
      reason: started.reason,
      previousChampion: null,
      champion: null,
      abTestId: started.abTestId,
    };
  }
  if (policy !== 'best_score' && policy !== 'most_recent' && policy !== 'manual') {
    throw new ValidationError(`policy: unknown deploy policy '${policy}'`, 'policy');
  }
  const tooFew = policy === 'manual' ? undefined : await tooFewTestRows(deps, model, version);
  if (tooFew) return { model, version, policy, ...(await keepChampion(deps, model, tooFew)) };
  const result = await applyDeployPolicy(deps, { model, version, policy, by });
  return { model, version, policy, ...result };
}

/** Pipeline steps ApplyPolicy / StartAbTest: runs the request's deploy policy on the new version. */
export async function applyPolicy(
  deps: CoreDeps,
  input: unknown,
  startAbTest?: AbTestStarter,
): Promise<DeployOutput> {
  const state = RegisteredStateSchema.parse(input);
  const { model, version } = state.registration.Payload;
  return deployVersion(deps, { model, version, policy: state.request.policy }, startAbTest);
}

const VariantSchema = z.union([
  z.object({ status: z.literal('SUCCEEDED'), registration: RegisterOutputSchema }).loose(),
  z.object({ status: z.literal('FAILED') }).loose(),
]);
const PickBestInputSchema = z
  .object({
    request: z.object({ policy: PipelineRequestSchema.shape.policy }).loose(),
    variants: z.array(VariantSchema),
  })
  .loose();

/**
 * Sweep step PickBest: among the variants that registered a version, the best score wins and
 * the request's deploy policy runs on it (so `best_score` still compares with the champion).
 * Fails when no variant succeeded.
 */
export async function pickBest(
  deps: CoreDeps,
  input: unknown,
  startAbTest?: AbTestStarter,
): Promise<DeployOutput & { candidates: number }> {
  const { request, variants } = PickBestInputSchema.parse(input);
  const registered = variants.flatMap((v) =>
    'registration' in v && v.status === 'SUCCEEDED'
      ? [v.registration as z.infer<typeof RegisterOutputSchema>]
      : [],
  );
  if (registered.length === 0)
    throw new ValidationError('variants: no variant of the sweep registered a model', 'variants');
  const best = registered.reduce((a, b) => (b.score > a.score ? b : a));
  const out = await deployVersion(
    deps,
    { model: best.model, version: best.version, policy: request.policy },
    startAbTest,
  );
  return { ...out, candidates: registered.length };
}
