import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../cli/run-cli.js';
import { type ChildPlatform, callApi, startChildPlatform } from './child-platform.js';

/**
 * Issue 17 "The local emulators are an open door" and issue 16 "The local platform, for people
 * who use the AWS CLI", on a real `cirrus local up` child: the emulators answer only requests
 * signed with the data dir's credentials, refuse keys that leave the data dir, the data dir is
 * private, the token stays out of the banner and the files, and the AWS CLI's listing works.
 */
let dir = '';
let platform: ChildPlatform;
let s3Port = 0;
let dynamoPort = 0;
const env = () => ({ s3: `http://127.0.0.1:${s3Port}`, dynamodb: `http://127.0.0.1:${dynamoPort}` });

/** The data dir's credentials, read from the file the banner names, as the AWS CLI would. */
function dataDirCredentials(): { accessKeyId: string; secretAccessKey: string } {
  const text = readFileSync(join(platform.dataDir, 'aws-credentials'), 'utf8');
  const value = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\S+)`, 'm').exec(text)![1];
  return { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') };
}

const WRONG = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const s3With = (credentials: typeof WRONG) =>
  new S3Client({ region: 'us-east-1', endpoint: env().s3, forcePathStyle: true, credentials });
const dynamoWith = (credentials: typeof WRONG) =>
  new DynamoDBClient({ region: 'us-east-1', endpoint: env().dynamodb, credentials });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-security-'));
  [s3Port, dynamoPort] = [await closedPort(), await closedPort()];
  // One port from a flag, the other from the environment.
  platform = await startChildPlatform(join(dir, 'data'), ['--s3-port', String(s3Port)], {
    CIRRUS_DYNAMODB_PORT: String(dynamoPort),
  });
  const load = await callApi(platform, 'POST', '/v1/datasets', { name: 'iris', builtin: 'iris' });
  expect(load.status, JSON.stringify(load.json)).toBe(201);
}, 120_000);

afterAll(async () => {
  if (platform && platform.child.exitCode === null) platform.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the local platform for AWS CLI users', () => {
  it('prints the S3 and DynamoDB endpoints at the fixed ports and where the credentials are, never the token', () => {
    const out = platform.output();
    expect(out).toContain(`S3        ${env().s3}`);
    expect(out).toContain(`DynamoDB  ${env().dynamodb}`);
    expect(out).toContain(`AWS keys  in ${join(platform.dataDir, 'aws-credentials')}`);
    expect(out).toContain(`token     in ${join(platform.dataDir, 'token')}`);
    expect(out).not.toContain(platform.token);
  });

  it('lists top-level prefixes with a delimiter, as `aws s3 ls s3://cirrus-artifacts/` asks', async () => {
    const s3 = s3With(dataDirCredentials());
    // What the AWS CLI sends for `s3 ls s3://bucket/`: ListObjectsV2, Prefix '', Delimiter '/'.
    const top = await s3.send(
      new ListObjectsV2Command({ Bucket: 'cirrus-artifacts', Prefix: '', Delimiter: '/' }),
    );
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['datasets/']);
    expect(top.Contents ?? []).toEqual([]);
    const below = await s3.send(
      new ListObjectsV2Command({ Bucket: 'cirrus-artifacts', Prefix: 'datasets/', Delimiter: '/' }),
    );
    expect(below.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['datasets/iris/']);
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'cirrus-artifacts' }));
    expect(all.Contents?.some((o) => o.Key?.endsWith('data.csv'))).toBe(true);
    s3.destroy();
  });

  it('scans a table with the data dir credentials (the README`s aws dynamodb scan)', async () => {
    const ddb = dynamoWith(dataDirCredentials());
    const tables = await ddb.send(new ListTablesCommand({}));
    expect(tables.TableNames?.length).toBeGreaterThan(0);
    const scan = await ddb.send(new ScanCommand({ TableName: tables.TableNames![0], Limit: 5 }));
    expect(scan.$metadata.httpStatusCode).toBe(200);
    ddb.destroy();
  });
});

describe('the local emulators are locked', () => {
  it('refuses unsigned and wrongly signed S3 requests, reads and writes', async () => {
    const unsignedGet = await fetch(`${env().s3}/cirrus-artifacts?list-type=2`);
    expect(unsignedGet.status).toBe(403);
    const unsignedPut = await fetch(`${env().s3}/cirrus-artifacts/planted.txt`, { method: 'PUT', body: 'x' });
    expect(unsignedPut.status).toBe(403);
    const wrong = s3With(WRONG);
    await expect(wrong.send(new ListObjectsV2Command({ Bucket: 'cirrus-artifacts' }))).rejects.toThrow();
    wrong.destroy();
    const right = s3With(dataDirCredentials());
    const listed = await right.send(new ListObjectsV2Command({ Bucket: 'cirrus-artifacts' }));
    expect(listed.Contents?.map((o) => o.Key)).not.toContain('planted.txt');
    right.destroy();
  });

  it('refuses unsigned and wrongly signed DynamoDB requests', async () => {
    const unsigned = await fetch(env().dynamodb, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(400);
    const wrong = dynamoWith(WRONG);
    await expect(wrong.send(new ListTablesCommand({}))).rejects.toThrow(
      /signature|security token|access key/i,
    );
    wrong.destroy();
    // A valid signature over another body does not carry over to this one.
    const creds = dataDirCredentials();
    const signer = new SignatureV4({
      service: 'dynamodb',
      region: 'us-east-1',
      credentials: creds,
      sha256: Sha256,
    });
    const url = new URL(env().dynamodb);
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    const tampered = await fetch(env().dynamodb, {
      method: 'POST',
      headers: signed.headers,
      body: '{"Limit":1}',
    });
    expect(tampered.status).toBe(400);
  });

  it('refuses a key that escapes the data dir, even correctly signed, and writes nothing outside', async () => {
    const path = '/cirrus-artifacts/..%2F..%2F..%2Fescaped';
    const unsigned = await fetch(`${env().s3}${path}`, { method: 'PUT', body: 'x' });
    expect(unsigned.status).toBe(403);
    const url = new URL(env().s3);
    const signer = new SignatureV4({
      service: 's3',
      region: 'us-east-1',
      credentials: dataDirCredentials(),
      sha256: Sha256,
      uriEscapePath: false,
    });
    const body = 'x';
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body,
    });
    const res = await fetch(`${env().s3}${path}`, { method: 'PUT', headers: signed.headers, body });
    expect(res.status).toBe(400);
    const escapedTo = [dir, join(dir, 'data'), join(dir, 'data', 's3')];
    for (const d of escapedTo) expect(readdirSync(d)).not.toContain('escaped');
  });

  it('keeps the data dir private to the user and the token out of every other file', () => {
    const token = platform.token;
    const walk = (path: string): void => {
      const stat = statSync(path);
      if (stat.isDirectory()) {
        expect((stat.mode & 0o777).toString(8), path).toBe('700');
        for (const name of readdirSync(path)) walk(join(path, name));
        return;
      }
      expect((stat.mode & 0o777).toString(8), path).toBe('600');
      if (path !== join(platform.dataDir, 'token'))
        expect(readFileSync(path).includes(token), `${path} holds the token`).toBe(false);
    };
    walk(platform.dataDir);
  });
});
