import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CsvChunks } from '../core/data/csv-columns.js';

/** A channel's CSV: its bytes or text (tests, in-process callers), or a file the trainer streams. */
export type CsvInput = Uint8Array | string | { readonly path: string };

/** Bytes read per chunk from a channel file. */
const CHUNK_BYTES = 1 << 20;

function* fileChunks(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk: the CSV parser may keep a slice of the last one.
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The input as re-readable chunks and its size: a file is read a megabyte at a time, never whole. */
export function csvChunks(input: CsvInput): { chunks: CsvChunks; bytes: number } {
  if (typeof input === 'string') {
    const bytes = Buffer.from(input, 'utf8');
    return { chunks: () => [bytes], bytes: bytes.byteLength };
  }
  if (input instanceof Uint8Array) return { chunks: () => [input], bytes: input.byteLength };
  const fd = openSync(input.path, 'r');
  const { size } = fstatSync(fd);
  closeSync(fd);
  return { chunks: () => fileChunks(input.path), bytes: size };
}
