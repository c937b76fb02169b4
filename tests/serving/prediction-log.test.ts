import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import type { CoreDeps } from '../../core/deps.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { attachFeedback } from '../../core/serving/feedback.js';
import { gunzipSync } from 'node:zlib';
import { endpointGsiPk, logPk, SEGMENT_SIZE, segmentOf } from '../../core/serving/log-layout.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import {
  getPrediction,
  getPredictionRecords,
  queryPredictions,
} from '../../core/serving/prediction-store.js';
import { startTestEmulators, type TestEmulators } from './emulators.js';
import { registerOnnx } from './fixtures/register.js';
import {
  classifierContract,
  regressorContract,
  tinyClassifierBytes,
  tinyRegressorBytes,
} from './fixtures/tiny-models.js';

let emu: TestEmulators;
beforeAll(async () => {
  emu = await startTestEmulators();
  // Feedback is checked against the logged version's contract (classes no/yes).
  await registerOnnx(emu.deps, 'iris', tinyClassifierBytes(), classifierContract);
  // Tests about storing ground truth use labels of their own, and one a regressor.
  const labels = ['a', 'b', 'c', 'd', 'e', 'c0', 'c1', 'c2', 'c3', 'c4'];
  await registerOnnx(emu.deps, 'labels', tinyClassifierBytes(), { ...classifierContract, classes: labels });
  await registerOnnx(emu.deps, 'reg', tinyRegressorBytes(), regressorContract);
});
afterAll(() => emu?.close());

function record(over: Partial<PredictionLogRecord> = {}): PredictionLogRecord {
  return {
    requestId: randomUUID(),
    endpoint: 'iris',
    model: 'iris',
    version: 1,
    variant: 'champion',
    shadow: false,
    inputs: [{ x1: 1, color: 'red', x2: null }],
    outputs: [{ label: 'yes', probabilities: { no: 0.25, yes: 0.75 } }],
    rowCount: 1,
    latencyMs: 1.5,
    at: new Date().toISOString(),
    ...over,
  };
}

