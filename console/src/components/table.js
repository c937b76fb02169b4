// A sortable table: each column header is a button (keyboard reachable); aria-sort says the order.
import { useState } from 'preact/hooks';
import { html } from '../html.js';

/**
 * columns: [{ key, label, value?(row) → sortable value, render?(row) → cell }].
 * rowKey(row) identifies rows; caption names the table for screen readers.
 */
export function Table({ columns, rows, rowKey, caption, initialSort, rowClass }) {
  const [sort, setSort] = useState(initialSort ?? { key: undefined, dir: 1 });
  const col = columns.find((c) => c.key === sort.key);
  const valueOf = (c, r) => (c.value ? c.value(r) : r[c.key]);
  const sorted = col
    ? [...rows].sort((a, b) => {
        const x = valueOf(col, a);
        const y = valueOf(col, b);
        if (x === y) return 0;
        if (x === undefined || x === null) return 1;
        if (y === undefined || y === null) return -1;
        return (x < y ? -1 : 1) * sort.dir;
      })
    : rows;
  const toggle = (key) => setSort((s) => ({ key, dir: s.key === key ? -s.dir : 1 }));
  return html`<table class="table">
    ${
      caption &&
      html`<caption>
      ${caption}
    </caption>`
    }
    <thead>
      <tr>
        ${columns.map(
          (c) =>
            html`<th
              scope="col"
              aria-sort=${sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : undefined}
            >
              ${
                c.sortable === false
                  ? c.label
                  : html`<button type="button" class="sort" onClick=${() => toggle(c.key)}>
                    ${c.label}${sort.key === c.key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}
                  </button>`
              }
            </th>`,
        )}
      </tr>
    </thead>
    <tbody>
      ${
        sorted.length === 0 &&
        html`<tr>
        <td colspan=${columns.length} class="empty">Nothing yet.</td>
      </tr>`
      }
      ${sorted.map(
        (r) =>
          html`<tr key=${rowKey(r)} class=${rowClass?.(r)}>
            ${columns.map(
              (c) =>
                html`<td data-col=${c.key}>${c.render ? c.render(r) : String(valueOf(c, r) ?? '–')}</td>`,
            )}
          </tr>`,
      )}
    </tbody>
  </table>`;
}
