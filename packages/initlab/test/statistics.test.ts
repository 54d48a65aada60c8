/**
 * The core's one mean/std (src/statistics.ts) and one number format (src/format.ts): exact small cases, the
 * cancellation the two-pass sum avoids, empty and non-finite inputs, argument errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNumber, InitError, moments } from '../src/index.ts';

describe('moments', () => {
  it('mean, population variance (divisor n) and std of small exact cases', () => {
    assert.deepEqual(moments([1, 2, 3, 4]), { mean: 2.5, variance: 1.25, std: Math.sqrt(1.25) });
    assert.deepEqual(moments([5]), { mean: 5, variance: 0, std: 0 });
    assert.deepEqual(moments(new Float32Array([-1, 1, -1, 1])), { mean: 0, variance: 1, std: 1 });
    assert.deepEqual(moments(new Int32Array([2, 4, 4, 4, 5, 5, 7, 9])), { mean: 5, variance: 4, std: 2 });
  });

  it('two passes: no cancellation when |mean| ≫ std (the one-pass formula gives a negative variance here)', () => {
    const values = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    const onePass = values.reduce((s, x) => s + x * x, 0) / 4 - (values.reduce((s, x) => s + x, 0) / 4) ** 2;
    assert.ok(onePass < 0, `one-pass gives ${onePass}`);
    assert.deepEqual(moments(values), { mean: 1e9 + 10, variance: 22.5, std: Math.sqrt(22.5) });
  });

  it('float32 inputs are accumulated in float64', () => {
    const values = new Float32Array(1000).fill(0.1); // 0.1 in float32 is 0.100000001490116…
    const m = moments(values);
    assert.ok(Math.abs(m.mean - Math.fround(0.1)) < 1e-15, String(m.mean));
    assert.ok(m.std < 1e-15);
  });

  it('empty input gives NaN; NaN and ±Infinity propagate', () => {
    assert.deepEqual(moments([]), { mean: Number.NaN, variance: Number.NaN, std: Number.NaN });
    assert.ok(Number.isNaN(moments([1, Number.NaN]).std));
    assert.equal(moments([1, Number.POSITIVE_INFINITY]).mean, Number.POSITIVE_INFINITY);
  });

  it('rejects a non-array with an InitError invalid_argument on values', () => {
    for (const bad of [undefined, null, 3, 'abc', { length: 2 }]) {
      assert.throws(
        () => moments(bad as unknown as number[]),
        (e: unknown) => e instanceof InitError && e.code === 'invalid_argument' && e.parameter === 'values' && !e.message.includes('\n'),
      );
    }
  });
});

describe('formatNumber', () => {
  it('integers as they are, others to 6 significant digits without trailing zeros, – for NaN and undefined', () => {
    const cases: [number | undefined, string][] = [
      [0, '0'],
      [-0, '0'],
      [256, '256'],
      [-3, '-3'],
      [1e21, '1e+21'],
      [0.5, '0.5'],
      [1 / 3, '0.333333'],
      [-2 / 3, '-0.666667'],
      [0.1 + 0.2, '0.3'],
      [Math.sqrt(2 / 784), '0.0505076'],
      [123456.789, '123457'],
      [1234567.5, '1234570'],
      [1.5e21 + 0.5, '1.5e+21'],
      [1.5e-7, '1.5e-7'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      [Number.NaN, '–'],
      [undefined, '–'],
    ];
    for (const [value, text] of cases) assert.equal(formatNumber(value), text, String(value));
  });

  it('rejects a non-number with an InitError invalid_argument on value', () => {
    for (const bad of ['1.5', null, 1n]) {
      assert.throws(
        () => formatNumber(bad as unknown as number),
        (e: unknown) => e instanceof InitError && e.code === 'invalid_argument' && e.parameter === 'value',
      );
    }
  });
});
