import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { currentSpeedTable, END_MARKER, replaceSpeedTable, START_MARKER, speedRatio, speedTable } from '../../bench/readme-table.ts';
import { beyondFloor, FLOOR_TOOL, type Measurement, type Results, summarize } from '../../bench/stats.ts';

// The README's speed table is generated from a results file; these checks use synthetic timings and the committed file.

const m = (operation: string, size: string, mode: string, tool: string, ms: number, values = 1): Measurement => ({
  operation,
  size,
  values,
  mode,
  tool,
  runs: [ms, ms, ms],
});

function synthetic(measurements: Measurement[]): Results {
  const rows = summarize(measurements);
  return {
    generated: '2026-01-02T03:04:05.000Z',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      node: 'v20.0.0',
      loadAverageAtStart: [1.5, 2, 2.5],
      loadAverageAtEnd: [3, 2, 1],
      torch: '1.13.1 (/usr/bin/python3, 2 threads)',
    },
    methodology: { timedRuns: 3 },
    rows,
    beyondFloor: beyondFloor(rows),
    memory: [],
    notes: [],
  };
}

/** The cells of the table line whose first cell is `label`. */
function cells(table: string, label: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`| ${label} `));
  assert.ok(line !== undefined, `no line for ${label}`);
  return line
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());
}

test('ratios are time of the peer / time of initlab: above 1 when initlab is faster, below 1 when the peer is', () => {
  assert.equal(speedRatio(30, 10), '3.00×');
  assert.equal(speedRatio(16, 50), '0.32×');
  const table = speedTable(
    synthetic([
      m('orthogonal', '512x512', 'api', 'initlab', 50),
      m('orthogonal', '512x512', 'api', 'torch', 16), // PyTorch faster: the ratio must be below 1
      m('orthogonal', '512x512', 'api', 'numpy', 69),
      m('orthogonal', '2048x2048', 'api', 'initlab', 400),
      m('orthogonal', '2048x2048', 'api', 'torch', 1200), // initlab faster: above 1
    ]),
  );
  assert.deepEqual(cells(table, 'orthogonal 512×512'), ['orthogonal 512×512', '50.0 ms', '16.0 ms (0.32×)', '69.0 ms (1.38×)', '–']);
  assert.deepEqual(cells(table, 'orthogonal 2048×2048'), ['orthogonal 2048×2048', '400 ms', '1200 ms (3.00×)', '–', '–']);
  assert.ok(!table.includes('orthogonal 1024'), 'a case the run did not measure is left out');
  assert.match(table, /^\| case \(float32\) +\| initlab +\| PyTorch 1\.13\.1 +\| numpy +\| TF\.js wasm +\|$/m);
  assert.match(table, /on 2026-01-02: Test CPU, 2 cores, Node v20\.0\.0; load average 1\.5, 2, 2\.5 at the start and 3, 2, 1 at the end/);
  assert.match(table, /PyTorch runs on 2 threads/);
  assert.match(table, /A loaded run\*\*: the 1-minute load average \(1\.5, 3\) exceeded the 2 cores/, 'a load above the core count is called out');
  const quiet = synthetic([m('orthogonal', '512x512', 'api', 'initlab', 50)]);
  assert.ok(!speedTable({ ...quiet, machine: { ...quiet.machine, loadAverageAtEnd: [1.2, 1, 1] } }).includes('loaded run'));
});

test('fills: throughput, TF.js less the allocation floor against initlab into a buffer, threads against one thread', () => {
  const n = 16 * 2 ** 20;
  const table = speedTable(
    synthetic([
      m('normal', '16M', 'prealloc', 'initlab', 40, n),
      m('normal', '16M', 'prealloc', 'initlab 1 thread', 76, n),
      m('normal', '16M', 'prealloc', 'torch', 60, n),
      m('normal', '16M', 'fresh', 'initlab', 200, n),
      m('normal', '16M', 'fresh', 'tfjs-wasm', 680, n),
      m('normal', '16M', 'fresh', FLOOR_TOOL, 180, n),
    ]),
  );
  assert.deepEqual(cells(table, 'normal, 16M values, into a buffer'), [
    'normal, 16M values, into a buffer',
    '40.0 ms (419 M/s)',
    '60.0 ms (1.50×)',
    '–',
    '500 ms (12.50×) ¹',
  ]);
  assert.match(table, /initlab fills into a buffer 1\.90× \(normal\) faster than on one/);
  assert.match(table, /A fresh 64 MB output costs 180 ms/);
  assert.match(table, /^¹ TF\.js cannot fill an existing buffer/m);
});

test('the block goes between the markers, and only there', () => {
  const readme = `# Title\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nafter\n`;
  const updated = replaceSpeedTable(readme, 'new table');
  assert.equal(updated, `# Title\n\n${START_MARKER}\n\nnew table\n\n${END_MARKER}\n\nafter\n`);
  assert.equal(currentSpeedTable(updated), 'new table');
  assert.equal(replaceSpeedTable(updated, 'new table'), updated, 'idempotent');
  assert.throws(() => replaceSpeedTable('# no markers', 'x'));
  assert.throws(() => replaceSpeedTable(`${END_MARKER}\n${START_MARKER}`, 'x'));
  assert.throws(() => replaceSpeedTable(`${START_MARKER}\n${END_MARKER}\n${START_MARKER}\n${END_MARKER}`, 'x'));
});

test('README.md holds exactly the table generated from the committed bench/results-readme.json', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../../../README.md', import.meta.url)), 'utf8');
  const results = JSON.parse(readFileSync(fileURLToPath(new URL('../../../bench/results-readme.json', import.meta.url)), 'utf8')) as Results;
  assert.equal(currentSpeedTable(readme), speedTable(results), 'run `npm run bench:readme` after `npm run bench`');
  // The committed run is a real one: initlab and at least one peer on an orthogonal case.
  assert.ok(results.rows.some((r) => r.operation === 'orthogonal' && r.tool === 'initlab'));
  assert.ok(results.rows.some((r) => r.operation === 'orthogonal' && (r.tool === 'torch' || r.tool === 'numpy')));
});
