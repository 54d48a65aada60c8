/**
 * The reference path of the samplers, as samplers.ts computed every element before the fast kernels: one
 * `threefry2x32` call per element (through `uniformAt`, with its scratch words), then `normalQuantile` (float32
 * normals and uniforms: one `normal32At` or `uniform32At` call, from the words of the element's block). The benchmark
 * times it as "initlab reference path" (the before of the kernels' after); test/random/kernels.test.ts checks that
 * the kernels give its bits.
 */
import { type FillPlan, type FloatArray, uniform32At, uniformAt } from '../../src/random/samplers.ts';
import { normalQuantile } from '../../src/random/special.ts';
import { normal32At } from '../../src/random/box-muller.ts';

/** Fills `out` as the plan says, element by element, on the reference path. */
export function referenceFill(plan: FillPlan, out: FloatArray): void {
  const { k0, k1, offset } = plan;
  if (plan.distribution === 'uniform') {
    const { low, width, top } = plan;
    const at = out instanceof Float32Array ? uniform32At : uniformAt;
    for (let j = 0; j < out.length; j++) {
      const x = low + width * at(k0, k1, offset + j);
      out[j] = x < top ? x : top;
    }
  } else if (plan.distribution === 'normal') {
    const { mean, std } = plan;
    if (out instanceof Float32Array) {
      for (let j = 0; j < out.length; j++) out[j] = mean + std * normal32At(k0, k1, offset + j);
    } else {
      for (let j = 0; j < out.length; j++) out[j] = mean + std * normalQuantile(uniformAt(k0, k1, offset + j));
    }
  } else {
    const { base, mass, sign, mean, std, bottom, top } = plan;
    const float32 = out instanceof Float32Array;
    for (let j = 0; j < out.length; j++) {
      const z = sign * normalQuantile(base + mass * uniformAt(k0, k1, offset + j));
      const x = float32 ? Math.fround(mean + std * z) : mean + std * z;
      out[j] = x < bottom ? bottom : x > top ? top : x;
    }
  }
}
