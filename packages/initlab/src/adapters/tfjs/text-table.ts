/** Plain-text tables for the adapter's reports. */

/**
 * Rows of cells as left-aligned columns two spaces apart, trailing spaces trimmed, one line per row.
 *
 * @example
 * alignColumns([['weight', 'std'], ['fc1/kernel', '0.05']]); // ['weight      std', 'fc1/kernel  0.05']
 */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}
