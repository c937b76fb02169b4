import type { LocalPlatform } from '../../local/runtime.js';

export interface Answer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
  readonly headers: Headers;
}

/** One request to a running local platform with its token; `raw` sends the body as is. */
export async function call(
  p: LocalPlatform,
  method: string,
  path: string,
  body?: unknown,
  options: { raw?: string; contentType?: string } = {},
): Promise<Answer> {
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(`${p.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${p.token}`,
      'content-type': options.contentType ?? 'application/json',
    },
    body: payload,
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the caller asserts on the text
  }
  return { status: response.status, json, headers: response.headers };
}

/** Starts a training run and waits for its execution; returns the run as the API shows it. */
export async function train(
  p: LocalPlatform,
  experiment: string,
  request: Record<string, unknown>,
): Promise<{ started: Answer; run?: Answer }> {
  const started = await call(p, 'POST', `/v1/experiments/${experiment}/runs`, request);
  if (started.status !== 202) return { started };
  await p.runner.wait(started.json.executionId as string);
  return { started, run: await call(p, 'GET', `/v1/runs/${started.json.runId as string}`) };
}
