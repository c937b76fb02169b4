import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { retrainScheduleRule } from '../../core/events/rules.js';
import { CirrusStack } from '../../infra/stack.js';
import { nagChecks } from './nag.checks.js';
import { renderExpression } from './iam-walk.js';
import { cdkJsonContext, synthOnce } from './synth.js';

// Every cirrus:* setting away from its default, in one synthesis.
describe('CirrusStack, settings from context', () => {
  const synth = synthOnce({
    context: {
      'cirrus:retainData': 'false',
      'cirrus:logRetentionDays': '7',
      'cirrus:namePrefix': 'mlops',
      'cirrus:driftSchedule': 'rate(1 day)',
      'cirrus:retrainSchedules': '[{"experiment":"iris","schedule":"cron(0 3 ? * MON *)"}]',
      'cirrus:customTrainerRepositoryPrefix': 'ml-team/',
    },
  });
  nagChecks(synth);

  it('destroys and empties the buckets and unprotects the tables when cirrus:retainData is false', () => {
    synth.template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    synth.template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    synth.template.allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    synth.template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
    synth.template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('lets SageMaker pull custom trainer images only under cirrus:customTrainerRepositoryPrefix', () => {
    const policies = Object.values(synth.template.findResources('AWS::IAM::Policy'));
    const ecr = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).filter((s) =>
        JSON.stringify(s.Action).includes('ecr:BatchGetImage'),
      ),
    );
    const resources = ecr.map((s) => JSON.stringify(s.Resource));
    expect(resources.some((r) => r.includes(':repository/ml-team/*'))).toBe(true);
    // The API and the retrain function both submit training, so both accept the same images.
    const fns = Object.values(synth.template.findResources('AWS::Lambda::Function'));
    const withPrefix = fns.filter((f) => f.Properties.Environment?.Variables?.CIRRUS_TRAINER_IMAGE_PREFIX);
    expect(withPrefix.map((f) => f.Properties.Description as string).sort()).toEqual([
      expect.stringMatching(/^Cirrus API: management/),
      expect.stringMatching(/^Cirrus retraining/),
    ]);
    for (const f of withPrefix)
      expect(JSON.stringify(f.Properties.Environment.Variables.CIRRUS_TRAINER_IMAGE_PREFIX)).toContain(
        'ml-team/',
      );
  });

  it('applies the log retention, name prefix and drift schedule', () => {
    synth.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'mlops-training',
    });
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'mlops-training-sweep',
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'mlops-overview' });
    synth.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    const fns = Object.values(synth.template.findResources('AWS::Lambda::Function'));
    const services = fns.map((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
    expect(services.filter(Boolean).every((name) => String(name).startsWith('mlops-'))).toBe(true);
  });

  it('retrains an experiment on its own schedule with the constant event core/events defines', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftMonitorRetrainFunction'), 'Arn'] },
          Input: JSON.stringify(retrainScheduleRule('iris', 'cron(0 3 ? * MON *)').input),
        }),
      ],
    });
  });

  it('names the runtime retraining rules with the prefix, in the API environment and its grants', () => {
    const management = synth.stack.resolve(synth.stack.api.managementFunction.functionArn)['Fn::GetAtt'][0];
    const env = synth.template.toJSON().Resources[management].Properties.Environment.Variables;
    expect(env.CIRRUS_RETRAIN_RULE_PREFIX).toBe('mlops-retrain-');
    const sources = Object.values(synth.template.findResources('AWS::Lambda::Permission')).map((p) =>
      renderExpression(p.Properties.SourceArn),
    );
    expect(sources).toContain(
      'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/mlops-retrain-*',
    );
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
