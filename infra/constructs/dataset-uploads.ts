import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
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
 * The function behind `POST /v1/datasets/uploads` (presigns a PUT) and `.../complete` (streams the
 * object, copies it into its version's place, records it). A full vCPU of memory, since complete
 * parses the whole file within API Gateway's 30-second integration limit.
 */
export function datasetUploadsFunction(scope: Construct, props: DatasetUploadsProps): CirrusFunction {
  const fn = new CirrusFunction(scope, 'DatasetUploadsFunction', {
    entry: LAMBDA_ENTRIES.datasetUploads,
    serviceName: `${props.namePrefix}-dataset-uploads`,
    description: 'Cirrus API: large dataset uploads (presigned PUT, then complete)',
    memorySize: 1769,
    timeout: Duration.seconds(30),
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
  return fn;
}
