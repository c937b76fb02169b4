import {
  type DeadLetter,
  type DeadLetterList,
  type DeadLetterMessage,
  InvocationRecordSchema,
  type RedriveOutcome,
  type RedriveRequest,
  type RedriveResult,
} from '../../contracts/dead-letters.js';

/**
 * Seeing and redriving what landed in the dead-letter queue, for both worlds. SQS's own
 * redrive (StartMessageMoveTask) only moves messages back to a source queue, and these came
 * from EventBridge targets and Lambda destinations, so a redrive hands each payload to its
 * target function again and deletes the message only once the target accepted it.
 */

/** A message taken for processing: hidden from other readers until deleted or released. */
export interface TakenMessage extends DeadLetterMessage {
  /** What deletes or releases it (an SQS receipt handle; locally the id). */
  readonly handle: string;
}

/** The queue (AWS: SQS, core/events/dead-letter-aws.ts; local: files under the data dir). */
export interface DeadLetterQueue {
  /** Up to `max` messages, left visible in the queue. */
  peek(max: number): Promise<{ messages: DeadLetterMessage[]; truncated: boolean }>;
  /** Up to `max` messages, hidden from other readers until deleted or released. */
  take(max: number): Promise<TakenMessage[]>;
  delete(message: TakenMessage): Promise<void>;
  /** Makes a taken message visible again at once. */
  release(message: TakenMessage): Promise<void>;
}

/** The functions a payload can be handed back to. */
export interface RedeliveryTargets {
  /** Whether this runtime may hand payloads to `target` (AWS: the functions it may invoke). */
  knows(target: string): boolean;
  /** Hands `payload` to `target`; resolves once accepted, throws when refused. */
  redeliver(target: string, payload: unknown): Promise<void>;
}

export interface DeadLetterPorts {
  readonly queue: DeadLetterQueue;
  readonly targets: RedeliveryTargets;
}

/** Messages one listing or one redrive reads at most (a redrive of more runs again). */
export const DEAD_LETTER_BATCH = 100;

/** A message read: its view, and the payload a redrive hands back (absent when unreadable). */
export interface ParsedDeadLetter {
  readonly view: DeadLetter;
  readonly payload?: unknown;
}

/**
 * Reads either kind of message: a rule's undeliverable event (event body, `TARGET_ARN` and
 * `RULE_ARN` attributes) or a Lambda destination's invocation record (payload under
 * `requestPayload`). Anything else is kind `unknown`, with no target: a redrive keeps it.
 */
export function parseDeadLetter(message: DeadLetterMessage): ParsedDeadLetter {
  const body = parseJson(message.body);
  const a = message.attributes;
  const base = { id: message.id, firstSeen: message.sentAt };
  if (a.TARGET_ARN || a.RULE_ARN) {
    const retries = Number(a.RETRY_ATTEMPTS);
    const view: DeadLetter = {
      ...base,
      kind: 'rule',
      ...(a.TARGET_ARN ? { target: functionOf(a.TARGET_ARN) } : {}),
      ...(a.RULE_ARN ? { rule: a.RULE_ARN.slice(a.RULE_ARN.lastIndexOf('/') + 1) } : {}),
      ...errorField(a.ERROR_MESSAGE ?? a.ERROR_CODE),
      ...(Number.isInteger(retries) && retries >= 0 && a.RETRY_ATTEMPTS ? { attempts: retries + 1 } : {}),
      summary: body.ok ? summarize(body.value) : 'unreadable body (not JSON)',
    };
    return body.ok ? { view, payload: body.value } : { view };
  }
  const record = body.ok ? InvocationRecordSchema.safeParse(body.value) : undefined;
  if (!record?.success)
    return { view: { ...base, kind: 'unknown', summary: 'neither a rule event nor an invocation record' } };
  const { requestContext: ctx, requestPayload, responsePayload } = record.data;
  const view: DeadLetter = {
    ...base,
    kind: 'invocation',
    target: functionOf(ctx.functionArn),
    ...errorField(errorOf(responsePayload) ?? ctx.condition),
    ...(ctx.approximateInvokeCount !== undefined ? { attempts: ctx.approximateInvokeCount } : {}),
    summary: summarize(requestPayload),
  };
  return { view, payload: requestPayload };
}

