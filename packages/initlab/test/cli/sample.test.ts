/** `initlab sample`: statistics, .npy output, determinism, and that flags mean what the library says. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { glorotUniform, heNormal, keyFromSeed, normal, outputValues, varianceScaling } from '../../src/index.ts';
import { ok, readNpy, usageError } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'initlab-cli-sample-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Runs `sample ... --out <fresh file>` and returns the parsed file. */
function sampleToFile(args: readonly string[]): ReturnType<typeof readNpy> & { path: string; bytes: Buffer } {
  const path = join(dir, `w${counter++}.npy`);
  ok(['sample', ...args, '--out', path]);
  const bytes = readFileSync(path);
  return { ...readNpy(bytes), path, bytes };
}

test('sample he_normal prints the spec, shape, layout, fans, formula and a measured std near the target', () => {
  const out = ok(['sample', 'he_normal', '--shape', '256,128', '--seed', '1']);
  assert.match(out, /^initializer +\{"name":"he_normal","mode":"fan_in","nonlinearity":"relu","negativeSlope":0\}$/m);
  assert.match(out, /^shape +\[256, 128\]/m);
  assert.match(out, /^layout +tf$/m);
  assert.match(out, /^fans +fanIn 256, fanOut 128, receptiveField 1$/m);
  assert.match(out, /^formula +std = √\(gain²\/fanIn\) = √\(2\/256\) = 0\.0883883$/m);
  assert.match(out, /^min +-?\d/m);
  assert.match(out, /^max +-?\d/m);
  const [, target, measured] = /^std +(\S+) +(\S+)$/m.exec(out) ?? [];
  const std = Math.sqrt(2 / 256);
  assert.equal(Number(target), Number(std.toPrecision(6)));
  // The sample std of n normal draws has standard error ≈ σ/√(2n); allow 5 of them.
  const n = 256 * 128;
  assert.ok(Math.abs(Number(measured) - std) < (5 * std) / Math.sqrt(2 * n), `measured std ${measured} vs ${std}`);
});

test('sample --json gives the same numbers as the library for the same seed, shape and layout', () => {
  const result = JSON.parse(ok(['sample', 'he_normal', '--shape', '256,128', '--seed', '1', '--json'])) as {
    fans: unknown;
    target: { mean: number; std: number };
    measured: { mean: number; std: number; min: number; max: number };
    seed: number;
  };
  const values = heNormal()([256, 128], 1);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  assert.deepEqual(result.fans, { fanIn: 256, fanOut: 128, receptiveField: 1 });
  assert.deepEqual(result.target, { mean: 0, std: heNormal().describe([256, 128]).std });
  assert.equal(result.measured.mean, mean);
  assert.equal(result.measured.std, Math.sqrt(squares / values.length));
  assert.equal(result.measured.min, Math.min(...values));
  assert.equal(result.measured.max, Math.max(...values));
  assert.equal(result.seed, 1);
});

test('sample --out writes a valid .npy whose values are what the library returns, and no temporary file', () => {
  const before = new Set(readdirSync(dir));
  const file = sampleToFile(['he_normal', '--shape', '256,128', '--seed', '1']);
  assert.equal(file.major, 1);
  assert.equal(file.minor, 0);
  assert.equal(file.header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (256, 128), }");
  assert.deepEqual(file.shape, [256, 128]);
  assert.equal(file.fortranOrder, false);
  assert.equal(file.bytes.length, file.dataOffset + 256 * 128 * 4);
  assert.deepEqual(file.data, heNormal()([256, 128], 1));
  const added = readdirSync(dir).filter((name) => !before.has(name));
  assert.deepEqual(added, [file.path.slice(dir.length + 1)], 'only the .npy file appears');
});

test('sample --out with --dtype float64 writes <f8 data equal to the library float64 output', () => {
  const file = sampleToFile(['he_normal', '--shape', '64,3,3,3', '--seed', '7', '--dtype', 'float64']);
  assert.equal(file.descr, '<f8');
  assert.deepEqual(file.shape, [64, 3, 3, 3]);
  assert.deepEqual(file.data, heNormal()([64, 3, 3, 3], 7, { dtype: 'float64' }));
});

