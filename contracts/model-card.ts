import * as z from 'zod';

/**
 * A model version as OpenMetadata's MlModel: the `mlmodel` entity (ModelCardSchema) and the
 * `createMlModel` request a client sends to create it (CreateMlModelSchema). Both are checked
 * against OpenMetadata's own JSON Schemas, vendored in contracts/vendor/openmetadata/ (tests/registry).
 * Cirrus-only facts (version number and label, run, task, metrics) live in `extension.cirrus`,
 * OpenMetadata's place for custom attributes.
 */

/** OpenMetadata's TagLabel: a tag of a classification (`CirrusTask.classification`), not a bare string. */
export const TagLabelSchema = z.object({
  tagFQN: z.string().min(1).max(128),
  description: z.string().optional(),
  source: z.enum(['Classification', 'Glossary']),
  labelType: z.enum(['Manual', 'Propagated', 'Automated', 'Derived']),
  state: z.enum(['Suggested', 'Confirmed']),
});
export type TagLabel = z.infer<typeof TagLabelSchema>;

/** OpenMetadata's EntityReference (the service the model is hosted in). */
export const EntityReferenceSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  name: z.string().optional(),
  fullyQualifiedName: z.string().optional(),
  description: z.string().optional(),
});

export const MlFeatureSourceSchema = z.object({
  /** The dataset column. */
  name: z.string(),
  dataType: z.enum(['integer', 'number', 'string', 'boolean', 'date', 'timestamp', 'object', 'array']),
  /** Names the dataset and its content version (sha256). */
  description: z.string().optional(),
  /** `dataset.sha256.column`. */
  fullyQualifiedName: z.string().max(256).optional(),
});

export const MlFeatureSchema = z.object({
  name: z.string(),
  dataType: z.enum(['numerical', 'categorical']),
  description: z.string().optional(),
  featureSources: z.array(MlFeatureSourceSchema),
  /** Text features: the template that joins their columns before the vectorizer. */
  featureAlgorithm: z.string().optional(),
});

export const MlHyperParameterSchema = z.object({
  name: z.string(),
  value: z.string(),
  description: z.string().optional(),
});

/** Cirrus's own facts about the version, under OpenMetadata's `extension`. */
export const CardExtensionSchema = z.object({
  cirrus: z.object({
    version: z.number().int().positive(),
    /** Cirrus's Major.Minor label (OpenMetadata's own `version` is the catalog's, so not set here). */
    versionLabel: z.string(),
    task: z.string(),
    runId: z.string(),
    /** Test-set metrics as evaluated. */
    metrics: z.record(z.string(), z.unknown()),
    /** A link to the run or model page. */
    dashboardUrl: z.string().optional(),
  }),
});

const common = {
  name: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  algorithm: z.string().min(1),
  mlFeatures: z.array(MlFeatureSchema),
  /** Every hyperparameter the run used, as strings. */
  mlHyperParameters: z.array(MlHyperParameterSchema),
  target: z.string().optional(),
  /** `storage`: the ONNX artifact's URI. */
  mlStore: z.object({ storage: z.string(), imageRepository: z.string().optional() }),
  /** The prediction URL serving this model. */
  server: z.string().optional(),
  tags: z.array(TagLabelSchema),
  extension: CardExtensionSchema,
};

export const ModelCardSchema = z.object({
  /** Stable per model version (a name-based UUID), so re-exports update one entity. */
  id: z.uuid(),
  /** `service.model`, as OpenMetadata names an MlModel. */
  fullyQualifiedName: z.string().max(256),
  ...common,
  service: EntityReferenceSchema,
  serviceType: z.literal('CustomMlModel'),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;
export type MlFeature = z.infer<typeof MlFeatureSchema>;

export const CreateMlModelSchema = z.object({
  ...common,
  /** The MlModel service's fully qualified name. */
  service: z.string().min(1).max(256),
});
export type CreateMlModel = z.infer<typeof CreateMlModelSchema>;

export const CardFormSchema = z.enum(['entity', 'create']);
