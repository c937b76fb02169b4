import { ValidationError } from '../errors.js';
import { type CronSchedule, nextCronTime, parseCron } from './cron.js';

/** A parsed EventBridge schedule expression. */
export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly expression: string; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly cron: CronSchedule };

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Parses `rate(value unit)` or `cron(6 fields)` with EventBridge's rules: a rate's value is a
 * positive whole number and its unit `minute|hour|day`, singular for 1 and plural otherwise.
 * Throws a ValidationError naming `field` and the rule broken.
 *
 * @example
 * parseScheduleExpression('rate(5 minutes)'); // { kind: 'rate', periodMs: 300000, ... }
 * parseScheduleExpression('cron(0 12 ? * MON-FRI *)');
 */
export function parseScheduleExpression(expression: string, field = 'expression'): ScheduleExpression {
  const text = expression.trim();
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) return { kind: 'rate', expression: text, periodMs: parseRate(rate[1] ?? '', field) };
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return { kind: 'cron', expression: text, cron: parseCron(cron[1] ?? '', field) };
  throw new ValidationError(`${field}: '${expression}' must be rate(...) or cron(...)`, field);
}

function parseRate(body: string, field: string): number {
  const match = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(body);
  const fail = (rule: string) => new ValidationError(`${field}: rate(${body}) ${rule}`, field);
  if (!match) throw fail('must be rate(<value> <unit>), e.g. rate(5 minutes)');
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  if (value < 1) throw fail('needs a value of at least 1');
  const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
  if (!isUnit(singular)) throw fail('needs a unit of minute(s), hour(s) or day(s)');
  if ((value === 1) !== (singular === unit)) {
    throw fail(
      value === 1 ? `needs the singular unit '${singular}'` : `needs the plural unit '${singular}s'`,
    );
  }
  return value * UNIT_MS[singular];
}

const isUnit = (unit: string): unit is keyof typeof UNIT_MS => Object.hasOwn(UNIT_MS, unit);

/**
 * The first fire time strictly after `after`. A rate fires every period counted from `anchor`
 * (when the rule was created, as EventBridge does); a cron at the next matching UTC minute.
 * Undefined when a cron's years are over.
 */
export function nextFireTime(
  schedule: ScheduleExpression,
  after: Date,
  anchor: Date = after,
): Date | undefined {
  if (schedule.kind === 'cron') return nextCronTime(schedule.cron, after);
  const elapsed = after.getTime() - anchor.getTime();
  const periods = elapsed < 0 ? 0 : Math.floor(elapsed / schedule.periodMs) + 1;
  return new Date(anchor.getTime() + periods * schedule.periodMs);
}
