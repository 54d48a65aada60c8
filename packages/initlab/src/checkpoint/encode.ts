/**
 * The little-endian bytes of a safetensors tensor read back as numbers (the bulk 16-bit roundings that write them are
 * `roundToBfloat16` and `roundToFloat16` in src/half.ts).
 */
import { float16Value } from '../half.ts';
import type { SafetensorsDtype } from './safetensors.ts';

/** True when this machine stores numbers little-endian, as safetensors does (every platform Node.js ships for). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The values of a tensor's little-endian bytes, for statistics: F64 as float64, F32 as float32, BF16 and F16 decoded
 * exactly to float32 (bfloat16: the bits shifted to the top of a float32; float16: {@link float16Value}), integer
 * dtypes of up to 32 bits as float64. Returns undefined for a dtype it does not decode (8-bit floats, 64-bit integers,
 * complex).
 *
 * @example
 * decodeTensorBytes(new Uint8Array([0x80, 0x3f]), 'BF16'); // Float32Array [1]
 */
export function decodeTensorBytes(bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array | Float64Array | undefined {
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset } = aligned;
  switch (dtype) {
    case 'F64':
      return new Float64Array(buffer, byteOffset, bytes.length / 8);
    case 'F32':
      return new Float32Array(buffer, byteOffset, bytes.length / 4);
    case 'BF16': {
      const bits = new Uint16Array(buffer, byteOffset, bytes.length / 2);
      const out = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
      return new Float32Array(out.buffer);
    }
    case 'F16': {
      const bits = new Uint16Array(buffer, byteOffset, bytes.length / 2);
      const out = new Float32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = float16Value(bits[i]!);
      return out;
    }
    case 'U8':
    case 'BOOL':
      return Float64Array.from(new Uint8Array(buffer, byteOffset, bytes.length));
    case 'I8':
      return Float64Array.from(new Int8Array(buffer, byteOffset, bytes.length));
    case 'I16':
      return Float64Array.from(new Int16Array(buffer, byteOffset, bytes.length / 2));
    case 'U16':
      return Float64Array.from(new Uint16Array(buffer, byteOffset, bytes.length / 2));
    case 'I32':
      return Float64Array.from(new Int32Array(buffer, byteOffset, bytes.length / 4));
    case 'U32':
      return Float64Array.from(new Uint32Array(buffer, byteOffset, bytes.length / 4));
    case 'I64':
      return Float64Array.from(new BigInt64Array(buffer, byteOffset, bytes.length / 8), Number);
    default:
      return undefined;
  }
}
