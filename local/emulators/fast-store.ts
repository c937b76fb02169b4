import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What s3rver's stores hand around: an object's place, its body (a Buffer or a stream) and metadata. */
export interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable | null;
  metadata: Record<string, string | number>;
}
type Metadata = Record<string, string | number>;
/** An object as GetObject hands it to s3rver's controller: its metadata and an opened stream. */
export interface ReadObject {
  metadata: Metadata;
  content: ReadStream | null;
  range?: { start: number; end: number };
}
interface ObjectClass {
  new (
    bucket: string,
    key: string,
    content: Readable | null,
    metadata: Metadata,
  ): StoredObject & {
    range?: { start: number; end: number };
  };
}
interface FilesystemStoreBase {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Metadata>;
  putMetadata(bucket: string, key: string, metadata: Metadata, md5?: string): Promise<void>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: Metadata | null,
  ): Promise<Metadata>;
  deleteObject(bucket: string, key: string): Promise<void>;
  getBucket(bucket: string): Promise<object | null>;
  putBucket(bucket: string): Promise<object | null>;
  deleteBucket(bucket: string): Promise<void>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<object | null>;
  putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
}

const require = createRequire(import.meta.url);
const FilesystemStore: new (root: string) => FilesystemStoreBase = require('s3rver/lib/stores/filesystem.js');
const S3Object: ObjectClass = require('s3rver/lib/models/object.js');

/** Objects whose stored metadata (etag, content-type, x-amz-meta-*) is kept in memory. */
const METADATA_CACHE_ENTRIES = 50_000;
/** Read size for GetObject: a typical part object is one read, a large one streams in 1 MiB reads. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * s3rver's filesystem store, the same files on disk (object, `.md5`, `metadata.json`), with fewer
 * file operations per object. Its GetObject read three files and stat'd one; here the md5 and
 * metadata an object was written with are remembered (this process is the data dir's only
 * writer: `assertNotRunning`), so a GET is a stat and one open. A PUT creates each directory
 * once, writes the md5 and metadata files side by side, and answers only once the object file
 * is flushed and renamed into place (s3rver answered when its hash stream ended, before the
 * write stream finished, and wrote in place).
 * A copy with replaced metadata copies the md5 file too (the bytes are the same) instead of
 * hashing the object again. Every request read the bucket's cors and website configs and stat'd
 * the bucket: those are remembered too, and forgotten when they change through the store.
 */
export class FastFilesystemStore extends FilesystemStore {
  private readonly metadata = new Map<string, Metadata>();
  private readonly directories = new Set<string>();
  /** Counts metadata invalidations, so a read that overlapped a write is not remembered. */
  private changes = 0;
  private readonly buckets = new Map<string, Promise<object | null>>();
  private readonly bucketConfigs = new Map<string, Promise<object | null>>();

  override async getMetadata(bucket: string, key: string): Promise<Metadata> {
    const id = cacheKey(bucket, key);
    const cached = this.metadata.get(id);
    const changes = this.changes;
    // Throws ENOENT for a missing object, as s3rver's does.
    const info = await stat(this.getResourcePath(bucket, key, 'object'));
    const stored = cached ?? (await super.getMetadata(bucket, key));
    // Files read while a write was under way may be the old ones: answer with them, keep nothing.
    if (!cached && changes === this.changes) this.remember(id, stored);
    return { ...stored, 'last-modified': info.mtime.toUTCString(), 'content-length': info.size };
  }

  override async putMetadata(bucket: string, key: string, metadata: Metadata, md5?: string): Promise<void> {
    this.forget(cacheKey(bucket, key));
    await super.putMetadata(bucket, key, metadata, md5);
  }

  async putObject(object: StoredObject): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await this.ensureDirectory(dirname(objectPath));
    const hash = createHash('md5');
    let size = 0;
    // Written aside and renamed into place: a reader sees the old object or the new one, and a
    // PUT that fails half way (client gone, disk full) leaves no partial object.
    const partial = `${objectPath}.${randomUUID()}.partial`;
    try {
      if (Buffer.isBuffer(object.content)) {
        hash.update(object.content);
        size = object.content.length;
        await writeFile(partial, object.content);
      } else {
        const counted = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(object.content ?? Readable.from([]), counted, createWriteStream(partial));
      }
      this.forget(cacheKey(object.bucket, object.key));
      await rename(partial, objectPath);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const md5 = hash.digest('hex');
    await this.writeMetadata(object, md5);
    return { size, md5 };
  }

