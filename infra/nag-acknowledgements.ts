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
const STATE_MACHINES = /\/(TrainingPipeline\/(Training|Sweep)StateMachine|BatchPredictions\/StateMachine)\//;
const BATCH_ROLE = /\/BatchPredictions\/StateMachineRole\//;
const BATCH_FUNCTION_ROLE = /\/BatchPredictions\/\w+Function\/ServiceRole\//;
const ANY_FUNCTION = /\/\w+Function\/Resource$/;
const ACCESS_POLICIES = /\/AccessPolicies\/(PredictOnly|ReadOnly|Admin)\//;
const DEAD_LETTERS = /\/Alerts\/DeadLetters\//;

/**
 * The findings Cirrus accepts, each with its reason. A finding that matches none of these
 * stays unacknowledged and fails `cdk synth` (and tests/infra/nag.test.ts).
 */
export const NAG_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:(<AWS::Partition>|aws[\w-]*):iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    path: ANY_FUNCTION_ROLE,
    reason:
      "AWSLambdaBasicExecutionRole allows logs:CreateLogGroup/CreateLogStream/PutLogEvents on every log group of the account (Resource *), more than the function's own log group; accepted as the standard Lambda logging grant",
  },
  {
    rule: /^AwsSolutions-IAM5\[Action::s3:(GetObject\*|GetBucket\*|List\*|Abort\*|PutObject\*)\]$/,
    path: SAGEMAKER_ROLE,
    reason:
      "S3 action groups of Bucket.grantRead/grantPut (CDK-curated read and write sets) for the training job's channels and output, on the artifact bucket only",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::<ArtifactStoreBucket\w+\.Arn>\/(\*|runs\/\*|datasets\/\*)\]$/,
    path: new RegExp(`${ANY_FUNCTION_ROLE.source}|${SAGEMAKER_ROLE.source}`),
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
    rule: /^AwsSolutions-IAM5\[Resource::<(TrainingPipelineFunctions|BatchPredictions)\w+Function\w+\.Arn>:\*\]$/,
    path: new RegExp(`${STATE_MACHINE_ROLE.source}|${BATCH_ROLE.source}`),
    reason:
      "grantInvoke also covers the pipeline (or batch) function's qualified ARNs (versions, aliases) of the same function",
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: new RegExp(`${STATE_MACHINE_ROLE.source}|${BATCH_ROLE.source}`),
    reason:
      'X-Ray tracing and CloudWatch Logs vended delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) do not support resource-level permissions',
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}sagemaker:${REGION_ACCOUNT}training-job\\/cirrus-\\*\\]$`,
    ),
    path: STATE_MACHINE_ROLE,
    reason: 'Training jobs are named cirrus-{runId}-{attempt} per run; the pattern admits only Cirrus training jobs',
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
      `^AwsSolutions-IAM5\\[Resource::${ARN}states:${REGION_ACCOUNT}execution:.*(TrainingPipeline|BatchPredictions)\\w*StateMachine\\w+.*:\\*\\]$`,
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
    rule: /^AwsSolutions-IAM5\[Resource::<ArtifactStoreBucket\w+\.Arn>\/batch\/(input|output)\/\*\]$/,
    path: new RegExp(`${BATCH_ROLE.source}|${BATCH_FUNCTION_ROLE.source}`),
    reason:
      "A batch job's input objects and its output, parts and ResultWriter files are named per job at run time; reads stay under batch/input/ and writes under batch/output/ of the artifact bucket",
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}states:${REGION_ACCOUNT}(execution|mapRun):[a-z][a-z0-9-]*-batch-predict\\/\\*\\]$`,
    ),
    path: new RegExp(`${BATCH_ROLE.source}|/PredictionApi/ManagementFunction/ServiceRole/`),
    reason:
      "A Distributed Map names its child executions and Map Runs '{machine}/{label}:{id}' at run time; the pattern covers only the batch-predict machine's own",
  },
  {
    rule: /^AwsSolutions-L1$/,
    path: ANY_FUNCTION,
    reason:
      'cdk-nag L1 compares with the newest runtime it knows; functions run Node.js 24, the current LTS, the same major as the trainer image',
  },
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:(<AWS::Partition>|aws[\w-]*):iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    path: AUTO_DELETE_PROVIDER,
    reason:
      "aws-cdk-lib's auto-delete-objects provider, deployed only with cirrus:retainData=false; it needs only its own logs",
  },
  {
    rule: /^AwsSolutions-SF1$/,
    path: STATE_MACHINES,
    reason:
      'Executions log ERROR by default so that payloads (hyperparameters, S3 URIs, error texts) stay out of the logs; cirrus:stateMachineLogLevel=ALL turns full logging on',
  },
  {
    rule: new RegExp(
      `^AwsSolutions-IAM5\\[Resource::${ARN}execute-api:${REGION_ACCOUNT}<PredictionApi\\w+>\\/\\*\\/(POST\\/v1\\/endpoints\\/\\*\\/predict|GET\\/\\*|\\*)\\]$`,
    ),
    path: ACCESS_POLICIES,
    reason:
      'execute-api ARNs match path parameters and stages only by wildcard; each policy names its routes (predict, every GET, every route) of this API only',
  },
  {
    rule: /^AwsSolutions-SQS3$/,
    path: DEAD_LETTERS,
    reason:
      'This queue is the dead-letter queue of the EventBridge targets and async Lambda invocations (cdk-nag recognizes only SQS redrive policies as DLQ use)',
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
