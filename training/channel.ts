import { closeSync, openSync, readSync } from 'node:fs';
import type { CsvChunks } from '../core/data/csv-columns.js';

/** A channel's CSV: its bytes or text (tests, in-process callers), or a file the trainer streams. */
export type CsvInput = Uint8Array | string | { readonly path: string };

/** Bytes read per chunk from a channel file (a buffer grows when one line is longer). */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** A copy of `buf`'s first `used` bytes in a buffer at least `size` long. */
function grown(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(size, buf.length));
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

/**
 * The file a megabyte at a time into two buffers used in turn, each chunk cut after its last
 * '\n' (the unfinished line opens the next chunk; the last chunk ends where the file does).
 * Whole lines leave a parser nothing to join across chunks (no garbage per chunk), and a chunk
 * stays intact while the next one is read (a full CSV parser may keep a view of its end).
 */
export function* fileChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<Uint8Array> {
  const buffers: Buffer[] = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
  const fd = openSync(path, 'r');
  try {
    // Bytes already at the start of buffers[turn]: the previous chunk's unfinished line.
    let filled = 0;
    for (let turn = 0; ; ) {
      if (filled === buffers[turn].length) buffers[turn] = grown(buffers[turn], filled, 2 * filled);
      const buf = buffers[turn];
      const end = filled + readSync(fd, buf, filled, buf.length - filled, null);
      if (end === filled) {
        if (end > 0) yield buf.subarray(0, end);
        return;
      }
      const cut = buf.lastIndexOf(NEWLINE, end - 1) + 1;
      if (cut === 0) {
        filled = end;
        continue;
      }
      yield buf.subarray(0, cut);
      // The consumer asked for the next chunk: it is done with the one before this (the other buffer).
      turn ^= 1;
      if (buffers[turn].length < end - cut) buffers[turn] = grown(buffers[turn], 0, buf.length);
      buf.copy(buffers[turn], 0, cut, end);
      filled = end - cut;
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
