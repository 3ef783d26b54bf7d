import { escapeHtml } from './html-escape.js';

export interface Column<R> {
  head: string;
  /** Shown under the heading, e.g. `ms`. */
  unit?: string;
  /** Plain text; escaped when rendered. */
  cell: (row: R) => string;
  /** Right-aligned with tabular figures. */
  numeric?: boolean;
}

export interface TableSpec<R> {
  /** `data-table` name, for tests and styling. */
  name: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  /** What the single row of an empty table says. */
  empty?: string;
  /** Extra class for a row (e.g. to highlight it). */
  rowClass?: (row: R) => string | null;
}

export function htmlTable<R>(t: TableSpec<R>): string {
  const th = t.columns
    .map((c) => {
      const unit = c.unit ? `<br><span class="unit">${escapeHtml(c.unit)}</span>` : '';
      return `<th${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.head)}${unit}</th>`;
    })
    .join('');
  const body =
    t.rows.length === 0
      ? `<tr><td class="empty" colspan="${t.columns.length}">${escapeHtml(t.empty ?? 'none')}</td></tr>`
      : t.rows
          .map((r) => {
            const cls = t.rowClass?.(r);
            const tds = t.columns
              .map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.cell(r))}</td>`)
              .join('');
            return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${tds}</tr>`;
          })
          .join('');
  return `<div class="table-wrap"><table data-table="${escapeHtml(t.name)}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}
