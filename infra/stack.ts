import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { readStackConfig, type StackConfig } from './config.js';
import { Alerts } from './constructs/alerts.js';
import { ApiAccessPolicies } from './constructs/api-access-policies.js';
import { ArtifactStore } from './constructs/artifact-store.js';
import { BatchPredictions } from './constructs/batch-predictions.js';
import { DriftMonitor } from './constructs/drift-monitor.js';
import { Observability } from './constructs/observability.js';
import { OnnxRuntimeLayer } from './constructs/onnx-runtime-layer.js';
import { PredictionApi } from './constructs/prediction-api.js';
import { RegistryTables } from './constructs/registry-tables.js';
import { TrainingPipeline } from './constructs/training-pipeline.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';

export interface CirrusStackProps extends StackProps {
  /**
   * Settings; each field left out is read from context (`cirrus:*` keys), then defaulted
   * (infra/defaults.ts).
   * @default - context, then defaults
   */
  readonly config?: Partial<StackConfig>;
}

/**
 * Cirrus on AWS: artifact store, tables, training pipeline, prediction API, drift monitor and
 * observability, wired the way the local runtime wires them offline.
 */
export class CirrusStack extends Stack {
  readonly config: StackConfig;
  readonly store: ArtifactStore;
  readonly tables: RegistryTables;
  readonly pipeline: TrainingPipeline;
  readonly batch: BatchPredictions;
  readonly api: PredictionApi;
  readonly drift: DriftMonitor;
  readonly observability: Observability;
  readonly alerts: Alerts;
  readonly accessPolicies: ApiAccessPolicies;

  constructor(scope: Construct, id: string, props: CirrusStackProps = {}) {
    super(scope, id, props);
    this.config = { ...readStackConfig(this.node), ...props.config };
    const { namePrefix, retainData } = this.config;
    const logRetention: RetentionDays = this.config.logRetentionDays;
    const shared = { namePrefix, retainData, logRetention };

    this.alerts = new Alerts(this, 'Alerts', { email: this.config.alarmEmail });
    this.store = new ArtifactStore(this, 'ArtifactStore', { retainData });
    this.tables = new RegistryTables(this, 'Tables', { retainData });
    const data = { store: this.store, tables: this.tables };
    const onnxLayer = new OnnxRuntimeLayer(this, 'OnnxRuntime').layer;

    const customTrainerRepositoryPrefix = this.config.customTrainerRepositoryPrefix;
    this.pipeline = new TrainingPipeline(this, 'TrainingPipeline', {
      ...shared,
      data,
      onnxLayer,
      logLevel: this.config.stateMachineLogLevel,
      logExecutionData: this.config.stateMachineLogExecutionData,
      customTrainerRepositoryPrefix,
    });
    this.batch = new BatchPredictions(this, 'BatchPredictions', {
      ...shared,
      data,
      onnxLayer,
      logLevel: this.config.stateMachineLogLevel,
      logExecutionData: this.config.stateMachineLogExecutionData,
    });
    const machines = { trainingStateMachine: this.pipeline.training, sweepStateMachine: this.pipeline.sweep };
    this.drift = new DriftMonitor(this, 'DriftMonitor', {
      ...shared,
      data,
      ...machines,
      deadLetters: this.alerts.deadLetters,
      driftSchedule: this.config.driftSchedule,
      retrainSchedules: this.config.retrainSchedules,
    });
    const trainerImagePrefix = customTrainerRepositoryPrefix
      ? `${this.account}.dkr.ecr.${this.region}.${this.urlSuffix}/${customTrainerRepositoryPrefix}`
      : undefined;
    // Retraining replays a run through the same submission checks as the API, custom trainers included.
    if (trainerImagePrefix)
      this.drift.retrainFunction.addEnvironment('CIRRUS_TRAINER_IMAGE_PREFIX', trainerImagePrefix);
    this.api = new PredictionApi(this, 'PredictionApi', {
      ...shared,
      data,
      onnxLayer,
      ...machines,
      batch: this.batch,
      eventBus: this.drift.bus,
      customTrainerImagePrefix: trainerImagePrefix,
      retrainSchedules: {
        retrainFunction: this.drift.retrainFunction,
        rulePrefix: this.drift.retrainRulePrefix,
        ruleArnPattern: this.drift.retrainRuleArnPattern,
        deadLetters: this.alerts.deadLetters,
      },
      predictRateLimit: this.config.predictRateLimit,
      predictBurstLimit: this.config.predictBurstLimit,
      managementConcurrency: this.config.managementConcurrency,
    });
    this.alerts.admitRules(this.drift.retrainRuleArnPattern);
    // What lands in the dead-letter queue comes from these functions' rules and invocations.
    this.api.serveDeadLetters(this.alerts.deadLetters, [
      this.drift.driftFunction,
      this.drift.retrainFunction,
      this.api.logIngestFunction,
    ]);
    this.accessPolicies = new ApiAccessPolicies(this, 'AccessPolicies', { api: this.api.api });
    this.observability = this.observe(namePrefix);
    this.addOutputs();
    acknowledgeNagFindings(this);
  }

  /** Dashboards and alarms over every function and state machine, wired to the alert topic. */
  private observe(namePrefix: string): Observability {
    return new Observability(this, 'Observability', {
      namePrefix,
      api: this.api.api,
      functions: {
        ...this.pipeline.functions.functions,
        ...this.batch.functions,
        predict: this.api.predictFunction,
        management: this.api.managementFunction,
        datasetUploads: this.api.datasetUploadsFunction,
        drift: this.drift.driftFunction,
        retrain: this.drift.retrainFunction,
      },
      stateMachines: {
        training: this.pipeline.training,
        sweep: this.pipeline.sweep,
        batch: this.batch.stateMachine,
      },
      alerts: this.alerts,
    });
  }

  private addOutputs(): void {
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.url, 'Base URL of the Cirrus API (SigV4, service execute-api)');
    output('BucketName', this.store.bucket.bucketName, 'Artifact store bucket (CIRRUS_BUCKET)');
    output('TrackingTableName', this.tables.tracking.tableName, 'Experiments and runs table');
    output('RegistryTableName', this.tables.registry.tableName, 'Model registry table');
    output('PredictionsTableName', this.tables.predictions.tableName, 'Prediction log table (TTL)');
    output('StateMachineArn', this.pipeline.training.stateMachineArn, 'Training state machine');
    output(
      'BatchStateMachineArn',
      this.batch.stateMachine.stateMachineArn,
      'Batch predictions state machine',
    );
    output('SweepStateMachineArn', this.pipeline.sweep.stateMachineArn, 'Hyperparameter sweep state machine');
    output('DashboardName', this.observability.dashboard.dashboardName, 'CloudWatch dashboard');
    output('AlarmTopicArn', this.alerts.topic.topicArn, 'SNS topic every alarm notifies (subscribe to it)');
    output(
      'DeadLetterQueueUrl',
      this.alerts.deadLetters.queueUrl,
      'Failed asynchronous invocations (cirrus dead-letters)',
    );
    output(
      'PredictOnlyPolicyArn',
      this.accessPolicies.predictOnly.managedPolicyArn,
      'IAM policy: call predict only',
    );
    output('ReadOnlyPolicyArn', this.accessPolicies.readOnly.managedPolicyArn, 'IAM policy: every GET route');
    output('AdminPolicyArn', this.accessPolicies.admin.managedPolicyArn, 'IAM policy: every route');
  }
}
