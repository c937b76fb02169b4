import { closeSync, mkdirSync, openSync, unlink, writeSync } from 'node:fs';
import { readdir, readFile, unlink as unlinkAsync } from 'node:fs/promises';
import { join } from 'node:path';
import { type PredictionLogRecord, PredictionLogRecordSchema } from '../contracts/serving.js';
import type { CoreDeps } from '../core/deps.js';
import type { LogJournal } from '../core/ports.js';
import type { PredictionLogWriter } from '../core/serving/prediction-log.js';
import { storeUnlogged } from '../core/serving/log-ingest.js';

/** Where the local runtime keeps the prediction log's journal. */
export const journalDir = (dataDir: string) => join(dataDir, 'prediction-journal');

/**
 * The prediction log's write-ahead journal as files: one per generation (the records one cut of
 * the writer sends to DynamoDB), `<process>-<generation>.jsonl`, deleted once stored. Each line
 * is written with one write(2) before the answer leaves: the kernel then holds it, so it
 * survives the process being killed (kill -9, a crash). It is not fsynced: a power loss can
 * still lose the last seconds (an fsync per answer would cost far more than the answer).
 * Files are private to the user (0600 in a 0700 directory): they hold the requests' features.
 */
export class FileLogJournal implements LogJournal {
  /** Names this process's files, so a replay never reads the generation being written. */
  readonly prefix = `${Date.now().toString(36)}-${process.pid}`;
  private generation = 0;
  private fd: number | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  append(line: string): void {
    // Opened lazily: a generation nobody logged to leaves no file.
    this.fd ??= openSync(this.file(this.generation), 'a', 0o600);
    writeSync(this.fd, `${line}\n`);
  }

  rotate(): number {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.generation++;
  }

  release(generation: number): void {
    // Asynchronous: the answering thread does not wait for the unlink. A file left behind by a
    // crash right here is replayed without duplicates.
    unlink(this.file(generation), () => undefined);
  }

  /** Closes the current file (the runtime calls it after the last flush). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** This process's file of `generation`. */
  file(generation: number): string {
    return join(this.dir, `${this.prefix}-${generation}.jsonl`);
  }
}

/**
 * Replays what earlier processes journaled but did not store: every record not already in its
 * segment is logged again (journaled by `writer`'s own journal first, so the old files can go),
 * then the log is flushed and the old files deleted. A line cut short by the crash is skipped
 * (its answer never left: the line is written whole before answering).
 * @returns how many records were logged again.
 */
export async function replayLogJournal(
  journal: FileLogJournal,
  writer: PredictionLogWriter,
  deps: CoreDeps,
): Promise<number> {
  const files = (await readdir(journal.dir))
    .filter((name) => name.endsWith('.jsonl') && !name.startsWith(`${journal.prefix}-`))
    .map((name) => join(journal.dir, name));
  const records: PredictionLogRecord[] = [];
  for (const file of files) records.push(...journalRecords(await readFile(file, 'utf8')));
  const replayed = await storeUnlogged(deps, writer, records);
  await Promise.all(files.map((file) => unlinkAsync(file)));
  return replayed;
}

function journalRecords(text: string): PredictionLogRecord[] {
  const records: PredictionLogRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      records.push(PredictionLogRecordSchema.parse(JSON.parse(line)));
    } catch {
      // a partial last line: written when the process died, so never answered
    }
  }
  return records;
}
