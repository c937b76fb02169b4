/** Wall and CPU time of the trainer's phases in milliseconds, in the order they ran. */
export type Phases = Record<string, { wall: number; cpu: number }>;

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Times consecutive phases: `lap(name)` closes the phase that ran since the previous lap. */
export function phaseClock(phases: Phases = {}): { lap: (name: string) => void; phases: Phases } {
  let wall = performance.now();
  let cpu = cpuNow();
  return {
    phases,
    lap(name) {
      const [w, c] = [performance.now(), cpuNow()];
      const prev = phases[name] ?? { wall: 0, cpu: 0 };
      phases[name] = { wall: prev.wall + Math.round(w - wall), cpu: prev.cpu + Math.round(c - cpu) };
      [wall, cpu] = [w, c];
    },
  };
}

/** One log line, e.g. `phases (ms wall/cpu): read-train 812/790, prepare 95/93, fit 10234/10101, …`. */
export function phasesLine(phases: Phases): string {
  return `phases (ms wall/cpu): ${Object.entries(phases)
    .map(([name, t]) => `${name} ${t.wall}/${t.cpu}`)
    .join(', ')}`;
}
