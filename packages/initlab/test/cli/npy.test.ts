/** cli/npy.ts: the .npy encoder, checked against the format's invariants with an independent reader. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeNpy, npyHeader, pythonTuple } from '../../cli/npy.ts';
import { readNpy } from './run.ts';

const concat = (chunks: readonly Uint8Array[]): Uint8Array => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

test('shapes are Python tuples', () => {
  assert.equal(pythonTuple([]), '()');
  assert.equal(pythonTuple([5]), '(5,)');
  assert.equal(pythonTuple([64, 3, 3, 3]), '(64, 3, 3, 3)');
});

test('the header is NumPy’s dict, padded so that the data starts at a multiple of 64', () => {
  for (let rank = 0; rank <= 12; rank++) {
    for (const dim of [0, 1, 7, 123456789, Number.MAX_SAFE_INTEGER]) {
      const shape = Array.from({ length: rank }, () => dim);
      const header = npyHeader('<f4', shape);
      assert.equal(header.length % 64, 0, `rank ${rank}, dim ${dim}`);
      assert.equal(header[header.length - 1], 0x0a);
      const text = Buffer.from(header.subarray(10)).toString('latin1');
      assert.ok(text.startsWith(`{'descr': '<f4', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`));
      assert.match(text, /^[^\n]*} *\n$/);
      assert.equal(header[8]! | (header[9]! << 8), header.length - 10);
    }
  }
});

test('encode then read gives the array back, float32 and float64', () => {
  const f32 = Float32Array.from({ length: 24 }, (_, i) => (i - 12) / 7);
  const read32 = readNpy(concat(encodeNpy(f32, [2, 3, 4])));
  assert.deepEqual(read32.shape, [2, 3, 4]);
  assert.equal(read32.descr, '<f4');
  assert.deepEqual(read32.data, f32);
  const f64 = Float64Array.from([Math.PI, -0, Number.MIN_VALUE, 1e308]);
  const read64 = readNpy(concat(encodeNpy(f64, [4])));
  assert.equal(read64.descr, '<f8');
  assert.ok(Object.is(read64.data[1], -0));
  assert.deepEqual(read64.data, f64);
  const scalar = readNpy(concat(encodeNpy(Float32Array.of(2.5), [])));
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual([...scalar.data], [2.5]);
});

test('the body is the little-endian bytes of a subarray view, not of its whole buffer', () => {
  const whole = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const [, body] = encodeNpy(whole.subarray(2, 4), [2]);
  assert.equal(body.length, 8);
  assert.deepEqual([...body], [...new Uint8Array(Float32Array.of(3, 4).buffer)]);
});

test('a length that does not fill the shape, a bad dimension or a huge header is rejected', () => {
  assert.throws(() => encodeNpy(new Float32Array(5), [2, 3]), RangeError);
  assert.throws(() => npyHeader('<f4', [-1]), RangeError);
  assert.throws(() => npyHeader('<f4', [1.5]), RangeError);
  assert.throws(
    () =>
      npyHeader(
        '<f4',
        Array.from({ length: 30000 }, () => 1),
      ),
    /65535/,
  );
});
