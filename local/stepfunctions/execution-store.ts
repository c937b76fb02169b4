import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

export const ExecutionStatusSchema = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED']);
export type ExecutionStatus = z.infer<typeof ExecutionStatusSchema>;

/** One entry of an execution's history: a state entered/exited/failed/retried/caught, a Map iteration, the end. */
export const HistoryEventSchema = z.object({
  id: z.number().int(),
  type: z.string(),
  timestamp: z.string(),
  stateName: z.string().optional(),
  stateType: z.string().optional(),
  /** Set for events inside a Map iteration. */
  mapIndex: z.number().int().optional(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  retryAttempt: z.number().int().optional(),
});
export type HistoryEvent = z.infer<typeof HistoryEventSchema>;

/** An execution as `DescribeExecution` + `GetExecutionHistory` would show it, persisted as JSON. */
export const ExecutionRecordSchema = z.object({
  executionArn: z.string(),
  executionId: z.string(),
  stateMachine: z.string(),
  status: ExecutionStatusSchema,
  startDate: z.string(),
  stopDate: z.string().optional(),
  input: z.unknown(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  events: z.array(HistoryEventSchema),
});
export type ExecutionRecord = z.infer<typeof ExecutionRecordSchema>;

/**
 * Executions under `<dataDir>/executions/<executionId>.json`. Writes of one execution are
 * serialized and atomic (temp file + rename), so a reader never sees half a file.
 */
export class ExecutionStore {
  private readonly dir: string;
  private readonly pending = new Map<string, Promise<void>>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'executions');
  }

  /** Queues a write of the record's current state; resolves when it is on disk. */
  save(record: ExecutionRecord): Promise<void> {
    const snapshot = JSON.stringify(record, null, 2);
    const previous = this.pending.get(record.executionId) ?? Promise.resolve();
    // A failed write must not block later ones.
    const next = previous.catch(() => undefined).then(() => this.write(record.executionId, snapshot));
    this.pending.set(record.executionId, next);
    return next;
  }

  async get(executionId: string): Promise<ExecutionRecord | undefined> {
    await this.pending.get(executionId)?.catch(() => undefined);
    try {
      const text = await readFile(this.file(executionId), 'utf8');
      return ExecutionRecordSchema.parse(JSON.parse(text));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** All executions, newest first; optionally of one state machine. */
  async list(stateMachine?: string): Promise<ExecutionRecord[]> {
    const names = await readdir(this.dir).catch((error) => (isNotFound(error) ? [] : Promise.reject(error)));
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    const records = (await Promise.all(ids.map((id) => this.get(id)))).filter(
      (r): r is ExecutionRecord => r !== undefined && (!stateMachine || r.stateMachine === stateMachine),
    );
    return records.sort((a, b) => b.startDate.localeCompare(a.startDate));
  }

  private async write(executionId: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.file(executionId)}.tmp`;
    await writeFile(temp, `${text}\n`);
    await rename(temp, this.file(executionId));
  }

  private file(executionId: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(executionId)) throw new Error(`invalid execution id: ${executionId}`);
    return join(this.dir, `${executionId}.json`);
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
