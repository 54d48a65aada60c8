import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The dependency rule of the layout. In the package `initlab`: core (src/ without src/adapters and src/node) ←
// adapters, node ← cli. The package `@initlab/lab` sees `initlab` only through its public entry points. The core
// imports no package and no Node API, never reads Math.random and never logs.
const root = fileURLToPath(new URL('../..', import.meta.url));
const library = join('packages', 'initlab');
const lab = join('packages', 'lab');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Statements start a line (so an `@example` in a doc comment is not an import); dynamic imports may be anywhere.
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => (m[1] ?? m[2])!);
}

const isUnder = (file: string, folder: string): boolean => relative(root, file).startsWith(`${folder}/`);

test('the core imports only core modules: no packages, no node:*, no adapter, node, lab or cli', () => {
  const core = sources(join(library, 'src')).filter((file) => !isUnder(file, join(library, 'src', 'adapters')) && !isUnder(file, join(library, 'src', 'node')));
  assert.ok(core.length > 10);
  for (const file of core) {
    for (const specifier of imports(file)) {
      assert.ok(specifier.startsWith('.'), `${relative(root, file)} imports the package ${specifier}`);
      assert.ok(!/adapters|\/lab\/|\/cli\/|\/node\//.test(specifier), `${relative(root, file)} imports ${specifier}`);
    }
    const text = readFileSync(file, 'utf8');
    assert.ok(!/Math\.random/.test(text), `${relative(root, file)} uses Math.random`);
    // Engines round these differently (ECMAScript fixes only + − × ÷ √, fround and exact operations): the core must
    // give the same bits everywhere, so it computes them itself (special.ts, box-muller.ts, qr.ts's hypot).
    const inexact = /Math\.(log|log1p|log2|log10|exp|expm1|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|cbrt|hypot)\b/.exec(text);
    assert.ok(inexact === null, `${relative(root, file)} uses ${inexact?.[0]}, whose rounding depends on the engine`);
    assert.ok(!/console\./.test(text), `${relative(root, file)} logs`);
  }
});

test('adapters import the public core and TF.js only', () => {
  for (const file of sources(join(library, 'src', 'adapters'))) {
    for (const specifier of imports(file)) {
      assert.ok(specifier.startsWith('.') || specifier.startsWith('@tensorflow/'), `${relative(root, file)} imports ${specifier}`);
      assert.ok(!/\/lab\/|\/cli\//.test(specifier), `${relative(root, file)} imports ${specifier}`);
    }
  }
});

test('the CLI uses the public API of the library: src/index.ts and src/node/index.ts, no internals, no package', () => {
  const files = sources(join(library, 'cli'));
  assert.ok(files.length > 5);
  for (const file of files) {
    for (const specifier of imports(file)) {
      if (specifier.startsWith('node:') || !specifier.includes('/src/')) {
        assert.ok(specifier.startsWith('node:') || specifier.startsWith('.'), `${relative(root, file)} imports the package ${specifier}`);
        continue;
      }
      assert.match(specifier, /\/src\/(index|node\/index)\.ts$/, `${relative(root, file)} reaches into ${specifier}`);
    }
  }
});

test('the lab sees initlab only through its package entry points, never by a path into packages/initlab', () => {
  const files = [...sources(join(lab, 'src')), ...sources(join(lab, 'test'))];
  assert.ok(files.length > 10);
  const entries = new Set(['initlab', 'initlab/node', 'initlab/cli', 'initlab/tfjs']);
  for (const file of files) {
    for (const specifier of imports(file)) {
      if (specifier.startsWith('.')) {
        const target = join(file, '..', specifier);
        assert.ok(isUnder(target, lab), `${relative(root, file)} imports ${specifier}, outside the lab package`);
      } else if (specifier.startsWith('initlab')) {
        assert.ok(entries.has(specifier), `${relative(root, file)} imports ${specifier}, not a public entry of initlab`);
      }
    }
  }
});

test('the library package declares no runtime dependency', () => {
  const manifest = JSON.parse(readFileSync(join(root, library, 'package.json'), 'utf8')) as { dependencies?: object };
  assert.deepEqual(Object.keys(manifest.dependencies ?? {}), []);
});

test('every function exported by an entry point of initlab has a doc comment with an @example', () => {
  const entries = ['src/index.ts', 'src/node/index.ts', 'src/adapters/tfjs.ts', 'cli/kit.ts'].map((entry) => join(root, library, entry));
  const missing: string[] = [];
  let checked = 0;
  for (const entry of entries) {
    const text = readFileSync(entry, 'utf8');
    for (const [, names, from] of text.matchAll(/export\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
      const file = join(entry, '..', from!);
      const source = readFileSync(file, 'utf8');
      for (const item of names!.split(',')) {
        const name = item.trim().split(/\s+as\s+/)[0]!;
        if (name === '' || name.startsWith('type ')) continue;
        const declaration = new RegExp(`^export (?:async )?function ${name}\\b`, 'm').exec(source);
        if (!declaration) continue; // a constant, a class or a type
        checked++;
        const before = source.slice(0, declaration.index).trimEnd();
        const doc = before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : '';
        if (!doc.includes('@example')) missing.push(`${relative(root, file)}: ${name}`);
      }
    }
  }
  assert.ok(checked > 80, `checked ${checked} functions`);
  assert.deepEqual(missing, [], 'public functions without an @example');
});
