import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction, ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, LogGroup, type RetentionDays, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FUNCTION_DEFAULTS, STACK_DEFAULTS } from '../defaults.js';
import { PREDICTION_LINE_KEY } from '../../core/serving/log-lines.js';
import { UPLOAD_ROUTES, UPLOAD_STATUS_ROUTE } from '../../contracts/dataset-upload.js';
import { LAMBDA_ENTRIES } from '../entries.js';
import type { BatchPredictions } from './batch-predictions.js';
import { CirrusFunction } from './cirrus-function.js';
import { datasetUploadsFunction } from './dataset-uploads.js';
import { PREDICT_BUNDLE } from './predict-bundle.js';
import {
  type CirrusData,
  type DataAccess,
  READ_ITEMS,
  READ_OBJECTS,
  WRITE_ITEMS,
  WRITE_OBJECTS,
  wireData,
} from './data-access.js';

/** The route the predict function serves; every other route goes to the management function. */
export const PREDICT_ROUTE = '/v1/endpoints/{name}/predict';

/** Predict reads the endpoint's traffic and model versions, loads models, logs predictions. */
export const PREDICT_ACCESS: DataAccess = {
  bucket: READ_OBJECTS,
  tables: { registry: READ_ITEMS },
};
/** Log ingest stores the predict function's records, each once (a Query of the segment first). */
export const LOG_INGEST_ACCESS: DataAccess = {
  tables: { predictions: ['Query', 'PutItem', 'BatchWriteItem'] },
};
/** Management serves datasets, runs, registry, endpoints, feedback and A/B tests. */
export const MANAGEMENT_ACCESS: DataAccess = {
  bucket: WRITE_OBJECTS,
  tables: {
    tracking: WRITE_ITEMS,
    registry: WRITE_ITEMS,
    // Feedback updates a logged record found by query; the app logs the predictions it answers.
    predictions: ['Query', 'UpdateItem', 'PutItem', 'BatchWriteItem'],
  },
};

/** What the management function may do with the executions it started. */
export const EXECUTION_ACTIONS = [
  'states:DescribeExecution',
  'states:GetExecutionHistory',
  'states:StopExecution',
];

/** What the management function may do with batch executions: find them, list their Map Runs. */
export const BATCH_EXECUTION_ACTIONS = ['states:DescribeExecution', 'states:ListMapRuns'];

/**
 * What the management function may do to the retraining schedule rules it puts at run time
 * (`PUT /v1/experiments/{name}/schedule`): create or replace, point at the retrain function,
 * read, and remove them. Only rules named with the runtime prefix.
 */
export const SCHEDULE_RULE_ACTIONS = [
  'events:DeleteRule',
  'events:DescribeRule',
  'events:PutRule',
  'events:RemoveTargets',
];

/** What the management function does with the dead-letter queue (core/events/dead-letter-aws.ts). */
export const DEAD_LETTER_ACTIONS = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'];

/** The retrain function and the rules the API may put to schedule it (from DriftMonitor). */
export interface RuntimeRetrainSchedules {
  readonly retrainFunction: IFunction;
  /** Rule names start with this (`{namePrefix}-retrain-`). */
  readonly rulePrefix: string;
  /** ARN pattern matching exactly those rules. */
  readonly ruleArnPattern: string;
  /** Where those rules send the events they could not deliver. */
  readonly deadLetters: IQueue;
}

export interface PredictionApiProps {
  readonly data: CirrusData;
  readonly onnxLayer: ILayerVersion;
  /** Training state machine the management routes start runs on. */
  readonly trainingStateMachine: StateMachine;
  /** Sweep state machine the management routes start sweeps on. */
  readonly sweepStateMachine: StateMachine;
  /** Batch predictions: the API starts jobs on its state machine and reads their Map Runs. */
  readonly batch: BatchPredictions;
  /** Bus the API puts events on (`ModelDriftDetected` from POST .../drift). */
  readonly eventBus: IEventBus;
  /** Where per-experiment retraining schedules set through the API go. */
  readonly retrainSchedules: RuntimeRetrainSchedules;
  readonly logRetention: RetentionDays;
  readonly retainData: boolean;
  readonly namePrefix: string;
  /** ECR image prefix a training request's custom trainer must start with (none allowed when absent). */
  readonly customTrainerImagePrefix?: string;
  /** @default 50 requests per second */
  readonly rateLimit?: number;
  /** @default 100 requests */
  readonly burstLimit?: number;
  /** The predict route's own throttle. @default 500 requests per second */
  readonly predictRateLimit?: number;
  /** @default 1000 requests */
  readonly predictBurstLimit?: number;
  /** Reserved concurrency of the management function; 0 reserves none. @default 20 */
  readonly managementConcurrency?: number;
}

