import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { TRAINER_BUNDLE_FILE, trainerBundleOptions } from '../../training/bundle.js';
import { buildInChild } from './esbuild-child.js';
import { PROJECT_ROOT, type TrainerCommand } from './trainer-process.js';

/**
 * The trainer as the image runs it (training/bundle.ts: one ESM file), built once and kept under
 * a directory by the hash of its sources, so a local job starts plain `node` instead of tsx.
 * `manifest.json` lists the files the last build read and their hash; a job re-hashes them
 * (a few ms), so an edited source gives a fresh build at the next job, and the older builds are
 * removed. esbuild runs in a child process that exits with the build (esbuild-child.ts).
 */
interface Manifest {
  readonly hash: string;
  /** Absolute paths of every file the build read (project sources and bundled packages). */
  readonly inputs: readonly string[];
}

export interface TrainerBundle {
  /** The bundle's path: `<dir>/<hash>/trainer.mjs`. */
  readonly path: string;
  /** Whether this call built it (false: the sources were unchanged since the last build). */
  readonly built: boolean;
}

const MANIFEST = 'manifest.json';

/** sha256 over each input's path and bytes, or undefined when one is missing. */
async function sourceHash(inputs: readonly string[]): Promise<string | undefined> {
  const hash = createHash('sha256');
  for (const file of inputs) {
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) return undefined;
    hash.update(`${file}\0${bytes.byteLength}\0`).update(bytes);
  }
  return hash.digest('hex').slice(0, 32);
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    return typeof m.hash === 'string' && Array.isArray(m.inputs) ? m : undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes a file whole or not at all (a concurrent runtime on the same data directory reads either). */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** A build's directory name: the 32 hex digits of its source hash. */
const HASH_DIR = /^[0-9a-f]{32}$/;

/**
 * Removes the builds other than `keep`: a job reads its bundle once, at its start, so only the
 * current one is ever started again.
 */
async function pruneBuilds(dir: string, keep: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names)
    if (HASH_DIR.test(name) && name !== keep) await rm(join(dir, name), { recursive: true, force: true });
}

/** Builds the bundle, then stores it under the hash of what the build read. */
async function buildBundle(dir: string, options: BuildOptions): Promise<TrainerBundle> {
  const cwd = options.absWorkingDir ?? PROJECT_ROOT;
  const result = await buildInChild({ ...options, absWorkingDir: cwd });
  const inputs = Object.keys(result.metafile.inputs).map((file) => resolve(cwd, file));
  const hash = await sourceHash(inputs);
  if (!hash) throw new Error('a trainer source vanished during the build');
  const out = join(dir, hash);
  await mkdir(out, { recursive: true });
  for (const file of result.outputFiles) await writeAtomic(join(out, basename(file.path)), file.contents);
  await writeAtomic(join(dir, MANIFEST), JSON.stringify({ hash, inputs } satisfies Manifest));
  await pruneBuilds(dir, hash);
  return { path: join(out, TRAINER_BUNDLE_FILE), built: true };
}

/** The last build's bundle when its sources are unchanged, else a new build. */
async function currentBundle(dir: string, options: BuildOptions): Promise<TrainerBundle> {
  const manifest = await readManifest(dir);
  if (manifest) {
    const path = join(dir, manifest.hash, TRAINER_BUNDLE_FILE);
    if ((await sourceHash(manifest.inputs)) === manifest.hash && (await exists(path)))
      return { path, built: false };
  }
  return buildBundle(dir, options);
}

/** One check or build at a time per directory in this process (concurrent jobs share it). */
const inFlight = new Map<string, Promise<TrainerBundle>>();

/**
 * The trainer bundle under `dir`, rebuilt when any source it was built from changed.
 * `options` defaults to the image's (training/bundle.ts); tests pass a small program.
 */
export function trainerBundle(dir: string, options?: BuildOptions): Promise<TrainerBundle> {
  const key = resolve(dir);
  const pending = inFlight.get(key);
  if (pending) return pending;
  const next = currentBundle(key, options ?? trainerBundleOptions(key)).finally(() => inFlight.delete(key));
  inFlight.set(key, next);
  return next;
}

/** `node <dir>/<hash>/trainer.mjs train --root {root}`: the bundled trainer as a job command. */
export async function bundledTrainerCommand(dir: string): Promise<TrainerCommand> {
  const { path } = await trainerBundle(dir);
  return { command: process.execPath, args: [path, 'train', '--root', '{root}'] };
}