/**
 * Lists the queue's messages (at most DEAD_LETTER_BATCH), oldest first.
 *
 * @example
 * const { deadLetters } = await listDeadLetters(ports.queue);
 */
export async function listDeadLetters(queue: DeadLetterQueue): Promise<DeadLetterList> {
  const { messages, truncated } = await queue.peek(DEAD_LETTER_BATCH);
  const deadLetters = messages.map((m) => parseDeadLetter(m).view);
  deadLetters.sort((x, y) => x.firstSeen.localeCompare(y.firstSeen) || x.id.localeCompare(y.id));
  return { deadLetters, truncated };
}

/**
 * Hands every dead letter (or those named) back to its target, one by one; each message is
 * deleted only after its target accepted the payload. A message whose target is unknown or
 * refuses it stays in the queue and is reported as kept, with the reason; an id no message has
 * is reported missing. Messages not asked for are released at once.
 *
 * @example
 * const result = await redriveDeadLetters(ports, { all: true }); // { redriven: 2, kept: 0, ... }
 */
export async function redriveDeadLetters(
  ports: DeadLetterPorts,
  request: RedriveRequest,
): Promise<RedriveResult> {
  const wanted = request.ids ? new Set(request.ids) : undefined;
  const results: RedriveOutcome[] = [];
  for (const message of await ports.queue.take(DEAD_LETTER_BATCH)) {
    if (wanted && !wanted.has(message.id)) await ports.queue.release(message);
    else results.push(await redriveOne(ports, message));
  }
  const seen = new Set(results.map((r) => r.id));
  for (const id of wanted ?? [])
    if (!seen.has(id)) results.push({ id, outcome: 'missing', reason: 'no dead letter has this id' });
  const count = (outcome: RedriveOutcome['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return { redriven: count('redriven'), kept: count('kept'), missing: count('missing'), results };
}

async function redriveOne(ports: DeadLetterPorts, message: TakenMessage): Promise<RedriveOutcome> {
  const { view, payload } = parseDeadLetter(message);
  const keep = async (reason: string): Promise<RedriveOutcome> => {
    await ports.queue.release(message);
    return { id: message.id, outcome: 'kept', ...(view.target ? { target: view.target } : {}), reason };
  };
  const target = view.target;
  if (!target || payload === undefined) return keep(`cannot redrive: ${view.summary}`);
  if (!ports.targets.knows(target)) return keep(`target ${target} is not a function Cirrus redrives to`);
  try {
    await ports.targets.redeliver(target, payload);
  } catch (error) {
    return keep(`${target} refused it: ${messageOf(error)}`);
  }
  try {
    await ports.queue.delete(message);
  } catch (error) {
    // Accepted but still queued: a second redrive would hand it over twice.
    return {
      id: message.id,
      outcome: 'kept',
      target,
      reason: `redelivered, but not deleted: ${messageOf(error)}`,
    };
  }
  return { id: message.id, outcome: 'redriven', target };
}

/** `arn:aws:lambda:r:a:function:name:$LATEST` → the unqualified function ARN; others as they are. */
export function functionOf(arn: string): string {
  const parts = arn.split(':');
  return parts[2] === 'lambda' && parts[5] === 'function' && parts.length > 7
    ? parts.slice(0, 7).join(':')
    : arn;
}

/** What a payload was, in a few words: an event's detail-type and subject, a log batch, or its JSON. */
export function summarize(payload: unknown): string {
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    const p = payload as Record<string, unknown>;
    if (typeof p['detail-type'] === 'string') {
      const detail = (p.detail ?? {}) as Record<string, unknown>;
      const subject = [detail.experiment, detail.endpoint].find((v) => typeof v === 'string');
      return subject ? `${p['detail-type']} ${String(subject)}` : p['detail-type'];
    }
    if (p.awslogs) return 'CloudWatch Logs batch (prediction log lines)';
  }
  const json = JSON.stringify(payload) ?? 'undefined';
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function errorOf(response: unknown): string | undefined {
  if (!response || typeof response !== 'object') return typeof response === 'string' ? response : undefined;
  const r = response as { errorType?: unknown; errorMessage?: unknown };
  if (typeof r.errorMessage !== 'string') return undefined;
  return typeof r.errorType === 'string' ? `${r.errorType}: ${r.errorMessage}` : r.errorMessage;
}

const errorField = (error: string | undefined) => (error ? { error } : {});

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
