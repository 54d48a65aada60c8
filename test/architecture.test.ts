import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The dependency rule of the layout: core (src/ without src/adapters) ← adapters ← lab ← cli. The core imports
// no package and no Node API, never reads Math.random and never logs.
const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

test('the core imports only core modules: no packages, no node:*, no adapter, lab or cli', () => {
  const core = sources('src').filter((file) => !relative(root, file).startsWith(join('src', 'adapters')) && !relative(root, file).startsWith(join('src', 'node')));
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

test('adapters import the public core and TF.js only; the lab does not import the CLI', () => {
  for (const file of sources('src/adapters')) {
    for (const specifier of imports(file)) {
      assert.ok(specifier.startsWith('.') || specifier.startsWith('@tensorflow/'), `${relative(root, file)} imports ${specifier}`);
      assert.ok(!/\/lab\/|\/cli\//.test(specifier), `${relative(root, file)} imports ${specifier}`);
    }
  }
  for (const file of sources('lab')) {
    for (const specifier of imports(file)) {
      assert.ok(!/(^|\/)cli\//.test(specifier), `${relative(root, file)} imports ${specifier}`);
    }
  }
});
