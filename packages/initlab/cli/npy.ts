/**
 * A NumPy `.npy` encoder (format version 1.0) for float16, float32 and float64 arrays, so Python can `np.load` what
 * `initlab sample --out` writes.
 *
 * Layout, as specified in NumPy's format documentation (`numpy.lib.format`,
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) and NEP 1, "A simple file format for
 * NumPy arrays" (https://numpy.org/neps/nep-0001-npy-format.html):
 *
 * 1. the magic string `\x93NUMPY` (6 bytes);
 * 2. the format version, major then minor byte: `\x01\x00`;
 * 3. HEADER_LEN, the length of the header that follows, as a little-endian unsigned 16-bit integer;
 * 4. the header: an ASCII Python dict literal with the keys `descr` (dtype string, here `'<f2'`, `'<f4'` or `'<f8'`),
 *    `fortran_order` (`False`: C, row-major order) and `shape` (a tuple: `()`, `(n,)`, `(a, b)`), padded with
 *    spaces and terminated by `\n` so that 6 + 2 + 2 + HEADER_LEN is a multiple of 64, the alignment the current
 *    spec asks for (NEP 1 originally asked for 16, which 64 also satisfies);
 * 5. the data: the elements in row-major order, little-endian, no padding.
 *
 * Version 1.0 limits HEADER_LEN to 65535 bytes, which holds any shape of fewer than several thousand dimensions.
 */

/**
 * Float arrays the encoder accepts: Float32Array, Float64Array, and a Uint16Array holding float16 bits (written as
 * `'<f2'`; NumPy has no bfloat16 dtype, so bfloat16 bits have no `.npy` form and callers must not pass them).
 */
export type NpyData = Float32Array | Float64Array | Uint16Array;

/** The magic string that opens every `.npy` file. */
export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
/** Alignment of the data: the total header length (magic, version, HEADER_LEN, header) is a multiple of this. */
export const NPY_ALIGNMENT = 64;

const PREAMBLE_LENGTH = NPY_MAGIC.length + 2 + 2;
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The NumPy dtype string of an array: `<f2` for Uint16Array (float16 bits), `<f4` for Float32Array, `<f8` for Float64Array (little-endian). */
export function npyDescr(data: NpyData): NpyDescr {
  return data instanceof Float64Array ? '<f8' : data instanceof Uint16Array ? '<f2' : '<f4';
}

/** The dtype strings the encoder writes. */
export type NpyDescr = '<f2' | '<f4' | '<f8';

/** A Python tuple literal of a shape: `()`, `(3,)`, `(64, 3, 3, 3)`. */
export function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * The preamble and header of a version 1.0 `.npy` file: magic, version, HEADER_LEN and the padded header dict,
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (64, 3, 3, 3), }` (the form NumPy itself writes).
 *
 * @throws RangeError if a dimension is not a non-negative safe integer, or the header exceeds 65535 bytes.
 */
export function npyHeader(descr: NpyDescr, shape: readonly number[]): Uint8Array {
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new RangeError(`npy: dimension must be a non-negative integer; got ${dim}.`);
  }
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  const unpadded = PREAMBLE_LENGTH + dict.length + 1; // + the final '\n'
  const padding = (NPY_ALIGNMENT - (unpadded % NPY_ALIGNMENT)) % NPY_ALIGNMENT;
  const header = `${dict}${' '.repeat(padding)}\n`;
  if (header.length > 0xffff) throw new RangeError(`npy: the header of a ${shape.length}-dimensional array exceeds the 65535 bytes of format 1.0.`);
  const bytes = new Uint8Array(PREAMBLE_LENGTH + header.length);
  bytes.set(NPY_MAGIC, 0);
  bytes[6] = 1; // major version
  bytes[7] = 0; // minor version
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[PREAMBLE_LENGTH + i] = header.charCodeAt(i); // ASCII only
  return bytes;
}

/** The data section: the elements' little-endian bytes (a view of `data` on little-endian hosts, a copy otherwise). */
export function npyBody(data: NpyData): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float64Array) data.forEach((v, i) => view.setFloat64(8 * i, v, true));
  else if (data instanceof Uint16Array) data.forEach((v, i) => view.setUint16(2 * i, v, true));
  else data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return bytes;
}

/**
 * Encodes a row-major array of the given shape as a `.npy` file: `[header, body]`, to be written one after the other
 * (the body is a view of `data` where possible, so large arrays are not copied).
 *
 * @throws RangeError if `data.length` is not the product of `shape`.
 */
export function encodeNpy(data: NpyData, shape: readonly number[]): [Uint8Array, Uint8Array] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new RangeError(`npy: ${data.length} elements do not fill shape ${pythonTuple(shape)} (${size} elements).`);
  return [npyHeader(npyDescr(data), shape), npyBody(data)];
}
