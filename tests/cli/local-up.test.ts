import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/cirrus.js', import.meta.url));
let child: ChildProcess | undefined;
let dir: string | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Collects the child's stdout until `pattern` matches. */
function waitFor(proc: ChildProcess, pattern: RegExp, out: { text: string }): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(out.text);
      if (m) resolve(m);
    };
    proc.stdout!.on('data', (chunk: Buffer) => {
      out.text += chunk.toString();
      check();
    });
    proc.once('exit', (code) =>
      reject(new Error(`cirrus local up exited (${code}) before printing ${pattern}:\n${out.text}`)),
    );
  });
}

describe('cirrus local up', () => {
  it('serves in the foreground, prints URL, where the token is (never the token) and data dir, and stops cleanly on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cirrus-up-'));
    const dataDir = join(dir, 'data');
    child = spawn(
      process.execPath,
      [BIN, 'local', 'up', '--port', '0', '--data-dir', dataDir, '--no-scheduler'],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const out = { text: '' };
    // Wait for the banner's last line: a pipe may deliver the banner in several chunks.
    await waitFor(child, /Ctrl-C stops it cleanly\./, out);
    const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out.text)?.[1];
    expect(url).toBeDefined();
    const token = (await readFile(join(dataDir, 'token'), 'utf8')).trim();
    expect(out.text).toContain(`token     in ${join(dataDir, 'token')}`);
    expect(out.text).not.toContain(token);
    expect(out.text).toContain(`data dir  ${dataDir}`);
    expect(out.text).toContain(`${url}/docs`);

    // Another shell: the CLI finds the token in the data directory.
    const load = await runCli(['--json', 'datasets', 'load', 'iris'], {
      CIRRUS_URL: url!,
      CIRRUS_DATA_DIR: dataDir,
    });
    expect(load.code).toBe(0);
    expect(JSON.parse(load.stdout)).toMatchObject({ name: 'iris', rowCount: 150 });

    // A second platform on the same data dir says which one runs, instead of failing in the database.
    const second = await runCli(['local', 'up', '--port', '0', '--data-dir', dataDir, '--no-scheduler']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `error: Cirrus is already running on data dir ${dataDir}: ${url} (pid ${child.pid})`,
    );

    const exited = new Promise<number | null>((resolve) => child!.once('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.text).toContain('stopped; the next `cirrus local up` sees everything.');
  });
});
