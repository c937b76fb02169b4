/** Wall time of the trainer's phases in milliseconds, in the order they ran. */
export type Phases = Record<string, number>;

/** Times consecutive phases: `lap(name)` closes the phase that ran since the previous lap. */
export function phaseClock(phases: Phases = {}): { lap: (name: string) => void; phases: Phases } {
  let last = performance.now();
  return {
    phases,
    lap(name) {
      const now = performance.now();
      phases[name] = (phases[name] ?? 0) + Math.round(now - last);
      last = now;
    },
  };
}

/** One log line, e.g. `phases (ms): read-train 812, prepare 95, fit 10234, …`. */
export function phasesLine(phases: Phases): string {
  return `phases (ms): ${Object.entries(phases)
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ')}`;
}
