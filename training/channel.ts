import { closeSync, openSync, readSync } from 'node:fs';
import type { CsvChunks } from '../core/data/csv-columns.js';

/** A channel's CSV: its bytes or text (tests, in-process callers), or a file the trainer streams. */
export type CsvInput = Uint8Array | string | { readonly path: string };

/** Bytes read per chunk from a channel file. */
const CHUNK_BYTES = 1 << 20;

/**
 * The file a megabyte at a time into two buffers used in turn: a chunk stays intact while the
 * next one is read (the parsers keep a view of the last chunk's unfinished line until then),
 * and reading makes no garbage per chunk.
 */
function* fileChunks(path: string): Generator<Uint8Array> {
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  const fd = openSync(path, 'r');
  try {
    for (let turn = 0; ; turn ^= 1) {
      const n = readSync(fd, buffers[turn], 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield buffers[turn].subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The input as re-readable chunks: a file is read a megabyte at a time, never whole. */
export function csvChunks(input: CsvInput): CsvChunks {
  if (typeof input === 'string') {
    const bytes = Buffer.from(input, 'utf8');
    return () => [bytes];
  }
  if (input instanceof Uint8Array) return () => [input];
  return () => fileChunks(input.path);
}
