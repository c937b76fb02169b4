import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterMessage } from '../../contracts/dead-letters.js';
import { lambdaRedeliveryTargets, sqsDeadLetterQueue } from '../../core/events/dead-letter-aws.js';
import { type DeadLetterPorts, parseDeadLetter, redriveDeadLetters } from '../../core/events/dead-letters.js';

// The AWS path of the dead-letter redrive (core/events/dead-letter-aws.ts) with the real SQS and
// Lambda SDK clients. No SQS or Lambda emulator runs here, so they talk to a tiny fake of the
// two HTTP APIs below (SQS's JSON protocol, Lambda's Invoke): the AWS control plane, mocked.
// What is checked is ours: both message shapes, and that a message is deleted only after its
// target accepted the payload. The local path runs end to end in tests/cli/dead-letters.test.ts.

const ACCOUNT = 'arn:aws:lambda:eu-west-1:123456789012:function';
const RETRAIN = `${ACCOUNT}:cirrus-retrain`;
const DRIFT = `${ACCOUNT}:cirrus-drift`;
const DRIFT_EVENT = {
  source: 'cirrus',
  'detail-type': 'ModelDriftDetected',
  detail: { endpoint: 'iris', experiment: 'iris' },
};

/** A rule's undeliverable event, as EventBridge sends it to a target's dead-letter queue. */
const ruleMessage = (id: string, target = RETRAIN) => ({
  MessageId: id,
  Body: JSON.stringify(DRIFT_EVENT),
  MessageAttributes: {
    RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:eu-west-1:123456789012:rule/DriftDetected' },
    TARGET_ARN: { DataType: 'String', StringValue: target },
    ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
    ERROR_MESSAGE: { DataType: 'String', StringValue: 'Unable to invoke Lambda function' },
    RETRY_ATTEMPTS: { DataType: 'String', StringValue: '2' },
  },
});
/** A failed asynchronous invocation, as Lambda's on-failure destination sends it. */
const invocationRecord = {
  version: '1.0',
  timestamp: '2026-12-07T10:00:00.000Z',
  requestContext: {
    requestId: 'e4b46cbf-b738-4c3b-8d11-3a1c5e2a7f00',
    functionArn: `${DRIFT}:$LATEST`,
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'TimeoutError', errorMessage: 'DynamoDB did not answer' },
};

interface Fake {
  /** Messages each ReceiveMessage answers, one list per call (then none). */
  receives: Record<string, unknown>[][];
  /** Functions that answer Invoke with ResourceNotFoundException. */
  missing: Set<string>;
  calls: string[];
  visibility: number[];
}
const fake: Fake = { receives: [], missing: new Set(), calls: [], visibility: [] };
let server: Server;
let ports: DeadLetterPorts;

