/**
 * A tiny WebAssembly assembler: the encodings (LEB128 integers, sections, vectors, names), the opcodes used by
 * initlab's hand-written SIMD kernels, a pool of v128 constants kept in the module's memory, and a builder for
 * function bodies. Kernels are assembled at first use from TypeScript, so the package ships no binary file and needs
 * no toolchain (see src/random/simd.ts and src/linalg/ for the kernels themselves).
 *
 * Encodings follow the WebAssembly core specification 2.0 (binary format, §5) and the fixed-width SIMD proposal
 * (opcodes under the 0xFD prefix).
 *
 * @module
 */

/** The minimal WebAssembly API used here (the core's TypeScript lib has no WebAssembly types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory?: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBuffer };
}

/** The engine's WebAssembly object, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Unsigned LEB128 encoding of a non-negative 32-bit integer. */
export function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Signed LEB128 encoding of a 32-bit integer. */
export function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

const scratchFloat = new Float64Array(2);
const scratchBytes = new Uint8Array(scratchFloat.buffer);
const scratchInts = new Int32Array(scratchFloat.buffer);
const scratchSingles = new Float32Array(scratchFloat.buffer);

/** The 8 little-endian bytes of a double. */
export function f64Bytes(value: number): number[] {
  scratchFloat[0] = value;
  return Array.from(scratchBytes.subarray(0, 8));
}

/** The 16 bytes of four i32 lanes. */
export function i32x4Bytes(lanes: readonly number[]): number[] {
  for (let i = 0; i < 4; i++) scratchInts[i] = lanes[i]!;
  return Array.from(scratchBytes);
}

/** The 16 bytes of four f32 lanes (each value rounded to float32). */
export function f32x4Bytes(lanes: readonly number[]): number[] {
  for (let i = 0; i < 4; i++) scratchSingles[i] = lanes[i]!;
  return Array.from(scratchBytes);
}

/** A section: id, byte length, body. (concat rather than spreads: function bodies reach tens of thousands of bytes.) */
export function section(id: number, body: number[]): number[] {
  return [id].concat(uleb(body.length), body);
}

/** A vector: element count, then the elements. */
export function vector(items: number[][]): number[] {
  return uleb(items.length).concat(...items);
}

/** A name: byte length, then the (ASCII) bytes. */
export function name(text: string): number[] {
  const bytes = Array.from(text, (c) => c.charCodeAt(0));
  return [...uleb(bytes.length), ...bytes];
}

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** SIMD opcodes (0xFD prefix, LEB128 sub-opcode). */
export const SIMD = {
  load: 0x00,
  load64Splat: 0x0a,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  swizzle: 0x0e,
  i32x4Splat: 0x11,
  i64x2Splat: 0x12,
  f32x4Splat: 0x13,
  f64x2Splat: 0x14,
  f32x4ExtractLane: 0x1f,
  f32x4ReplaceLane: 0x20,
  f64x2ExtractLane: 0x21,
  f64x2ReplaceLane: 0x22,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  f32x4Ge: 0x46,
  f64x2Lt: 0x49,
  f64x2Gt: 0x4a,
  f64x2Le: 0x4b,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  anyTrue: 0x53,
  load64Zero: 0x5d,
  f32x4DemoteF64x2Zero: 0x5e,
  f64x2PromoteLowF32x4: 0x5f,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i64x2Bitmask: 0xc4,
  i64x2Shl: 0xcb,
  i64x2ShrU: 0xcd,
  i64x2Sub: 0xd1,
  i64x2GeS: 0xdb,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f64x2Abs: 0xec,
  f64x2Neg: 0xed,
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Pmin: 0xf6,
  f64x2Pmax: 0xf7,
  f32x4ConvertI32x4S: 0xfa,
  f32x4ConvertI32x4U: 0xfb,
  f64x2ConvertLowI32x4S: 0xfe,
  f64x2ConvertLowI32x4U: 0xff,
} as const;

