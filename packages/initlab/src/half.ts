/**
 * 16-bit floats as their bits: bfloat16 (1 sign, 8 exponent, 7 mantissa bits, the top half of a float32) and IEEE
 * binary16 "float16" (1, 5, 10). A 16-bit output is computed as float32 and rounded once, to nearest with ties to
 * even, so it equals `torch.tensor(x, dtype=torch.float32).to(torch.bfloat16)` (c10/util/BFloat16.h
 * `round_to_nearest_even`) and `numpy.float32(x).astype(numpy.float16)` (numpy's `npy_floatbits_to_halfbits`).
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * The bfloat16 bits nearest to the float32 value of `x` (ties to even); every NaN becomes 0x7fc0, as in PyTorch.
 *
 * bits = (u + 0x7fff + ((u >> 16) & 1)) >> 16, u the float32 bits: overflow rounds to ±inf.
 *
 * @example
 * bfloat16Bits(1);        // 0x3f80
 * bfloat16Bits(1 + 2 ** -8); // 0x3f80 (a tie, to even)
 */
export function bfloat16Bits(x: number): number {
  F32[0] = x;
  const u = U32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return 0x7fc0;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * The float16 bits nearest to the float32 value of `x` (ties to even): overflow gives ±inf, tiny values
 * subnormals or a signed zero; a NaN keeps its sign and the top of its payload, with a non-zero mantissa. (A
 * JavaScript number holds no signalling float32 NaN: {@link roundToFloat16} reads the bits of an array instead.)
 *
 * @example
 * float16Bits(1);       // 0x3c00
 * float16Bits(65520);   // 0x7c00 (rounds to inf)
 * float16Bits(2 ** -24); // 0x0001 (the smallest subnormal)
 */
export function float16Bits(x: number): number {
  F32[0] = x;
  return float16FromFloat32Bits(U32[0]!);
}

/** The float16 bits of the float32 whose bits are `u` (see {@link float16Bits}). */
function float16FromFloat32Bits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const exponent = (u >>> 23) & 0xff;
  const mantissa = u & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : mantissa >>> 13 || 1);
  const e = exponent - 112; // the float16 biased exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below 2^-25: rounds to zero
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const halfway = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let bits = m >>> shift;
    if (rest > halfway || (rest === halfway && (bits & 1) === 1)) bits++;
    return sign | bits;
  }
  let bits = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (bits & 1) === 1)) bits++; // a carry may reach the exponent: inf
  return sign | bits;
}

/**
 * The value of bfloat16 bits, exactly (a float32 with the low 16 bits zero).
 *
 * @example
 * bfloat16Value(0x3f80); // 1
 */
export function bfloat16Value(bits: number): number {
  U32[0] = (bits & 0xffff) << 16;
  return F32[0]!;
}

/**
 * The value of float16 bits, exactly.
 *
 * @example
 * float16Value(0x3c00); // 1
 * float16Value(0x0001); // 2 ** -24
 */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/**
 * Rounds each float32 of `source` to bfloat16 bits in `target` (the same rounding as {@link bfloat16Bits}, on the
 * float32 bits directly): target[i] = bfloat16Bits(source[i]) for i < source.length.
 *
 * @example
 * const bits = new Uint16Array(2);
 * roundToBfloat16(Float32Array.of(1, -0), bits); // bits = [0x3f80, 0x8000]
 */
export function roundToBfloat16(source: Float32Array, target: Uint16Array): Uint16Array {
  const words = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let i = 0; i < words.length; i++) {
    const u = words[i]!;
    target[i] = (u & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return target;
}

/**
 * Rounds each float32 of `source` to float16 bits in `target`: target[i] = float16Bits(source[i]), read from the
 * float32 bits directly, so a signalling NaN keeps its payload as in numpy (a JavaScript number cannot hold one).
 *
 * @example
 * const bits = new Uint16Array(2);
 * roundToFloat16(Float32Array.of(1, 65520), bits); // bits = [0x3c00, 0x7c00]
 */
export function roundToFloat16(source: Float32Array, target: Uint16Array): Uint16Array {
  const words = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let i = 0; i < words.length; i++) target[i] = float16FromFloat32Bits(words[i]!);
  return target;
}
