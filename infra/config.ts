import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import { STACK_DEFAULTS } from './defaults.js';

/** A retraining schedule for one experiment: an EventBridge schedule expression. */
export const RetrainScheduleSchema = z.object({
  experiment: z.string().min(1),
  schedule: z.string().regex(/^(rate|cron)\(.+\)$/, 'must be rate(...) or cron(...)'),
});
export type RetrainSchedule = z.infer<typeof RetrainScheduleSchema>;

// `cdk -c key=value` hands strings; cdk.json hands JSON values. Accept both.
const booleanish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const retentionDays = z.coerce
  .number()
  .int()
  .refine(
    (n) => Object.values(RetentionDays).includes(n),
    'must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, ...)',
  );
const jsonish = <T extends z.ZodType>(schema: T) => z.preprocess(parseJsonString, schema);

function parseJsonString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // the schema then reports the type mismatch, naming the key
  }
}

/** Stack-wide settings read from CDK context keys `cirrus:*`. */
export const StackConfigSchema = z.object({
  namePrefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,20}$/, 'must be lowercase letters, digits and dashes, at most 21 characters')
    .default(STACK_DEFAULTS.namePrefix),
  logRetentionDays: retentionDays.default(STACK_DEFAULTS.logRetentionDays),
  retainData: booleanish.default(STACK_DEFAULTS.retainData),
  driftSchedule: z
    .string()
    .regex(/^(rate|cron)\(.+\)$/, 'must be rate(...) or cron(...)')
    .default(STACK_DEFAULTS.driftSchedule),
  retrainSchedules: jsonish(z.array(RetrainScheduleSchema)).default([]),
  alarmEmail: z.email('must be an email address').optional(),
  stateMachineLogLevel: z.enum(['OFF', 'FATAL', 'ERROR', 'ALL']).default(STACK_DEFAULTS.stateMachineLogLevel),
  stateMachineLogExecutionData: booleanish.default(false),
  predictRateLimit: z.coerce.number().int().positive().default(STACK_DEFAULTS.predictRateLimit),
  predictBurstLimit: z.coerce.number().int().positive().default(STACK_DEFAULTS.predictBurstLimit),
  managementConcurrency: z.coerce.number().int().min(0).default(STACK_DEFAULTS.managementConcurrency),
  /**
   * ECR repository-name prefix (e.g. `ml-team/`) whose images a training request may name as
   * its custom trainer; only those the SageMaker role may pull. Absent: no custom images.
   */
  customTrainerRepositoryPrefix: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._/-]{0,200}$/,
      'must be an ECR repository-name prefix (lowercase, digits, . _ / -)',
    )
    .optional(),
});
export type StackConfig = z.infer<typeof StackConfigSchema>;

const CONTEXT_KEYS: Record<keyof StackConfig, string> = {
  namePrefix: 'cirrus:namePrefix',
  logRetentionDays: 'cirrus:logRetentionDays',
  retainData: 'cirrus:retainData',
  driftSchedule: 'cirrus:driftSchedule',
  retrainSchedules: 'cirrus:retrainSchedules',
  alarmEmail: 'cirrus:alarmEmail',
  stateMachineLogLevel: 'cirrus:stateMachineLogLevel',
  stateMachineLogExecutionData: 'cirrus:stateMachineLogExecutionData',
  predictRateLimit: 'cirrus:predictRateLimit',
  predictBurstLimit: 'cirrus:predictBurstLimit',
  managementConcurrency: 'cirrus:managementConcurrency',
  customTrainerRepositoryPrefix: 'cirrus:customTrainerRepositoryPrefix',
};

/**
 * Reads the `cirrus:*` context keys of a construct tree and applies the defaults.
 * Throws naming the context key and the rule when a value is invalid.
 */
export function readStackConfig(node: Node): StackConfig {
  const raw = Object.fromEntries(
    Object.entries(CONTEXT_KEYS).map(([field, key]) => [field, node.tryGetContext(key) ?? undefined]),
  );
  const parsed = StackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const key = Object.entries(CONTEXT_KEYS).find(([name]) => name === field)?.[1] ?? String(field);
    throw new Error(`context ${key}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
