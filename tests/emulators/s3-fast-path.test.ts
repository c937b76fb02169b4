import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyDeps } from '../../core/clients.js';
import { type CoreDeps, DEFAULT_BUCKET } from '../../core/deps.js';
import { createDeps } from '../../local/emulators/index.js';
import { type RunningServer, startS3rver } from '../../local/emulators/servers.js';

// The emulated S3's fast path (local/emulators/s3-fast-path.ts + fast-store.ts) against s3rver
// as it ships, both behind the same SigV4 check, real SDK clients over HTTP.
const credentials = { accessKeyId: 'fast-path-test', secretAccessKey: 'fast-path-secret' };
let scratch = '';
const servers: RunningServer[] = [];
const clients: CoreDeps[] = [];
let fast: CoreDeps;
let plain: CoreDeps;
let fastDir = '';

async function start(
  dir: string,
  plainServer: boolean,
  secret = credentials.secretAccessKey,
): Promise<CoreDeps> {
  const server = await startS3rver(dir, DEFAULT_BUCKET, credentials, 0, { plain: plainServer });
  servers.push(server);
  const deps = createDeps({
    endpoints: { s3: server.endpoint, dynamodb: 'http://127.0.0.1:9' },
    credentials: { ...credentials, secretAccessKey: secret },
  });
  clients.push(deps);
  return deps;
}

/** Every response's status and headers (but the clock's), as the SDK received them. */
function recordResponses(s3: S3Client): Record<string, string | number>[] {
  const seen: Record<string, string | number>[] = [];
  s3.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const { statusCode, headers } = (
        result as { response: { statusCode: number; headers: Record<string, string> } }
      ).response;
      const { date: _date, 'last-modified': _modified, ...kept } = headers;
      seen.push({ statusCode, ...kept });
      return result;
    },
    { step: 'deserialize', name: 'recordResponses' },
  );
  return seen;
}

const md5 = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`;

async function scenario(deps: CoreDeps): Promise<unknown[]> {
  const { s3, bucket } = deps;
  const body = Buffer.from('a,b\n1,2\n'.repeat(5000));
  const out: unknown[] = [];
  const get = async (Key: string, extra: object = {}) => {
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, ...extra }));
      return {
        etag: got.ETag,
        type: got.ContentType,
        meta: got.Metadata,
        bytes: md5(await got.Body!.transformToByteArray()),
      };
    } catch (error) {
      return { error: (error as Error).name };
    }
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'd/x/data.csv',
      Body: body,
      ContentType: 'text/csv',
      Metadata: { sha256: 'abc' },
    }),
  );
  out.push(await get('d/x/data.csv'));
  out.push(
    await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: 'd/x/data.csv' }))
      .then((h) => h.ContentLength),
  );
  out.push(await get('d/x/missing.csv'));
  out.push(await get('d/x/data.csv', { Range: 'bytes=4-11' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'd/x/data.csv', Body: 'replaced' }));
  out.push(await get('d/x/data.csv'));
  out.push(await get('d/x/data.csv', { IfNoneMatch: md5(Buffer.from('replaced')) }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
  out.push(await get('empty'));
  out.push(await get('d%2Fx/odd key+é.csv'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'd%2Fx/odd key+é.csv', Body: 'odd' }));
  out.push(await get('d%2Fx/odd key+é.csv'));
  return out;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cirrus-s3-fast-'));
  fastDir = join(scratch, 'fast');
  fast = await start(fastDir, false);
  plain = await start(join(scratch, 'plain'), true);
});

afterAll(async () => {
  clients.forEach(destroyDeps);
  await Promise.all(servers.map((s) => s.stop()));
  await rm(scratch, { recursive: true, force: true });
});

describe('the emulated S3 fast path', () => {
  it('answers PUT/GET/HEAD, misses, ranges and conditions exactly as s3rver as shipped does', async () => {
    const fastSeen = recordResponses(fast.s3);
    const plainSeen = recordResponses(plain.s3);
    const fromFast = await scenario(fast);
    const fromPlain = await scenario(plain);
    expect(fromFast).toEqual(fromPlain);
    expect(fastSeen).toEqual(plainSeen);
    expect(fromFast[0]).toMatchObject({ type: 'text/csv', meta: { sha256: 'abc' } });
    expect(fromFast[2]).toEqual({ error: 'NoSuchKey' });
  });

  it('gives every object the md5 of its bytes as ETag, on PUT, GET, HEAD and after a copy that replaces metadata', async () => {
    const { s3, bucket } = fast;
    const first = Buffer.from('first version of the bytes');
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'etag/src', Body: first }));
    expect(put.ETag).toBe(md5(first));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'etag/src' }));
    expect(head.ETag).toBe(md5(first));
    // The copy's destination already holds other bytes: its old md5 must not survive.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'etag/dest', Body: 'older, different bytes' }));
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'etag/dest',
        CopySource: `${bucket}/etag/src`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/csv',
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(md5(first));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'etag/dest' }));
    const bytes = await got.Body!.transformToByteArray();
    expect(got.ETag).toBe(md5(bytes));
    expect(Buffer.from(bytes).toString()).toBe(first.toString());
    expect(got.ContentType).toBe('text/csv');
  });

  it("signs the local clients' uploads with an unsigned payload, which the emulator accepts", async () => {
    const sent: string[] = [];
    fast.s3.middlewareStack.add(
      (next) => (args) => {
        sent.push((args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256']);
        return next(args);
      },
      { step: 'deserialize', name: 'recordPayloadHash' },
    );
    const body = Buffer.from('signed headers, unsigned body');
    const put = await fast.s3.send(
      new PutObjectCommand({ Bucket: fast.bucket, Key: 'unsigned', Body: body }),
    );
    expect(put.ETag).toBe(md5(body));
    expect(sent).toEqual(['UNSIGNED-PAYLOAD']);
    fast.s3.middlewareStack.remove('recordPayloadHash');
  });

  it('still refuses a wrong signature, and writes nothing for it', async () => {
    const forger = await start(join(scratch, 'unused'), false, 'not-the-secret');
    const endpoint = await fast.s3.config.endpoint!();
    forger.s3.config.endpoint = async () => endpoint;
    await expect(
      forger.s3.send(new PutObjectCommand({ Bucket: fast.bucket, Key: 'forged', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    await expect(
      fast.s3.send(new HeadObjectCommand({ Bucket: fast.bucket, Key: 'forged' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('leaves the previous object whole when a PUT is cut off half way', async () => {
    const { s3, bucket } = fast;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'cut/data.csv', Body: 'the whole old object' }),
    );
    const url = new URL(
      await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'cut/data.csv' }), {
        expiresIn: 60,
      }),
    );
    // Presigned URLs carry a query, so this PUT would go to s3rver: sign the headers instead.
    const signed = await signedPutHeaders(url, 1_000_000);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'PUT',
        headers: signed,
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(100_000, 97), () => setTimeout(() => (req.destroy(), resolve()), 200));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cut/data.csv' }));
    expect(await got.Body!.transformToString()).toBe('the whole old object');
    const files = await readdir(join(fastDir, bucket, 'cut'));
    expect(files.filter((name) => name.includes('.partial'))).toEqual([]);
  });
});

/** SigV4 headers for a PUT of `length` bytes with an unsigned payload (as the SDK's signer makes them). */
async function signedPutHeaders(url: URL, length: number): Promise<Record<string, string>> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@aws-crypto/sha256-js');
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 's3', sha256: Sha256 });
  const signed = await signer.sign({
    method: 'PUT',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: {
      host: url.host,
      'content-length': String(length),
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    },
  });
  return signed.headers;
}
