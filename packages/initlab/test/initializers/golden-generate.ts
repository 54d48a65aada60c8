/**
 * Writes test/initializers/golden.json from what the initializers give now: `npm run golden`.
 * Run it only when values change on purpose, and put the diff in the CHANGELOG.
 *
 * `node --test dist/test/` also loads this file (it runs every .js under a test folder); under the test runner
 * (NODE_TEST_CONTEXT set) it writes nothing, so a test run can never overwrite the goldens it checks.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeRow, formatGolden, GOLDEN_PATH, GOLDEN_SEED, goldenCases, type GoldenRow } from './golden-cases.ts';

function generate(): void {
  const rows: Record<string, GoldenRow> = {};
  for (const c of goldenCases()) rows[c.key] = computeRow(c);
  writeFileSync(GOLDEN_PATH, formatGolden({ seed: GOLDEN_SEED, rows }));
  process.stdout.write(`${Object.keys(rows).length} rows written to ${fileURLToPath(GOLDEN_PATH)}\n`);
}

if (process.env['NODE_TEST_CONTEXT'] === undefined) generate();