  async getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<ReadObject | null> {
    try {
      const metadata = await this.getMetadata(bucket, key);
      const lastByte = Math.max(0, Number(metadata['content-length']) - 1);
      const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
      const range = { start: options?.start ?? 0, end: Math.min(options?.end ?? Infinity, lastByte) };
      // Not satisfiable: no content, so the controller answers InvalidRange (as s3rver's store).
      if (range.start < 0 || range.end < range.start)
        return objectWith(bucket, key, null, metadata, ranged, range);
      const path = this.getResourcePath(bucket, key, 'object');
      const content = await opened(createReadStream(path, { ...range, highWaterMark: READ_CHUNK_BYTES }));
      return objectWith(bucket, key, content, metadata, ranged, range);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  override async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: Metadata | null,
  ): Promise<Metadata> {
    const source = this.getResourcePath(srcBucket, srcKey, 'object');
    const dest = this.getResourcePath(destBucket, destKey, 'object');
    this.forget(cacheKey(destBucket, destKey));
    if (!replacementMetadata || source === dest)
      return super.copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    await this.ensureDirectory(dirname(dest));
    await copyFile(source, dest);
    const md5 = await this.getMetadata(srcBucket, srcKey).then((m) => JSON.parse(String(m.etag)) as string);
    await this.putMetadata(destBucket, destKey, replacementMetadata, md5);
    return this.getMetadata(destBucket, destKey);
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    this.forget(cacheKey(bucket, key));
    // s3rver removes directories left empty: forget which ones were made.
    this.directories.clear();
    await super.deleteObject(bucket, key);
  }

  private forgetBucket(bucket: string): void {
    this.buckets.delete(bucket);
    for (const id of this.bucketConfigs.keys())
      if (id.startsWith(`${bucket}?`)) this.bucketConfigs.delete(id);
    for (const id of this.metadata.keys()) if (id.startsWith(`${bucket}/`)) this.forget(id);
    this.changes++;
    this.directories.clear();
  }

  private async writeMetadata(object: StoredObject, md5: string): Promise<void> {
    const { bucket, key } = object;
    const id = cacheKey(bucket, key);
    this.forget(id);
    // The files s3rver's putMetadata writes, one after the other there, side by side here.
    const json = JSON.stringify(pickStored(object.metadata), null, 2);
    await Promise.all([
      writeFile(this.getResourcePath(bucket, key, 'object.md5'), md5),
      writeFile(this.getResourcePath(bucket, key, 'metadata.json'), json),
    ]);
    // What s3rver's getMetadata reads back: the stored metadata, plus the ETag.
    this.remember(id, { ...(JSON.parse(json) as Metadata), etag: JSON.stringify(md5) });
  }

  private forget(id: string): void {
    this.metadata.delete(id);
    this.changes++;
  }

  private remember(id: string, metadata: Metadata): void {
    const { 'last-modified': _modified, 'content-length': _length, ...kept } = metadata;
    this.metadata.set(id, kept);
    if (this.metadata.size > METADATA_CACHE_ENTRIES) {
      const oldest = this.metadata.keys().next().value;
      if (oldest !== undefined) this.metadata.delete(oldest);
    }
  }

  private async ensureDirectory(path: string): Promise<void> {
    if (this.directories.has(path)) return;
    await mkdir(path, { recursive: true });
    this.directories.add(path);
  }
}

const cacheKey = (bucket: string, key: string) => `${bucket}/${key}`;

/** The fields s3rver's putMetadata keeps (its ALLOWED_METADATA and x-amz-meta-*). */
function pickStored(metadata: Metadata): Metadata {
  const allowed: readonly string[] = (S3Object as unknown as { ALLOWED_METADATA: string[] }).ALLOWED_METADATA;
  return Object.fromEntries(
    Object.entries(metadata).filter(([name]) => allowed.includes(name) || name.startsWith('x-amz-meta-')),
  );
}

function objectWith(
  bucket: string,
  key: string,
  content: ReadStream | null,
  metadata: Metadata,
  ranged: boolean,
  range: { start: number; end: number },
): ReadObject {
  const object = new S3Object(bucket, key, content, metadata);
  if (ranged) object.range = range;
  return object as ReadObject;
}

/** Resolves once the file is open (rejects ENOENT then), as s3rver's store waits for it. */
function opened(stream: ReadStream): Promise<ReadStream> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject).once('open', () => resolve(stream));
  });
}
