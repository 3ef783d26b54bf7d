/** Aligned plain-text tables for terminal output: columns padded to their widest cell, two spaces apart. */

const GAP = '  ';

/** A header row and data rows; returns one string per line, trailing spaces trimmed. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join(GAP)
      .trimEnd(),
  );
}

/** `label  value` lines for one record, labels aligned. */
export function formatFields(fields: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}${GAP}${value}`.trimEnd());
}
