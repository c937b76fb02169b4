import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { whileRequestsInFlight } from '../../lambdas/predict-warmup.js';

// When the predict function's first invocation does onnxruntime's setup
// (lambdas/predict-warmup.ts): once its requests are written, while their replies are awaited.

let server: Server | undefined;
afterEach(() => server?.close());

/** A server that records each request's body and replies only when `release` is called. */
async function holdingServer() {
  const received: string[] = [];
  const held: (() => void)[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(body);
      held.push(() => res.end('ok'));
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const post = (body: string) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' });
    const reply = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    req.end(body);
    return { req, reply };
  };
  return { received, release: () => held.splice(0).forEach((f) => f()), post };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
};

describe('whileRequestsInFlight', () => {
  it('runs once both parallel requests are sent, before either reply', async () => {
    const s = await holdingServer();
    let ran = 0;
    let seen: { sent: boolean[]; replies: number } | undefined;
    let replies = 0;
    const posts: ReturnType<typeof s.post>[] = [];
    whileRequestsInFlight(() => {
      ran++;
      seen = { sent: posts.map((p) => p.req.writableFinished), replies };
    });
    posts.push(s.post('a'), s.post('b'));
    const answers = posts.map((p) => p.reply.then(() => replies++));
    await until(() => ran > 0);
    expect(seen).toEqual({ sent: [true, true], replies: 0 });
    await until(() => s.received.length === 2);
    s.release();
    await Promise.all(answers);
    const third = s.post('c');
    await until(() => s.received.length === 3);
    s.release();
    await third.reply;
    expect(ran).toBe(1);
  });

  it('waits for a request: nothing runs while none has started', async () => {
    let ran = false;
    whileRequestsInFlight(() => (ran = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    const s = await holdingServer();
    const answer = s.post('x');
    await until(() => ran && s.received.length === 1);
    s.release();
    await answer.reply;
  });
});
