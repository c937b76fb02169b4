import * as z from 'zod';

/**
 * An endpoint and its traffic (registry table; re-exported by serving.ts). Their own file so the
 * predict function, whose cold start builds every schema it imports, builds these without the
 * rest of serving.ts.
 */

const VariantNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'variant name: letters, digits, _ . - (1-64 characters)');

export const TrafficVariantSchema = z.object({
  name: VariantNameSchema,
  version: z.number().int().positive(),
  weight: z.number().min(0).max(100),
});
export type TrafficVariant = z.infer<typeof TrafficVariantSchema>;

export const ShadowVariantSchema = z.object({
  name: VariantNameSchema,
  version: z.number().int().positive(),
});
export type ShadowVariant = z.infer<typeof ShadowVariantSchema>;

/** Where the sticky routing key comes from: a request header or a top-level body field. */
export const StickyKeySchema = z.object({
  from: z.enum(['header', 'field']),
  name: z.string().min(1).max(128),
});
export type StickyKey = z.infer<typeof StickyKeySchema>;

/** An endpoint's traffic: weighted variants (weights sum to 100), shadows, sticky key. */
export const TrafficConfigSchema = z
  .object({
    variants: z.array(TrafficVariantSchema).min(1),
    shadows: z.array(ShadowVariantSchema).default([]),
    stickyKey: StickyKeySchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    const sum = cfg.variants.reduce((a, v) => a + v.weight, 0);
    if (Math.abs(sum - 100) > 1e-6) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: `weights must sum to 100 (got ${sum})` });
    }
    const names = [...cfg.variants, ...cfg.shadows].map((v) => v.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup)
      ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant name '${dup}' is used twice` });
  });
export type TrafficConfig = z.infer<typeof TrafficConfigSchema>;

const EndpointNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'endpoint name: letters, digits, . _ - (starting with a letter or digit)',
  );

/**
 * An endpoint (registry table): serves `model`'s `champion` alias unless `traffic` names
 * versions. `revision` counts changes (optimistic concurrency for traffic and A/B moves).
 */
export const EndpointSchema = z.object({
  name: EndpointNameSchema,
  model: z.string().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  revision: z.number().int().min(1),
  traffic: TrafficConfigSchema.optional(),
  /** The running A/B test, if any. */
  abTestId: z.string().optional(),
  /** The most recent A/B test that ended (shown by `ab-tests/current` when none runs). */
  lastAbTestId: z.string().optional(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;
export { EndpointNameSchema };
