import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LAYOUTS } from '../../src/fans.ts';
import { DTYPES } from '../../src/initializers/initializer.ts';
import { DEFINITIONS } from '../../src/initializers/registry.ts';
import { computeRow, GOLDEN_PATH, GOLDEN_SEED, goldenCases, type GoldenFile } from './golden-cases.ts';

const golden = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as GoldenFile;
const cases = goldenCases();

test('golden.json was written from the same seed and has exactly the rows the case list gives', () => {
  assert.equal(golden.seed, GOLDEN_SEED);
  assert.deepEqual(Object.keys(golden.rows).sort(), cases.map((c) => c.key).sort(), 'regenerate with `npm run golden`');
});

test('golden.json covers every registered initializer in both layouts and every dtype (float32, float64, bfloat16, float16)', () => {
  const keys = Object.keys(golden.rows);
  for (const definition of DEFINITIONS) {
    for (const layout of LAYOUTS) {
      for (const dtype of DTYPES) {
        const prefix = `${definition.name}/${layout}/${dtype}/`;
        assert.ok(
          keys.some((key) => key.startsWith(prefix)),
          `no golden row for ${prefix}: add it to OPTION_ROWS in golden-cases.ts`,
        );
      }
    }
  }
});

test('every golden row: same first values, same tensor hash, same described mean and std', () => {
  const moved: string[] = [];
  for (const c of cases) {
    const expected = golden.rows[c.key];
    if (expected === undefined) continue; // reported by the first test
    const actual = computeRow(c);
    try {
      assert.deepEqual(actual, expected);
    } catch {
      moved.push(`${c.key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  }
  assert.equal(moved.length, 0, `${moved.length} of ${cases.length} golden rows moved:\n${moved.slice(0, 10).join('\n')}`);
});
