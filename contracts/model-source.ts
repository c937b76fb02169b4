import * as z from 'zod';

// Its own file (re-exported by model-import.ts) so the registry's records, which every function
// reading a model version parses, do not build the import request schemas beside it: the
// predict function's cold start builds every schema its modules declare.

/** Where an imported version came from (lineage; imported versions have no training run). */
export const ModelSourceSchema = z.object({
  kind: z.enum(['import', 'custom_trainer']),
  fileName: z.string().optional(),
  /** The file as uploaded (the served model.onnx is it with the serving adapter added). */
  originalUri: z.string().startsWith('s3://'),
  originalSha256: z.string().regex(/^[0-9a-f]{64}$/),
  producerName: z.string().optional(),
  producerVersion: z.string().optional(),
  irVersion: z.number().int().optional(),
  /** Operator sets the file imports, e.g. `{ "ai.onnx": 17, "ai.onnx.ml": 3 }`. */
  opsets: z.record(z.string(), z.number().int()),
  /** What the serving adapter did, e.g. `dropped ZipMap 'output_probability'`. */
  adapter: z.array(z.string()),
  referenceUri: z.string().startsWith('s3://').optional(),
  referenceRows: z.number().int().min(0).optional(),
  /** The custom trainer's image or command (kind `custom_trainer`). */
  trainer: z.string().optional(),
});
export type ModelSource = z.infer<typeof ModelSourceSchema>;
