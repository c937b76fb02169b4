/** Artifact keys of a dataset version (docs/conventions.md, artifact store layout). */
export const datasetArtifactKeys = {
  data: (name: string, version: string) => `datasets/${name}/${version}/data.csv`,
  schema: (name: string, version: string) => `datasets/${name}/${version}/schema.json`,
  /** Value counts of the few-valued columns (DatasetValueCountsSchema); absent for older versions. */
  values: (name: string, version: string) => `datasets/${name}/${version}/values.json`,
} as const;
