import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '../../core/events/rules.js';
import { eventBridgeScheduleSync, scheduleRuleName } from '../../lambdas/retrain-schedules.js';
import { fakeClient } from './fake-aws-client.js';

// The EventBridge control plane is mocked (no AWS account here): a fake client records the
// commands and answers as the service documents.
const RETRAIN = 'arn:aws:lambda:eu-west-1:123456789012:function:cirrus-retrain';

describe('eventBridgeScheduleSync', () => {
  it('puts one rule per experiment targeting the retrain function with the scheduled-retrain event', async () => {
    const client = fakeClient();
    const sync = eventBridgeScheduleSync({
      client,
      rulePrefix: 'cirrus-retrain-',
      retrainFunctionArn: RETRAIN,
    });

    await sync.apply('iris', 'rate(1 day)');

    const [rule, targets] = client.sent as [PutRuleCommand, PutTargetsCommand];
    expect(rule).toBeInstanceOf(PutRuleCommand);
    expect(rule.input).toMatchObject({
      Name: 'cirrus-retrain-iris',
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
    });
    expect(targets).toBeInstanceOf(PutTargetsCommand);
    const target = targets.input.Targets?.[0];
    expect(target?.Arn).toBe(RETRAIN);
    expect(JSON.parse(target?.Input ?? '{}')).toMatchObject({
      'detail-type': DETAIL_TYPES.scheduledRetrain,
      detail: { experiment: 'iris', schedule: 'rate(1 day)' },
    });
  });

  it('sends what the rule cannot deliver to the dead-letter queue it is given', async () => {
    const client = fakeClient();
    const dlq = 'arn:aws:sqs:eu-west-1:123456789012:cirrus-dead-letters';
    const sync = eventBridgeScheduleSync({
      client,
      rulePrefix: 'cirrus-retrain-',
      retrainFunctionArn: RETRAIN,
      deadLetterArn: dlq,
    });
    await sync.apply('iris', 'rate(1 day)');
    const targets = client.sent[1] as PutTargetsCommand;
    expect(targets.input.Targets?.[0]?.DeadLetterConfig).toEqual({ Arn: dlq });
  });

  it('removes the targets then the rule when the schedule is cleared, and tolerates a missing rule', async () => {
    const client = fakeClient();
    const sync = eventBridgeScheduleSync({
      client,
      rulePrefix: 'cirrus-retrain-',
      retrainFunctionArn: RETRAIN,
    });
    await sync.apply('iris', null);
    expect(client.sent.map((c) => c.constructor)).toEqual([RemoveTargetsCommand, DeleteRuleCommand]);

    const missing = fakeClient(() => {
      throw new ResourceNotFoundException({
        message: 'Rule cirrus-retrain-x does not exist.',
        $metadata: {},
      });
    });
    const sync2 = eventBridgeScheduleSync({
      client: missing,
      rulePrefix: 'cirrus-retrain-',
      retrainFunctionArn: RETRAIN,
    });
    await expect(sync2.apply('x', null)).resolves.toBeUndefined();
  });

  it('keeps rule names within 64 characters and distinct for long experiment names', () => {
    const a = scheduleRuleName('cirrus-retrain-', `${'a'.repeat(100)}-one`);
    const b = scheduleRuleName('cirrus-retrain-', `${'a'.repeat(100)}-two`);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(scheduleRuleName('cirrus-retrain-', 'iris')).toBe('cirrus-retrain-iris');
  });
});
