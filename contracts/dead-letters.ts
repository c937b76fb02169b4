import * as z from 'zod';

/**
 * The dead-letter queue: what lands there after an asynchronous path gives up, and the API's
 * view of it (`GET /v1/dead-letters`, `POST /v1/dead-letters/redrive`). Two kinds land in the
 * one queue (AWS `Alerts/DeadLetters`; locally `<dataDir>/dead-letters/`):
 * - `rule`: an EventBridge target's undeliverable event. The body is the event itself; the
 *   message attributes say where it failed (`RULE_ARN`, `TARGET_ARN`, `ERROR_CODE`,
 *   `ERROR_MESSAGE`, `RETRY_ATTEMPTS`).
 * - `invocation`: a Lambda on-failure destination's invocation record. The body is the record:
 *   `requestContext.functionArn`, `.condition`, `.approximateInvokeCount`, the event under
 *   `requestPayload`, the error under `responsePayload`.
 */

/** One message as the queue holds it (an SQS message's parts, or a local file). */
export const DeadLetterMessageSchema = z.object({
  id: z.string().min(1).max(128),
  /** The message body as sent (JSON text for both kinds). */
  body: z.string(),
  /** String message attributes (`RULE_ARN`, `TARGET_ARN`, ...); empty for invocation records. */
  attributes: z.record(z.string(), z.string()),
  /** When the queue first received it (ISO 8601). */
  sentAt: z.string(),
});
export type DeadLetterMessage = z.infer<typeof DeadLetterMessageSchema>;

/** The invocation record a Lambda on-failure destination sends (the fields Cirrus reads). */
export const InvocationRecordSchema = z
  .object({
    timestamp: z.string().optional(),
    requestContext: z
      .object({
        functionArn: z.string().min(1),
        condition: z.string().optional(),
        approximateInvokeCount: z.number().int().min(0).optional(),
      })
      .loose(),
    requestPayload: z.unknown(),
    responsePayload: z.unknown().optional(),
  })
  .loose();
export type InvocationRecord = z.infer<typeof InvocationRecordSchema>;

export const DeadLetterKindSchema = z.enum(['rule', 'invocation', 'unknown']);

/** One dead letter as `GET /v1/dead-letters` lists it. */
export const DeadLetterSchema = z.object({
  id: z.string(),
  kind: DeadLetterKindSchema,
  /** The function the payload was for (ARN locally `local:<name>`); absent when unreadable. */
  target: z.string().optional(),
  /** The EventBridge rule that routed it (rule kind). */
  rule: z.string().optional(),
  error: z.string().optional(),
  firstSeen: z.string(),
  /** Times the target was tried before the payload landed here, when the message says. */
  attempts: z.number().int().min(0).optional(),
  /** `ModelDriftDetected iris`, `ScheduledRetrain iris`, `3 log events`: what the payload was. */
  summary: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export const DeadLetterListSchema = z.object({
  deadLetters: z.array(DeadLetterSchema),
  /** True when the queue held more than the listing reads at once. */
  truncated: z.boolean(),
});
export type DeadLetterList = z.infer<typeof DeadLetterListSchema>;

/** Redrive every dead letter, or those named. */
export const RedriveRequestSchema = z
  .object({
    ids: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
    all: z.literal(true).optional(),
  })
  .refine((r) => (r.ids === undefined) !== (r.all === undefined), {
    message: 'give either ids (a list of dead-letter ids) or all: true',
    path: ['ids'],
  });
export type RedriveRequest = z.infer<typeof RedriveRequestSchema>;

/**
 * `redriven`: the target accepted the payload again and the message was deleted (AWS: an
 * asynchronous invocation was accepted; a new failure lands as a new message). `kept`: the
 * message stays, for `reason`. `missing`: no message has that id.
 */
export const RedriveOutcomeSchema = z.object({
  id: z.string(),
  outcome: z.enum(['redriven', 'kept', 'missing']),
  target: z.string().optional(),
  reason: z.string().optional(),
});
export type RedriveOutcome = z.infer<typeof RedriveOutcomeSchema>;

export const RedriveResultSchema = z.object({
  redriven: z.number().int().min(0),
  kept: z.number().int().min(0),
  missing: z.number().int().min(0),
  results: z.array(RedriveOutcomeSchema),
});
export type RedriveResult = z.infer<typeof RedriveResultSchema>;