const read = (req: IncomingMessage) =>
  new Promise<string>((done) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => done(text));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await read(req);
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    if (invoke) {
      const fn = decodeURIComponent(invoke[1] ?? '');
      fake.calls.push(`Invoke ${fn.split(':').pop()} ${req.headers['x-amz-invocation-type']}`);
      if (fake.missing.has(fn)) {
        res.writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ResourceNotFoundException',
        });
        return res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${fn}` }));
      }
      res.writeHead(202);
      return res.end();
    }
    const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    if (action === 'ReceiveMessage') {
      fake.calls.push('ReceiveMessage');
      fake.visibility.push(Number(input.VisibilityTimeout));
      const messages = (fake.receives.shift() ?? []).map((m) => ({
        ...m,
        ReceiptHandle: `rh-${String(m.MessageId)}`,
        MD5OfBody: createHash('md5').update(String(m.Body)).digest('hex'),
        Attributes: { SentTimestamp: '1796637600000' },
      }));
      return res.end(JSON.stringify({ Messages: messages }));
    }
    fake.calls.push(
      `${action} ${String(input.ReceiptHandle)}${action === 'ChangeMessageVisibility' ? ` ${String(input.VisibilityTimeout)}` : ''}`,
    );
    res.end('{}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = {
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' },
  };
  const queueUrl = `${endpoint}/123456789012/cirrus-dead-letters`;
  ports = {
    queue: sqsDeadLetterQueue(new SQSClient(config), queueUrl),
    targets: lambdaRedeliveryTargets(new LambdaClient(config), [RETRAIN, DRIFT]),
  };
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  Object.assign(fake, { receives: [], missing: new Set(), calls: [], visibility: [] });
});

describe('reading dead letters', () => {
  const message = (body: string, attributes: Record<string, string> = {}): DeadLetterMessage => ({
    id: 'm1',
    body,
    attributes,
    sentAt: '2026-12-07T10:00:01.000Z',
  });

  it("reads a rule's undeliverable event from its body and attributes", () => {
    const attributes = Object.fromEntries(
      Object.entries(ruleMessage('m1').MessageAttributes).map(([k, v]) => [k, v.StringValue]),
    );
    expect(parseDeadLetter(message(JSON.stringify(DRIFT_EVENT), attributes))).toEqual({
      view: {
        id: 'm1',
        kind: 'rule',
        target: RETRAIN,
        rule: 'DriftDetected',
        error: 'Unable to invoke Lambda function',
        attempts: 3,
        firstSeen: '2026-12-07T10:00:01.000Z',
        summary: 'ModelDriftDetected iris',
      },
      payload: DRIFT_EVENT,
    });
  });

  it("reads a Lambda destination's invocation record: the unqualified function, its error, the payload", () => {
    expect(parseDeadLetter(message(JSON.stringify(invocationRecord)))).toEqual({
      view: {
        id: 'm1',
        kind: 'invocation',
        target: DRIFT,
        error: 'TimeoutError: DynamoDB did not answer',
        attempts: 3,
        firstSeen: '2026-12-07T10:00:01.000Z',
        summary: 'Scheduled Event',
      },
      payload: invocationRecord.requestPayload,
    });
  });

  it('marks anything else unknown, with no target and no payload', () => {
    expect(parseDeadLetter(message('not json'))).toEqual({
      view: expect.objectContaining({
        kind: 'unknown',
        summary: 'neither a rule event nor an invocation record',
      }),
    });
    expect(parseDeadLetter(message('{"hello": 1}')).view.target).toBeUndefined();
  });
});

describe('the SQS queue and Lambda targets', () => {
  it('lists without hiding: visibility 0, until two rounds bring nothing new', async () => {
    fake.receives = [[ruleMessage('a'), ruleMessage('b')], [ruleMessage('b')], [ruleMessage('a')]];
    const { messages, truncated } = await ports.queue.peek(100);
    expect(messages.map((m) => m.id)).toEqual(['a', 'b']);
    expect(truncated).toBe(false);
    expect(fake.visibility).toEqual([0, 0, 0]);
    expect(fake.calls.filter((c) => c !== 'ReceiveMessage')).toEqual([]);
  });

  it('deletes a message only after its target accepted it; keeps the others visible again, saying why', async () => {
    fake.missing.add(DRIFT);
    fake.receives = [
      [
        ruleMessage('ok'),
        { MessageId: 'gone', Body: JSON.stringify(invocationRecord) },
        ruleMessage('stranger', `${ACCOUNT}:someone-else`),
        { MessageId: 'junk', Body: 'not json' },
      ],
    ];
    const result = await redriveDeadLetters(ports, { all: true });
    expect(result).toMatchObject({ redriven: 1, kept: 3, missing: 0 });
    expect(result.results).toEqual([
      { id: 'ok', outcome: 'redriven', target: RETRAIN },
      {
        id: 'gone',
        outcome: 'kept',
        target: DRIFT,
        reason: expect.stringMatching(/^arn:.*cirrus-drift refused it: Function not found/),
      },
      {
        id: 'stranger',
        outcome: 'kept',
        target: `${ACCOUNT}:someone-else`,
        reason: expect.stringContaining('is not a function Cirrus redrives to'),
      },
      { id: 'junk', outcome: 'kept', reason: expect.stringContaining('cannot redrive') },
    ]);
    expect(fake.visibility[0]).toBeGreaterThan(0); // taken messages are hidden while redriven
    expect(fake.calls.filter((c) => c !== 'ReceiveMessage')).toEqual([
      'Invoke cirrus-retrain Event',
      'DeleteMessage rh-ok',
      'Invoke cirrus-drift Event',
      'ChangeMessageVisibility rh-gone 0',
      'ChangeMessageVisibility rh-stranger 0',
      'ChangeMessageVisibility rh-junk 0',
    ]);
  });

  it('redrives only the ids asked for, releases the rest, and reports an unknown id as missing', async () => {
    fake.receives = [[ruleMessage('a'), ruleMessage('b')]];
    const result = await redriveDeadLetters(ports, { ids: ['b', 'nope'] });
    expect(result).toMatchObject({ redriven: 1, kept: 0, missing: 1 });
    expect(fake.calls.filter((c) => c !== 'ReceiveMessage')).toEqual([
      'ChangeMessageVisibility rh-a 0',
      'Invoke cirrus-retrain Event',
      'DeleteMessage rh-b',
    ]);
  });
});