async function partItems(ddb: DynamoDBDocumentClient, gsi1pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({
        TableName: emu.deps.tables.predictions,
        FilterExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function inChunks<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('PredictionLogWriter', () => {
  it('stores every one of 5,000 records in segment parts so each is found by its request id', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const records = Array.from({ length: 5000 }, (_, i) =>
      record({
        requestId: writer.newRequestId(),
        endpoint: 'burst',
        variant: i % 10 === 0 ? 'challenger' : 'champion',
      }),
    );
    for (const r of records) writer.log(r);
    await writer.flush();
    expect(writer.written).toBe(5000);
    await inChunks(records, 100, async (r) => {
      expect(await getPrediction(emu.deps, r.requestId)).toEqual(r);
    });
    // Grouped: ~5000 / SEGMENT_SIZE items, not one per record.
    const items = await partItems(emu.deps.ddb, 'EP#burst');
    expect(items.reduce((n, i) => n + Number(i.count), 0)).toBe(5000);
    expect(items.length).toBeGreaterThanOrEqual(Math.ceil(5000 / SEGMENT_SIZE));
    expect(items.length).toBeLessThan(200);
    // Each part's records are gzip-compressed JSON lines, several times smaller than the text.
    let text = 0;
    let stored = 0;
    for (const item of items) {
      expect(item.records).toBeInstanceOf(Uint8Array);
      const lines = gunzipSync(item.records as Uint8Array)
        .toString('utf8')
        .split('\n');
      expect(lines).toHaveLength(Number(item.count));
      text += lines.join('\n').length;
      stored += (item.records as Uint8Array).length;
    }
    expect(stored * 4).toBeLessThan(text);
  });

  it('still reads parts written before compression (records as a String)', async () => {
    const requestId = 'abcdef012345-old.0';
    const r = record({ requestId, endpoint: 'legacy', at: new Date().toISOString() });
    const sk = 'PART#abcdef012345#00000000';
    await emu.deps.ddb.send(
      new BatchWriteCommand({
        RequestItems: {
          [emu.deps.tables.predictions]: [
            {
              PutRequest: {
                Item: {
                  pk: logPk(segmentOf(requestId)),
                  sk,
                  gsi1pk: endpointGsiPk('legacy'),
                  gsi1sk: `${r.at}#${segmentOf(requestId)}#${sk}`,
                  count: 1,
                  records: JSON.stringify(r),
                },
              },
            },
          ],
        },
      }),
    );
    expect(await getPrediction(emu.deps, requestId)).toEqual(r);
    const labelled = await attachFeedback(emu.deps, requestId, { actual: 'yes' });
    expect(labelled.record.actual).toBe('yes');
    const window = {
      endpoint: 'legacy',
      from: new Date(Date.now() - 60_000),
      to: new Date(Date.now() + 1000),
    };
    const got: unknown[] = [];
    for await (const x of queryPredictions(emu.deps, window)) got.push(x.actual);
    expect(got).toEqual(['yes']);
  });

  it('cuts a part when its records span more than MAX_PART_SPAN_MS, and the window still finds them', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const base = Date.parse('2031-01-01T00:00:00.000Z');
    // One segment, records 0..150 s apart: parts must be cut, and a window query that starts
    // inside a part's span must still return the records of the window, only those.
    const records = [0, 30, 59, 61, 90, 150].map((s) =>
      record({
        requestId: writer.newRequestId(),
        endpoint: 'span',
        at: new Date(base + s * 1000).toISOString(),
      }),
    );
    for (const r of records) writer.log(r);
    await writer.flush();
    const items = await partItems(emu.deps.ddb, 'EP#span');
    expect(items.length).toBeGreaterThanOrEqual(3);
    const got: string[] = [];
    const window = { endpoint: 'span', from: new Date(base + 45_000), to: new Date(base + 120_000) };
    for await (const r of queryPredictions(emu.deps, window)) got.push(r.requestId);
    expect(got.sort()).toEqual([records[2], records[3], records[4]].map((r) => r.requestId).sort());
  });

  it('bounds its queue when writes fall behind: callers wait, no record is dropped', async () => {
    const writer = new PredictionLogWriter(emu.deps, { maxPending: 60, concurrency: 1 });
    const records = Array.from({ length: 400 }, () => record({ endpoint: 'backlog' }));
    let peak = 0;
    for (const r of records) {
      writer.log(r);
      if (writer.overloaded) await writer.waitForCapacity();
      peak = Math.max(peak, writer.pending);
    }
    // Without the wait the queue would hold ~400 records at once (log() never blocks).
    expect(peak).toBeLessThanOrEqual(60 + 1);
    await writer.flush();
    expect(writer.written).toBe(400);
  });

  it('retries UnprocessedItems until every record is stored', async () => {
    // Fault injection around the real dynalite client: the first write of each batch reports
    // half its items as unprocessed (what DynamoDB does under throttling) and only writes the rest.
    const real = emu.deps.ddb;
    const seen = new Set<string>();
    const flaky = Object.create(real) as DynamoDBDocumentClient;
    flaky.send = ((command: unknown) => {
      if (!(command instanceof BatchWriteCommand)) return real.send(command as never);
      const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0];
      const first = String(requests[0].PutRequest?.Item?.pk);
      if (seen.has(first) || requests.length < 2) return real.send(command);
      seen.add(first);
      const half = Math.ceil(requests.length / 2);
      return real
        .send(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, half) } }))
        .then(() => ({ UnprocessedItems: { [table]: requests.slice(half) } }));
    }) as DynamoDBDocumentClient['send'];
    const deps: CoreDeps = { ...emu.deps, ddb: flaky };
    const writer = new PredictionLogWriter(deps, { baseDelayMs: 1 });
    const records = Array.from({ length: 300 }, () => record({ endpoint: 'flaky' }));
    for (const r of records) writer.log(r);
    await writer.flush();
    expect(seen.size).toBeGreaterThan(0);
    await inChunks(records, 100, async (r) => {
      expect((await getPrediction(emu.deps, r.requestId)).requestId).toBe(r.requestId);
    });
  });

  it.each([
    { attempts: 8, flushes: 1 },
    { attempts: 1, flushes: 2 },
  ])(
    'never overwrites a part stored by a call that then failed, ground truth attached meanwhile survives ($flushes flush(es))',
    async ({ attempts, flushes }) => {
      // Fault injection around the real dynalite client: the first BatchWriteItem stores its parts,
      // then — before its answer arrives — a caller attaches ground truth, and the call throws (a
      // timeout after the write). The writer must retry without erasing that ground truth.
      const real = emu.deps.ddb;
      let failed = 0;
      const labelled: { requestId?: string } = {};
      const flaky = Object.create(real) as DynamoDBDocumentClient;
      flaky.send = (async (command: unknown) => {
        if (!(command instanceof BatchWriteCommand) || failed > 0) return real.send(command as never);
        failed++;
        await real.send(command);
        await attachFeedback(emu.deps, labelled.requestId!, { actual: 'yes' });
        throw Object.assign(new Error('socket timed out after the write'), { name: 'TimeoutError' });
      }) as DynamoDBDocumentClient['send'];
      const writer = new PredictionLogWriter(
        { ...emu.deps, ddb: flaky },
        { baseDelayMs: 1, maxAttempts: attempts },
      );
      const records = Array.from({ length: 10 }, () =>
        record({ requestId: writer.newRequestId(), endpoint: `ambiguous-${attempts}` }),
      );
      const r = records[3];
      labelled.requestId = r.requestId;
      for (const x of records) writer.log(x);
      // With one attempt the failed parts go back to the queue and the next flush writes them.
      if (flushes === 2) await expect(writer.flush()).rejects.toThrow(/socket timed out/);
      await writer.flush();
      expect(failed).toBe(1);
      expect(writer.written).toBe(10);
      expect((await getPrediction(emu.deps, r.requestId)).actual).toBe('yes');
      for (const x of records)
        expect((await getPrediction(emu.deps, x.requestId)).requestId).toBe(x.requestId);
    },
  );

  it('writes a busy stream in full BatchWriteItem calls (~1,024 records, at most 25 parts each)', async () => {
    // Each call costs the SDK ~1 ms of the answering thread however few items it carries
    // (bench/prediction-log.ts), so a burst must not become a stream of small calls.
    const real = emu.deps.ddb;
    const calls: number[] = [];
    const counting = Object.create(real) as DynamoDBDocumentClient;
    counting.send = ((command: unknown) => {
      if (command instanceof BatchWriteCommand)
        calls.push(Object.values(command.input.RequestItems ?? {})[0].length);
      return real.send(command as never);
    }) as DynamoDBDocumentClient['send'];
    const writer = new PredictionLogWriter({ ...emu.deps, ddb: counting });
    for (let i = 0; i < 5000; i++)
      writer.log(record({ requestId: writer.newRequestId(), endpoint: 'full-calls' }));
    await writer.flush();
    expect(writer.written).toBe(5000);
    expect(calls.length).toBeLessThanOrEqual(6); // 5,000 / 1,024 rounded up, and one to spare
    for (const items of calls) expect(items).toBeLessThanOrEqual(25);
  });

  it('writes a partial batch after the flush interval without an explicit flush', async () => {
    const writer = new PredictionLogWriter(emu.deps, { flushIntervalMs: 5 });
    const r = record();
    writer.log(r);
    await expect.poll(() => writer.written, { interval: 10, timeout: 5000 }).toBe(1);
    expect((await getPrediction(emu.deps, r.requestId)).requestId).toBe(r.requestId);
  });

  it('keeps shadows apart from the answer and queries an endpoint window by time', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const served = [0, 10, 20, 30].map((s) => record({ endpoint: 'window', at: at(s) }));
    const shadow = record({ ...served[1], variant: 'next', version: 2, shadow: true });
    for (const r of [...served, shadow]) writer.log(r);
    await writer.flush();
    expect(await getPrediction(emu.deps, served[1].requestId)).toEqual(served[1]);
    expect((await getPredictionRecords(emu.deps, served[1].requestId)).map((r) => r.variant).sort()).toEqual([
      'champion',
      'next',
    ]);
    const window = { endpoint: 'window', from: new Date(base + 10_000), to: new Date(base + 30_000) };
    const got: string[] = [];
    for await (const r of queryPredictions(emu.deps, window)) got.push(r.requestId);
    expect(got).toEqual([served[1].requestId, served[2].requestId]);
    let withShadows = 0;
    for await (const _ of queryPredictions(emu.deps, { ...window, includeShadows: true })) withShadows++;
    expect(withShadows).toBe(3);
  });

  it('drops rows that would overflow the 400 KB item limit and marks the record truncated', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ x1: i, color: 'red', x2: i / 3 }));
    const r = record({ inputs: rows, outputs: rows.map(() => ({ label: 'yes' })), rowCount: rows.length });
    writer.log(r);
    await writer.flush();
    const stored = await getPrediction(emu.deps, r.requestId);
    expect(stored).toMatchObject({ truncated: true, rowCount: 10_000 });
    expect(stored.inputs).toBeUndefined();
  });
});

