import { ArnFormat, IgnoreMode, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, type LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DEFINITION_FILES,
  type DefinitionName,
  functionArnSubstitution,
  LAMBDA_TASKS,
  SUBSTITUTION_NAMES,
} from '../../statemachines/substitutions.js';
import { TRAINING_JOB_PREFIX } from '../defaults.js';
import { REPO_ROOT } from '../paths.js';
import type { CirrusData } from './data-access.js';
import { PipelineFunctions } from './pipeline-functions.js';
import { SageMakerExecutionRole } from './sagemaker-role.js';

/** Rule Step Functions manages to learn when a `.sync` SageMaker training job finishes. */
export const SAGEMAKER_SYNC_RULE = 'StepFunctionsGetEventsForSageMakerTrainingJobsRule';

/**
 * What the trainer image's build context holds: exactly what `training/Dockerfile` copies.
 * An allow-list, so the image (and its hash) changes only when the trainer's inputs do, not
 * with every edit to lambdas/, cli/ or tests.
 */
export const TRAINER_IMAGE_CONTEXT = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'contracts',
  'core',
  'training',
] as const;

export interface TrainingPipelineProps {
  readonly data: CirrusData;
  readonly onnxLayer: ILayerVersion;
  readonly logRetention: RetentionDays;
  readonly retainData: boolean;
  readonly namePrefix: string;
  /** Execution log level (ERROR by default: failures only). */
  readonly logLevel: `${LogLevel}`;
  /** Whether logs carry execution data (payloads: hyperparameters, S3 URIs, error texts). */
  readonly logExecutionData: boolean;
  /**
   * Dockerfile of the trainer, relative to the repository root (the build context).
   * @default 'training/Dockerfile'
   */
  readonly trainerDockerfile?: string;
  /** ECR repository-name prefix of the custom trainer images SageMaker may pull (none when absent). */
  readonly customTrainerRepositoryPrefix?: string;
}

/**
 * The training pipeline: the trainer image, the SageMaker execution role, the pipeline
 * functions and the two state machines (`statemachines/training.asl.json` and
 * `training-sweep.asl.json`, deployed as the very files the local runtime executes, with every
 * `${Name}` placeholder filled through `definitionSubstitutions`).
 */
export class TrainingPipeline extends Construct {
  readonly trainerImage: DockerImageAsset;
  readonly sageMakerRole: Role;
  readonly functions: PipelineFunctions;
  readonly stateMachineRole: Role;
  readonly training: StateMachine;
  readonly sweep: StateMachine;
  /** The substitution values, by placeholder name (tokens until deploy). */
  readonly substitutions: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    this.trainerImage = new DockerImageAsset(this, 'TrainerImage', {
      directory: REPO_ROOT,
      file: props.trainerDockerfile ?? 'training/Dockerfile',
      exclude: ['*', '.*', ...TRAINER_IMAGE_CONTEXT.map((path) => `!${path}`)],
      ignoreMode: IgnoreMode.DOCKER,
      platform: Platform.LINUX_AMD64,
    });
    this.sageMakerRole = new SageMakerExecutionRole(this, 'SageMakerExecution', {
      store: props.data.store,
      trainerImage: this.trainerImage,
      customTrainerRepositoryPrefix: props.customTrainerRepositoryPrefix,
    }).role;
    this.functions = new PipelineFunctions(this, 'Functions', props);
    this.substitutions = this.buildSubstitutions();
    this.stateMachineRole = this.buildStateMachineRole();
    this.training = this.buildStateMachine('training', props);
    this.sweep = this.buildStateMachine('sweep', props);
  }

  private buildSubstitutions(): Record<string, string> {
    const values: Record<string, string> = {
      TrainerImageUri: this.trainerImage.imageUri,
      SageMakerRoleArn: this.sageMakerRole.roleArn,
    };
    for (const task of LAMBDA_TASKS)
      values[functionArnSubstitution(task)] = this.functions.forTask(task).functionArn;
    const missing = SUBSTITUTION_NAMES.filter((name) => values[name] === undefined);
    if (missing.length > 0)
      throw new Error(`TrainingPipeline: no value for substitution(s) ${missing.join(', ')}`);
    return values;
  }

  private buildStateMachineRole(): Role {
    const stack = Stack.of(this);
    const role = new Role(this, 'StateMachineRole', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: 'Cirrus training state machines: invoke pipeline functions, run SageMaker training jobs',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'sagemaker:CreateTrainingJob',
          'sagemaker:DescribeTrainingJob',
          'sagemaker:StopTrainingJob',
          'sagemaker:AddTags', // the Train state tags the job with its run id
          'sagemaker:ListTags', // `.sync` reads them back (AWS's sample policy, CDK's own task grant it)
        ],
        resources: [trainingJobArnPattern(stack)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          stack.formatArn({ service: 'events', resource: 'rule', resourceName: SAGEMAKER_SYNC_RULE }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.sageMakerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    for (const fn of Object.values(this.functions.functions)) fn.grantInvoke(role);
    return role;
  }

  private buildStateMachine(name: DefinitionName, props: TrainingPipelineProps): StateMachine {
    const id = name === 'training' ? 'Training' : 'Sweep';
    const machineName = `${props.namePrefix}-${name === 'training' ? 'training' : 'training-sweep'}`;
    // Under /aws/vendedlogs/: the prefix AWS recommends for vended logs (resource-policy size).
    const logGroup = new LogGroup(this, `${id}Logs`, {
      logGroupName: `/aws/vendedlogs/states/${machineName}`,
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    return new StateMachine(this, `${id}StateMachine`, {
      stateMachineName: machineName,
      // The very file the local runtime executes, uploaded as an asset; Step Functions fills the
      // `${Name}` placeholders from definitionSubstitutions at deploy.
      definitionBody: DefinitionBody.fromFile(DEFINITION_FILES[name]),
      definitionSubstitutions: this.substitutions,
      role: this.stateMachineRole,
      logs: {
        destination: logGroup,
        level: props.logLevel as LogLevel,
        includeExecutionData: props.logExecutionData,
      },
      tracingEnabled: true,
    });
  }
}

/** ARN pattern of the training jobs the state machines start, for tests and docs. */
export function trainingJobArnPattern(stack: Stack): string {
  return stack.formatArn({
    service: 'sagemaker',
    resource: 'training-job',
    resourceName: `${TRAINING_JOB_PREFIX}*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
