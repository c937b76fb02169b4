import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { trainerBundle } from '../../local/training-jobs/trainer-bundle.js';

// The local runner's trainer bundle cache, with a two-file program standing in for training/main.ts
// (real esbuild builds; the real trainer's bundle runs in real-trainer.test.ts).
const scratch = mkdtempSync(join(tmpdir(), 'cirrus-trainer-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const src = join(scratch, 'src');
const dir = join(scratch, 'cache');
writeFileSync(join(scratch, 'package.json'), '{"type":"module"}');
mkdirSync(src, { recursive: true });
writeFileSync(join(src, 'main.mjs'), "import { message } from './message.mjs';\nconsole.log(message);\n");
const setMessage = (m: string) => writeFileSync(join(src, 'message.mjs'), `export const message = '${m}';\n`);

const options: BuildOptions = {
  entryPoints: { trainer: join(src, 'main.mjs') },
  outdir: dir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  absWorkingDir: scratch,
  logLevel: 'silent',
};
/** This process's child processes' command lines (from /proc). */
function childCommands(): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const ppid = /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return Number(ppid) === process.pid
          ? [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')]
          : [];
      } catch {
        return [];
      }
    });
}
const run = (path: string) => execFileSync(process.execPath, [path], { encoding: 'utf8' }).trim();

describe('trainerBundle', () => {
  it('builds once, reuses the bundle while the sources are unchanged, rebuilds after an edit', async () => {
    setMessage('one');
    const first = await trainerBundle(dir, options);
    expect(first.built).toBe(true);
    expect(run(first.path)).toBe('one');

    const again = await trainerBundle(dir, options);
    expect(again).toEqual({ path: first.path, built: false });

    setMessage('two');
    const edited = await trainerBundle(dir, options);
    expect(edited.built).toBe(true);
    expect(edited.path).not.toBe(first.path);
    expect(run(edited.path)).toBe('two');
    // The superseded build is removed; only the current one can be started again.
    expect(existsSync(first.path)).toBe(false);
    expect(readdirSync(dir).filter((d) => d !== 'manifest.json')).toHaveLength(1);
  });

  it('leaves no esbuild service process behind (a local runtime serves for hours after one build)', async () => {
    setMessage('five');
    const built = await trainerBundle(dir, options);
    expect(built.built).toBe(true);
    expect(childCommands().filter((c) => c.includes('esbuild'))).toEqual([]);
  });

  it('rebuilds when the bundle file is gone', async () => {
    setMessage('three');
    const built = await trainerBundle(dir, options);
    unlinkSync(built.path);
    const rebuilt = await trainerBundle(dir, options);
    expect(rebuilt).toEqual({ path: built.path, built: true });
    expect(run(rebuilt.path)).toBe('three');
  });

  it('gives concurrent callers one build', async () => {
    setMessage('four');
    const [a, b] = await Promise.all([trainerBundle(dir, options), trainerBundle(dir, options)]);
    expect(a).toBe(b);
    expect(a.built).toBe(true);
  });
});
