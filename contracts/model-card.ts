import { z } from 'zod';

/**
 * A model version exported in the shape of OpenMetadata's MlModel entity, so catalogs that
 * speak it can ingest Cirrus models.
 */
export const MlFeatureSourceSchema = z.object({
  name: z.string(),
  dataType: z.enum(['integer', 'number', 'string', 'boolean', 'date', 'timestamp', 'object', 'array']),
  /** Dataset reference, e.g. `iris@<sha256>`. */
  dataSource: z.string(),
});

export const MlFeatureSchema = z.object({
  name: z.string(),
  dataType: z.enum(['numerical', 'categorical']),
  featureSources: z.array(MlFeatureSourceSchema),
  featureAlgorithm: z.string().optional(),
});

export const ModelCardSchema = z.object({
  name: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  algorithm: z.string().min(1),
  mlFeatures: z.array(MlFeatureSchema),
  mlHyperParameters: z.array(
    z.object({ name: z.string(), value: z.string(), description: z.string().optional() }),
  ),
  target: z.string().optional(),
  mlStore: z.object({ storage: z.string(), imageRepository: z.string().optional() }),
  /** The prediction URL serving this model. */
  server: z.string().optional(),
  dashboard: z.string().optional(),
  /** OpenMetadata-style version label: major bumps on algorithm/features/serving change. */
  version: z.string().optional(),
  tags: z.array(z.string()).default([]),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;
export type MlFeature = z.infer<typeof MlFeatureSchema>;
