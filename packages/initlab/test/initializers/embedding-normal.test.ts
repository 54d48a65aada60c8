import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embeddingNormal, normal } from '../../src/initializers/basic.ts';

test('embedding_normal is normal with the same key except the padding row, which is zero (every dtype, any slice)', () => {
  const shape = [7, 5];
  for (const dtype of ['float32', 'float64', 'bfloat16', 'float16'] as const) {
    const padded = embeddingNormal({ std: 0.02, paddingIdx: 3 })(shape, 4, { layout: 'torch', dtype });
    const plain = normal({ std: 0.02 })(shape, 4, { layout: 'torch', dtype });
    for (let i = 0; i < 35; i++) assert.equal(padded[i], i >= 15 && i < 20 ? 0 : plain[i], `${dtype} element ${i}`);
    const slice = embeddingNormal({ std: 0.02, paddingIdx: 3 }).fill(
      dtype === 'float64' ? new Float64Array(9) : dtype === 'float32' ? new Float32Array(9) : new Uint16Array(9),
      shape,
      4,
      { dtype, offset: 13, layout: 'torch' },
    );
    assert.deepEqual(Array.from(slice), Array.from(padded.subarray(13, 22)));
  }
});

test('embedding_normal describes the moments of the whole table (one zero row) and checks paddingIdx', () => {
  const init = embeddingNormal({ mean: 1, std: 2, paddingIdx: 0 });
  const { mean, std } = init.describe([4, 10]);
  // 30 of 40 elements are 𝒩(1, 4), 10 are 0: mean 0.75, E[w²] = 0.75·(4 + 1) = 3.75, var = 3.75 − 0.5625.
  assert.equal(mean, 0.75);
  assert.ok(Math.abs(std - Math.sqrt(3.1875)) < 1e-15);
  assert.throws(() => init.describe([0, 10]), { parameter: 'paddingIdx' });
  assert.throws(() => embeddingNormal({ std: 1, paddingIdx: 1.5 }), { parameter: 'paddingIdx' });
});
