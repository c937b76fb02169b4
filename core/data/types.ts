import type { DatasetSchema } from '../../contracts/dataset-schema.js';
import type { FeatureType } from '../../contracts/model-contract.js';

/** One parsed column: raw cell strings with missing cells as `null`, and its type. */
export interface Column {
  readonly name: string;
  readonly type: FeatureType;
  readonly values: readonly (string | null)[];
}

/** A parsed CSV: columns in file order and the schema that versions it. */
export interface ParsedCsv {
  readonly columns: readonly Column[];
  readonly schema: DatasetSchema;
}
