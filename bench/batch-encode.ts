/**
 * How result files and output parts are encoded (issue 21). Run: `npx tsx bench/batch-encode.ts`.
 *
 * 1,000 entries shaped like a batch child's result (about 60 KB of JSON whose `lines` string holds
 * a batch's escaped output lines), made into eight files of 125 entries three ways, interleaved:
 * Utf8Builder (each entry encoded into the file's buffer, what the ResultWriter and MultipartOutput
 * do), beside two references: join the entries then Buffer.from (the former ResultWriter), and
 * Buffer.from each entry then Buffer.concat (the former MultipartOutput). CPU time, medians.
 */
import { Utf8Builder } from '../core/batch/utf8-builder.js';

const ROUNDS = 7;
const FILES = 8;
const PER_FILE = 125;
const line = '0.123456,0.876544,1\\n';
const entries = Array.from(
  { length: FILES * PER_FILE },
  (_, i) => `{"rows":901,"lines":"${line.repeat(2800)}${i}","errorLines":""}`,
);
const files = Array.from({ length: FILES }, (_, f) => entries.slice(f * PER_FILE, (f + 1) * PER_FILE));

const ways: Record<string, () => number> = {
  'Utf8Builder (now)': () => {
    let n = 0;
    for (const file of files) {
      const body = new Utf8Builder(9 * 1024 * 1024);
      for (const entry of file) {
        body.append(entry);
        body.append('\n');
      }
      n += body.take().length;
    }
    return n;
  },
  'join + Buffer.from (reference)': () => {
    let n = 0;
    for (const file of files) n += Buffer.from(file.join('\n') + '\n').length;
    return n;
  },
  'Buffer.from each + concat (reference)': () => {
    let n = 0;
    for (const file of files) n += Buffer.concat(file.map((e) => Buffer.from(e + '\n'))).length;
    return n;
  },
};

function cpuMs(run: () => number): { ms: number; bytes: number } {
  const start = process.cpuUsage();
  const bytes = run();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, bytes };
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const sizes = new Set<number>();
for (let round = 0; round < ROUNDS; round++)
  for (const [name, run] of Object.entries(ways)) {
    const { ms, bytes } = cpuMs(run);
    times[name].push(ms);
    sizes.add(bytes);
  }
if (sizes.size !== 1) throw new Error(`the ways gave different sizes: ${[...sizes].join(', ')}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mine = median(times['Utf8Builder (now)']);
console.log(
  `${(entries.reduce((n, e) => n + e.length, 0) / 1e6).toFixed(0)} MB of entries in ${FILES} files; CPU ms, median of ${ROUNDS} interleaved rounds:`,
);
for (const [name, xs] of Object.entries(times))
  console.log(
    `  ${name.padEnd(40)} ${median(xs).toFixed(1).padStart(8)} ms  (x${(median(xs) / mine).toFixed(2)} of now)`,
  );
