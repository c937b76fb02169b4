import { ListObjectsCommand } from '@aws-sdk/client-s3';
import type { CoreDeps } from '../deps.js';
import { toS3Uri } from './uri.js';

export interface ArtifactEntry {
  readonly key: string;
  readonly uri: string;
  readonly size: number;
  readonly lastModified?: string;
}

export interface ListArtifactsInput {
  readonly prefix: string;
  /** The `nextToken` of the previous page. */
  readonly pageToken?: string;
  /** @default 1000 (S3's maximum) */
  readonly limit?: number;
}

export interface ArtifactPage {
  readonly items: ArtifactEntry[];
  /** Present when more keys follow. */
  readonly nextToken?: string;
}

/**
 * One page of the keys under `prefix`, in key order. Pages with ListObjects (v1) and the last
 * key as the marker, never a delimiter: s3rver needs OpenSSL's legacy provider to mint V2
 * continuation tokens (a 500 on Node 20 without it) and drops CommonPrefixes for deep keys.
 * Real S3 answers the same calls the same way.
 */
export async function listArtifacts(deps: CoreDeps, input: ListArtifactsInput): Promise<ArtifactPage> {
  const page = await deps.s3.send(
    new ListObjectsCommand({
      Bucket: deps.bucket,
      Prefix: input.prefix,
      Marker: input.pageToken,
      MaxKeys: input.limit ?? 1000,
    }),
  );
  const items = (page.Contents ?? []).flatMap((object) =>
    object.Key
      ? [
          {
            key: object.Key,
            uri: toS3Uri(deps.bucket, object.Key),
            size: object.Size ?? 0,
            lastModified: object.LastModified?.toISOString(),
          },
        ]
      : [],
  );
  const last = items.at(-1)?.key;
  return { items, nextToken: page.IsTruncated && last ? last : undefined };
}

/** Every key under `prefix`, following pages. */
export async function listAllArtifacts(deps: CoreDeps, prefix: string): Promise<ArtifactEntry[]> {
  const all: ArtifactEntry[] = [];
  let pageToken: string | undefined;
  do {
    const page = await listArtifacts(deps, { prefix, pageToken });
    all.push(...page.items);
    pageToken = page.nextToken;
  } while (pageToken);
  return all;
}