test('sample --out with --dtype float16 writes <f2 data: the float16 bits the library returns', () => {
  const file = sampleToFile(['he_normal', '--shape', '64,3,3,3', '--seed', '7', '--dtype', 'float16', '--layout', 'torch']);
  assert.equal(file.descr, '<f2');
  assert.equal(file.bytes.length, file.dataOffset + 64 * 27 * 2);
  assert.deepEqual(file.data, heNormal()([64, 3, 3, 3], 7, { dtype: 'float16', layout: 'torch' }));
});

test('sample --dtype bfloat16 measures the decoded values; --out with bfloat16 is a one-line usage error', () => {
  const json = JSON.parse(ok(['sample', 'normal', '--std', '0.02', '--shape', '64,32', '--seed', '3', '--dtype', 'bfloat16', '--json'])) as {
    dtype: string;
    measured: { mean: number; max: number };
  };
  assert.equal(json.dtype, 'bfloat16');
  const values = outputValues(normal({ std: 0.02 })([64, 32], 3, { dtype: 'bfloat16' }), 'bfloat16');
  assert.equal(json.measured.max, Math.max(...values));
  const line = usageError(['sample', 'normal', '--std', '1', '--shape', '4', '--dtype', 'bfloat16', '--out', join(dir, 'b.npy')]);
  assert.match(line, /--dtype must be float32, float64 or float16 with --out, since a \.npy file has no bfloat16 type/);
  assert.match(
    usageError(['sample', 'normal', '--std', '1', '--shape', '4', '--dtype', 'half']),
    /--dtype must be one of 'float32', 'float64', 'bfloat16', 'float16'; got 'half'/,
  );
});

test('the same command twice gives identical files; overwriting an existing file works', () => {
  const args = ['glorot_uniform', '--shape', '3,3,16,32', '--seed', '42'];
  const a = sampleToFile(args);
  const b = sampleToFile(args);
  assert.ok(a.bytes.equals(b.bytes));
  ok(['sample', ...args, '--out', a.path]);
  assert.ok(readFileSync(a.path).equals(b.bytes));
  const other = sampleToFile(['glorot_uniform', '--shape', '3,3,16,32', '--seed', '43']);
  assert.ok(!other.bytes.equals(a.bytes), 'another seed gives other values');
});

test('the default seed is 0; --seed -1 and --seed 2^64-1 are the same 64-bit key', () => {
  const shape = [32, 16];
  assert.deepEqual(sampleToFile(['he_normal', '--shape', '32,16']).data, heNormal()(shape, 0));
  const minusOne = sampleToFile(['he_normal', '--shape', '32,16', '--seed', '-1']);
  const max = sampleToFile(['he_normal', '--shape', '32,16', '--seed', '18446744073709551615']);
  assert.deepEqual(minusOne.data, max.data);
  assert.deepEqual(max.data, heNormal()(shape, keyFromSeed(2n ** 64n - 1n)));
  const big = sampleToFile(['he_normal', '--shape', '32,16', '--seed', '9007199254740993']); // 2^53 + 1, beyond safe integers
  assert.deepEqual(big.data, heNormal()(shape, 9007199254740993n));
  const safe = sampleToFile(['he_normal', '--shape', '32,16', '--seed', '9007199254740991']);
  assert.deepEqual(safe.data, heNormal()(shape, Number.MAX_SAFE_INTEGER));
});

test('--negative-slope and --nonlinearity change the result as the library predicts', () => {
  const shape = [128, 64];
  const relu = sampleToFile(['he_normal', '--shape', '128,64', '--seed', '3']);
  const leaky = sampleToFile(['he_normal', '--shape', '128,64', '--seed', '3', '--nonlinearity', 'leaky_relu', '--negative-slope', '0.2']);
  assert.deepEqual(leaky.data, heNormal({ nonlinearity: 'leaky_relu', negativeSlope: 0.2 })(shape, 3));
  assert.notDeepEqual(leaky.data, relu.data);
  // Same stream, scaled by the ratio of the gains √(2/1.04)/√2.
  const ratio = Math.sqrt(2 / 1.04) / Math.SQRT2;
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(leaky.data[i]! - relu.data[i]! * ratio) < 1e-6 * (1 + Math.abs(relu.data[i]!)));
  // The =value form and a negative value.
  const negative = sampleToFile(['he_normal', '--shape', '128,64', '--seed', '3', '--nonlinearity=leaky_relu', '--negative-slope=-0.2']);
  assert.deepEqual(negative.data, heNormal({ nonlinearity: 'leaky_relu', negativeSlope: -0.2 })(shape, 3));
});