/**
 * The HTTPS prediction and management API: an HTTP API whose every route requires SigV4 (IAM
 * authorization), the predict route on its own function (sized for onnxruntime; its adapter
 * `lambdas/api/predict-handler.ts` admits and answers as the app does) and the rest on the
 * management function, the Hono app (`lambdas/api/handler.ts`).
 */
export class PredictionApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly predictFunction: CirrusFunction;
  readonly managementFunction: CirrusFunction;
  /** Presigns dataset uploads and completes them; may write under `datasets/` only. */
  readonly datasetUploadsFunction: CirrusFunction;
  /** Stores the prediction records the predict function writes to its log group. */
  readonly logIngestFunction: CirrusFunction;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: PredictionApiProps) {
    super(scope, id);
    const removal = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      entry: LAMBDA_ENTRIES.api,
      // The Hono app imports the serving code, so both functions need the runtime at load time.
      layers: [props.onnxLayer],
      logRetention: props.logRetention,
      logRemovalPolicy: removal,
      environment: {
        CIRRUS_STATE_MACHINE_ARN: props.trainingStateMachine.stateMachineArn,
        CIRRUS_SWEEP_STATE_MACHINE_ARN: props.sweepStateMachine.stateMachineArn,
        CIRRUS_BATCH_STATE_MACHINE_ARN: props.batch.stateMachine.stateMachineArn,
      },
    };
    this.predictFunction = new CirrusFunction(this, 'PredictFunction', {
      ...common,
      // The predict route alone, without the Hono app: a smaller bundle, a shorter cold start.
      entry: LAMBDA_ENTRIES.predict,
      serviceName: `${props.namePrefix}-predict`,
      description: 'Cirrus API: POST /v1/endpoints/{name}/predict',
      memorySize: FUNCTION_DEFAULTS.onnxMemorySize,
      bundle: PREDICT_BUNDLE,
    });
    this.managementFunction = new CirrusFunction(this, 'ManagementFunction', {
      ...common,
      serviceName: `${props.namePrefix}-api`,
      description: 'Cirrus API: management routes (datasets, runs, registry, endpoints, feedback)',
      memorySize: FUNCTION_DEFAULTS.onnxMemorySize,
      // `POST /v1/datasets {"builtin": "iris"}` reads the CSVs shipped beside the bundle.
      bundleFolders: ['datasets'],
      environment: { ...common.environment, CIRRUS_BUILTIN_DATASETS_DIR: '/var/task/datasets' },
      reservedConcurrentExecutions: reservation(props.managementConcurrency),
    });
    this.logIngestFunction = this.ingestPredictionLogs(props, removal);
    this.datasetUploadsFunction = datasetUploadsFunction(this, {
      data: props.data,
      namePrefix: props.namePrefix,
      logRetention: props.logRetention,
      logRemovalPolicy: removal,
    });
    wireData(this.predictFunction, props.data, PREDICT_ACCESS);
    wireData(this.managementFunction, props.data, MANAGEMENT_ACCESS);
    if (props.customTrainerImagePrefix)
      this.managementFunction.addEnvironment('CIRRUS_TRAINER_IMAGE_PREFIX', props.customTrainerImagePrefix);
    for (const machine of [props.trainingStateMachine, props.sweepStateMachine]) {
      machine.grantStartExecution(this.managementFunction);
      // Run status and cancel: DescribeExecution, history, StopExecution on this machine's executions only.
      machine.grantExecution(this.managementFunction, ...EXECUTION_ACTIONS);
    }
    this.grantBatch(props.batch);
    this.grantEventsAndSchedules(props);

    const http = this.createHttpApi(props, removal);
    this.api = http.api;
    this.stage = http.stage;
    this.accessLogs = http.accessLogs;
  }

  /**
   * The HTTP API (SigV4 on every route; predict on its own function, the rest on management)
   * and its `$default` stage with access logs and a throttle of its own for predict.
   */
  private createHttpApi(
    props: PredictionApiProps,
    removal: RemovalPolicy,
  ): { api: HttpApi; stage: HttpStage; accessLogs: LogGroup } {
    const api = new HttpApi(this, 'Api', {
      description: 'Cirrus prediction and management API (SigV4)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      defaultIntegration: new HttpLambdaIntegration('Management', this.managementFunction),
      createDefaultStage: false,
    });
    api.addRoutes({
      path: PREDICT_ROUTE,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Predict', this.predictFunction),
    });
    const uploads = new HttpLambdaIntegration('DatasetUploads', this.datasetUploadsFunction);
    for (const path of Object.values(UPLOAD_ROUTES))
      api.addRoutes({ path, methods: [HttpMethod.POST], integration: uploads });
    api.addRoutes({ path: UPLOAD_STATUS_ROUTE, methods: [HttpMethod.GET], integration: uploads });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: removal,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.rateLimit ?? STACK_DEFAULTS.apiRateLimit,
        burstLimit: props.burstLimit ?? STACK_DEFAULTS.apiBurstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // Its own throttle: the stage's applies to each management route, this one to predict.
    // (RouteSettings is a JSON map in CloudFormation: its keys are written as they deploy.)
    (stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', {
      [`POST ${PREDICT_ROUTE}`]: {
        ThrottlingRateLimit: props.predictRateLimit ?? STACK_DEFAULTS.predictRateLimit,
        ThrottlingBurstLimit: props.predictBurstLimit ?? STACK_DEFAULTS.predictBurstLimit,
      },
    });
    return { api, stage, accessLogs };
  }

  /**
   * The predict function logs each prediction as a line on stdout (core/serving/log-lines.ts)
   * and never waits for DynamoDB; a subscription on its log group hands those lines to this
   * function, which stores them. A batch that still fails after Lambda's retries goes to the
   * dead-letter queue, from where it can be redriven.
   */
  private ingestPredictionLogs(props: PredictionApiProps, removal: RemovalPolicy): CirrusFunction {
    const fn = new CirrusFunction(this, 'LogIngestFunction', {
      entry: LAMBDA_ENTRIES.logIngest,
      serviceName: `${props.namePrefix}-log-ingest`,
      description: 'Cirrus prediction log: stores the predict function’s logged records in DynamoDB',
      logRetention: props.logRetention,
      logRemovalPolicy: removal,
    });
    wireData(fn, props.data, LOG_INGEST_ACCESS);
    fn.configureAsyncInvoke({
      onFailure: new SqsDestination(props.retrainSchedules.deadLetters),
      retryAttempts: 2,
    });
    new SubscriptionFilter(this, 'PredictionLogLines', {
      logGroup: this.predictFunction.logGroup,
      destination: new LambdaDestination(fn),
      filterPattern: FilterPattern.exists(`$.${PREDICTION_LINE_KEY}`),
    });
    return fn;
  }

  /**
   * Batch jobs: start them, find an execution by name (run status looks on every machine), list
   * a job's Map Run and describe it (progress). Only this machine's executions and Map Runs.
   */
  private grantBatch(batch: BatchPredictions): void {
    const fn = this.managementFunction;
    batch.stateMachine.grantStartExecution(fn);
    batch.stateMachine.grantExecution(fn, ...BATCH_EXECUTION_ACTIONS);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeMapRun'],
        resources: [batch.childArnPattern('mapRun')],
      }),
    );
  }

  /**
   * The management routes put `ModelDriftDetected` (on-demand drift evaluation) on the bus, and
   * keep one EventBridge rule per scheduled experiment whose only possible target is the
   * retrain function (no role is passed: the function's resource policy admits the rules).
   */
  private grantEventsAndSchedules(props: PredictionApiProps): void {
    const fn = this.managementFunction;
    const { retrainFunction, rulePrefix, ruleArnPattern } = props.retrainSchedules;
    fn.addEnvironment('CIRRUS_EVENT_BUS', props.eventBus.eventBusName);
    fn.addEnvironment('CIRRUS_RETRAIN_RULE_PREFIX', rulePrefix);
    fn.addEnvironment('CIRRUS_RETRAIN_FUNCTION_ARN', retrainFunction.functionArn);
    fn.addEnvironment('CIRRUS_RETRAIN_DEAD_LETTER_ARN', props.retrainSchedules.deadLetters.queueArn);
    props.eventBus.grantPutEventsTo(fn);
    fn.addToRolePolicy(new PolicyStatement({ actions: SCHEDULE_RULE_ACTIONS, resources: [ruleArnPattern] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets'],
        resources: [ruleArnPattern],
        conditions: { ArnEquals: { 'events:TargetArn': retrainFunction.functionArn } },
      }),
    );
  }

  /**
   * `GET /v1/dead-letters` and `POST /v1/dead-letters/redrive` on the management function: it
   * reads the queue's messages (hiding those it redrives, showing the kept ones again), deletes
   * each once its target accepted it, and invokes only `targets`, the functions whose failures
   * land there. The queue is SQS-managed encrypted: no KMS grant.
   */
  serveDeadLetters(queue: IQueue, targets: readonly IFunction[]): void {
    const fn = this.managementFunction;
    fn.addEnvironment('CIRRUS_DEAD_LETTER_QUEUE_URL', queue.queueUrl);
    fn.addEnvironment(
      'CIRRUS_DEAD_LETTER_TARGETS',
      Fn.join(',', targets.map((t) => t.functionArn)),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: DEAD_LETTER_ACTIONS, resources: [queue.queueArn] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: targets.map((t) => t.functionArn),
      }),
    );
  }

  /** The API's base URL (`https://{id}.execute-api.{region}.amazonaws.com/`). */
  get url(): string {
    return this.stage.url;
  }
}

function reservation(concurrency: number = STACK_DEFAULTS.managementConcurrency): number | undefined {
  return concurrency > 0 ? concurrency : undefined;
}
