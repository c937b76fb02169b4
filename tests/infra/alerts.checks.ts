import { describe, expect, it } from 'vitest';
import { PREDICT_ROUTE } from '../../infra/constructs/prediction-api.js';
import { flatStatements, renderExpression } from './iam-walk.js';
import type { Synthesized } from './synth.js';

/** Registers the checks that failures reach someone and that API access can be split. */
export function alertChecks(synth: Synthesized): void {
  const resources = (type: string) => Object.entries(synth.template.findResources(type));
  const ref = (token: string) => synth.stack.resolve(token);

  describe('failures reach someone', () => {
    it('notifies the alarm topic from every alarm, when it fires and when it clears', () => {
      const topic = ref(synth.stack.alerts.topic.topicArn);
      const alarms = resources('AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(0);
      for (const [id, alarm] of alarms) {
        expect(alarm.Properties.AlarmActions, id).toEqual([topic]);
        expect(alarm.Properties.OKActions, id).toEqual([topic]);
      }
    });

    it('encrypts the topic and the dead-letter queue and outputs where they are', () => {
      const topics = resources('AWS::SNS::Topic');
      expect(topics.map(([, t]) => renderExpression(t.Properties.KmsMasterKeyId))).toEqual([
        expect.stringMatching(/:alias\/aws\/sns$/),
      ]);
      synth.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      const outputs = Object.keys(synth.template.findOutputs('*'));
      expect(outputs).toEqual(expect.arrayContaining(['AlarmTopicArn', 'DeadLetterQueueUrl']));
    });

    it('gives every EventBridge target a dead-letter queue', () => {
      const dlq = ref(synth.stack.alerts.deadLetters.queueArn);
      const targets = resources('AWS::Events::Rule').flatMap(([, rule]) => rule.Properties.Targets ?? []);
      expect(targets.length).toBeGreaterThanOrEqual(3);
      for (const target of targets) expect(target.DeadLetterConfig, target.Id).toEqual({ Arn: dlq });
    });

    it('sends the failed async invocations of every function invoked by a rule or a log subscription to the queue', () => {
      const dlq = ref(synth.stack.alerts.deadLetters.queueArn);
      // Targets name a function by its Arn, invoke configs by a Ref: both render `<Logical>`.
      const invokedAsync = new Set([
        ...resources('AWS::Events::Rule').flatMap(([, rule]) =>
          (rule.Properties.Targets ?? []).map((t: { Arn: unknown }) => renderExpression(t.Arn)),
        ),
        ...resources('AWS::Logs::SubscriptionFilter').map(([, f]) => renderExpression(f.Properties.DestinationArn)),
      ]);
      expect(invokedAsync.size).toBeGreaterThanOrEqual(3);
      const configs = resources('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
      expect(configs.map((c) => renderExpression(c.FunctionName)).sort()).toEqual([...invokedAsync].sort());
      for (const config of configs)
        expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: dlq } });
    });

    it('subscribes log ingest to the predict function’s prediction lines, and only to those', () => {
      const [filter, ...others] = resources('AWS::Logs::SubscriptionFilter').map(([, f]) => f.Properties);
      expect(others).toEqual([]);
      const { api } = synth.stack;
      expect(filter.LogGroupName).toEqual(ref(api.predictFunction.logGroup.logGroupName));
      expect(renderExpression(filter.DestinationArn)).toEqual(renderExpression(ref(api.logIngestFunction.functionArn)));
      // FilterPattern.exists: matches the lines that have the field, whatever its value.
      expect(filter.FilterPattern).toBe('{ $.cirrusPrediction = "*" }');
    });

    it('lets the management function redrive the queue to exactly the functions whose failures land there', () => {
      const management = synth.stack.api.managementFunction;
      const env =
        synth.template.toJSON().Resources[synth.stack.getLogicalId(management.node.defaultChild as never)]
          .Properties.Environment.Variables;
      expect(env.CIRRUS_DEAD_LETTER_QUEUE_URL).toEqual(ref(synth.stack.alerts.deadLetters.queueUrl));
      const join = env.CIRRUS_DEAD_LETTER_TARGETS['Fn::Join'];
      expect(join[0]).toBe(',');
      const targets = (join[1] as unknown[]).map((t) => renderExpression(t)).sort();
      // Every function with an on-failure destination on the queue, and the rule targets.
      const senders = new Set([
        ...resources('AWS::Lambda::EventInvokeConfig').map(([, c]) =>
          renderExpression(c.Properties.FunctionName),
        ),
        ...resources('AWS::Events::Rule').flatMap(([, rule]) =>
          (rule.Properties.Targets ?? []).map((t: { Arn: unknown }) => renderExpression(t.Arn)),
        ),
      ]);
      expect(targets.map((t) => t.replace(/\.Arn>$/, '>'))).toEqual(
        [...senders].map((t) => t.replace(/\.Arn>$/, '>')).sort(),
      );
    });

    it('points runtime retraining rules at the queue, and lets only those rules send to it', () => {
      const management = synth.stack.api.managementFunction;
      const env =
        synth.template.toJSON().Resources[synth.stack.getLogicalId(management.node.defaultChild as never)]
          .Properties.Environment.Variables;
      expect(env.CIRRUS_RETRAIN_DEAD_LETTER_ARN).toEqual(ref(synth.stack.alerts.deadLetters.queueArn));
      const policy = resources('AWS::SQS::QueuePolicy').flatMap(
        ([, p]) => p.Properties.PolicyDocument.Statement,
      );
      const runtime = policy.filter(
        (s: { Condition?: { ArnLike?: Record<string, unknown> } }) =>
          s.Condition?.ArnLike &&
          renderExpression(s.Condition.ArnLike['aws:SourceArn']).endsWith(':rule/cirrus-retrain-*'),
      );
      expect(runtime).toHaveLength(1);
    });
  });

  describe('who may do what on the API', () => {
    const policyStatements = (id: string) =>
      flatStatements(synth.template).filter((s) => s.policyId.startsWith(`AccessPolicies${id}`));

    it('ships predict-only, read-only and admin managed policies as outputs', () => {
      const outputs = Object.keys(synth.template.findOutputs('*'));
      expect(outputs).toEqual(
        expect.arrayContaining(['PredictOnlyPolicyArn', 'ReadOnlyPolicyArn', 'AdminPolicyArn']),
      );
      const managed = (id: string) =>
        resources('AWS::IAM::ManagedPolicy')
          .filter(([logical]) => logical.startsWith(`AccessPolicies${id}`))
          .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
          .map((s: { Action: unknown; Resource: unknown }) => [s.Action, renderExpression(s.Resource)]);
      const api = `<${synth.stack.getLogicalId(synth.stack.api.api.node.defaultChild as never)}>`;
      const arn = (route: string) =>
        `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${api}/*/${route}`;
      expect(managed('PredictOnly')).toEqual([
        ['execute-api:Invoke', arn(`POST${PREDICT_ROUTE.replace('{name}', '*')}`)],
      ]);
      expect(managed('ReadOnly')).toEqual([['execute-api:Invoke', arn('GET/*')]]);
      expect(managed('Admin')).toEqual([['execute-api:Invoke', arn('*')]]);
      expect(policyStatements('PredictOnly')).toEqual([]);
    });

    it('throttles predict on its own and caps the management function', () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        RouteSettings: {
          [`POST ${PREDICT_ROUTE}`]: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
        },
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      const management =
        synth.template.toJSON().Resources[
          synth.stack.getLogicalId(synth.stack.api.managementFunction.node.defaultChild as never)
        ];
      expect(management.Properties.ReservedConcurrentExecutions).toBe(20);
    });
  });
}
