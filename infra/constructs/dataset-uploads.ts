import { ArnFormat, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from '../entries.js';
import { CirrusFunction } from './cirrus-function.js';
import { type CirrusData, dataEnvironment } from './data-access.js';

/** The only keys the upload function may read and write: a presigned URL it signs can do no more. */
export const DATASET_UPLOAD_OBJECTS = 'datasets/*';

/** Registering a version reads the dataset's items, queries its versions and puts conditionally. */
export const DATASET_UPLOAD_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'];

export interface DatasetUploadsProps {
  readonly data: CirrusData;
  readonly namePrefix: string;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The check `complete` hands to an asynchronous invocation of the function may stream a file of
 * up to 5 GiB: it gets Lambda's longest run, while API Gateway still cuts each request at 30 s.
 */
export const DATASET_UPLOAD_TIMEOUT = Duration.minutes(15);

/**
 * The function behind `POST /v1/datasets/uploads` (presigns a PUT), `.../complete` (cheap checks,
 * then invokes itself asynchronously to stream the object, copy it into its version's place and
 * record it) and `GET .../{uploadId}` (the status). A full vCPU of memory for the parse. Its name is
 * fixed so its grant to invoke itself names it (the function's ARN would make a dependency cycle).
 */
export function datasetUploadsFunction(scope: Construct, props: DatasetUploadsProps): CirrusFunction {
  const functionName = `${props.namePrefix}-dataset-uploads`;
  const fn = new CirrusFunction(scope, 'DatasetUploadsFunction', {
    entry: LAMBDA_ENTRIES.datasetUploads,
    serviceName: functionName,
    functionName,
    description: 'Cirrus API: large dataset uploads (presigned PUT, complete, status)',
    memorySize: 1769,
    timeout: DATASET_UPLOAD_TIMEOUT,
    logRetention: props.logRetention,
    logRemovalPolicy: props.logRemovalPolicy,
  });
  for (const [key, value] of Object.entries(dataEnvironment(props.data))) fn.addEnvironment(key, value);
  const { bucket } = props.data.store;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [bucket.arnForObjects(DATASET_UPLOAD_OBJECTS)],
    }),
  );
  // Without ListBucket, S3 answers a missing upload with 403 instead of the 404 complete reports.
  fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  props.data.tables.tracking.grant(fn, ...DATASET_UPLOAD_TABLE_ACTIONS);
  const self = Stack.of(scope).formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: functionName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [self] }));
  return fn;
}
