/** Terminal output helpers shared by the commands. */

/**
 * Writes `text` and a newline to stdout.
 *
 * @example
 * print('done'); // writes 'done\n'
 * print(); // writes an empty line
 */
export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/**
 * Writes a value as JSON (pretty when `pretty`), bigints as decimal strings.
 *
 * @example
 * printJson({ seed: 2n ** 64n - 1n }); // writes {"seed":"18446744073709551615"}
 * printJson({ fanIn: 576 }, true); // two-space indented, over three lines
 */
export function printJson(value: unknown, pretty = false): void {
  print(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), pretty ? 2 : undefined));
}

/**
 * Rows of cells as left-aligned columns separated by two spaces (trailing spaces trimmed).
 *
 * @example
 * columns([['--shape', 'dims'], ['--layout', 'tf or torch']], '  '); // '  --shape   dims\n  --layout  tf or torch'
 */
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

/**
 * Wraps `text` to lines of at most `width` characters (words longer than that stay whole), each prefixed by `indent`.
 *
 * @example
 * wrap('Prints the fans of a weight shape as JSON.', 20, '  '); // '  Prints the fans of\n  a weight shape as\n  JSON.'
 */
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

/**
 * The width to wrap to: the terminal's (at most 100), or 80 when stdout is not a terminal.
 *
 * @example
 * wrap(command.description, terminalWidth()); // 80 columns when piped, min(terminal, 100) otherwise
 */
export function terminalWidth(): number {
  return Math.min(process.stdout.isTTY ? process.stdout.columns || 80 : 80, 100);
}
