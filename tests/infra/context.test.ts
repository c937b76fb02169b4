import { App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAG_ACKNOWLEDGEMENTS } from '../../infra/nag-acknowledgements.js';
import { CirrusStack } from '../../infra/stack.js';
import { cdkJsonContext, type Synthesized, synthCirrus } from './synth.js';

/** Every acknowledgement recorded in the construct tree: [rule id, reason]. */
function acknowledged(synth: Synthesized): [string, string][] {
  return (
    synth.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      // Validations.acknowledge records `{ [qualifiedRuleId]: reason }` per call.
      .flatMap((m) => Object.entries<string>(m.data))
  );
}

describe('cdk-nag AwsSolutionsChecks', () => {
  describe.each([
    ['keeping data (default)', {}],
    [
      'destroying data, with retraining schedules',
      {
        'cirrus:retainData': 'false',
        'cirrus:retrainSchedules': '[{"experiment":"iris","schedule":"rate(7 days)"}]',
      },
    ],
  ])('%s', (_name, context) => {
    let synth: Synthesized;
    beforeAll(() => {
      // synthCirrus runs app.synth(), which throws when the plugin reports an unacknowledged error.
      synth = synthCirrus({ context });
    });
    afterAll(() => synth?.dispose());

    it('reports zero unacknowledged errors', () => {
      const report = new AwsSolutionsChecks().validateScope(synth.stack);
      expect(report.violations.filter((v) => v.severity === 'error').map((v) => v.ruleName)).toEqual([]);
    });

    it('gives every acknowledgement a specific reason', () => {
      const acks = acknowledged(synth);
      expect(acks.length).toBeGreaterThan(0);
      for (const [id, reason] of acks) {
        expect(id).toMatch(/^\w+::AwsSolutions-(IAM4\[|IAM5\[|L1$)/);
        expect(reason.length, id).toBeGreaterThan(40);
      }
      // Never a blanket rule-level acknowledgement of wildcard findings: each names its finding.
      expect(acks.filter(([id]) => /AwsSolutions-IAM[45]$/.test(id))).toEqual([]);
    });
  });

  it('has no two acknowledgement kinds with the same reason', () => {
    const reasons = NAG_ACKNOWLEDGEMENTS.map((a) => a.reason);
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});

describe('stack settings from context', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthCirrus({
      context: {
        'cirrus:retainData': 'false',
        'cirrus:logRetentionDays': '7',
        'cirrus:namePrefix': 'mlops',
        'cirrus:driftSchedule': 'rate(1 day)',
        'cirrus:retrainSchedules': '[{"experiment":"iris","schedule":"cron(0 3 ? * MON *)"}]',
      },
    });
  });
  afterAll(() => synth?.dispose());

  it('destroys and empties the buckets and unprotects the tables when cirrus:retainData is false', () => {
    synth.template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    synth.template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    synth.template.allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    synth.template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });

  it('applies the log retention, name prefix and drift schedule', () => {
    synth.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'mlops-training',
    });
    synth.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  it('retrains an experiment on its own schedule with a constant event', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftMonitorRetrainFunction'), 'Arn'] },
          Input: JSON.stringify({
            source: 'cirrus.schedule',
            'detail-type': 'ScheduledRetrain',
            detail: { experiment: 'iris' },
          }),
        }),
      ],
    });
  });

  it('rejects an invalid context value naming the key', () => {
    const app = new App({
      context: { ...cdkJsonContext(), 'cirrus:logRetentionDays': '8', 'aws:cdk:bundling-stacks': [] },
    });
    expect(() => new CirrusStack(app, 'Bad')).toThrow(
      /context cirrus:logRetentionDays: must be a CloudWatch Logs retention/,
    );
    const app2 = new App({
      context: { ...cdkJsonContext(), 'cirrus:retrainSchedules': '[{"experiment":"x","schedule":"daily"}]' },
    });
    expect(() => new CirrusStack(app2, 'Bad')).toThrow(
      /context cirrus:retrainSchedules: must be rate\(\.\.\.\) or cron\(\.\.\.\)/,
    );
  });
});
