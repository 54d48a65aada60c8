import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { orthogonal } from '../../src/initializers/orthogonal.ts';
import { haarColumnsFloat32, haarOrthonormalFloat32 } from '../../src/linalg/haar-float32.ts';
import { haarInputLength } from '../../src/linalg/qr.ts';
import { closeWorkers, initialize, MIN_PARALLEL_ORTHOGONAL } from '../../src/node/parallel.ts';
import { fold, keyFromSeed } from '../../src/random/key.ts';
import { gaussianMatrix } from '../support/matrices.ts';

after(() => closeWorkers());

/** Index of the first element whose bits differ, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

const key = fold(keyFromSeed(3), 'orthogonal-threads');

// Square (W = Qᵀ), tall (W = Q, transposed back) and wide, with a gain; sizes that are not multiples of a panel.
for (const [shape, layout] of [
  [[300, 300], 'tf'],
  [[600, 257], 'tf'],
  [[257, 600], 'torch'],
  [[3, 3, 40, 150], 'tf'],
] as const) {
  test(`orthogonal float32 ${layout} [${shape}] on 1, 2 and 3 threads: the bits of the core call`, () => {
    const init = orthogonal({ gain: 1.5 });
    const core = init(shape, key, { layout });
    for (const threads of [1, 2, 3]) {
      const out = initialize(init, shape, key, { layout, threads });
      assert.ok(out.buffer instanceof SharedArrayBuffer);
      assert.equal(firstDifference(out, core), -1, `${threads} threads`);
    }
  });
}

test('haarColumnsFloat32: column ranges computed apart give the whole matrix, bit for bit', () => {
  const [m, n] = [333, 290];
  const x = gaussianMatrix(1, haarInputLength(m, n), 12);
  const whole = haarOrthonormalFloat32(x, m, n);
  for (const bounds of [
    [0, 1, 290],
    [0, 31, 32, 33, 200, 290],
    [0, 97, 160, 289, 290],
  ]) {
    const parts = new Float32Array(m * n);
    for (let k = bounds.length - 2; k >= 0; k--) haarColumnsFloat32(x, m, n, bounds[k]!, bounds[k + 1]!, parts);
    assert.equal(firstDifference(parts, whole), -1, `ranges ${bounds}`);
  }
  assert.throws(() => haarColumnsFloat32(x, m, n, 5, 3, new Float32Array(m * n)), RangeError);
});

test('small orthogonal matrices and float64 stay on the calling thread, with the same bits', () => {
  assert.ok(MIN_PARALLEL_ORTHOGONAL > 64);
  const init = orthogonal();
  assert.equal(firstDifference(initialize(init, [64, 64], key, { threads: 2 }), init([64, 64], key)), -1);
  const w64 = initialize(init, [200, 200], key, { threads: 2, dtype: 'float64' });
  assert.deepEqual(w64, init([200, 200], key, { dtype: 'float64' }));
});
