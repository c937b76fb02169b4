import cliProgress from 'cli-progress';
import { output } from '../output.js';

/** A progress indicator: a bar on a terminal, a start and an end line otherwise. */
export interface Progress {
  increment(by?: number, label?: string): void;
  stop(summary?: string): void;
}

/** Progress through named states. */
export interface StateProgress {
  enter(state: string): void;
  stop(summary?: string, ok?: boolean): void;
}

/** How the demo narrates: step headings, lines, tables and progress. Silent with --json. */
export class DemoUi {
  private stepNo = 0;
  constructor(
    private readonly total: number,
    private readonly tty = process.stdout.isTTY === true,
  ) {}

  step(title: string): void {
    this.stepNo += 1;
    this.write(`\n━━ ${this.stepNo}/${this.total} ${title}`);
  }

  line(text = ''): void {
    this.write(text);
  }

  progress(total: number, label: string): Progress {
    if (output.json) return { increment() {}, stop() {} };
    if (!this.tty) return this.plainProgress(total, label);
    const bar = new cliProgress.SingleBar(
      {
        format: `  {bar} {value}/{total} ${label} {status}`,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { status: '' });
    return {
      increment: (by = 1, status) => bar.increment(by, status === undefined ? {} : { status }),
      stop: (summary) => {
        if (summary !== undefined) bar.update({ status: summary });
        bar.stop();
      },
    };
  }

  /**
   * Progress through a pipeline's states: a bar on a terminal (full when the run succeeded),
   * else one line listing the states entered.
   */
  states(label: string, expected: number): StateProgress {
    const entered: string[] = [];
    if (output.json) return { enter() {}, stop() {} };
    if (!this.tty) {
      return {
        enter: (state) => entered.push(state),
        stop: (summary, ok) =>
          this.write(
            `  ${ok ? '✓' : '✗'} ${label}: ${entered.join(' → ') || '(no state history)'}${summary ? `  ${summary}` : ''}`,
          ),
      };
    }
    const bar = this.progress(expected, label);
    let n = 0;
    return {
      enter: (state) => {
        n += 1;
        bar.increment(1, state);
      },
      stop: (summary, ok) => {
        if (ok && n < expected) bar.increment(expected - n);
        bar.stop(summary);
      },
    };
  }

  private plainProgress(total: number, label: string): Progress {
    let value = 0;
    this.write(`  … ${label} (0/${total})`);
    return {
      increment: (by = 1) => {
        value += by;
      },
      stop: (summary) =>
        this.write(`  ✓ ${label} (${Math.min(value, total)}/${total})${summary ? ` ${summary}` : ''}`),
    };
  }

  private write(text: string): void {
    if (!output.json) process.stdout.write(`${text}\n`);
  }
}
