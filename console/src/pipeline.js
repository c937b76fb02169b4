// The pipeline graph's model: the ASL definition (the very files CDK deploys and the local
// runtime executes) laid out by level, and each state's status and duration from the history.
import training from '../../statemachines/training.asl.json';
import sweep from '../../statemachines/training-sweep.asl.json';

export const DEFINITIONS = { training, sweep };

/** Normal transitions and error (Catch) transitions of one state. */
function edges(state) {
  const next = [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next)].filter(Boolean);
  const caught = (state.Catch ?? []).map((c) => c.Next);
  return { next: [...new Set(next)], caught: [...new Set(caught)] };
}

/**
 * Nodes with a level (longest path from StartAt over every transition, so a state sits below
 * all that lead to it) and a column within its level; edges marked `caught` for Catch ones.
 */
export function layout(definition) {
  const states = definition.States;
  const level = { [definition.StartAt]: 0 };
  const names = Object.keys(states);
  for (let pass = 0; pass < names.length; pass++) {
    for (const name of names) {
      if (level[name] === undefined) continue;
      const { next, caught } = edges(states[name]);
      for (const to of [...next, ...caught]) if (!(level[to] > level[name])) level[to] = level[name] + 1;
    }
  }
  const byLevel = [];
  for (const name of names) (byLevel[level[name] ?? 0] ??= []).push(name);
  const nodes = byLevel.flatMap((row, y) =>
    row.map((name, x) => ({ name, type: states[name].Type, x, y, width: row.length })),
  );
  const links = names.flatMap((from) => {
    const { next, caught } = edges(states[from]);
    return [
      ...next.map((to) => ({ from, to })),
      ...caught.filter((to) => !next.includes(to)).map((to) => ({ from, to, caught: true })),
    ];
  });
  return { nodes, links, levels: byLevel.length };
}

/**
 * Each state's status ('succeeded' | 'failed' | 'running' | 'not run') and duration from the
 * execution history. `mapIndex` picks one branch of a Map (undefined = the top level).
 */
export function stateRuns(history, execution, mapIndex) {
  const out = {};
  for (const e of history ?? []) {
    if (!e.state || e.mapIndex !== mapIndex) continue;
    const s = (out[e.state] ??= { status: 'not run' });
    if (e.type === 'StateEntered') {
      s.enteredAt = e.at;
      s.input = e.input;
      s.status = 'running';
    } else if (e.type === 'StateExited') {
      s.exitedAt = e.at;
      if (s.status !== 'failed') s.status = 'succeeded';
    }
    if (e.error) {
      s.status = 'failed';
      s.error = `${e.error}${e.cause ? `: ${e.cause}` : ''}`;
    }
  }
  const running = execution?.status === 'RUNNING';
  for (const s of Object.values(out)) {
    if (s.status === 'running' && !running) s.status = 'stopped';
    const end = s.exitedAt ? Date.parse(s.exitedAt) : running ? Date.now() : undefined;
    if (s.enteredAt && end) s.ms = end - Date.parse(s.enteredAt);
  }
  return out;
}

/** The branches of a sweep's Map: index, the algorithm it trained, its outcome. */
export function sweepBranches(history) {
  const branches = new Map();
  for (const e of history ?? []) {
    if (e.mapIndex === undefined) continue;
    const b = branches.get(e.mapIndex) ?? { index: e.mapIndex };
    const request = e.input?.request ?? e.input?.variant ?? e.input;
    if (!b.algorithm && typeof request?.algorithm === 'string') b.algorithm = request.algorithm;
    if (e.type === 'StateEntered' && e.state === 'VariantSucceeded') b.status = 'succeeded';
    if (e.type === 'StateEntered' && e.state === 'VariantFailed') b.status = 'failed';
    branches.set(e.mapIndex, b);
  }
  return [...branches.values()].sort((a, b) => a.index - b.index);
}
