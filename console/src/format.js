// Formatting shared by the pages: numbers, times, durations.
export const num = (v, digits = 4) =>
  v === null || v === undefined
    ? '–'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? String(v)
        : v.toFixed(digits)
      : String(v);

export const when = (iso) => (iso ? iso.replace('T', ' ').slice(0, 19) : '–');

export function duration(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const shortId = (id) => (id && id.length > 12 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);

export const statusClass = (s) => `status status-${String(s ?? 'unknown').toLowerCase()}`;