describe('attachFeedback', () => {
  it('is idempotent for the same actual, refuses a different one, and 404s an unknown id', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const r = record();
    writer.log(r);
    await writer.flush();
    const first = await attachFeedback(emu.deps, r.requestId, { actual: 'yes' });
    expect(first).toMatchObject({ changed: true, record: { actual: 'yes', variant: 'champion' } });
    const again = await attachFeedback(emu.deps, r.requestId, { actual: 'yes' });
    expect(again).toEqual({ changed: false, record: first.record });
    await expect(attachFeedback(emu.deps, r.requestId, { actual: 'no' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(attachFeedback(emu.deps, 'nope', { actual: 'yes' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps each answer of a shared part apart, and a window query returns the ground truth', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const rs = Array.from({ length: 10 }, () =>
      record({ requestId: writer.newRequestId(), endpoint: 'labelled', model: 'labels' }),
    );
    for (const r of rs) writer.log(r);
    await writer.flush();
    expect((await partItems(emu.deps.ddb, 'EP#labelled')).length).toBe(1);
    await Promise.all(
      rs.slice(0, 5).map((r, i) => attachFeedback(emu.deps, r.requestId, { actual: `c${i}` })),
    );
    for (const [i, r] of rs.entries()) {
      expect((await getPrediction(emu.deps, r.requestId)).actual).toBe(i < 5 ? `c${i}` : undefined);
    }
    const window = {
      endpoint: 'labelled',
      from: new Date(Date.now() - 60_000),
      to: new Date(Date.now() + 1000),
    };
    const actuals = new Map<string, unknown>();
    for await (const r of queryPredictions(emu.deps, window)) actuals.set(r.requestId, r.actual);
    expect(rs.map((r) => actuals.get(r.requestId))).toEqual([
      'c0',
      'c1',
      'c2',
      'c3',
      'c4',
      ...Array(5).fill(undefined),
    ]);
  });

  it('lets only one of many concurrent different answers win', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const r = record({ model: 'labels' });
    writer.log(r);
    await writer.flush();
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((actual) => attachFeedback(emu.deps, r.requestId, { actual })),
    );
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((x) => x.status === 'rejected' && x.reason instanceof ConflictError)).toHaveLength(
      4,
    );
  });

  it('takes one value per row for a batch and names actual otherwise', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const r = record({
      model: 'reg',
      rowCount: 2,
      inputs: [{ a: 1 }, { a: 2 }],
      outputs: [{ value: 1 }, { value: 2 }],
    });
    writer.log(r);
    await writer.flush();
    await expect(attachFeedback(emu.deps, r.requestId, { actual: 3 })).rejects.toMatchObject({
      field: 'actual',
    });
    await expect(attachFeedback(emu.deps, r.requestId, { actual: 'x' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(attachFeedback(emu.deps, r.requestId, { actual: [1.5, 2.5] })).resolves.toMatchObject({
      changed: true,
    });
    await expect(attachFeedback(emu.deps, r.requestId, { nope: 1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses ground truth DynamoDB cannot store (1e-200) with a 400 naming actual, and writes nothing', async () => {
    const writer = new PredictionLogWriter(emu.deps);
    const r = record({ model: 'reg', outputs: [{ value: 1 }] });
    writer.log(r);
    await writer.flush();
    await expect(attachFeedback(emu.deps, r.requestId, { actual: 1e-200 })).rejects.toMatchObject({
      status: 400,
      field: 'actual',
    });
    expect((await getPrediction(emu.deps, r.requestId)).actual).toBeUndefined();
    await expect(attachFeedback(emu.deps, r.requestId, { actual: 0.5 })).resolves.toMatchObject({
      changed: true,
    });
  });
});
