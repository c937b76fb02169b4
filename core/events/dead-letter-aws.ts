import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterMessage } from '../../contracts/dead-letters.js';
import type { DeadLetterQueue, RedeliveryTargets, TakenMessage } from './dead-letters.js';

/** How long a redrive hides the messages it took (it releases those it keeps at once). */
const TAKE_VISIBILITY_S = 120;

/**
 * The dead-letter queue on SQS. A listing receives with a zero visibility timeout, so messages
 * stay visible, and reads until two rounds bring no new message; a redrive receives with a
 * visibility timeout, deletes what it redrove and makes the rest visible again.
 */
export function sqsDeadLetterQueue(client: SQSClient, queueUrl: string): DeadLetterQueue {
  const receive = async (max: number, visibility: number) => {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        VisibilityTimeout: visibility,
        // Long polling asks every SQS server, so a short queue is not read as empty.
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    return out.Messages ?? [];
  };
  return {
    async peek(max) {
      const seen = new Map<string, DeadLetterMessage>();
      // Visible messages come back in no set order: stop after two rounds bring nothing new.
      for (let round = 0, stale = 0; round < max && stale < 2 && seen.size < max; round++) {
        const batch = await receive(max - seen.size, 0);
        if (batch.length === 0) break;
        const fresh = batch.filter((m) => m.MessageId && !seen.has(m.MessageId));
        for (const m of fresh) seen.set(m.MessageId ?? '', toMessage(m));
        stale = fresh.length === 0 ? stale + 1 : 0;
      }
      return { messages: [...seen.values()], truncated: seen.size >= max };
    },
    async take(max) {
      const taken: TakenMessage[] = [];
      while (taken.length < max) {
        const batch = await receive(max - taken.length, TAKE_VISIBILITY_S);
        if (batch.length === 0) break;
        for (const m of batch) taken.push({ ...toMessage(m), handle: m.ReceiptHandle ?? '' });
      }
      return taken;
    },
    async delete(message) {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.handle }));
    },
    async release(message) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.handle,
          VisibilityTimeout: 0,
        }),
      );
    },
  };
}

function toMessage(m: Message): DeadLetterMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {}))
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  const sent = Number(m.Attributes?.SentTimestamp);
  return {
    id: m.MessageId ?? '',
    body: m.Body ?? '',
    attributes,
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : new Date(0).toISOString(),
  };
}

/**
 * Redelivery by asynchronous invocation (InvocationType `Event`, as EventBridge and the
 * destinations invoke): accepted means Lambda queued it; a new failure lands as a new message.
 * Only `functionArns` (the stack's drift, retrain and log-ingest functions) are targets.
 */
export function lambdaRedeliveryTargets(
  client: LambdaClient,
  functionArns: readonly string[],
): RedeliveryTargets {
  const known = new Set(functionArns);
  return {
    knows: (target) => known.has(target),
    async redeliver(target, payload) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: target,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      if (out.StatusCode !== 202)
        throw new Error(`Lambda answered ${out.StatusCode ?? 'no status'}, not 202`);
    },
  };
}
