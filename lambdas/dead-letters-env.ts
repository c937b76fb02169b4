import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lambdaRedeliveryTargets, sqsDeadLetterQueue } from '../core/events/dead-letter-aws.js';
import type { DeadLetterPorts } from '../core/events/dead-letters.js';
import { type Env, required } from './env-deps.js';

// Its own module: only the management function lists and redrives dead letters, so only its
// bundle reaches the SQS and Lambda clients (tests/infra/iam.checks.ts reads the modules).

/**
 * The dead-letter queue and its redrive targets, where the function serves them
 * (`CIRRUS_DEAD_LETTER_QUEUE_URL`, and `CIRRUS_DEAD_LETTER_TARGETS`: the comma-separated ARNs of
 * the functions whose failures land there, as on the management function); undefined elsewhere.
 */
export function deadLettersFromEnv(env: Env = process.env): DeadLetterPorts | undefined {
  const queueUrl = env.CIRRUS_DEAD_LETTER_QUEUE_URL;
  const targets = (env.CIRRUS_DEAD_LETTER_TARGETS ?? '').split(',').filter(Boolean);
  if (!queueUrl || targets.length === 0) return undefined;
  const region = required(env, 'AWS_REGION');
  return {
    queue: sqsDeadLetterQueue(new SQSClient({ region }), queueUrl),
    targets: lambdaRedeliveryTargets(new LambdaClient({ region }), targets),
  };
}
