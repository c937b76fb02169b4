import type { DeadLetter, RedriveResult } from '../../contracts/dead-letters.js';
import { table, when } from '../output.js';

/** `arn:aws:lambda:…:function:cirrus-retrain` → `cirrus-retrain`; `local:retrain` → `retrain`. */
export function targetName(target: string | undefined): string {
  if (!target) return '(unknown)';
  const fn = /:function:([^:]+)/.exec(target);
  if (fn?.[1]) return fn[1];
  return target.startsWith('local:') ? target.slice('local:'.length) : target;
}

/** One row per dead letter: the id to redrive by, what it was for, and why it failed. */
export function deadLettersTable(deadLetters: readonly DeadLetter[]): string {
  return table(
    ['id', 'kind', 'target', 'rule', 'first seen', 'attempts', 'payload', 'error'],
    deadLetters.map((d) => [
      d.id,
      d.kind,
      targetName(d.target),
      d.rule ?? '',
      when(d.firstSeen),
      d.attempts ?? '',
      d.summary,
      d.error ?? '',
    ]),
    { widths: [38, null, null, null, null, null, 30, 48] },
  );
}

/** The counts, then one row per message that was not simply redriven (or every row with `all`). */
export function redriveReport(result: RedriveResult): string {
  const line = `redriven ${result.redriven}, kept ${result.kept}${result.missing ? `, missing ${result.missing}` : ''}`;
  if (result.results.length === 0) return `${line} (the dead-letter queue is empty)`;
  const rows = result.results.map((r) => [r.id, r.outcome, targetName(r.target), r.reason ?? '']);
  return `${line}\n${table(['id', 'outcome', 'target', 'reason'], rows, { widths: [38, null, null, 60] })}`;
}
