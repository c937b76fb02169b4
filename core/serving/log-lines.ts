import type { PredictionLogRecord } from '../../contracts/serving.js';
import { encodeRecord, RequestIdAllocator } from './log-layout.js';
import type { PredictionLog } from './prediction-log.js';

/**
 * The prediction log as lines, where a process cannot wait for DynamoDB before it answers (the
 * predict function: Lambda freezes the sandbox once the handler returns). Each record is one
 * JSON line `{"cirrusPrediction": <record>}` handed to `emit` before the answer leaves (on
 * Lambda, stdout: CloudWatch Logs keeps it); the log-ingest function, subscribed to those lines,
 * stores them (log-ingest.ts, which reads them back with parse-log-line.ts).
 */
export const PREDICTION_LINE_KEY = 'cirrusPrediction';

/** A prediction log that emits each record as a line and stores nothing itself. */
export class LinePredictionLog implements PredictionLog {
  private readonly ids = new RequestIdAllocator();
  private readonly producing = new Set<Promise<void>>();
  readonly overloaded = false;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  newRequestId(): string {
    return this.ids.next();
  }

  get idle(): boolean {
    return this.producing.size === 0;
  }

  log(record: PredictionLogRecord): void {
    this.emit(`{"${PREDICTION_LINE_KEY}":${encodeRecord(record)}}`);
  }

  logLater(records: Promise<readonly PredictionLogRecord[]>): void {
    const tracked = records.then(
      (rs) => {
        for (const r of rs) this.log(r);
      },
      (error: unknown) => this.onError(error),
    );
    this.producing.add(tracked);
    void tracked.finally(() => this.producing.delete(tracked));
  }

  async waitForCapacity(): Promise<void> {}

  /** Resolves once the records still being produced (shadows) are emitted. */
  async flush(): Promise<void> {
    while (this.producing.size > 0) await Promise.all(this.producing);
  }
}

