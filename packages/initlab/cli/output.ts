/** Terminal output helpers shared by the commands. */

/** Writes `text` and a newline to stdout. */
export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a value as JSON (pretty when `pretty`), bigints as decimal strings. */
export function printJson(value: unknown, pretty = false): void {
  print(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), pretty ? 2 : undefined));
}

/** Rows of cells as left-aligned columns separated by two spaces (trailing spaces trimmed). */
export function columns(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** Wraps `text` to lines of at most `width` characters (words longer than that stay whole), each prefixed by `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

/** The width to wrap to: the terminal's (at most 100), or 80 when stdout is not a terminal. */
export function terminalWidth(): number {
  return Math.min(process.stdout.isTTY ? process.stdout.columns || 80 : 80, 100);
}
