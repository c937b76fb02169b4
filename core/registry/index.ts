export { type AliasHeadRepair, type AliasRepair, repairAliasHistory } from './alias-repair.js';
export {
  findAlias,
  getAlias,
  getAliasAt,
  getAliasHistory,
  getAliasMoves,
  listAliases,
  readAliasHistory,
  type SetAliasInput,
  setAlias,
} from './aliases.js';
export { exportModelCard, type ModelCardOptions, toCreateMlModel, toModelCard } from './model-card.js';
export { allocateVersion, getModel, listModels } from './models.js';
export {
  type ApplyDeployPolicyInput,
  applyDeployPolicy,
  distinctScores,
  CHAMPION,
  championStack,
  promoteVersion,
} from './policy.js';
export { nextVersionLabel, servingSignature } from './version-label.js';
export {
  getModelVersion,
  listModelVersions,
  registerModelVersion,
  setModelVersionStatus,
} from './versions.js';
