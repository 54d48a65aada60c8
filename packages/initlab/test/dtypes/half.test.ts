/**
 * bfloat16 and float16 outputs against tables made by independent tools (test/dtypes/half-table.json, written by
 * generate-half-table.py: float16 by numpy's astype(float16), bfloat16 by PyTorch's .to(torch.bfloat16) where the
 * table's `bfloat16_source` says so), and the dtype contract of the initializers: a 16-bit output is the float32
 * output rounded once.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bfloat16Bits, bfloat16Value, float16Bits, float16Value, roundToBfloat16, roundToFloat16 } from '../../src/half.ts';
import { DTYPES, outputValues } from '../../src/initializers/initializer.ts';
import { DEFINITIONS, fromSpec } from '../../src/initializers/registry.ts';
import { initialize } from '../../src/node/index.ts';
import { OPTION_ROWS } from '../initializers/golden-cases.ts';

interface HalfTable {
  readonly bfloat16_source: string;
  readonly float16_source: string;
  readonly rows: readonly (readonly [string, string, string])[];
}

const table = JSON.parse(readFileSync(new URL('../../../test/dtypes/half-table.json', import.meta.url), 'utf8')) as HalfTable;
const inputs = new Uint32Array(table.rows.map(([f32]) => Number.parseInt(f32, 16)));
const values = new Float32Array(inputs.buffer);
const bf16 = table.rows.map(([, b]) => Number.parseInt(b, 16));
const f16 = table.rows.map(([, , f]) => Number.parseInt(f, 16));
const isNaN32 = (bits: number): boolean => (bits & 0x7fffffff) >>> 0 > 0x7f800000;

test('the table covers ties, subnormals, overflow to inf, NaN and ±0 (so the checks below test them)', () => {
  const has = (bits: number) => inputs.includes(bits);
  for (const bits of [0, 0x80000000, 0x3f808000, 0x3f818000, 0x7f7f8000, 0x00000001, 0x477ff000, 0x33000000, 0x33c00000, 0x7fc00000]) {
    assert.ok(has(bits >>> 0), `input ${bits.toString(16)} missing`);
  }
  assert.ok(table.rows.length > 6000);
});

test(`float16Bits equals ${table.float16_source} on every row, NaNs included`, () => {
  // A float32 signalling NaN (quiet bit 0x00400000 clear) read into a JavaScript number is quieted by the engine, so
  // the scalar float16Bits cannot see its payload; roundToFloat16 reads the array's bits and matches every row.
  const signalling = (bits: number): boolean => isNaN32(bits) && (bits & 0x00400000) === 0;
  const wrong = table.rows.filter((_, i) => !signalling(inputs[i]!) && float16Bits(values[i]!) !== f16[i]);
  assert.deepEqual(wrong, []);
  const bits = roundToFloat16(values, new Uint16Array(values.length));
  assert.deepEqual(Array.from(bits), f16);
});

test(`bfloat16Bits equals ${table.bfloat16_source} on every non-NaN row; NaN gives c10's 0x7fc0`, () => {
  // PyTorch itself gives two NaNs: c10::BFloat16's scalar round_to_nearest_even 0x7fc0, its vectorized CPU cast
  // 0xffff (what a large tensor's .to(torch.bfloat16) returns); both are NaNs. initlab gives 0x7fc0 always.
  const wrong = table.rows.filter((_, i) => !isNaN32(inputs[i]!) && bfloat16Bits(values[i]!) !== bf16[i]);
  assert.deepEqual(wrong, []);
  const nans = table.rows.map((_, i) => i).filter((i) => isNaN32(inputs[i]!));
  assert.ok(nans.length >= 7);
  for (const i of nans) {
    assert.ok(Number.isNaN(bfloat16Value(bf16[i]!)), 'the table holds a NaN');
    assert.equal(bfloat16Bits(values[i]!), 0x7fc0);
  }
  const bits = roundToBfloat16(values, new Uint16Array(values.length));
  assert.deepEqual(
    Array.from(bits).filter((_, i) => !isNaN32(inputs[i]!)),
    bf16.filter((_, i) => !isNaN32(inputs[i]!)),
  );
});

test('decoding is exact: value(bits(x)) rounds back to the same bits, and 16-bit values are float32 values', () => {
  for (let i = 0; i < values.length; i++) {
    if (isNaN32(inputs[i]!)) continue;
    assert.equal(bfloat16Bits(bfloat16Value(bf16[i]!)), bf16[i]);
    assert.equal(float16Bits(float16Value(f16[i]!)), f16[i]);
    assert.equal(Math.fround(float16Value(f16[i]!)), float16Value(f16[i]!));
  }
});

test('every initializer and layout: a 16-bit output is its float32 output rounded once (call, fill with offset, initialize)', () => {
  for (const definition of DEFINITIONS) {
    const options = OPTION_ROWS[definition.name]![0]!;
    const init = fromSpec({ name: definition.name, ...options });
    for (const layout of ['tf', 'torch'] as const) {
      const shape = definition.name === 'dirac' || definition.name === 'delta_orthogonal' ? (layout === 'tf' ? [3, 3, 4, 6] : [6, 4, 3, 3]) : [24, 18];
      const float32 = init(shape, 11, { layout });
      for (const dtype of ['bfloat16', 'float16'] as const) {
        const expected =
          dtype === 'bfloat16' ? roundToBfloat16(float32, new Uint16Array(float32.length)) : roundToFloat16(float32, new Uint16Array(float32.length));
        const whole = init(shape, 11, { layout, dtype });
        assert.ok(whole instanceof Uint16Array);
        assert.deepEqual(whole, expected, `${definition.name} ${layout} ${dtype}`);
        const slice = init.fill(new Uint16Array(100), shape, 11, { layout, dtype, offset: 37 });
        assert.deepEqual(slice, expected.subarray(37, 137), `${definition.name} ${layout} ${dtype} fill at offset 37`);
        assert.deepEqual(initialize(init, shape, 11, { layout, dtype, threads: 1 }), expected);
      }
    }
  }
});

test('a large element-wise 16-bit fill (many chunks) on 2 threads equals the float32 fill rounded', () => {
  const init = fromSpec({ name: 'normal', std: 0.02 });
  const shape = [600, 500]; // 300,000 elements: several chunks and tasks
  const float32 = init(shape, 5, { layout: 'torch' });
  const expected = roundToBfloat16(float32, new Uint16Array(float32.length));
  const parallel = initialize(init, shape, 5, { layout: 'torch', dtype: 'bfloat16', threads: 2 });
  assert.ok(parallel.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(parallel, expected);
  assert.deepEqual(outputValues(parallel.subarray(0, 4), 'bfloat16'), Float32Array.from(expected.subarray(0, 4), bfloat16Value));
});

test('fill checks that the dtype matches the output array', () => {
  const init = fromSpec({ name: 'normal', std: 1 });
  assert.throws(() => init.fill(new Uint16Array(4), [4], 0), { code: 'invalid_option', parameter: 'dtype' });
  assert.throws(() => init.fill(new Uint16Array(4), [4], 0, { dtype: 'float32' }), /'bfloat16' or 'float16' for a Uint16Array output/);
  assert.throws(
    () => init.fill(new Float32Array(4), [4], 0, { dtype: 'bfloat16' }),
    /dtype must be 'float32' \(or omitted\) for a Float32Array output; got 'bfloat16'/,
  );
  assert.throws(() => init([4], 0, { dtype: 'int8' as never }), new RegExp(`dtype must be one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`));
  assert.throws(() => init.fill(new Int32Array(4) as never, [4], 0), { code: 'invalid_argument', parameter: 'out' });
});
