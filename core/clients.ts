import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type CoreDeps, DEFAULT_BUCKET, DEFAULT_TABLE_NAMES, type TableNames } from './deps.js';

export interface MakeDepsOptions {
  readonly region: string;
  /** S3 endpoint override (the local emulator); absent on AWS. */
  readonly s3Endpoint?: string;
  /** DynamoDB endpoint override (the local emulator); absent on AWS. */
  readonly dynamoEndpoint?: string;
  /** @default DEFAULT_BUCKET */
  readonly bucket?: string;
  /** @default DEFAULT_TABLE_NAMES */
  readonly tables?: TableNames;
  /** Static credentials (the emulators take any); absent on AWS = the default provider chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Builds `CoreDeps` from explicit options (it reads no environment variables, so the Lambda
 * side passes what it read from env, and the local runtime passes the emulator endpoints).
 * Checksums are `WHEN_REQUIRED` because s3rver rejects the SDK's default CRC32 trailers; real
 * S3 accepts either. Path-style addressing is used whenever an endpoint is overridden.
 *
 * @example
 * const deps = makeDeps({ region: 'us-east-1', s3Endpoint: 'http://127.0.0.1:4569',
 *   dynamoEndpoint: 'http://127.0.0.1:4567', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 */
export function makeDeps(options: MakeDepsOptions): CoreDeps {
  const { region, s3Endpoint, dynamoEndpoint, credentials } = options;
  const s3 = new S3Client({
    region,
    credentials,
    endpoint: s3Endpoint,
    forcePathStyle: s3Endpoint !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamo = new DynamoDBClient({ region, credentials, endpoint: dynamoEndpoint });
  const ddb = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return {
    s3,
    ddb,
    bucket: options.bucket ?? DEFAULT_BUCKET,
    tables: options.tables ?? DEFAULT_TABLE_NAMES,
    now: options.now ?? (() => new Date()),
  };
}

/** Releases the sockets held by the clients of `deps` (local runtime shutdown, tests). */
export function destroyDeps(deps: CoreDeps): void {
  deps.s3.destroy();
  // DynamoDBDocumentClient.destroy() is a no-op; its request handler belongs to the wrapped client.
  const handler: unknown = deps.ddb.config.requestHandler;
  if (
    handler &&
    typeof handler === 'object' &&
    'destroy' in handler &&
    typeof handler.destroy === 'function'
  ) {
    handler.destroy();
  }
}
