import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ARTIFACT_PREFIXES } from '../defaults.js';
import type { ArtifactStore } from './artifact-store.js';

export interface SageMakerExecutionRoleProps {
  readonly store: ArtifactStore;
  readonly trainerImage: DockerImageAsset;
  /** ECR repository-name prefix of allowed custom trainer images. */
  readonly customTrainerRepositoryPrefix?: string;
}

/** Log group SageMaker writes training-job container logs to. */
export const SAGEMAKER_TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/**
 * The role SageMaker assumes for a training job: read the input channels (run splits under
 * `runs/`, datasets), write the job output under `runs/`, pull the trainer image, write the
 * job's logs and metrics. Nothing else: the job never touches the tables.
 */
export class SageMakerExecutionRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SageMakerExecutionRoleProps) {
    super(scope, id);
    const { bucket } = props.store;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Cirrus training jobs: read channels, write model output, pull the trainer image',
    });
    bucket.grantRead(this.role, `${ARTIFACT_PREFIXES.runs}*`);
    bucket.grantRead(this.role, `${ARTIFACT_PREFIXES.datasets}*`);
    bucket.grantPut(this.role, `${ARTIFACT_PREFIXES.runs}*`);
    props.trainerImage.repository.grantPull(this.role);
    if (props.customTrainerRepositoryPrefix) {
      // Custom trainers: pull only from repositories under the allowed prefix.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          resources: [
            Stack.of(this).formatArn({
              service: 'ecr',
              resource: 'repository',
              resourceName: `${props.customTrainerRepositoryPrefix}*`,
            }),
          ],
        }),
      );
    }

    const stack = Stack.of(this);
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${SAGEMAKER_TRAINING_LOG_GROUP}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        resources: [logGroupArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData has no resource-level permissions; the condition pins the namespace.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': SAGEMAKER_TRAINING_LOG_GROUP } },
      }),
    );
  }
}
