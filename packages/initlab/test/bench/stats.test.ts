import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/node/index.ts';
import { pythonCandidates, pythonEnv } from '../../bench/python.ts';
import {
  beyondFloor,
  FLOOR_TOOL,
  formatBeyondFloor,
  formatMemory,
  formatMs,
  formatRatio,
  formatRows,
  type Measurement,
  median,
  resultsJson,
  summarize,
} from '../../bench/stats.ts';

// The benchmark's bookkeeping on synthetic timings: no timing is measured here.
const m = (tool: string, runs: number[], mode = 'prealloc', operation = 'normal'): Measurement => ({
  operation,
  size: '16M',
  values: 16 * 2 ** 20,
  mode,
  tool,
  runs,
});

test('median of odd and even counts, unsorted input untouched', () => {
  const runs = [5, 1, 4, 2, 3];
  assert.equal(median(runs), 3);
  assert.deepEqual(runs, [5, 1, 4, 2, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), RangeError);
});

test('summarize: median, throughput and the ratio to initlab of the same operation, size and mode', () => {
  const rows = summarize([
    m('initlab', [52, 50, 1000, 49, 51]), // one outlier does not move the median
    m('torch', [25, 26, 24, 25, 25]),
    m('tfjs-wasm', [500, 510, 490, 505, 495], 'fresh'),
    m('initlab', [60, 60, 60, 60, 60], 'fresh'),
    m('numpy', [10, 10, 10], 'prealloc', 'uniform'),
  ]);
  assert.equal(rows[0]!.medianMs, 51);
  assert.equal(rows[0]!.ratioToInitlab, 1);
  assert.ok(Math.abs(rows[0]!.mValuesPerSecond - (16 * 2 ** 20) / 51_000) < 1e-9);
  assert.equal(rows[1]!.ratioToInitlab, 25 / 51);
  assert.equal(rows[2]!.ratioToInitlab, 500 / 60, 'fresh rows compare with initlab fresh');
  assert.equal(rows[4]!.ratioToInitlab, null, 'no initlab row for uniform');
});

test('beyond the floor: fresh-only tools minus the allocation floor, against initlab prealloc', () => {
  const rows = summarize([
    m('initlab', [40, 40, 40]),
    m('initlab', [130, 130, 130], 'fresh'),
    m('torch', [50, 50, 50]),
    m('torch', [220, 220, 220], 'fresh'),
    m('tfjs-wasm', [580, 580, 580], 'fresh'),
    m(FLOOR_TOOL, [180, 180, 180], 'fresh'),
  ]);
  const derived = beyondFloor(rows);
  // Only the tool without a prealloc row (TF.js) is modeled; initlab, torch and the floor itself are not.
  assert.deepEqual(
    derived.map((r) => r.tool),
    ['tfjs-wasm'],
  );
  assert.equal(derived[0]!.samplingMs, 400);
  assert.equal(derived[0]!.ratio, 400 / 40);
  assert.match(formatBeyondFloor(derived), /tfjs-wasm\s+580\s+180\s+400\s+40\.0\s+10x$/);
  assert.deepEqual(beyondFloor(rows.filter((r) => r.tool !== FLOOR_TOOL)), [], 'no floor row, no model');
});

test('number formats', () => {
  assert.equal(formatMs(1234.4), '1234');
  assert.equal(formatMs(12.345), '12.3');
  assert.equal(formatMs(1.2345), '1.23');
  assert.equal(formatRatio(null), '-');
  assert.equal(formatRatio(0.5), '0.50x');
  assert.equal(formatRatio(12.4), '12x');
});

test('the table aligns columns: text left, numbers right', () => {
  const table = formatRows(summarize([m('initlab', [51]), m('initlab 1 thread', [102]), m('torch', [5.5])]));
  const lines = table.split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0]!, /^operation\s+size\s+mode\s+tool\s+median ms\s+M values\/s\s+time \/ initlab$/);
  assert.match(lines[1]!, /^-+( +-+)+$/);
  const ends = lines.slice(2).map((l) => l.length);
  assert.ok(
    ends.every((e) => e === ends[0]),
    'right-aligned numbers end in the same column',
  );
  assert.match(lines[3]!, /initlab 1 thread\s+102\s+164\.5\s+2\.00x$/);
  assert.match(lines[4]!, /torch\s+5\.50\s+3050\.4\s+0\.11x$/);
  const memory = formatMemory([{ tool: 'initlab', operation: 'normal', values: 16, outputBytes: 2 ** 26, peakExtraBytes: 2 ** 26, ratio: 1 }]);
  assert.match(memory.split('\n')[2]!, /^normal\s+16\s+initlab\s+64\.0\s+64\.0\s+1\.00$/);
});

test('results JSON: rounded numbers, parseable, and written atomically', () => {
  const rows = summarize([m('initlab', [51.123456789, 50.5])]);
  const text = resultsJson({
    generated: 'now',
    machine: { cores: 2 },
    methodology: { timedRuns: 2 },
    rows,
    beyondFloor: [],
    memory: [],
    notes: [{ what: 'x', why: 'y' }],
  });
  const parsed = JSON.parse(text) as { rows: { runs: number[]; medianMs: number; mValuesPerSecond: number }[] };
  assert.deepEqual(parsed.rows[0]!.runs, [51.123, 50.5]);
  assert.equal(parsed.rows[0]!.medianMs, 50.812);
  assert.equal(parsed.rows[0]!.mValuesPerSecond, Number(((16 * 2 ** 20) / 50811.728394).toPrecision(4)));
  assert.ok(text.endsWith('}\n'));

  const dir = mkdtempSync(path.join(tmpdir(), 'initlab-bench-'));
  try {
    const file = path.join(dir, 'results.json');
    writeFileAtomic(file, [Buffer.from('old')]);
    writeFileAtomic(file, [Buffer.from(text)]);
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.deepEqual(readdirSync(dir), ['results.json'], 'no temporary file left behind');
    assert.throws(() => writeFileAtomic(path.join(dir, 'missing', 'results.json'), [Buffer.from(text)]));
    assert.deepEqual(readdirSync(dir), ['results.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('python peers: interpreters tried in order without duplicates, OpenBLAS on one thread by default', () => {
  assert.deepEqual(pythonCandidates({}), ['python3', '/usr/bin/python3']);
  assert.deepEqual(pythonCandidates({ INITLAB_BENCH_PYTHON: '/usr/bin/python3' }), ['/usr/bin/python3', 'python3']);
  assert.equal(pythonEnv({})['OPENBLAS_NUM_THREADS'], '1');
  assert.equal(pythonEnv({ INITLAB_BENCH_BLAS_THREADS: '2' })['OPENBLAS_NUM_THREADS'], '2');
});