test('--mode fan_out divides by fanOut', () => {
  const shape = [256, 128];
  const fanIn = sampleToFile(['he_normal', '--shape', '256,128', '--seed', '5']);
  const fanOut = sampleToFile(['he_normal', '--shape', '256,128', '--seed', '5', '--mode', 'fan_out']);
  assert.deepEqual(fanOut.data, heNormal({ mode: 'fan_out' })(shape, 5));
  // std √(2/128) instead of √(2/256): the same draws times √2
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(fanOut.data[i]! - fanIn.data[i]! * Math.SQRT2) < 1e-6);
  const described = JSON.parse(ok(['sample', 'he_normal', '--shape', '256,128', '--mode', 'fan_out', '--json'])) as { target: { std: number } };
  assert.equal(described.target.std, Math.sqrt(2 / 128));
});

test('--layout torch swaps the fans of a dense kernel', () => {
  const shape = [256, 128];
  const torch = sampleToFile(['he_normal', '--shape', '256,128', '--seed', '9', '--layout', 'torch']);
  assert.deepEqual(torch.data, heNormal()(shape, 9, { layout: 'torch' }));
  assert.notDeepEqual(torch.data, heNormal()(shape, 9));
  const result = JSON.parse(ok(['sample', 'he_normal', '--shape', '256,128', '--layout', 'torch', '--json'])) as { fans: unknown; layout: string };
  assert.deepEqual(result.fans, { fanIn: 128, fanOut: 256, receptiveField: 1 });
  assert.equal(result.layout, 'torch');
});

test('other options: --gain, --std/--mean, --scale/--distribution', () => {
  assert.deepEqual(sampleToFile(['glorot_uniform', '--shape', '20,30', '--gain', '1.5', '--seed', '2']).data, glorotUniform({ gain: 1.5 })([20, 30], 2));
  assert.deepEqual(sampleToFile(['normal', '--shape', '1000', '--std', '0.02', '--mean', '-1e-1']).data, normal({ std: 0.02, mean: -0.1 })([1000], 0));
  assert.deepEqual(
    sampleToFile(['variance_scaling', '--shape', '3,3,8,16', '--scale', '2', '--distribution', 'uniform', '--mode', 'fan_avg']).data,
    varianceScaling({ scale: 2, distribution: 'uniform', mode: 'fan_avg' })([3, 3, 8, 16], 0),
  );
  // Aliases work and give the canonical spec.
  const alias = JSON.parse(ok(['sample', 'kaiming_normal', '--shape', '4,4', '--json'])) as { spec: { name: string } };
  assert.equal(alias.spec.name, 'he_normal');
});

test('an empty dimension gives an empty array, and scalar-like 1-D shapes work', () => {
  const empty = sampleToFile(['zeros', '--shape', '0,3']);
  assert.deepEqual(empty.shape, [0, 3]);
  assert.equal(empty.data.length, 0);
  const vector = sampleToFile(['ones', '--shape', '5']);
  assert.match(vector.header, /'shape': \(5,\), /);
  assert.deepEqual([...vector.data], [1, 1, 1, 1, 1]);
});

const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const hasNumpy = numpy.status === 0;

test('numpy.load reads the file: same shape, dtype and values', { skip: hasNumpy ? false : 'python3 with numpy is not available' }, () => {
  for (const [dtype, descr] of [
    ['float32', 'float32'],
    ['float64', 'float64'],
    ['float16', 'float16'],
  ] as const) {
    const file = sampleToFile(['he_normal', '--shape', '8,3,3,5', '--seed', '11', '--dtype', dtype]);
    const script = [
      'import json, sys, numpy as np',
      'a = np.load(sys.argv[1])',
      'print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "c": bool(a.flags["C_CONTIGUOUS"]), "values": [float(x) for x in a.ravel()]}))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, file.path], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const loaded = JSON.parse(run.stdout) as { shape: number[]; dtype: string; c: boolean; values: number[] };
    assert.deepEqual(loaded.shape, [8, 3, 3, 5]);
    assert.equal(loaded.dtype, descr);
    assert.equal(loaded.c, true);
    assert.deepEqual(loaded.values, [...outputValues(heNormal()([8, 3, 3, 5], 11, { dtype }), dtype)]);
  }
});
