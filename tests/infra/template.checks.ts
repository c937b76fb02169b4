import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DRIFT_SCHEDULE_RULE, RETRAIN_EVENT_RULES, RULE_RETRY_ATTEMPTS } from '../../core/events/rules.js';
import { TABLE_DEFINITIONS } from '../../core/storage/tables.js';
import type { Synthesized } from './synth.js';

/** Registers the CirrusStack template checks on a synthesized default stack. */
export function templateChecks(synth: Synthesized): void {
  describe('CirrusStack template', () => {
    describe('ArtifactStore', () => {
      it('has a versioned, encrypted, public-access-blocked bucket logging to a separate bucket', () => {
        synth.template.resourceCountIs('AWS::S3::Bucket', 2);
        synth.template.hasResourceProperties('AWS::S3::Bucket', {
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'artifacts/' },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({ Prefix: 'predictions/', ExpirationInDays: 90, Status: 'Enabled' }),
              Match.objectLike({
                Prefix: 'datasets/_uploads/',
                ExpirationInDays: 1,
                NoncurrentVersionExpiration: { NoncurrentDays: 1 },
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
                Status: 'Enabled',
              }),
              Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
            ]),
          },
        });
      });

      it('denies requests without TLS on both buckets', () => {
        const policies = synth.template.findResources('AWS::S3::BucketPolicy', {
          Properties: {
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({
                  Effect: 'Deny',
                  Action: 's3:*',
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                }),
              ]),
            },
          },
        });
        expect(Object.keys(policies)).toHaveLength(2);
      });

      it('retains the buckets by default', () => {
        synth.template.allResources('AWS::S3::Bucket', {
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        });
      });
    });

    describe('RegistryTables', () => {
      it.each(TABLE_DEFINITIONS.map((d) => [d.role, d] as const))(
        'builds the %s table from core/storage/tables.ts',
        (_role, def) => {
          const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' });
          const names = [
            def.partitionKey,
            def.sortKey,
            ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
          ];
          synth.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
            KeySchema: [
              { AttributeName: def.partitionKey, KeyType: 'HASH' },
              { AttributeName: def.sortKey, KeyType: 'RANGE' },
            ],
            AttributeDefinitions: Match.arrayEquals([...new Set(names)].map(attribute)),
            GlobalSecondaryIndexes: def.indexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            })),
            BillingMode: 'PAY_PER_REQUEST',
            SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
            TimeToLiveSpecification: def.ttlAttribute
              ? { AttributeName: def.ttlAttribute, Enabled: true }
              : Match.absent(),
            Replicas: [
              Match.objectLike({
                PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
                DeletionProtectionEnabled: true,
              }),
            ],
          });
        },
      );

      it('has exactly one table per definition', () => {
        synth.template.resourceCountIs('AWS::DynamoDB::GlobalTable', TABLE_DEFINITIONS.length);
      });
    });

    describe('PredictionApi', () => {
      it('requires IAM authorization on every route and sends predict to its own function', () => {
        const routes = synth.template.findResources('AWS::ApiGatewayV2::Route');
        const keys = Object.values(routes)
          .map((r) => r.Properties.RouteKey)
          .sort();
        // Dataset uploads go to their own function, which may write under datasets/ only.
        expect(keys).toEqual([
          '$default',
          'GET /v1/datasets/uploads/{uploadId}',
          'POST /v1/datasets/uploads',
          'POST /v1/datasets/uploads/{uploadId}/complete',
          'POST /v1/endpoints/{name}/predict',
        ]);
        for (const route of Object.values(routes)) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
      });

      it('throttles the default stage and writes access logs', () => {
        synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
          StageName: '$default',
          AutoDeploy: true,
          DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
          AccessLogSettings: {
            DestinationArn: Match.anyValue(),
            Format: Match.stringLikeRegexp('requestId'),
          },
        });
      });

      it('ships onnxruntime-node as a linux-x64 layer on the functions that load models', () => {
        synth.template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
        synth.template.hasResourceProperties('AWS::Lambda::LayerVersion', {
          CompatibleArchitectures: ['x86_64'],
        });
        const withLayer = synth.template.findResources('AWS::Lambda::Function', {
          Properties: { Layers: Match.anyValue() },
        });
        const described = Object.values(withLayer).map((f) => String(f.Properties.Description));
        expect(described).toEqual(
          expect.arrayContaining([
            expect.stringContaining('predict'),
            expect.stringContaining('management'),
            expect.stringContaining('Evaluate'),
          ]),
        );
      });
    });

    describe('functions', () => {
      it('runs every Cirrus function on x86_64 with tracing and Powertools configured', () => {
        const fns = synth.template.findResources('AWS::Lambda::Function', {
          Properties: { Runtime: Match.stringLikeRegexp('^nodejs') },
        });
        // 6 pipeline, predict, log ingest, management, drift, retrain, 3 batch.
        expect(Object.keys(fns)).toHaveLength(15);
        for (const fn of Object.values(fns)) {
          expect(fn.Properties).toMatchObject({
            Architectures: ['x86_64'],
            TracingConfig: { Mode: 'Active' },
            Environment: {
              Variables: {
                POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^cirrus-/),
                POWERTOOLS_METRICS_NAMESPACE: 'Cirrus',
                CIRRUS_BUCKET: expect.anything(),
                CIRRUS_TRACKING_TABLE: expect.anything(),
                CIRRUS_REGISTRY_TABLE: expect.anything(),
                CIRRUS_PREDICTIONS_TABLE: expect.anything(),
              },
            },
          });
        }
      });
    });

    describe('DriftMonitor', () => {
      it('evaluates drift on the default schedule of core/events/rules.ts', () => {
        synth.template.hasResourceProperties('AWS::Events::Rule', {
          ScheduleExpression: DRIFT_SCHEDULE_RULE.defaultSchedule,
          State: 'ENABLED',
          Targets: [
            Match.objectLike({
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftMonitorDriftFunction'), 'Arn'] },
              RetryPolicy: { MaximumRetryAttempts: RULE_RETRY_ATTEMPTS },
            }),
          ],
        });
      });

      it.each(RETRAIN_EVENT_RULES.map((r) => [r.id, r] as const))(
        'routes %s events (the pattern the local bus uses) to the retrain function',
        (_id, rule) => {
          synth.template.hasResourceProperties('AWS::Events::Rule', {
            EventPattern: rule.pattern,
            EventBusName: 'default',
            Targets: [
              Match.objectLike({
                Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftMonitorRetrainFunction'), 'Arn'] },
                RetryPolicy: Match.objectLike({ MaximumRetryAttempts: RULE_RETRY_ATTEMPTS }),
              }),
            ],
          });
        },
      );

      it('tells the drift function the bus and the retrain function both state machines', () => {
        const vars = (fn: { functionArn: string }) => {
          const id = synth.stack.resolve(fn.functionArn)['Fn::GetAtt'][0];
          return synth.template.toJSON().Resources[id].Properties.Environment.Variables;
        };
        expect(vars(synth.stack.drift.driftFunction).CIRRUS_EVENT_BUS).toBe('default');
        expect(vars(synth.stack.drift.retrainFunction)).toMatchObject({
          CIRRUS_STATE_MACHINE_ARN: synth.stack.resolve(synth.stack.pipeline.training.stateMachineArn),
          CIRRUS_SWEEP_STATE_MACHINE_ARN: synth.stack.resolve(synth.stack.pipeline.sweep.stateMachineArn),
        });
        const api = vars(synth.stack.api.managementFunction);
        expect(api).toMatchObject({
          CIRRUS_EVENT_BUS: 'default',
          CIRRUS_RETRAIN_RULE_PREFIX: 'cirrus-retrain-',
          CIRRUS_RETRAIN_FUNCTION_ARN: synth.stack.resolve(synth.stack.drift.retrainFunction.functionArn),
          CIRRUS_STATE_MACHINE_ARN: synth.stack.resolve(synth.stack.pipeline.training.stateMachineArn),
          CIRRUS_SWEEP_STATE_MACHINE_ARN: synth.stack.resolve(synth.stack.pipeline.sweep.stateMachineArn),
        });
      });
    });

    describe('Observability', () => {
      it('has a dashboard with latency per variant, training runs and drift', () => {
        synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
        const body = JSON.stringify(
          Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties
            .DashboardBody,
        );
        for (const text of [
          'PredictionLatency',
          'Variant',
          'Predictions',
          'ExecutionsFailed',
          'DriftDetected',
          '5xx',
        ])
          expect(body).toContain(text);
      });

      it('alarms on API 5xx, every function, the three state machines, drift and the dead letters', () => {
        synth.template.resourceCountIs('AWS::CloudWatch::Alarm', 1 + 14 + 3 + 1 + 1);
        const uploads = synth.stack.resolve(synth.stack.api.datasetUploadsFunction.functionName);
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'Errors',
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: uploads }],
        });
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: '5xx',
          Namespace: 'AWS/ApiGateway',
        });
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ExecutionsFailed',
          Namespace: 'AWS/States',
        });
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Metrics: [Match.objectLike({ Expression: 'SELECT SUM(DriftDetected) FROM "Cirrus"' })],
        });
      });
    });

    it('outputs what a client needs', () => {
      const outputs = Object.keys(synth.template.findOutputs('*'));
      for (const name of [
        'ApiUrl',
        'BucketName',
        'TrackingTableName',
        'RegistryTableName',
        'PredictionsTableName',
        'StateMachineArn',
        'SweepStateMachineArn',
        'BatchStateMachineArn',
      ]) {
        expect(outputs).toContain(name);
      }
    });
  });
}
