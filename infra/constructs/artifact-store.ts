import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { UPLOADS_PREFIX } from '../../core/datasets/uploads.js';
import { ARTIFACT_PREFIXES, STACK_DEFAULTS } from '../defaults.js';

export interface ArtifactStoreProps {
  /**
   * Keep the buckets (and their objects) when the stack is deleted. When false the buckets
   * are destroyed and emptied by CDK's auto-delete custom resource.
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Days after which objects under `predictions/` expire.
   * @default 90
   */
  readonly predictionLogExpirationDays?: number;
  /**
   * Days after which noncurrent object versions expire.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/**
 * The artifact store: one versioned, encrypted, TLS-only bucket holding datasets, run splits,
 * training outputs, model versions and drift reports (docs/conventions.md layout), with its
 * server access logs in a separate bucket.
 */
export class ArtifactStore extends Construct {
  readonly bucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string, props: ArtifactStoreProps = {}) {
    super(scope, id);
    const {
      retainData = STACK_DEFAULTS.retainData,
      predictionLogExpirationDays = STACK_DEFAULTS.predictionLogExpirationDays,
      noncurrentVersionExpirationDays = STACK_DEFAULTS.noncurrentVersionExpirationDays,
    } = props;
    const removal = retainData
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };
    const secure = {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      ...removal,
    };

    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      ...secure,
      // S3 server access logging delivers with the bucket-owner-enforced setting via a bucket policy.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });

    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        {
          id: 'expire-prediction-logs',
          prefix: ARTIFACT_PREFIXES.predictions,
          expiration: Duration.days(predictionLogExpirationDays),
        },
        {
          // A presigned upload waits here until `complete` copies it under its dataset: what
          // is left after a day was abandoned or already registered.
          id: 'expire-dataset-uploads',
          prefix: UPLOADS_PREFIX,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }
}
