/**
 * The safetensors file format, as bytes: the header a writer puts before the data, and the checks a reader makes
 * before trusting one. Platform-neutral (no file access): initlab/node streams files through these functions.
 *
 * A file is: 8 bytes N (unsigned 64-bit, little-endian), N bytes of UTF-8 JSON, then the data. The JSON maps each
 * tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the first data byte) and may
 * hold `"__metadata__"`, a map of strings to strings. Tensors are stored contiguously, row-major (C order),
 * little-endian. Sources: the format description in huggingface/safetensors README.md and its reference code,
 * safetensors/src/tensor.rs (`prepare`: tensors sorted by dtype, larger alignment first, then by name; the JSON padded
 * with spaces to a multiple of 8 bytes; `read_metadata` and `Metadata::validate`: the reader checks below).
 */
import { fail } from '../errors.ts';

/** Element types a safetensors file may declare that this reader knows, with their sizes in bytes. */
export const SAFETENSORS_ITEM_SIZES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
} as const;

/** A safetensors dtype name (`F32`, `BF16`, …). */
export type SafetensorsDtype = keyof typeof SAFETENSORS_ITEM_SIZES;

/**
 * The sort rank of a dtype in safetensors' writer: the position of its variant in the Rust `Dtype` enum
 * (tensor.rs), which is ordered by alignment. A writer places larger ranks first.
 */
const DTYPE_RANK: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 0,
  U8: 4,
  I8: 5,
  F8_E5M2: 6,
  F8_E4M3: 7,
  F8_E8M0: 8,
  I16: 11,
  U16: 12,
  F16: 13,
  BF16: 14,
  I32: 15,
  U32: 16,
  F32: 17,
  F64: 18,
  I64: 19,
  U64: 20,
  C64: 21,
};

/** The largest header a reader accepts, in bytes: `MAX_HEADER_SIZE` of safetensors' tensor.rs. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/** A tensor as a writer declares it. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

/** A tensor of a file: its declaration and where its bytes are, relative to the first data byte. */
export interface SafetensorsTensor extends SafetensorsEntry {
  readonly begin: number;
  readonly end: number;
}

