import { createHash } from 'node:crypto';
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { RULE_RETRY_ATTEMPTS, retrainScheduleRule } from '../core/events/rules.js';
import type { RetrainScheduleSync } from './api/context.js';

export interface EventBridgeScheduleSyncOptions {
  readonly client: Pick<EventBridgeClient, 'send'>;
  /** Rule names start with this (the API role may only touch rules with it). */
  readonly rulePrefix: string;
  /** The retrain function every schedule rule targets. */
  readonly retrainFunctionArn: string;
  /** Queue that receives the events a rule could not deliver after its retries. */
  readonly deadLetterArn?: string;
}

const TARGET_ID = 'retrain';
const MAX_RULE_NAME = 64;

/**
 * The rule of an experiment's retraining schedule. EventBridge rule names stop at 64 characters
 * and experiment names may have 128, so a long name keeps its head and gains a short hash.
 */
export function scheduleRuleName(prefix: string, experiment: string): string {
  const name = `${prefix}${experiment}`;
  if (name.length <= MAX_RULE_NAME) return name;
  const hash = createHash('sha256').update(experiment).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_RULE_NAME - hash.length - 1)}-${hash}`;
}

/**
 * Keeps one EventBridge rule per experiment in step with its schedule, on the default bus:
 * the deployed counterpart of the local scheduler reading experiments. The rule's input is
 * the same scheduled-retrain event the local scheduler emits (core/events/rules.ts).
 */
export function eventBridgeScheduleSync(options: EventBridgeScheduleSyncOptions): RetrainScheduleSync {
  const { client, rulePrefix, retrainFunctionArn, deadLetterArn } = options;
  return {
    async apply(experiment, expression) {
      const Name = scheduleRuleName(rulePrefix, experiment);
      if (expression === null) return removeRule(client, Name);
      const rule = retrainScheduleRule(experiment, expression);
      await client.send(
        new PutRuleCommand({
          Name,
          ScheduleExpression: expression,
          State: 'ENABLED',
          Description: rule.description,
        }),
      );
      await client.send(
        new PutTargetsCommand({
          Rule: Name,
          Targets: [
            {
              Id: TARGET_ID,
              Arn: retrainFunctionArn,
              Input: JSON.stringify(rule.input),
              RetryPolicy: { MaximumRetryAttempts: RULE_RETRY_ATTEMPTS },
              ...(deadLetterArn ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
            },
          ],
        }),
      );
    },
  };
}

async function removeRule(client: Pick<EventBridgeClient, 'send'>, Name: string): Promise<void> {
  try {
    await client.send(new RemoveTargetsCommand({ Rule: Name, Ids: [TARGET_ID] }));
    await client.send(new DeleteRuleCommand({ Name }));
  } catch (error) {
    // Clearing a schedule that was never set is not an error.
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException')
      return;
    throw error;
  }
}
