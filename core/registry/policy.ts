import type { Alias, MetricDirection, PromotionPolicy, PromotionResult } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, ValidationError } from '../errors.js';
import { findAlias, getAliasMoves, setAlias } from './aliases.js';
import { getModelVersion } from './versions.js';

export const CHAMPION = 'champion';

export interface ApplyDeployPolicyInput {
  readonly model: string;
  /** The newly registered version (not needed for `rollback`). */
  readonly version?: number;
  readonly policy: PromotionPolicy;
  /** @default 'maximize' (metrics' score is higher-is-better) */
  readonly metricDirection?: MetricDirection;
  /** @default 'champion' */
  readonly alias?: string;
  /** @default 'policy:<policy>' */
  readonly by?: string;
  /** Why (rollback only): appended to the alias-history reason. */
  readonly reason?: string;
}

/** How often a policy re-evaluates after losing a race to a concurrent promotion. */
const MAX_ATTEMPTS = 5;

/**
 * Runs a deploy policy after a version is registered:
 * - `best_score`: champion only if its score is strictly better than the champion's (the first
 *   version always becomes champion);
 * - `most_recent`: champion unless the champion is already this or a newer version;
 * - `manual`: never moves the alias (a person promotes with `promoteVersion`);
 * - `rollback`: champion moves back to the previous champion in the alias history.
 * The move is conditional on the champion it compared against; if another promotion wins in
 * between, the policy re-evaluates against the new champion.
 *
 * @example
 * const r = await applyDeployPolicy(deps, { model: 'iris', version: 4, policy: 'best_score' });
 * // { promoted: false, reason: 'score 0.91 does not beat champion v3 (0.95, maximize)', ... }
 */
export async function applyDeployPolicy(
  deps: CoreDeps,
  input: ApplyDeployPolicyInput,
): Promise<PromotionResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await decide(deps, input);
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS || input.policy === 'manual')
        throw error;
    }
  }
}

async function decide(deps: CoreDeps, input: ApplyDeployPolicyInput): Promise<PromotionResult> {
  const alias = input.alias ?? CHAMPION;
  const current = await findAlias(deps, { model: input.model, alias });
  const previousChampion = current?.version ?? null;
  const keep = (reason: string): PromotionResult => ({
    promoted: false,
    reason,
    previousChampion,
    champion: previousChampion,
  });
  if (input.policy === 'rollback') return rollback(deps, input, alias, current);
  const version = requireVersion(input);
  const candidate = await getModelVersion(deps, { model: input.model, version });
  if (input.policy === 'manual') return keep(`manual policy: v${version} waits for an explicit promotion`);
  if (previousChampion === version) return keep(`v${version} is already ${alias}`);

  let reason: string;
  if (current === null) {
    reason = `first ${alias}: v${version}`;
  } else if (input.policy === 'most_recent') {
    if (previousChampion !== null && previousChampion > version) {
      return keep(`v${version} is older than ${alias} v${previousChampion}`);
    }
    reason = `most recent version v${version} replaces v${previousChampion}`;
  } else {
    const direction = input.metricDirection ?? 'maximize';
    const champion = await getModelVersion(deps, { model: input.model, version: current.version });
    if (candidate.score === undefined || champion.score === undefined) {
      const unscored = candidate.score === undefined ? `v${version}` : `${alias} v${champion.version}`;
      return keep(`${unscored} has no score (imported without a reference set): best_score cannot compare`);
    }
    const better =
      direction === 'maximize' ? candidate.score > champion.score : candidate.score < champion.score;
    const [mine, theirs] = distinctScores(candidate.score, champion.score);
    const comparison = `${mine} vs ${alias} v${champion.version} (${theirs}, ${direction})`;
    if (!better) return keep(`score does not beat the ${alias}: ${comparison}`);
    reason = `better score: ${comparison}`;
  }
  await setAlias(deps, {
    model: input.model,
    alias,
    version,
    reason,
    policy: input.policy,
    by: input.by ?? `policy:${input.policy}`,
    expectedCurrent: previousChampion,
  });
  return { promoted: true, reason, previousChampion, champion: version };
}

/**
 * Two scores for a history reason, with as few significant digits as tell them apart (4 at
 * least): `0.9487 vs 0.8205` rather than `0.9487179487179487 vs 0.8205128205128205`, while two
 * scores that differ only in the 9th digit still read as different.
 */
export function distinctScores(a: number, b: number): [string, string] {
  for (let digits = 4; digits < 17; digits++) {
    const pair: [string, string] = [
      String(Number(a.toPrecision(digits))),
      String(Number(b.toPrecision(digits))),
    ];
    if (pair[0] !== pair[1] || a === b) return pair;
  }
  return [String(a), String(b)];
}

function requireVersion(input: ApplyDeployPolicyInput): number {
  if (input.version === undefined)
    throw new ValidationError(`version: required for policy '${input.policy}'`, 'version');
  return input.version;
}

/**
 * The champion's lineage as a stack: every move pushes its target, every rollback pops one.
 * Repeated rollbacks therefore walk back 3 → 2 → 1 instead of toggling between two versions.
 */
export async function championStack(
  deps: CoreDeps,
  input: { model: string; alias?: string },
): Promise<number[]> {
  const history = await getAliasMoves(deps, { model: input.model, alias: input.alias ?? CHAMPION });
  const stack: number[] = [];
  for (const entry of history) {
    if (entry.policy === 'rollback') stack.pop();
    if (entry.to !== null && stack.at(-1) !== entry.to) stack.push(entry.to);
  }
  return stack;
}

async function rollback(
  deps: CoreDeps,
  input: ApplyDeployPolicyInput,
  alias: string,
  current: Alias | null,
): Promise<PromotionResult> {
  const stack = await championStack(deps, { model: input.model, alias });
  const target = stack.at(-2);
  const previousChampion = current?.version ?? null;
  if (target === undefined || previousChampion === null) {
    throw new ConflictError(`alias '${input.model}@${alias}' has no previous version to roll back to`);
  }
  const base = `rollback from v${previousChampion} to v${target}`;
  const reason = input.reason ? `${base}: ${input.reason}` : base;
  await setAlias(deps, {
    model: input.model,
    alias,
    version: target,
    reason,
    policy: 'rollback',
    by: input.by ?? 'policy:rollback',
    expectedCurrent: previousChampion,
  });
  return { promoted: true, reason, previousChampion, champion: target };
}

/**
 * A person (or the API) makes a version champion regardless of scores; recorded with policy
 * `manual`. Pass `expectedCurrent` to refuse if the champion changed since the caller looked.
 */
export function promoteVersion(
  deps: CoreDeps,
  input: {
    model: string;
    version: number;
    by: string;
    reason?: string;
    alias?: string;
    expectedCurrent?: number | null;
  },
): Promise<Alias> {
  return setAlias(deps, {
    model: input.model,
    alias: input.alias ?? CHAMPION,
    version: input.version,
    reason: input.reason ?? `manual promotion of v${input.version}`,
    policy: 'manual',
    by: input.by,
    expectedCurrent: input.expectedCurrent,
  });
}
