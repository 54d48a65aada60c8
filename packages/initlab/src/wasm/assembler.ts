/**
 * A tiny WebAssembly assembler, the one place that knows the binary format: the encodings (LEB128 integers,
 * sections, vectors, names), named opcodes ({@link OP} for scalar instructions, {@link SIMD} for the 0xFD-prefixed
 * ones, {@link Code} methods for control, locals, constants, loads and stores, and {@link Code.loopUntil} for the
 * loops), a pool of v128 constants kept in the module's memory, an allocator of named parameters and locals
 * ({@link Locals}), and the builder of whole modules ({@link moduleBytes}). Kernels are assembled at first use from
 * TypeScript, so the package ships no binary file and needs no toolchain (src/random/simd.ts, simd-float32.ts,
 * simd-threefry.ts and src/linalg/wy-simd.ts write the kernels themselves, with no raw opcode).
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

/**
 * The engine's WebAssembly object, or undefined where there is none.
 *
 * @example
 * const memory = wasmApi()?.Memory; // the WebAssembly.Memory constructor in Node and browsers
 */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Unsigned LEB128 encoding of a non-negative 32-bit integer. */
function uleb(value: number): number[] {
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
function sleb(value: number): number[] {
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
function f64Bytes(value: number): number[] {
  scratchFloat[0] = value;
  return Array.from(scratchBytes.subarray(0, 8));
}

/** The 16 bytes of four i32 lanes. */
function i32x4Bytes(lanes: readonly number[]): number[] {
  for (let i = 0; i < 4; i++) scratchInts[i] = lanes[i]!;
  return Array.from(scratchBytes);
}

/** The 16 bytes of four f32 lanes (each value rounded to float32). */
function f32x4Bytes(lanes: readonly number[]): number[] {
  for (let i = 0; i < 4; i++) scratchSingles[i] = lanes[i]!;
  return Array.from(scratchBytes);
}

/** A section: id, byte length, body. (concat rather than spreads: function bodies reach tens of thousands of bytes.) */
function section(id: number, body: number[]): number[] {
  return [id].concat(uleb(body.length), body);
}

/** A vector: element count, then the elements. */
function vector(items: number[][]): number[] {
  return uleb(items.length).concat(...items);
}

/** A name: byte length, then the (ASCII) bytes. */
function name(text: string): number[] {
  const bytes = Array.from(text, (c) => c.charCodeAt(0));
  return [...uleb(bytes.length), ...bytes];
}

/** Concatenates the parts of a module (header first) into its bytes. */
function concatBytes(parts: readonly number[][]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** The module header: magic number and version 1. */
const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** SIMD opcodes (0xFD prefix, LEB128 sub-opcode). */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
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

/** i8x16.shuffle lanes: the high 64 bits of the first operand in both halves (for the `…_low` conversions). */
export const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15] as const;
/** i8x16.shuffle lanes: the low 64 bits of the first operand, then the low 64 bits of the second. */
export const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] as const;

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

/**
 * Scalar, memory-free instructions without immediates, by their text-format names (i32.ge_u → `i32GeU`; core
 * specification 2.0, §5.4). Instructions with immediates (control, locals, constants, loads and stores) are
 * {@link Code} methods.
 */
export const OP = {
  select: 0x1b,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i32Ctz: 0x68,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;

/** One of the {@link OP} instructions. */
export type Opcode = (typeof OP)[keyof typeof OP];

/** Control and variable opcodes, emitted by the {@link Code} methods of the same names. */
const CONTROL = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
} as const;
/** The block type of a block, loop or if that leaves nothing on the stack. */
const EMPTY_BLOCK = 0x40;
/** log2 of the natural alignment of 4-, 8- and 16-byte accesses (the memarg's alignment field). */
const ALIGN_4 = 2;
const ALIGN_8 = 3;
const ALIGN_16 = 4;

/** Builds the instructions of one function body. */
export class Code {
  readonly bytes: number[] = [];
  constructor(readonly pool: ConstantPool) {}
  /** Instructions without immediates ({@link OP}). */
  op(...opcodes: Opcode[]): this {
    for (const b of opcodes) this.bytes.push(b);
    return this;
  }
  /** A SIMD instruction (0xFD prefix, LEB128 sub-opcode from {@link SIMD}), then its immediate bytes. */
  simd(op: number, ...immediates: number[]): this {
    this.bytes.push(0xfd);
    if (op < 0x80) this.bytes.push(op);
    else this.bytes.push((op & 0x7f) | 0x80, op >>> 7);
    for (const b of immediates) this.bytes.push(b);
    return this;
  }
  /** local.get */
  get(local: number): this {
    return this.withIndex(CONTROL.localGet, local);
  }
  /** local.set */
  set(local: number): this {
    return this.withIndex(CONTROL.localSet, local);
  }
  /** local.tee */
  tee(local: number): this {
    return this.withIndex(CONTROL.localTee, local);
  }
  /** `block` with no result. */
  block(): this {
    return this.push(CONTROL.block, EMPTY_BLOCK);
  }
  /** `loop` with no result. */
  loop(): this {
    return this.push(CONTROL.loop, EMPTY_BLOCK);
  }
  /** `if` with no result (the condition, an i32, on the stack). */
  if(): this {
    return this.push(CONTROL.if, EMPTY_BLOCK);
  }
  else(): this {
    return this.push(CONTROL.else);
  }
  /** `end` of a block, loop, if or of the function. */
  end(): this {
    return this.push(CONTROL.end);
  }
  /** `br depth`: 0 is the innermost enclosing block or loop. */
  br(depth: number): this {
    return this.withIndex(CONTROL.br, depth);
  }
  /** `br_if depth` (the condition, an i32, on the stack). */
  brIf(depth: number): this {
    return this.withIndex(CONTROL.brIf, depth);
  }
  /**
   * `while (!exit) body`: block, loop, the exit condition (code leaving an i32, nonzero to leave), br_if to after
   * the block, the body, br back to the loop, end, end.
   */
  loopUntil(exit: () => void, body: () => void): this {
    this.block().loop();
    exit();
    this.brIf(1);
    body();
    return this.br(0).end().end();
  }
  /** i32.const */
  i32(value: number): this {
    this.bytes.push(CONTROL.i32Const);
    for (const b of sleb(value | 0)) this.bytes.push(b);
    return this;
  }
  /** i32.load at (address on the stack) + offset, naturally aligned. */
  i32Load(offset: number): this {
    return this.memory(CONTROL.i32Load, ALIGN_4, offset);
  }
  /** f32.load at (address on the stack) + offset, naturally aligned. */
  f32Load(offset: number): this {
    return this.memory(CONTROL.f32Load, ALIGN_4, offset);
  }
  /** f64.load at (address on the stack) + offset, naturally aligned. */
  f64Load(offset: number): this {
    return this.memory(CONTROL.f64Load, ALIGN_8, offset);
  }
  /** i32.store (address, value on the stack) at address + offset, naturally aligned. */
  i32Store(offset: number): this {
    return this.memory(CONTROL.i32Store, ALIGN_4, offset);
  }
  /** f32.store (address, value on the stack) at address + offset, naturally aligned. */
  f32Store(offset: number): this {
    return this.memory(CONTROL.f32Store, ALIGN_4, offset);
  }
  /** f64.store (address, value on the stack) at address + offset, naturally aligned. */
  f64Store(offset: number): this {
    return this.memory(CONTROL.f64Store, ALIGN_8, offset);
  }
  /** v128.load with alignment 2^4 and a constant offset. */
  v128Load(offset: number): this {
    return this.simd(SIMD.load, ALIGN_16, ...uleb(offset));
  }
  /** v128.store with alignment 2^4 and a constant offset. */
  v128Store(offset: number): this {
    return this.simd(SIMD.store, ALIGN_16, ...uleb(offset));
  }
  /** v128.load32_splat: the 32-bit value at (address on the stack) + offset in all four lanes. */
  load32Splat(offset: number): this {
    return this.simd(SIMD.load32Splat, ALIGN_4, ...uleb(offset));
  }
  /** v128.load64_splat: the double at (address on the stack) + offset in both lanes. */
  load64Splat(offset: number): this {
    return this.simd(SIMD.load64Splat, ALIGN_8, ...uleb(offset));
  }
  /**
   * A v128 constant, loaded from the module's constant pool: V8 builds an inline `v128.const` from immediates with
   * several instructions every time it runs, while a load from memory is one instruction.
   */
  constant(bytes: readonly number[]): this {
    return this.i32(0).v128Load(this.pool.offset(bytes));
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
  /** i8x16.shuffle with 16 lane indices. */
  shuffle(lanes: readonly number[]): this {
    return this.simd(SIMD.shuffle, ...lanes);
  }
  private push(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  private withIndex(opcode: number, index: number): this {
    this.bytes.push(opcode);
    for (const b of uleb(index)) this.bytes.push(b);
    return this;
  }
  private memory(opcode: number, align: number, offset: number): this {
    this.bytes.push(opcode, align);
    for (const b of uleb(offset)) this.bytes.push(b);
    return this;
  }
}

/** The form of a function type. */
const FUNCTION_TYPE = 0x60;

/**
 * The parameters and locals of one function, by name. WebAssembly numbers parameters first, then locals, in
 * declaration order; this hands out those indices in the order of the calls (all parameters before any local) and
 * keeps their types for the function's type and its local declarations.
 */
export class Locals {
  private readonly parameterTypes: number[] = [];
  private readonly localTypes: number[] = [];
  /** Parameters of one type, after those declared so far: name → index. */
  parameters<const N extends string>(type: number, names: readonly N[]): Record<N, number> {
    return Object.fromEntries(names.map((n) => [n, this.addParameter(type)])) as Record<N, number>;
  }
  /** `count` parameters of one type in a row: the function returns the index of the k-th (0 ≤ k < count). */
  parameterList(type: number, count: number): (k: number) => number {
    const first = this.parameterTypes.length;
    for (let k = 0; k < count; k++) this.addParameter(type);
    return indexFunction(first, count);
  }
  /** Locals of one type: name → index. */
  named<const N extends string>(type: number, names: readonly N[]): Record<N, number> {
    return Object.fromEntries(names.map((n) => [n, this.add(type)])) as Record<N, number>;
  }
  /** `count` locals of one type in a row: the function returns the index of the k-th (0 ≤ k < count). */
  list(type: number, count: number): (k: number) => number {
    const first = this.parameterTypes.length + this.localTypes.length;
    for (let k = 0; k < count; k++) this.add(type);
    return indexFunction(first, count);
  }
  /**
   * `count` groups of the same named locals of one type (one group per vector, pair, …), group after group:
   * `groups(V128, ['x0', 'x1'], 4).x1(2)` is group 2's x1.
   */
  groups<const N extends string>(type: number, names: readonly N[], count: number): Record<N, (group: number) => number> {
    const all = this.list(type, count * names.length);
    return Object.fromEntries(names.map((n, k) => [n, (group: number) => all(group * names.length + k)])) as Record<N, (group: number) => number>;
  }
  /** The function type `(func (param …) (result …))`. */
  functionType(results: readonly number[]): number[] {
    return [FUNCTION_TYPE, ...vector(this.parameterTypes.map((t) => [t])), ...vector(results.map((t) => [t]))];
  }
  /** The local declarations of the function body: runs of (count, type), in index order. */
  declarations(): number[] {
    const runs: [count: number, type: number][] = [];
    for (const type of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    return vector(runs.map(([count, type]) => [...uleb(count), type]));
  }
  private add(type: number): number {
    return this.parameterTypes.length + this.localTypes.push(type) - 1;
  }
  private addParameter(type: number): number {
    if (this.localTypes.length > 0) throw new Error('parameters come before locals');
    return this.parameterTypes.push(type) - 1;
  }
}

/** k ↦ first + k for 0 ≤ k < count (a RangeError otherwise: an assembler bug). */
function indexFunction(first: number, count: number): (k: number) => number {
  return (k) => {
    if (!(Number.isInteger(k) && k >= 0 && k < count)) throw new RangeError(`no index ${k} of ${count}`);
    return first + k;
  };
}

/** The bytes of a function body: its size, its local declarations, the code, then `end`. */
function functionBody(locals: Locals, code: Code): number[] {
  const body = locals.declarations().concat(code.bytes, [CONTROL.end]);
  return uleb(body.length).concat(body);
}

/** One function of a module: its export name, parameters and locals, result types and code (without the final end). */
export interface WasmFunction {
  readonly name: string;
  readonly locals: Locals;
  readonly results: readonly number[];
  readonly code: Code;
}

/** Section ids (core specification 2.0, §5.5.2). */
const SECTION = { type: 1, function: 3, memory: 5, export: 7, code: 10, data: 11 } as const;
/** Export kinds. */
const EXPORT_FUNCTION = 0x00;
const EXPORT_MEMORY = 0x02;
/** The size of a WebAssembly memory page. */
export const PAGE_BYTES = 65536;

/**
 * The bytes of a module: one memory of one page to start and no maximum, exported as `memory`; the functions,
 * exported by name; and, when the pool holds constants, a data segment that puts them at the pool's base (which
 * must fit in the first page).
 */
export function moduleBytes(functions: readonly WasmFunction[], pool: ConstantPool): Uint8Array {
  const types: number[][] = [];
  const typeIndex = functions.map((f) => {
    const type = f.locals.functionType(f.results);
    const k = types.findIndex((t) => t.length === type.length && t.every((b, i) => b === type[i]));
    return k >= 0 ? k : types.push(type) - 1;
  });
  const bodies = functions.map((f) => functionBody(f.locals, f.code));
  const parts = [
    MODULE_HEADER,
    section(SECTION.type, vector(types)),
    section(SECTION.function, vector(typeIndex.map((k) => uleb(k)))),
    section(SECTION.memory, vector([[0x00, ...uleb(1)]])), // limits: minimum only, 1 page
    section(SECTION.export, vector([[...name('memory'), EXPORT_MEMORY, 0], ...functions.map((f, k) => [...name(f.name), EXPORT_FUNCTION, ...uleb(k)])])),
    section(SECTION.code, vector(bodies)),
  ];
  const constants = pool.bytes();
  if (constants.length > 0) {
    if (pool.base + constants.length > PAGE_BYTES) throw new Error('the SIMD constant pool does not fit in one page');
    // Active segment of memory 0 at the offset (i32.const base; end), then the bytes.
    const offset = [CONTROL.i32Const, ...sleb(pool.base), CONTROL.end];
    parts.push(section(SECTION.data, vector([[0x00, ...offset, ...uleb(constants.length), ...constants]])));
  }
  return concatBytes(parts);
}

/**
 * Compiles and instantiates `bytes` synchronously, without imports: the instance's exports, or undefined where
 * there is no WebAssembly or the engine refuses (some browsers' main threads refuse synchronous compilation).
 */
export function instantiate(bytes: Uint8Array): Record<string, unknown> | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  try {
    return new wasm.Instance(new wasm.Module(bytes), {}).exports;
  } catch {
    return undefined;
  }
}

let simdSupport: boolean | undefined;

/**
 * Whether this engine validates WebAssembly SIMD (checked once with a tiny module) on a little-endian host (the
 * typed-array views of module memory assume it; every current host is).
 */
export function wasmSimdSupported(): boolean {
  if (simdSupport === undefined) {
    const wasm = wasmApi();
    // (module (func (result v128) v128.const i64x2 0 0)): no memory, no export.
    const probe = new Code(new ConstantPool(0)).simd(SIMD.const, ...new Array<number>(16).fill(0));
    const bytes = concatBytes([
      MODULE_HEADER,
      section(SECTION.type, vector([new Locals().functionType([V128])])),
      section(SECTION.function, vector([[0]])),
      section(SECTION.code, vector([functionBody(new Locals(), probe)])),
    ]);
    const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    try {
      simdSupport = littleEndian && wasm?.validate(bytes) === true;
    } catch {
      simdSupport = false;
    }
  }
  return simdSupport;
}
