import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  ArtifactIntegrityError,
  getArtifact,
  getJson,
  listAllArtifacts,
  listArtifacts,
  parseS3Uri,
  putArtifact,
  putJson,
  sha256Hex,
} from '../../core/artifacts/index.js';
import { fromZodError, NotFoundError, ValidationError } from '../../core/errors.js';
import { useEmulators } from '../emulators/harness.js';

const { deps, emulators } = useEmulators();

describe('putArtifact / getArtifact', () => {
  it('round-trips 1 KB byte-exact with its sha256 (catches encoding or truncation bugs)', async () => {
    const body = randomBytes(1024);
    const stored = await putArtifact(deps(), { key: 'tests/one-kb.bin', body });
    expect(stored.sha256).toBe(sha256Hex(body));
    expect(stored.uri).toBe(`s3://${deps().bucket}/tests/one-kb.bin`);
    const back = await getArtifact(deps(), { uri: stored.uri });
    expect(Buffer.from(back).equals(body)).toBe(true);
  });

  it('round-trips 50 MB byte-exact (catches size limits and stream handling)', async () => {
    const body = randomBytes(50 * 1024 * 1024);
    const stored = await putArtifact(deps(), { key: 'tests/fifty-mb.bin', body });
    const back = await getArtifact(deps(), { key: stored.key, expectedSha256: stored.sha256 });
    expect(back.byteLength).toBe(body.byteLength);
    expect(Buffer.from(back).equals(body)).toBe(true);
  });

  it('detects bytes overwritten behind its back, metadata kept (catches unverified reads)', async () => {
    const stored = await putArtifact(deps(), { key: 'tests/model.onnx', body: 'original model bytes' });
    const raw = new S3Client({
      region: 'us-east-1',
      endpoint: emulators().endpoints.s3,
      forcePathStyle: true,
      credentials: emulators().credentials,
    });
    try {
      await raw.send(
        new PutObjectCommand({
          Bucket: deps().bucket,
          Key: stored.key,
          Body: 'tampered model bytes',
          Metadata: { sha256: stored.sha256 },
        }),
      );
    } finally {
      raw.destroy();
    }
    const read = getArtifact(deps(), { uri: stored.uri });
    await expect(read).rejects.toBeInstanceOf(ArtifactIntegrityError);
    await expect(read).rejects.toThrow(/tests\/model\.onnx.*corrupted/);
  });

  it('rejects bytes that do not match the sha256 the caller expects (catches a swapped artifact)', async () => {
    const stored = await putArtifact(deps(), { key: 'tests/expected.bin', body: 'abc' });
    await expect(
      getArtifact(deps(), { uri: stored.uri, expectedSha256: sha256Hex('abd') }),
    ).rejects.toBeInstanceOf(ArtifactIntegrityError);
  });

  it('answers NotFound naming the URI for a missing object', async () => {
    const read = getArtifact(deps(), { key: 'tests/missing.bin' });
    await expect(read).rejects.toBeInstanceOf(NotFoundError);
    await expect(read).rejects.toThrow(`s3://${deps().bucket}/tests/missing.bin`);
  });

  it('parses JSON with a schema and names the failing field', async () => {
    await putJson(deps(), { key: 'tests/doc.json', value: { kind: 'x', n: 3 } });
    const schema = z.object({ kind: z.string(), n: z.number() });
    expect(await getJson(deps(), { key: 'tests/doc.json', schema })).toEqual({ kind: 'x', n: 3 });
    const strict = z.object({ n: z.string() });
    await expect(getJson(deps(), { key: 'tests/doc.json', schema: strict })).rejects.toThrow(
      /tests\/doc\.json\.n/,
    );
  });
});

describe('listArtifacts', () => {
  it('pages through a prefix without a delimiter and skips other prefixes (catches lost pages)', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `listing/a/deep/${String(i).padStart(2, '0')}.txt`);
    await Promise.all(keys.map((key) => putArtifact(deps(), { key, body: key })));
    await putArtifact(deps(), { key: 'listing/b/other.txt', body: 'x' });

    const first = await listArtifacts(deps(), { prefix: 'listing/a/', limit: 3 });
    expect(first.items.map((i) => i.key)).toEqual(keys.slice(0, 3));
    expect(first.nextToken).toBeDefined();
    const all = await listAllArtifacts(deps(), 'listing/a/');
    expect(all.map((i) => i.key)).toEqual(keys);
  });

  it('pages past 1000 keys (catches the s3rver ListObjectsV2 continuation-token failure)', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((key) => putArtifact(deps(), { key, body: '' })));
    }
    const all = await listAllArtifacts(deps(), 'many/');
    expect(all.length).toBe(1005);
    expect(all.at(-1)?.key).toBe('many/1004');
  });
});

describe('parseS3Uri', () => {
  it('splits bucket and key and rejects other schemes naming the field', () => {
    expect(parseS3Uri('s3://cirrus-artifacts/models/m/versions/1/model.onnx')).toEqual({
      bucket: 'cirrus-artifacts',
      key: 'models/m/versions/1/model.onnx',
    });
    expect(() => parseS3Uri('https://x/y', 'onnxUri')).toThrow(ValidationError);
    expect(() => parseS3Uri('s3://bucket-only', 'onnxUri')).toThrow(/onnxUri/);
  });

  it('takes a whole bucket or an empty key only as a prefix', () => {
    expect(parseS3Uri('s3://cirrus-artifacts', 'S3Uri', { prefix: true })).toEqual({
      bucket: 'cirrus-artifacts',
      key: '',
    });
    expect(parseS3Uri('s3://cirrus-artifacts/', 'S3Uri', { prefix: true }).key).toBe('');
    expect(() => parseS3Uri('s3://cirrus-artifacts/', 'S3Uri')).toThrow(/S3Uri/);
  });
});

describe('fromZodError', () => {
  it('names the failing field under the prefix, and an unknown key by itself', () => {
    const schema = z.strictObject({ a: z.strictObject({ n: z.number() }) });
    const wrongType = schema.safeParse({ a: { n: 'x' } });
    expect(wrongType.success || fromZodError(wrongType.error, 'body')).toMatchObject({ field: 'body.a.n' });
    const unknown = schema.safeParse({ a: { n: 1, extra: true } });
    expect(unknown.success || fromZodError(unknown.error)).toMatchObject({
      field: 'a.extra',
      message: 'a.extra: unknown field (not accepted here)',
    });
  });
});
