import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, type LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BATCH_PREFIXES } from '../../core/batch/locations.js';
import {
  BATCH_LAMBDA_TASKS,
  BATCH_SUBSTITUTION_NAMES,
  type BatchLambdaTask,
  DEFINITION_FILES,
  functionArnSubstitution,
} from '../../statemachines/substitutions.js';
import { FUNCTION_DEFAULTS } from '../defaults.js';
import { LAMBDA_ENTRIES } from '../entries.js';
import { CirrusFunction } from './cirrus-function.js';
import {
  type CirrusData,
  type DataAccess,
  READ_ITEMS,
  READ_OBJECTS,
  WRITE_ITEMS,
  wireData,
} from './data-access.js';

export interface BatchPredictionsProps {
  readonly data: CirrusData;
  /** The onnxruntime-node layer (the child scores with serving's runModel). */
  readonly onnxLayer: ILayerVersion;
  readonly logRetention: RetentionDays;
  readonly retainData: boolean;
  readonly namePrefix: string;
  readonly logLevel: `${LogLevel}`;
  readonly logExecutionData: boolean;
}

/** S3 actions on the output prefix of whoever writes there (multipart: the concat and ResultWriter). */
export const OUTPUT_WRITE_ACTIONS = ['s3:AbortMultipartUpload', 's3:PutObject'];

/**
 * What each batch function's code touches (tests/infra compares these with the code): ScoreBatch
 * reads the pinned version (registry) and its model (any object: versions live under runs/ and
 * imports), writes its part under the output prefix; AssembleBatch reads the manifest and parts
 * and writes the outputs, all under the output prefix, reads the version's contract and ends the
 * job (tracking); MarkBatchFailed only ends the job.
 */
export const BATCH_STEPS = {
  scoreBatch: {
    task: 'ScoreBatch',
    access: { bucket: READ_OBJECTS, tables: { registry: READ_ITEMS } },
    outputActions: ['s3:PutObject'],
    onnx: true,
  },
  assembleBatch: {
    task: 'AssembleBatch',
    access: { tables: { registry: READ_ITEMS, tracking: WRITE_ITEMS } },
    outputActions: ['s3:GetObject', 's3:ListBucket', ...OUTPUT_WRITE_ACTIONS],
    onnx: false,
  },
  markBatchFailed: {
    task: 'MarkBatchFailed',
    access: { tables: { tracking: WRITE_ITEMS } },
    outputActions: [],
    onnx: false,
  },
} as const satisfies Record<
  string,
  { task: BatchLambdaTask; access: DataAccess; outputActions: readonly string[]; onnx: boolean }
>;

export type BatchStepName = keyof typeof BATCH_STEPS;

/**
 * Batch predictions on AWS: `statemachines/batch-predict.asl.json` (the very file the local
 * runtime executes) with its three functions. Its role reads only under the input prefix
 * (ItemReader), writes only under the output prefix (ResultWriter), and starts, describes and
 * stops only its own child executions (Distributed Map). The bucket is SSE-S3 encrypted: no KMS
 * grant is needed.
 */
export class BatchPredictions extends Construct {
  readonly functions: Readonly<Record<BatchStepName, CirrusFunction>>;
  readonly role: Role;
  readonly stateMachine: StateMachine;
  readonly stateMachineName: string;
  readonly substitutions: Readonly<Record<string, string>>;
  private readonly bucket: IBucket;

  constructor(scope: Construct, id: string, props: BatchPredictionsProps) {
    super(scope, id);
    this.bucket = props.data.store.bucket;
    this.stateMachineName = `${props.namePrefix}-batch-predict`;
    const build = (name: BatchStepName): CirrusFunction => {
      const step = BATCH_STEPS[name];
      const fn = new CirrusFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}Function`, {
        entry: LAMBDA_ENTRIES[name],
        serviceName: `${props.namePrefix}-batch-${name}`,
        description: `Cirrus batch predictions: ${step.task}`,
        timeout: FUNCTION_DEFAULTS.pipelineTimeout,
        memorySize: step.onnx ? FUNCTION_DEFAULTS.onnxMemorySize : FUNCTION_DEFAULTS.memorySize,
        layers: step.onnx ? [props.onnxLayer] : undefined,
        logRetention: props.logRetention,
        logRemovalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      wireData(fn, props.data, step.access);
      this.grantOutput(fn, step.outputActions);
      return fn;
    };
    this.functions = {
      scoreBatch: build('scoreBatch'),
      assembleBatch: build('assembleBatch'),
      markBatchFailed: build('markBatchFailed'),
    };
    this.substitutions = Object.fromEntries(
      BATCH_LAMBDA_TASKS.map((task) => [functionArnSubstitution(task), this.forTask(task).functionArn]),
    );
    const missing = BATCH_SUBSTITUTION_NAMES.filter((n) => this.substitutions[n] === undefined);
    if (missing.length > 0) throw new Error(`BatchPredictions: no value for ${missing.join(', ')}`);
    this.role = this.buildRole();
    this.stateMachine = this.buildStateMachine(props);
  }

  /** The function a batch Task state invokes. */
  forTask(task: BatchLambdaTask): CirrusFunction {
    const name = (Object.keys(BATCH_STEPS) as BatchStepName[]).find((n) => BATCH_STEPS[n].task === task);
    if (!name) throw new Error(`no batch function serves task "${task}"`);
    return this.functions[name];
  }

  /** `arn:…:stateMachine:{name}`, built from the name: the role may not reference the machine it serves. */
  get stateMachineArnByName(): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** ARN pattern of what the Distributed Map starts under this machine: `{resource}:{name}/{label}:{id}`. */
  childArnPattern(resource: 'execution' | 'mapRun'): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource,
      resourceName: `${this.stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private grantOutput(grantee: IGrantable, actions: readonly string[]): void {
    const objects = actions.filter((a) => a !== 's3:ListBucket');
    if (objects.length > 0)
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: objects,
          resources: [this.bucket.arnForObjects(`${BATCH_PREFIXES.output}*`)],
        }),
      );
    if (actions.includes('s3:ListBucket')) this.grantList(grantee, BATCH_PREFIXES.output);
  }

  private grantList(grantee: IGrantable, prefix: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
  }

  private buildRole(): Role {
    const role = new Role(this, 'StateMachineRole', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description:
        'Cirrus batch predictions: read the input prefix, write the output prefix, run its children',
    });
    const bucket = this.bucket;
    // ItemReader: list and read the input objects.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${BATCH_PREFIXES.input}*`)],
      }),
    );
    this.grantList(role, BATCH_PREFIXES.input);
    // ResultWriter: the manifest and result files (multipart uploads).
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListMultipartUploadParts', ...OUTPUT_WRITE_ACTIONS],
        resources: [bucket.arnForObjects(`${BATCH_PREFIXES.output}*`)],
      }),
    );
    // Distributed Map: the children are executions of this very machine.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArnByName] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [this.childArnPattern('execution')],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:DescribeMapRun'],
        resources: [this.childArnPattern('mapRun')],
      }),
    );
    for (const fn of Object.values(this.functions)) fn.grantInvoke(role);
    return role;
  }

  private buildStateMachine(props: BatchPredictionsProps): StateMachine {
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    return new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      // The file the local runtime executes, placeholders filled by Step Functions at deploy.
      definitionBody: DefinitionBody.fromFile(DEFINITION_FILES.batch),
      definitionSubstitutions: this.substitutions,
      role: this.role,
      logs: {
        destination: logGroup,
        level: props.logLevel as LogLevel,
        includeExecutionData: props.logExecutionData,
      },
      tracingEnabled: true,
    });
  }
}
