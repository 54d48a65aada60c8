import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// No module of lab/ may reach itself through its imports, type-only imports included: a type-only cycle costs
// nothing at run time but means two modules each need the other to be described (the report used to guess an
// experiment's table through one). Dynamic `import()` is left out: it is the way to load a module lazily.
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every .ts file under `folder`, as absolute paths. */
function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The static import specifiers of a module: `import … from`, `import type … from`, `export … from`,
 * `export type … from` (over several lines too) and side-effect `import '…'`.
 */
export function staticImports(text: string): string[] {
  const statements = /^[ \t]*(?:import|export)\b(?:[^;'"`]|\n)*?\bfrom\s*['"]([^'"]+)['"]|^[ \t]*import\s*['"]([^'"]+)['"]/gm;
  return [...text.matchAll(statements)].map((m) => (m[1] ?? m[2])!);
}

/** The import graph among `files`: relative specifiers resolved to files, edges leaving the set dropped. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const set = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = staticImports(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier))
      .filter((target) => set.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first search (one per back edge), each as the list of files around it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const s = state.get(next);
      if (s === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

test('the import parser sees type-only, re-export, multi-line and side-effect imports, not dynamic ones', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from './b.ts';",
    'import {',
    '  c,',
    '  type D,',
    "} from './c.ts';",
    "export { e } from './e.ts';",
    "export type { F } from './f.ts';",
    "export * from './g.ts';",
    "import './h.ts';",
    "const lazy = await import('./i.ts');",
    " * a comment: import x from './j.ts'",
  ].join('\n');
  assert.deepEqual(staticImports(text), ['./a.ts', './b.ts', './c.ts', './e.ts', './f.ts', './g.ts', './h.ts']);
});

test('the cycle search finds a two-module cycle and accepts a diamond', () => {
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', ['a']],
      ]),
    ),
    [['a', 'b', 'a']],
  );
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b', 'c']],
        ['b', ['d']],
        ['c', ['d']],
        ['d', []],
      ]),
    ),
    [],
  );
});

test('lab/ has no import cycles, type-only imports included', () => {
  const files = sources('src');
  assert.ok(files.length > 20 && files.every(existsSync));
  const graph = importGraph(files);
  assert.ok(
    [...graph.values()].some((targets) => targets.length > 0),
    'the parser found imports',
  );
  const found = cycles(graph).map((cycle) => cycle.map((file) => relative(root, file)).join(' → '));
  assert.deepEqual(found, []);
});
