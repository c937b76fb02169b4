import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cirrus.js', import.meta.url));

/** A `cirrus local up` running as a child process, as a user starts it. */
export interface ChildPlatform {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  /** Everything it printed so far (stdout and stderr). */
  readonly output: () => string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts `node bin/cirrus.js local up --port 0 --data-dir <dataDir> --no-scheduler …` and waits
 * for its banner; the token is read from the data dir, as the CLI does.
 */
export async function startChildPlatform(
  dataDir: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ChildPlatform> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CIRRUS_')));
  const child = spawn(
    process.execPath,
    [BIN, 'local', 'up', '--port', '0', '--data-dir', dataDir, '--no-scheduler', ...args],
    { env: { ...base, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Ctrl-C stops it cleanly.')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`cirrus local up exited (${code}):\n${text}`)));
  });
  const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
  if (!url) throw new Error(`no API URL in the banner:\n${text}`);
  const token = (await readFile(join(dataDir, 'token'), 'utf8')).trim();
  return { child, url, token, dataDir, output: () => text, exited };
}

/** A JSON call with the platform's token; the body parsed (or `{}` when not JSON). */
export async function callApi(
  p: { url: string; token: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const send = () =>
    fetch(`${p.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // A keep-alive connection the server closed as idle just as it was reused resets: an
  // idempotent call (GET, PUT) is sent again once; a POST's failure is the caller's to judge.
  const response = await send().catch((error: unknown) => {
    if (method === 'POST' || !String((error as Error).cause).includes('ECONNRESET')) throw error;
    return send();
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

/** Polls a run until it leaves QUEUED/RUNNING; its final record. */
export async function waitForRun(
  p: { url: string; token: string },
  runId: string,
): Promise<Record<string, unknown>> {
  for (;;) {
    const run = await callApi(p, 'GET', `/v1/runs/${runId}`);
    const status = run.json.status;
    if (status !== 'QUEUED' && status !== 'RUNNING') return run.json;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const IRIS_ROW = {
  'sepal length (cm)': 5.9,
  'sepal width (cm)': 3.2,
  'petal length (cm)': 4.8,
  'petal width (cm)': 1.8,
};

/** Loads the built-in iris and trains a logistic regression champion behind endpoint `iris`. */
export async function trainIrisEndpoint(p: { url: string; token: string }): Promise<void> {
  const load = await callApi(p, 'POST', '/v1/datasets', { name: 'iris', builtin: 'iris' });
  if (load.status !== 201) throw new Error(`dataset: ${JSON.stringify(load.json)}`);
  const started = await callApi(p, 'POST', '/v1/experiments/iris/runs', {
    task: 'classification',
    algorithm: 'logistic_regression',
    dataset: { name: 'iris' },
    target: 'target',
  });
  if (started.status !== 202) throw new Error(`train: ${JSON.stringify(started.json)}`);
  const run = await waitForRun(p, started.json.runId as string);
  if (run.status !== 'SUCCEEDED') throw new Error(`run: ${JSON.stringify(run)}`);
}
