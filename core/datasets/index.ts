export {
  BUILTIN_DATASETS,
  BUILTIN_DATASETS_DIR,
  type BuiltinDataset,
  type BuiltinDatasetName,
  type LoadBuiltinOptions,
  loadBuiltinDataset,
} from './builtin.js';
export {
  datasetArtifactKeys,
  getDataset,
  listDatasets,
  listDatasetVersions,
  type RegisterDatasetInput,
  registerDataset,
} from './store.js';
export { PREVIEW_BYTES, previewDataset } from './preview.js';
