import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildPlatform,
  callApi,
  IRIS_ROW,
  startChildPlatform,
  trainIrisEndpoint,
} from './child-platform.js';

/**
 * Issue 17, "Crash safety", on a real `cirrus local up` (a child process, as a user runs it):
 * feedback right after an answer finds it, and an answer survives the process being SIGKILLed.
 */
let dir = '';
let platform: ChildPlatform | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-crash-'));
  platform = await startChildPlatform(join(dir, 'data'));
  await trainIrisEndpoint(platform);
}, 240_000);

afterAll(async () => {
  if (platform && platform.child.exitCode === null) platform.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('crash safety of the local platform', () => {
  it('finds every answered prediction for feedback sent the moment it is answered (50 at once)', async () => {
    const p = platform!;
    const statuses: number[] = [];
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const answer = await callApi(p, 'POST', '/v1/endpoints/iris/predict', { features: IRIS_ROW });
          expect(answer.status).toBe(200);
          const id = answer.json.requestId as string;
          const feedback = await callApi(p, 'PUT', `/v1/predictions/${id}/feedback`, { actual: 2 });
          statuses.push(feedback.status);
        }),
      );
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('keeps every prediction answered 200 when the process is SIGKILLed under load', async () => {
    const first = platform!;
    const answered: string[] = [];
    let killed = false;
    const client = async () => {
      while (!killed) {
        const answer = await callApi(first, 'POST', '/v1/endpoints/iris/predict', {
          features: IRIS_ROW,
        }).catch(() => undefined);
        if (answer?.status === 200) answered.push(answer.json.requestId as string);
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (answered.length < 400) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL'); // with requests in flight and answers still in the log's buffer
    killed = true;
    expect(await first.exited).toBe('SIGKILL');
    await Promise.all(clients);

    platform = await startChildPlatform(first.dataDir);
    const second = platform;
    const lost: string[] = [];
    const refused: string[] = [];
    const queue = [...answered];
    const checker = async () => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        if ((await callApi(second, 'GET', `/v1/predictions/${id}`)).status !== 200) lost.push(id);
        const feedback = await callApi(second, 'PUT', `/v1/predictions/${id}/feedback`, { actual: 1 });
        if (feedback.status !== 200) refused.push(`${id}: ${feedback.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, checker));
    expect({ answered: answered.length, lost, refused }).toEqual({
      answered: answered.length,
      lost: [],
      refused: [],
    });
  }, 240_000);

  it("fails a killed sweep's variant runs on restart, and its trainers die with the runtime, writing no model", async () => {
    const first = platform!;
    const started = await callApi(first, 'POST', '/v1/experiments/sweep/runs', {
      task: 'classification',
      algorithm: ['logistic_regression', 'decision_tree'],
      dataset: { name: 'iris' },
      target: 'target',
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const runIds = started.json.runIds as string[];
    let trainers: number[] = [];
    while (trainers.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      trainers = await trainerPids(first.child.pid!);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    // Each trainer must end with its runtime (a zombie has ended: only its exit status is left).
    while ((await Promise.all(trainers.map(isRunning))).some(Boolean))
      await new Promise((r) => setTimeout(r, 50));
    const jobs = existsSync(join(first.dataDir, 'jobs')) ? readdirSync(join(first.dataDir, 'jobs')) : [];
    // Each attempt's job is cirrus-{runId}-{8 hex}; the trainers seen above had their job roots.
    const jobRoots = jobs.filter((name) =>
      runIds.some((runId) => new RegExp(`^cirrus-${runId}-[0-9a-f]{8}$`).test(name)),
    );
    expect(jobRoots.length).toBeGreaterThan(0);
    for (const job of jobRoots) {
      const model = join(first.dataDir, 'jobs', job, 'model', 'model.onnx');
      expect(existsSync(model), `${model} written after the runtime died`).toBe(false);
    }

    platform = await startChildPlatform(first.dataDir);
    const statuses = await Promise.all(
      runIds.map(async (runId) => (await callApi(platform!, 'GET', `/v1/runs/${runId}`)).json.status),
    );
    expect(statuses).toContain('FAILED'); // the variants that had started
    expect(statuses.filter((s) => s === 'RUNNING' || s === 'QUEUED')).toEqual([]);
  }, 240_000);
});

/** Processes whose parent is `parent` and that run the trainer (its bundle, or training/main.ts through tsx). */
async function trainerPids(parent: number): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${name}/stat`, 'utf8').catch(() => ''),
      readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''),
    ]);
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parent && /training\/main\.ts|\/trainer\/[0-9a-f]+\/trainer\.mjs/.test(cmdline))
      pids.push(Number(name));
  }
  return pids;
}

/** Whether `pid` is a live process (not gone, not a zombie). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}
