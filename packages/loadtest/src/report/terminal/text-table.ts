/** Column alignment: numbers right, words left. */
export type Align = 'left' | 'right';

/**
 * Lays rows out in columns two spaces apart, each as wide as its widest cell, with trailing spaces trimmed.
 * Cells are plain text (no escape codes), measured in UTF-16 units: keep them ASCII for exact alignment.
 */
export function textTable(
  rows: readonly (readonly string[])[],
  align: readonly Align[],
  indent = '  ',
): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      const w = widths[i] ?? 0;
      return (align[i] ?? 'left') === 'right' ? cell.padStart(w) : cell.padEnd(w);
    });
    return `${indent}${cells.join('  ')}`.trimEnd();
  });
}
