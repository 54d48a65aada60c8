/** Shapes: arrays of non-negative integer dimensions, row-major (the last dimension varies fastest). */
import { fail } from './errors.ts';

/** A tensor shape. */
export type Shape = readonly number[];

/**
 * Checks that `shape` is an array of non-negative safe integers whose product is a safe integer.
 *
 * @param where - The function name used in the error message.
 * @throws InitError `invalid_shape` naming the first bad dimension.
 */
export function checkShape(shape: unknown, where: string): Shape {
  if (!Array.isArray(shape)) fail('invalid_shape', where, 'shape', 'an array of non-negative integers', shape);
  shape.forEach((dim: unknown, axis: number) => {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      fail('invalid_shape', where, `shape[${axis}]`, 'a non-negative integer', dim);
    }
  });
  const size = sizeOf(shape as Shape);
  if (!Number.isSafeInteger(size)) fail('invalid_shape', where, 'shape', 'a shape with fewer than 2^53 elements', shape);
  return shape as Shape;
}

/**
 * Number of elements: the product of the dimensions (1 for a scalar shape []).
 *
 * @example
 * sizeOf([3, 3, 64, 128]); // 73728
 * sizeOf([]); // 1
 */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}
