import type { ModelContract } from '../../contracts/registry.js';

/** What decides a major bump: algorithm, features (name + type, in order), target and task. */
export function servingSignature(algorithm: string, contract: ModelContract): string {
  const features = contract.features.map((f) => `${f.name}:${f.type}`).join(',');
  return JSON.stringify([algorithm, features, contract.target ?? null, contract.task]);
}

/**
 * OpenMetadata's MlModel version rule: a change of algorithm, features or serving target bumps
 * the major version (`2.0`), anything else the minor (`1.1`). The first version is `1.0`.
 */
export function nextVersionLabel(
  previous: { versionLabel: string; algorithm: string; contract: ModelContract } | undefined,
  next: { algorithm: string; contract: ModelContract },
): string {
  if (!previous) return '1.0';
  const [major, minor] = previous.versionLabel.split('.').map(Number);
  const sameServing =
    servingSignature(previous.algorithm, previous.contract) ===
    servingSignature(next.algorithm, next.contract);
  return sameServing ? `${major}.${minor + 1}` : `${major + 1}.0`;
}
