import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachFeedback } from '../../core/serving/feedback.js';
import { ingestPredictionLines, type LoggedMessage } from '../../core/serving/log-ingest.js';
import { LinePredictionLog } from '../../core/serving/log-lines.js';
import type { PredictContext } from '../../core/serving/predict.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { getPrediction, getPredictionRecords } from '../../core/serving/prediction-store.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import { predictAdapter } from '../../lambdas/api/predict-handler.js';
import { decodeLogsEvent } from '../../lambdas/log-ingest/handler.js';
import { deployModel, IRIS, trainIris } from '../api/fixtures.js';
import { apiGatewayEvent } from '../infra/api-event.js';
import { startTestEmulators, type TestEmulators } from './emulators.js';

// The deployed prediction log (core/serving/log-lines.ts): the predict function emits each record
// as a log line and never writes DynamoDB; the log-ingest function stores the lines it is handed.
// The CloudWatch Logs subscription between the two is AWS's control plane, so these tests hand
// the lines over themselves, in the subscription's own payload format.

let emu: TestEmulators;
const lines: string[] = [];
let answer: ReturnType<typeof predictAdapter>;

beforeAll(async () => {
  emu = await startTestEmulators();
  await deployModel(emu.deps, 'iris', [trainIris('logistic_regression')]);
  const serving: PredictContext = {
    cache: new SessionCache(),
    resolver: new EndpointResolver({}),
    log: new LinePredictionLog((line) => lines.push(line)),
  };
  answer = predictAdapter(emu.deps, serving);
}, 120_000);

afterAll(async () => {
  await emu?.close();
});

async function predictRow(i: number): Promise<string> {
  const result = await answer(
    apiGatewayEvent('POST', '/v1/endpoints/iris/predict', { features: IRIS[i].features }) as never,
  );
  expect(result.statusCode, result.body).toBe(200);
  return (JSON.parse(result.body ?? '{}') as { requestId: string }).requestId;
}

/** Lines as the subscription delivers them: the Lambda runtime's text prefix on some. */
const messages = (from: readonly string[]): LoggedMessage[] =>
  from.map((line, i) => ({
    id: `event-${i}`,
    message: i % 2 ? line : `2026-12-07T10:00:00.000Z\treq-${i}\tINFO\t${line}`,
  }));

describe('the prediction log as log lines', () => {
  it('stores nothing while answering; ingesting the lines stores each record', async () => {
    lines.length = 0;
    const ids = [await predictRow(0), await predictRow(1), await predictRow(2)];
    expect(lines).toHaveLength(3);
    await expect(getPrediction(emu.deps, ids[0])).rejects.toThrow(/not found/i);

    const result = await ingestPredictionLines(emu.deps, new PredictionLogWriter(emu.deps), messages(lines));
    expect(result).toEqual({ stored: 3, duplicates: 0, rejected: [] });
    for (const [i, id] of ids.entries())
      expect(await getPrediction(emu.deps, id)).toMatchObject({ requestId: id, inputs: [IRIS[i].features] });
  });

  it('stores a re-delivered batch once, and keeps the ground truth attached in between', async () => {
    lines.length = 0;
    const id = await predictRow(3);
    const batch = messages(lines);
    await ingestPredictionLines(emu.deps, new PredictionLogWriter(emu.deps), batch);
    await attachFeedback(emu.deps, id, { actual: IRIS[3].target });
    const again = await ingestPredictionLines(emu.deps, new PredictionLogWriter(emu.deps), batch);
    expect(again).toEqual({ stored: 0, duplicates: 1, rejected: [] });
    const records = await getPredictionRecords(emu.deps, id);
    expect(records).toHaveLength(1);
    expect(records[0].actual).toBe(IRIS[3].target);
  });

  it('names a line that breaks the contract and stores the others; other lines are ignored', async () => {
    lines.length = 0;
    const id = await predictRow(4);
    const bad = '{"cirrusPrediction":{"requestId":"x","probabilities":[null]}}';
    const batch = [
      ...messages(lines),
      { id: 'bad-1', message: bad },
      { id: 'other', message: 'START RequestId: abc Version: $LATEST' },
    ];
    const result = await ingestPredictionLines(emu.deps, new PredictionLogWriter(emu.deps), batch);
    expect(result.stored).toBe(1);
    expect(result.rejected).toEqual([{ id: 'bad-1', reason: expect.any(String) }]);
    expect(await getPrediction(emu.deps, id)).toMatchObject({ requestId: id });
  });

  it('decodes the subscription payload (base64 of gzip of JSON)', () => {
    const data = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/lambda/predict',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [{ id: '1', timestamp: 1, message: 'm' }],
    };
    const event: CloudWatchLogsEvent = {
      awslogs: { data: gzipSync(Buffer.from(JSON.stringify(data))).toString('base64') },
    };
    expect(decodeLogsEvent(event)).toEqual(data);
  });
});
