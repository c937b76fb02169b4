import { ValidationError } from '../errors.js';

/**
 * EventBridge cron expressions: six fields `minutes hours day-of-month month day-of-week year`,
 * evaluated in UTC at minute resolution. Supports `*`, `?`, lists, ranges, steps (`a/s`, `a-b/s`,
 * `*\/s`), month and weekday names, `L` and `W` in day-of-month (`L`, `LW`, `15W`), and `L` and
 * `#` in day-of-week (`6L` = last Friday, `2#1` = first Monday). Day-of-week counts 1 = SUN.
 * As EventBridge requires, exactly one of day-of-month and day-of-week is `?`.
 */
export interface CronSchedule {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly firstYear: number;
  readonly lastYear: number;
  /** Whether a calendar day (month 1-12) matches the day-of-month or day-of-week field. */
  readonly dayMatches: (year: number, month: number, day: number) => boolean;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199 };

/** Parses the inside of `cron(...)`; throws a ValidationError naming the field and the rule. */
export function parseCron(body: string, field = 'expression'): CronSchedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ValidationError(
      `${field}: cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`,
      field,
    );
  }
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = parts;
  const fail = (message: string) => new ValidationError(`${field}: ${message}`, field);
  if ((dom === '?') === (dow === '?')) {
    throw fail('exactly one of day-of-month and day-of-week must be ?');
  }
  const years = parseField(year, YEAR, fail);
  return {
    minutes: [...parseField(min, MINUTES, fail)].sort((a, b) => a - b),
    hours: [...parseField(hour, HOURS, fail)].sort((a, b) => a - b),
    months: parseField(month, MONTH, fail),
    years,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
    dayMatches: dom === '?' ? parseDayOfWeek(dow, fail) : parseDayOfMonth(dom, fail),
  };
}

/**
 * The first minute strictly after `after` that the schedule fires at, or undefined when its
 * years are over. Walks days (skipping whole months and years that cannot match), so even a
 * once-a-year expression costs at most a few hundred steps per year.
 */
export function nextCronTime(cron: CronSchedule, after: Date): Date | undefined {
  const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  let day = new Date(start);
  let fromMinute = day.getUTCHours() * 60 + day.getUTCMinutes();
  day = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  while (day.getUTCFullYear() <= cron.lastYear) {
    const y = day.getUTCFullYear();
    const m = day.getUTCMonth() + 1;
    if (!cron.years.has(y)) {
      day = new Date(Date.UTC(y + 1, 0, 1));
    } else if (!cron.months.has(m)) {
      day = new Date(Date.UTC(y, m, 1));
    } else {
      const minute = cron.dayMatches(y, m, day.getUTCDate()) ? firstTimeOfDay(cron, fromMinute) : undefined;
      if (minute !== undefined) return new Date(day.getTime() + minute * 60_000);
      day = new Date(day.getTime() + 86_400_000);
    }
    fromMinute = 0;
  }
  return undefined;
}

/** Minute of the day (h * 60 + m) of the first firing at or after `fromMinute`. */
function firstTimeOfDay(cron: CronSchedule, fromMinute: number): number | undefined {
  for (const h of cron.hours) {
    for (const m of cron.minutes) {
      if (h * 60 + m >= fromMinute) return h * 60 + m;
    }
  }
  return undefined;
}

type Fail = (message: string) => ValidationError;

function parseField(text: string, spec: FieldSpec, fail: Fail): Set<number> {
  const values = new Set<number>();
  for (const token of text.split(',')) {
    for (const v of expandToken(token, spec, fail)) values.add(v);
  }
  return values;
}

/** `*`, `a`, `a-b`, with an optional `/step`. */
function expandToken(token: string, spec: FieldSpec, fail: Fail): number[] {
  const [range = '', stepText, extra] = token.split('/');
  if (extra !== undefined || range === '')
    throw fail(`${spec.name}: '${token}' is not a value, range or step`);
  const step = stepText === undefined ? 1 : toInt(stepText, `${spec.name} step`, fail);
  if (step < 1) throw fail(`${spec.name}: step must be at least 1 in '${token}'`);
  let lo: number;
  let hi: number;
  if (range === '*') {
    [lo, hi] = [spec.min, spec.max];
  } else if (range.includes('-')) {
    const [a = '', b = ''] = range.split('-');
    [lo, hi] = [toValue(a, spec, fail), toValue(b, spec, fail)];
    if (lo > hi) throw fail(`${spec.name}: range '${range}' runs backwards`);
  } else {
    lo = toValue(range, spec, fail);
    hi = stepText === undefined ? lo : spec.max;
  }
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
}

function toValue(text: string, spec: FieldSpec, fail: Fail): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + spec.min : toInt(text, spec.name, fail);
  if (value < spec.min || value > spec.max) {
    throw fail(`${spec.name}: ${text} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function toInt(text: string, what: string, fail: Fail): number {
  if (!/^\d+$/.test(text)) throw fail(`${what}: '${text}' is not a whole number`);
  return Number(text);
}

const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** 1 = SUN ... 7 = SAT, as EventBridge counts. */
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;

/** The weekday (Mon-Fri) nearest to `target` within the same month (Quartz's `W`). */
function nearestWeekday(y: number, m: number, target: number): number {
  const last = daysInMonth(y, m);
  const d = Math.min(target, last);
  const wd = weekday(y, m, d);
  if (wd === 7) return d === 1 ? 3 : d - 1; // Saturday: Friday, or Monday when the 1st
  if (wd === 1) return d === last ? d - 2 : d + 1; // Sunday: Monday, or Friday when the last day
  return d;
}

function parseDayOfMonth(text: string, fail: Fail): CronSchedule['dayMatches'] {
  const tests = text.split(',').map((token): CronSchedule['dayMatches'] => {
    if (token === 'L') return (y, m, d) => d === daysInMonth(y, m);
    if (token === 'LW') return (y, m, d) => d === nearestWeekday(y, m, daysInMonth(y, m));
    const w = /^(\d+)W$/.exec(token);
    if (w) {
      const target = toValue(w[1] ?? '', DAY_OF_MONTH, fail);
      return (y, m, d) => d === nearestWeekday(y, m, target);
    }
    const days = new Set(expandToken(token, DAY_OF_MONTH, fail));
    return (_y, _m, d) => days.has(d);
  });
  return (y, m, d) => tests.some((t) => t(y, m, d));
}

function parseDayOfWeek(text: string, fail: Fail): CronSchedule['dayMatches'] {
  const tests = text.split(',').map((token): CronSchedule['dayMatches'] => {
    if (token === 'L') return (y, m, d) => weekday(y, m, d) === 7;
    const last = /^(\w+)L$/.exec(token);
    if (last) {
      const wd = toValue(last[1] ?? '', DAY_OF_WEEK, fail);
      return (y, m, d) => weekday(y, m, d) === wd && d + 7 > daysInMonth(y, m);
    }
    const nth = /^(\w+)#(\d)$/.exec(token);
    if (nth) {
      const wd = toValue(nth[1] ?? '', DAY_OF_WEEK, fail);
      const k = Number(nth[2]);
      if (k < 1 || k > 5) throw fail(`day-of-week: '#${k}' must be 1-5`);
      return (y, m, d) => weekday(y, m, d) === wd && Math.ceil(d / 7) === k;
    }
    const days = new Set(expandToken(token, DAY_OF_WEEK, fail));
    return (y, m, d) => days.has(weekday(y, m, d));
  });
  return (y, m, d) => tests.some((t) => t(y, m, d));
}
