import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES } from '../../core/deps.js';
import { createServer } from 'node:net';
import { type Emulators, type StartEmulatorsOptions, startEmulators } from '../../local/emulators/index.js';
import { startEmulatorsThread } from '../../local/emulators/thread.js';

let dataDir = '';
let running: Emulators | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

type Starter = (options: StartEmulatorsOptions) => Promise<Emulators>;

// The same behaviour whether the servers run on this thread or on a worker thread (the local
// runtime's way).
describe.each<[string, Starter]>([
  ['startEmulators', startEmulators],
  ['startEmulatorsThread', startEmulatorsThread],
])('%s', (_name, starter) => {
  async function start(): Promise<Emulators> {
    dataDir ||= await mkdtemp(join(tmpdir(), 'cirrus-emulators-'));
    running = await starter({ dataDir });
    return running;
  }

  it('creates the three tables with the gsi1 index and the bucket (catches a table/definition mismatch)', async () => {
    const { endpoints, deps, credentials } = await start();
    const raw = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: endpoints.dynamodb,
      credentials,
    });
    try {
      const { TableNames } = await raw.send(new ListTablesCommand({}));
      expect(TableNames?.sort()).toEqual(Object.values(DEFAULT_TABLE_NAMES).sort());
      const { Table } = await raw.send(new DescribeTableCommand({ TableName: deps.tables.registry }));
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['gsi1']);
    } finally {
      raw.destroy();
    }
  });

  it('keeps every write across stop and restart (catches unflushed LevelDB or lost S3 files)', async () => {
    const first = await start();
    const writes = Array.from({ length: 50 }, (_, i) =>
      first.deps.ddb.send(
        new PutCommand({ TableName: first.deps.tables.tracking, Item: { pk: `K#${i}`, sk: 'V', n: i } }),
      ),
    );
    await Promise.all(writes);
    await first.deps.s3.send(
      new PutObjectCommand({ Bucket: first.deps.bucket, Key: 'a/b/c.txt', Body: 'hello' }),
    );
    await first.stop();
    running = undefined;

    const second = await start();
    const items = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        second.deps.ddb.send(
          new GetCommand({ TableName: second.deps.tables.tracking, Key: { pk: `K#${i}`, sk: 'V' } }),
        ),
      ),
    );
    expect(items.map((r) => r.Item?.n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const object = await second.deps.s3.send(
      new GetObjectCommand({ Bucket: second.deps.bucket, Key: 'a/b/c.txt' }),
    );
    expect(await object.Body?.transformToString()).toBe('hello');
  });

  it('serves the same data to a plain client configured like the AWS CLI (catches deps-only state)', async () => {
    const { deps, endpoints, credentials } = await start();
    await deps.ddb.send(
      new PutCommand({ TableName: deps.tables.registry, Item: { pk: 'M#x', sk: 'MODEL', v: 3 } }),
    );
    await deps.s3.send(
      new PutObjectCommand({ Bucket: deps.bucket, Key: 'k.bin', Body: new Uint8Array([1, 2, 3]) }),
    );

    const ddb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: endpoints.dynamodb,
      credentials,
    });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: endpoints.s3,
      forcePathStyle: true,
      credentials,
    });
    try {
      const { Item } = await ddb.send(
        new GetItemCommand({
          TableName: deps.tables.registry,
          Key: { pk: { S: 'M#x' }, sk: { S: 'MODEL' } },
        }),
      );
      expect(Item?.v).toEqual({ N: '3' });
      const object = await s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: 'k.bin' }));
      expect([...((await object.Body?.transformToByteArray()) ?? [])]).toEqual([1, 2, 3]);
    } finally {
      ddb.destroy();
      s3.destroy();
    }
  });
});

describe('startEmulatorsThread', () => {
  it('reports a server that cannot start, naming why, and leaves no thread behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    dataDir ||= await mkdtemp(join(tmpdir(), 'cirrus-emulators-'));
    try {
      await expect(startEmulatorsThread({ dataDir, dynamoPort: port })).rejects.toThrow(
        /the emulators did not start: .*EADDRINUSE/s,
      );
    } finally {
      taken.close();
    }
    // The data directory is free again: the in-thread LevelDB was closed or never opened.
    running = await startEmulatorsThread({ dataDir });
    expect(running.endpoints.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