/** The layout of a safetensors file: its header bytes (length prefix included) and its tensors in file order. */
export interface SafetensorsLayout {
  /** The 8-byte length, then the JSON padded with spaces to a multiple of 8. */
  readonly header: Uint8Array;
  /** The tensors in the order of their data. */
  readonly tensors: readonly SafetensorsTensor[];
  /** Bytes of data after the header. */
  readonly dataSize: number;
  /** The size of the whole file: header.length + dataSize. */
  readonly fileSize: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A parsed, checked header: metadata, tensors in offset order, and where the data starts in the file. */
export interface SafetensorsHeader {
  readonly metadata: Readonly<Record<string, string>> | undefined;
  readonly tensors: readonly SafetensorsTensor[];
  /** 8 + N: the offset of the first data byte in the file. */
  readonly dataStart: number;
  readonly fileSize: number;
}

const encoder = new TextEncoder();

/**
 * Compares strings as Rust compares `String`s: by their UTF-8 bytes (code points; unlike `<`, which compares UTF-16 units).
 *
 * @example
 * compareUtf8('\uFF61', '\u{1F600}'); // negative (U+FF61 < U+1F600), while '\uFF61' < '\u{1F600}' is false
 * ['b.weight', 'a.weight'].sort(compareUtf8); // ['a.weight', 'b.weight']
 */
export function compareUtf8(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The byte size of a tensor: numel × item size.
 *
 * @example
 * tensorByteSize('BF16', [768, 2304]); // 3538944
 */
export function tensorByteSize(dtype: SafetensorsDtype, shape: readonly number[]): number {
  return elementCount(shape) * SAFETENSORS_ITEM_SIZES[dtype];
}

/**
 * Lays out a safetensors file as safetensors' own writer does (tensor.rs `prepare` and `Metadata`'s serializer):
 * tensors sorted by dtype (larger alignment first) then name (UTF-8 bytes), packed from offset 0 in that order; the
 * header is compact JSON with `__metadata__` first (its keys sorted here, so the bytes are reproducible; Rust's
 * HashMap order is not), then the tensors in data order, padded with spaces to a multiple of 8 bytes.
 *
 * @throws InitError `invalid_argument` for a duplicate or reserved name, a non-integer dimension, or a metadata value
 *   that is not a string.
 * @example
 * const { header, tensors, fileSize } = layoutSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 3] }], { format: 'pt' });
 * // header: 8-byte length + '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}' + spaces
 */
export function layoutSafetensors(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, string>> = {}): SafetensorsLayout {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.name === '__metadata__' || entry.name === '' || seen.has(entry.name)) {
      fail('invalid_argument', 'safetensors', 'a tensor name', 'non-empty, unique and not __metadata__', entry.name);
    }
    seen.add(entry.name);
    if (!Object.hasOwn(SAFETENSORS_ITEM_SIZES, entry.dtype)) {
      fail('invalid_argument', 'safetensors', `the dtype of '${entry.name}'`, `one of ${Object.keys(SAFETENSORS_ITEM_SIZES).join(', ')}`, entry.dtype);
    }
    for (const d of entry.shape) {
      if (!Number.isSafeInteger(d) || d < 0)
        fail('invalid_argument', 'safetensors', `the shape of '${entry.name}'`, 'a list of non-negative integers', entry.shape);
    }
  }
  const keys = Object.keys(metadata).sort(compareUtf8);
  for (const key of keys) {
    if (typeof metadata[key] !== 'string') fail('invalid_argument', 'safetensors', `metadata '${key}'`, 'a string', metadata[key]);
  }
  const sorted = [...entries].sort((a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || compareUtf8(a.name, b.name));
  const tensors: SafetensorsTensor[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const size = tensorByteSize(entry.dtype, entry.shape);
    tensors.push({ name: entry.name, dtype: entry.dtype, shape: [...entry.shape], begin: offset, end: offset + size });
    offset += size;
  }
  const parts: string[] = [];
  if (keys.length > 0) parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  for (const t of tensors) {
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${t.begin},${t.end}]}`);
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, tensors, dataSize: offset, fileSize: header.length + offset, metadata: Object.fromEntries(keys.map((k) => [k, metadata[k]!])) };
}

/**
 * Reads N, the header length, from the first 8 bytes of a file of `fileSize` bytes, with safetensors' checks: the
 * file holds 8 bytes, N ≤ {@link MAX_SAFETENSORS_HEADER}, and 8 + N ≤ the file size.
 *
 * @throws InitError `invalid_file`, naming the check that failed, with `where` as its prefix.
 * @example
 * safetensorsHeaderLength(firstEightBytes, stat.size, 'model.safetensors'); // e.g. 14272
 */
export function safetensorsHeaderLength(first: Uint8Array, fileSize: number, where = 'safetensors'): number {
  if (fileSize < 8 || first.length < 8) fail('invalid_file', where, 'the file size', 'at least 8 bytes (the header length)', fileSize);
  const n = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_SAFETENSORS_HEADER))
    fail('invalid_file', where, 'the header length', `at most ${MAX_SAFETENSORS_HEADER} bytes (the safetensors limit)`, n);
  if (8 + Number(n) > fileSize) fail('invalid_file', where, 'the header length', `at most the file size minus 8 (${fileSize - 8} bytes)`, Number(n));
  return Number(n);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses and checks the header JSON of a safetensors file of `fileSize` bytes, as safetensors' `read_metadata` does:
 * valid UTF-8 and JSON, an object; `__metadata__` (optional) maps strings to strings; each tensor has a known dtype,
 * a shape of non-negative integers and `data_offsets` [begin, end]; sorted by offset, the tensors are contiguous from
 * 0, each spans numel × item size bytes, and the last ends at the end of the file.
 *
 * @param json - The N header bytes (after the 8-byte length).
 * @throws InitError `invalid_file`, one sentence naming the tensor or the check that failed.
 * @example
 * const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length);
 * parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.length).tensors[0]; // { name, dtype, shape, begin, end }
 */
export function parseSafetensorsHeader(json: Uint8Array, fileSize: number, where = 'safetensors'): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    fail('invalid_file', where, 'the header', 'valid UTF-8', `${json.length} bytes that are not`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail('invalid_file', where, 'the header', 'valid JSON', `a parse error (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isRecord(parsed))
    fail('invalid_file', where, 'the header', 'a JSON object', parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed);
  let metadata: Record<string, string> | undefined;
  const tensors: SafetensorsTensor[] = [];
  for (const [name, info] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (!isRecord(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        fail('invalid_file', where, '__metadata__', 'an object of strings to strings', info);
      }
      metadata = info as Record<string, string>;
      continue;
    }
    if (!isRecord(info)) fail('invalid_file', where, `tensor '${name}'`, 'an object {dtype, shape, data_offsets}', info);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_ITEM_SIZES, dtype)) {
      fail('invalid_file', where, `the dtype of '${name}'`, `a known dtype (${Object.keys(SAFETENSORS_ITEM_SIZES).join(', ')})`, dtype);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail('invalid_file', where, `the shape of '${name}'`, 'a list of non-negative integers', shape);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail('invalid_file', where, `the data_offsets of '${name}'`, 'a pair of non-negative integers', offsets);
    }
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of tensors) {
    if (t.begin !== at || t.end < t.begin) {
      fail('invalid_file', where, `the data_offsets of '${t.name}'`, `contiguous with the previous tensor (starting at ${at})`, [t.begin, t.end]);
    }
    const size = tensorByteSize(t.dtype, t.shape);
    if (t.end - t.begin !== size) {
      fail('invalid_file', where, `the byte length of '${t.name}'`, `numel × item size = ${size} for ${t.dtype} [${t.shape.join(', ')}]`, t.end - t.begin);
    }
    at = t.end;
  }
  const dataStart = 8 + json.length;
  if (dataStart + at !== fileSize) {
    fail('invalid_file', where, 'the file size', `the header plus the data the header declares (${dataStart + at} bytes)`, `${fileSize} bytes`);
  }
  return { metadata, tensors, dataStart, fileSize };
}
