/**
 * The block oracle: any rectangular block of a tensor, generated alone with `init.block`, is bit-identical to the same
 * block of the whole tensor, for every element-wise initializer and every dtype (property-based, fast-check).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DTYPES, forEachSegment, type OutputArray } from '../../src/initializers/initializer.ts';
import { DEFINITIONS, fromSpec } from '../../src/initializers/registry.ts';
import { OPTION_ROWS } from './golden-cases.ts';

/** The block of a row-major tensor, element by element (the naive reference). */
function sliceBlock(whole: OutputArray, shape: readonly number[], start: readonly number[], size: readonly number[]): number[] {
  const out: number[] = [];
  const total = size.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < total; n++) {
    let flat = 0;
    for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + start[d]! + index[d]!;
    out.push(whole[flat]!);
    for (let d = shape.length - 1; d >= 0 && ++index[d]! === size[d]!; d--) index[d] = 0;
  }
  return out;
}

/** A shape of rank 1–4 with dimensions 0–7 (rank 2+ for the fan-based initializers), and a block inside it. */
const shapeAndBlock = fc
  .array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc
      .tuple(...shape.map((dim) => fc.integer({ min: 0, max: dim }).chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: 0, max: dim - start })))))
      .map((pairs) => ({ shape, start: pairs.map(([s]) => s), size: pairs.map(([, n]) => n) })),
  );

const elementwise = DEFINITIONS.filter((d) => d.elementwise === true);

test('there are element-wise and structured definitions to test', () => {
  assert.ok(elementwise.length >= 12);
  assert.ok(DEFINITIONS.some((d) => d.elementwise !== true));
});

for (const definition of elementwise) {
  test(`${definition.name}: random blocks of random shapes equal the slices of the full fill, every dtype and layout`, () => {
    const options = OPTION_ROWS[definition.name]![0]!;
    const init = fromSpec({ name: definition.name, ...options });
    fc.assert(
      fc.property(
        shapeAndBlock,
        fc.constantFrom(...DTYPES),
        fc.constantFrom('tf' as const, 'torch' as const),
        fc.integer({ min: 0, max: 1000 }),
        (region, dtype, layout, seed) => {
          const { shape, start, size } = region;
          let whole: OutputArray;
          try {
            whole = init(shape, seed, { layout, dtype });
          } catch (error) {
            // A shape the initializer rejects (a fan of 0): the block is rejected with the same message.
            assert.throws(() => init.block(shape, seed, { start, size }, { layout, dtype }), { message: (error as Error).message });
            return;
          }
          const block = init.block(shape, seed, { start, size }, { layout, dtype });
          assert.equal(block.constructor, whole.constructor);
          assert.deepEqual(Array.from(block), sliceBlock(whole, shape, start, size));
        },
      ),
      { numRuns: 60, seed: 20250607 },
    );
  });
}

test('a tensor-parallel shard: column and row blocks of a [96, 64] torch weight tile the whole tensor', () => {
  const init = fromSpec({ name: 'normal', std: 0.02 });
  const shape = [96, 64];
  const whole = init(shape, 9, { layout: 'torch', dtype: 'bfloat16' });
  const ranks = 4;
  const rows: number[] = [];
  for (let r = 0; r < ranks; r++) rows.push(...init.block(shape, 9, { start: [r * 24, 0], size: [24, 64] }, { layout: 'torch', dtype: 'bfloat16' }));
  assert.deepEqual(rows, Array.from(whole), 'ColumnParallel shards (rows of out × in) concatenate to the tensor');
  const columns = Array.from({ length: ranks }, (_, r) => init.block(shape, 9, { start: [0, r * 16], size: [96, 16] }, { layout: 'torch', dtype: 'bfloat16' }));
  for (let i = 0; i < 96; i++) {
    for (let r = 0; r < ranks; r++)
      assert.deepEqual(Array.from(columns[r]!.subarray(i * 16, (i + 1) * 16)), Array.from(whole.subarray(i * 64 + r * 16, i * 64 + r * 16 + 16)));
  }
});

test('forEachSegment merges the trailing dimensions a block covers whole into one run', () => {
  const runs: [number, number, number][] = [];
  forEachSegment([4, 3, 5], [1, 0, 0], [2, 3, 5], (offset, at, length) => runs.push([offset, at, length]));
  assert.deepEqual(runs, [[15, 0, 30]], 'two whole 3×5 slabs are one run');
  runs.length = 0;
  forEachSegment([4, 6], [0, 2], [3, 3], (offset, at, length) => runs.push([offset, at, length]));
  assert.deepEqual(runs, [
    [2, 0, 3],
    [8, 3, 3],
    [14, 6, 3],
  ]);
  runs.length = 0;
  forEachSegment([], [], [], (offset, at, length) => runs.push([offset, at, length]));
  assert.deepEqual(runs, [[0, 0, 1]], 'a scalar is one element');
  runs.length = 0;
  forEachSegment([3, 0], [0, 0], [3, 0], (offset, at, length) => runs.push([offset, at, length]));
  assert.deepEqual(runs, [], 'an empty block has no run');
});

test('structured initializers refuse a partial block, naming start and why; the whole tensor is accepted', () => {
  for (const definition of DEFINITIONS.filter((d) => d.elementwise !== true)) {
    const options = OPTION_ROWS[definition.name]![0]!;
    const init = fromSpec({ name: definition.name, ...options });
    const shape = ['dirac', 'delta_orthogonal'].includes(definition.name) ? [6, 4, 3, 3] : [6, 4];
    const zero = shape.map(() => 0);
    assert.throws(
      () => init.block(shape, 1, { start: zero, size: [3, ...shape.slice(1)] }, { layout: 'torch' }),
      (error: Error & { code?: string; parameter?: string }) => {
        assert.equal(error.code, 'invalid_argument');
        assert.equal(error.parameter, 'start');
        assert.match(
          error.message,
          new RegExp(`^${definition.name}: start must be all zeros, with size equal to the shape .*not element-wise.*needs the whole tensor`),
        );
        return true;
      },
    );
    assert.deepEqual(init.block(shape, 1, { start: zero, size: shape }, { layout: 'torch' }), init(shape, 1, { layout: 'torch' }));
  }
});

test('bad blocks: wrong rank, negative or fractional start, a block past the edge', () => {
  const init = fromSpec({ name: 'normal', std: 1 });
  assert.throws(
    () => init.block([4, 4], 0, { start: [0], size: [4, 4] }),
    /normal: start must be a list of 2 non-negative integers \(one per dimension of \[4, 4\]\); got \[0\]\./,
  );
  assert.throws(() => init.block([4, 4], 0, { start: [0, -1], size: [4, 4] }), { parameter: 'start' });
  assert.throws(() => init.block([4, 4], 0, { start: [0, 0], size: [4, 1.5] }), { parameter: 'size' });
  assert.throws(
    () => init.block([4, 4], 0, { start: [1, 0], size: [4, 4] }),
    /size must be such that start \+ size ≤ shape in every dimension \(dimension 0: 1 \+ 4 > 4\)/,
  );
  assert.throws(() => init.block([4, 4], 0, null as never), { code: 'invalid_argument', parameter: 'block' });
});