/** A module's v128 constants, 16 bytes each, laid out from `base` in its memory (one data segment). */
export class ConstantPool {
  private readonly index = new Map<string, number>();
  private readonly list: (readonly number[])[] = [];
  constructor(readonly base: number) {}
  /** Byte offset of a constant in memory (added on first use). */
  offset(bytes: readonly number[]): number {
    const key = bytes.join(',');
    let k = this.index.get(key);
    if (k === undefined) {
      k = this.list.push(bytes) - 1;
      this.index.set(key, k);
    }
    return this.base + 16 * k;
  }
  bytes(): number[] {
    return this.list.flat();
  }
}

/** Builds the instructions of one function body. */
export class Code {
  readonly bytes: number[] = [];
  constructor(readonly pool: ConstantPool) {}
  op(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  simd(op: number, ...immediates: number[]): this {
    this.bytes.push(0xfd);
    if (op < 0x80) this.bytes.push(op);
    else this.bytes.push((op & 0x7f) | 0x80, op >>> 7);
    for (const b of immediates) this.bytes.push(b);
    return this;
  }
  get(local: number): this {
    return this.localOp(0x20, local);
  }
  set(local: number): this {
    return this.localOp(0x21, local);
  }
  tee(local: number): this {
    return this.localOp(0x22, local);
  }
  private localOp(opcode: number, local: number): this {
    this.bytes.push(opcode);
    for (const b of uleb(local)) this.bytes.push(b);
    return this;
  }
  i32(value: number): this {
    return this.op(0x41, ...sleb(value | 0));
  }
  /**
   * A v128 constant, loaded from the module's constant pool: V8 builds an inline `v128.const` from immediates with
   * several instructions every time it runs, while a load from memory is one instruction.
   */
  constant(bytes: readonly number[]): this {
    return this.i32(0).load(this.pool.offset(bytes));
  }
  /** v128 constant holding `value` in both f64 lanes. */
  f64x2(value: number): this {
    return this.constant([...f64Bytes(value), ...f64Bytes(value)]);
  }
  /** v128 constant holding `value` (rounded to float32) in all four f32 lanes. */
  f32x4(value: number): this {
    return this.constant(f32x4Bytes([value, value, value, value]));
  }
  /** v128 constant holding the 64-bit integer `value` (< 2^31) in both lanes. */
  i64x2(value: number): this {
    return this.i32x4([value, 0, value, 0]);
  }
  /** v128 constant from four i32 lanes. */
  i32x4(lanes: readonly number[]): this {
    return this.constant(i32x4Bytes(lanes));
  }
  /** v128.load/store with alignment 2^4 and a constant offset. */
  load(offset: number): this {
    return this.simd(SIMD.load, 4).op(...uleb(offset));
  }
  store(offset: number): this {
    return this.simd(SIMD.store, 4).op(...uleb(offset));
  }
  shuffle(lanes: readonly number[]): this {
    return this.simd(SIMD.shuffle).op(...lanes);
  }
}

/** The bytes of a function body: local declarations (count, type) then the code, prefixed by the body's size. */
export function functionBody(locals: readonly (readonly [count: number, type: number])[], code: Code): number[] {
  const declarations = vector(locals.map(([count, type]) => [...uleb(count), type]));
  const body = declarations.concat(code.bytes);
  return uleb(body.length).concat(body);
}

/** Concatenates the parts of a module (header first) into its bytes. */
export function concatBytes(parts: readonly number[][]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** The module header: magic number and version 1. */
export const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

let simdSupport: boolean | undefined;

/**
 * Whether this engine validates WebAssembly SIMD (checked once with a tiny module) on a little-endian host (the
 * typed-array views of module memory assume it; every current host is).
 */
export function wasmSimdSupported(): boolean {
  if (simdSupport === undefined) {
    const wasm = wasmApi();
    // (module (func (result v128) v128.const i64x2 0 0))
    const probe = [...MODULE_HEADER, ...section(1, vector([[0x60, 0x00, 0x01, V128]]))];
    const body = [0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b];
    probe.push(...section(3, vector([[0]])), ...section(10, vector([[...uleb(body.length), ...body]])));
    const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    try {
      simdSupport = littleEndian && wasm !== undefined && wasm.validate(new Uint8Array(probe));
    } catch {
      simdSupport = false;
    }
  }
  return simdSupport;
}
