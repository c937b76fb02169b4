import { type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * One accepted kind of cdk-nag finding: the rule id (with its finding, e.g.
 * `AwsSolutions-IAM5[Resource::...]`), the constructs it may occur on, and why it is acceptable.
 */
export interface NagAcknowledgement {
  readonly rule: RegExp;
  readonly path: RegExp;
  readonly reason: string;
}

// ARNs render with pseudo parameters (env-agnostic) or literal values (CDK_DEFAULT_REGION set).
const ARN = 'arn:(<AWS::Partition>|aws[\\w-]*):';
const REGION_ACCOUNT = '(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\\d{12}):';
const ANY_FUNCTION_ROLE = /\/\w+Function\/ServiceRole\//;
const STATE_MACHINE_ROLE = /\/TrainingPipeline\/StateMachineRole\//;
const SAGEMAKER_ROLE = /\/TrainingPipeline\/SageMakerExecution\/Role\//;
const AUTO_DELETE_PROVIDER = /\/Custom::S3AutoDeleteObjectsCustomResourceProvider\//;

/**
 * The findings Cirrus accepts, each with its reason. A finding that matches none of these
 * stays unacknowledged and fails `cdk synth` (and tests/infra/nag.test.ts).
 */
export const NAG_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:(<AWS::Partition>|aws[\w-]*):iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    path: ANY_FUNCTION_ROLE,
    reason:
      'AWSLambdaBasicExecutionRole only allows logs:CreateLogGroup/CreateLogStream/PutLogEvents, which every function needs to write its CloudWatch logs',
  },
  {
    rule: /^AwsSolutions-IAM5\[Action::s3:(GetObject\*|GetBucket\*|List\*|DeleteObject\*|Abort\*|PutObject\*)\]$/,
    path: /./,
    reason:
      'S3 action groups of Bucket.grantRead/grantReadWrite/grantPut (CDK-curated read and write sets), on the artifact bucket only',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<ArtifactStoreBucket\w+\.Arn>\/(\*|runs\/\*|datasets\/\*)\]$/,
    path: /./,
    reason:
      'Object keys embed run ids, dataset hashes and model versions known only at run time; the grant is limited to the artifact bucket (SageMaker: to runs/ and datasets/)',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<Tables\w+Table\w+\.Arn>\/index\/\*\]$/,
    path: ANY_FUNCTION_ROLE,
    reason:
      "Queries use the table's global secondary index gsi1 (core/storage/tables.ts); the wildcard covers only this table's indexes",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: ANY_FUNCTION_ROLE,
    reason:
      'xray:PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<TrainingPipelineFunctions\w+\.Arn>:\*\]$/,
    path: STATE_MACHINE_ROLE,
    reason:
      "grantInvoke also covers the pipeline function's qualified ARNs (versions, aliases) of the same function",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: STATE_MACHINE_ROLE,
    reason:
      'X-Ray tracing and CloudWatch Logs vended delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) do not support resource-level permissions',
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}sagemaker:${REGION_ACCOUNT}training-job\\/cirrus-\\*\\]$`,
    ),
    path: STATE_MACHINE_ROLE,
    reason: 'Training jobs are named cirrus-{runId} per run; the pattern admits only Cirrus training jobs',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: SAGEMAKER_ROLE,
    reason:
      'ecr:GetAuthorizationToken and cloudwatch:PutMetricData have no resource-level permissions; PutMetricData is pinned to the SageMaker namespace by a condition',
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}ecr:${REGION_ACCOUNT}repository\\/[a-z0-9][a-z0-9._/-]*\\*\\]$`,
    ),
    path: SAGEMAKER_ROLE,
    reason:
      'Custom trainer images (cirrus:customTrainerRepositoryPrefix): SageMaker may pull from the repositories under the one prefix the stack allows, and no others',
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}logs:${REGION_ACCOUNT}log-group:\\/aws\\/sagemaker\\/TrainingJobs:\\*\\]$`,
    ),
    path: SAGEMAKER_ROLE,
    reason: "SageMaker writes each job's log streams (named per job) into this one fixed log group",
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}states:${REGION_ACCOUNT}execution:.*TrainingPipeline\\w+StateMachine\\w+.*:\\*\\]$`,
    ),
    path: ANY_FUNCTION_ROLE,
    reason:
      'Execution names are chosen at StartExecution; the wildcard covers executions of this one state machine only',
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}events:${REGION_ACCOUNT}rule\\/[a-z][a-z0-9-]*-retrain-\\*\\]$`,
    ),
    path: /\/PredictionApi\/ManagementFunction\/ServiceRole\//,
    reason:
      "One retraining rule per scheduled experiment, named at run time ({prefix}-retrain-{experiment}); PutTargets is further limited to the retrain function's ARN",
  },
  {
    rule: /^AwsSolutions-L1$/,
    path: /./,
    reason:
      'Functions run Node.js 22 (the project supports Node 20+ and onnxruntime-node 1.30 ships N-API binaries for it); Node.js 24 is adopted with the toolchain',
  },
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:(<AWS::Partition>|aws[\w-]*):iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    path: AUTO_DELETE_PROVIDER,
    reason:
      "aws-cdk-lib's auto-delete-objects provider, deployed only with cirrus:retainData=false; it needs only its own logs",
  },
];

/**
 * Runs cdk-nag's AWS Solutions pack over the stack and acknowledges, on the offending
 * resource, each finding matched by {@link NAG_ACKNOWLEDGEMENTS} with that entry's reason.
 * Call last in the stack constructor. Findings that match nothing stay and fail the synth.
 */
export function acknowledgeNagFindings(stack: Stack): void {
  const byPath = new Map<string, IConstruct>(stack.node.findAll().map((c) => [c.node.path, c]));
  const report = new AwsSolutionsChecks().validateScope(stack);
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      const path = 'constructPath' in resource ? String(resource.constructPath) : '';
      const match = NAG_ACKNOWLEDGEMENTS.find((a) => a.rule.test(violation.ruleName) && a.path.test(path));
      const construct = byPath.get(path);
      if (match && construct)
        Validations.of(construct).acknowledge({ id: violation.ruleName, reason: match.reason });
    }
  }
}
