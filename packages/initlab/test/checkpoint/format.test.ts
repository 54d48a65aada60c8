import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bfloat16Bits,
  checkpointIndexJson,
  float16Bits,
  InitError,
  layoutSafetensors,
  type ModelPlan,
  parseSafetensorsHeader,
  parseShardSize,
  planCheckpoint,
  roundToBfloat16,
  roundToFloat16,
  safetensorsHeaderLength,
} from '../../src/index.ts';

/** A header followed by `data` bytes of zeros, as one file. */
function file(json: string, data: number, declared?: bigint): Uint8Array {
  const body = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + body.length + data);
  new DataView(bytes.buffer).setBigUint64(0, declared ?? BigInt(body.length), true);
  bytes.set(body, 8);
  return bytes;
}

function parse(bytes: Uint8Array): ReturnType<typeof parseSafetensorsHeader> {
  const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length, 'f.safetensors');
  return parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.length, 'f.safetensors');
}

test('layoutSafetensors: 8-byte LE length, compact JSON with __metadata__ first, padded with spaces to 8, tensors sorted by dtype then UTF-8 name', () => {
  const layout = layoutSafetensors(
    [
      { name: 'b', dtype: 'F32', shape: [2, 3] },
      { name: 'é', dtype: 'F32', shape: [1] },
      { name: 'a', dtype: 'BF16', shape: [5] },
      { name: 'Z', dtype: 'F32', shape: [0, 4] },
      { name: 'c', dtype: 'F64', shape: [] },
    ],
    { seed: '1', format: 'pt' },
  );
  const n = Number(new DataView(layout.header.buffer).getBigUint64(0, true));
  assert.equal(layout.header.length, 8 + n);
  assert.equal(n % 8, 0);
  const text = new TextDecoder().decode(layout.header.subarray(8));
  assert.match(text, /^\{"__metadata__":\{"format":"pt","seed":"1"\},"c":/);
  assert.match(text, /\} *$/);
  const end = layout.header.lastIndexOf(0x7d); // the closing brace; after it, only spaces
  assert.ok(layout.header.subarray(end + 1).every((b) => b === 0x20) && layout.header.length - end - 1 < 8);
  // F64 first, then F32 by name (Z < b < é in UTF-8), then BF16.
  assert.deepEqual(
    layout.tensors.map((t) => [t.name, t.begin, t.end]),
    [
      ['c', 0, 8],
      ['Z', 8, 8],
      ['b', 8, 32],
      ['é', 32, 36],
      ['a', 36, 46],
    ],
  );
  assert.equal(layout.fileSize, 8 + n + 46);
  const parsed = parse(new Uint8Array([...layout.header, ...new Uint8Array(46)]));
  assert.deepEqual(parsed.metadata, { format: 'pt', seed: '1' });
  assert.deepEqual(
    parsed.tensors.map((t) => t.name),
    ['c', 'Z', 'b', 'é', 'a'],
  );
});

test('layoutSafetensors rejects duplicate and reserved names', () => {
  assert.throws(() => layoutSafetensors([{ name: '__metadata__', dtype: 'F32', shape: [1] }]), InitError);
  assert.throws(
    () =>
      layoutSafetensors([
        { name: 'a', dtype: 'F32', shape: [1] },
        { name: 'a', dtype: 'F32', shape: [1] },
      ]),
    InitError,
  );
});

test('the reader refuses each malformed header with one sentence naming the check', () => {
  const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  assert.equal(parse(file(ok, 8)).tensors.length, 1);
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array(5), /file size must be at least 8 bytes/],
    ['header over 100,000,000 bytes', file(ok, 8, 100_000_001n), /header length must be at most 100000000/],
    ['header past the end of the file', file(ok, 8, 10_000n), /header length must be at most the file size/],
    ['invalid UTF-8', file('{"\xff":1}', 0).map((b, i) => (i === 10 ? 0xff : b)), /valid UTF-8/],
    ['invalid JSON', file('{"a":', 0), /valid JSON/],
    ['not an object', file('[1,2]', 0), /a JSON object; got 'an array'/],
    ['unknown dtype', file('{"a":{"dtype":"F7","shape":[2],"data_offsets":[0,8]}}', 8), /dtype of 'a' must be a known dtype/],
    ['bad shape', file('{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', 8), /shape of 'a'/],
    ['bad offsets', file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', 8), /data_offsets of 'a' must be a pair/],
    ['a gap', file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', 12), /data_offsets of 'a' must be contiguous/],
    [
      'an overlap',
      file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8),
      /data_offsets of 'b' must be contiguous/,
    ],
    ['byte length ≠ numel × size', file('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8), /byte length of 'a' must be numel × item size = 12/],
    ['trailing bytes', file(ok, 9), /file size must be the header plus the data/],
    ['missing bytes', file(ok, 7), /file size must be the header plus the data/],
    ['metadata not strings', file('{"__metadata__":{"seed":1}}', 0), /__metadata__ must be an object of strings/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(
      () => parse(bytes),
      (error: unknown) => error instanceof InitError && error.code === 'invalid_file' && message.test(error.message) && !error.message.includes('\n'),
      what,
    );
  }
});

test('parseShardSize follows huggingface_hub parse_size_to_int: decimal units, truncated product', () => {
  assert.equal(parseShardSize('5GB'), 5_000_000_000);
  assert.equal(parseShardSize(' 500mb '), 500_000_000);
  assert.equal(parseShardSize('0.5MB'), 500_000);
  assert.equal(parseShardSize('1.5KB'), 1500);
  assert.equal(parseShardSize('2TB'), 2e12);
  assert.equal(parseShardSize('4096'), 4096);
  for (const bad of ['5GiB', '5 G', 'GB', '-1MB', '0KB', 'x', '']) assert.throws(() => parseShardSize(bad), InitError, bad);
});

function plan(sizes: readonly number[]): ModelPlan {
  return { recipe: 'test', parameters: sizes.map((n, i) => ({ name: `p${i}`, shape: [n], layout: 'torch', init: { name: 'zeros' }, role: 'test' })) };
}

test("planCheckpoint splits greedily in the model's order, as huggingface_hub's docstring example", () => {
  // [6, 6, 2, 6, 2, 2] GB at a 10 GB limit → [6], [6+2], [6+2+2] (here in bytes of F32 elements × 4).
  const layout = planCheckpoint(plan([6, 6, 2, 6, 2, 2].map((g) => g * 250)), { dtype: 'float32', maxShardSize: 10_000 });
  assert.deepEqual(
    layout.files.map((f) => [f.name, f.tensors.map((t) => t.name)]),
    [
      ['model-00001-of-00003.safetensors', ['p0']],
      ['model-00002-of-00003.safetensors', ['p1', 'p2']],
      ['model-00003-of-00003.safetensors', ['p3', 'p4', 'p5']],
    ],
  );
  assert.equal(layout.totalSize, 24_000);
});

test('an oversized tensor gets a file of its own while the current file stays open; one file is model.safetensors', () => {
  const layout = planCheckpoint(plan([2, 12, 3]), { dtype: 'float32', maxShardSize: 40 });
  assert.deepEqual(
    layout.files.map((f) => f.tensors.map((t) => t.name)),
    [['p1'], ['p0', 'p2']],
  );
  const single = planCheckpoint(plan([2, 12, 3]), { dtype: 'bfloat16' });
  assert.deepEqual(
    single.files.map((f) => f.name),
    ['model.safetensors'],
  );
  // Within a file, names are sorted (safetensors' writer), whatever the model's order.
  const sorted = planCheckpoint(
    { recipe: 't', parameters: ['z', 'a', 'm'].map((name) => ({ name, shape: [1], layout: 'torch', init: { name: 'zeros' }, role: '' })) },
    { dtype: 'float32' },
  );
  assert.deepEqual(
    sorted.files[0]!.tensors.map((t) => t.name),
    ['a', 'm', 'z'],
  );
});

test('the index is json.dumps(indent=2, sort_keys=True) + newline, non-ASCII escaped', () => {
  const layout = planCheckpoint(
    {
      recipe: 't',
      parameters: ['w', 'é', 'a'].map((name) => ({ name, shape: [4], layout: 'torch', init: { name: 'zeros' }, role: '' })),
    },
    { dtype: 'float32', maxShardSize: 16 },
  );
  assert.equal(
    checkpointIndexJson(layout),
    '{\n  "metadata": {\n    "total_size": 48\n  },\n  "weight_map": {\n    "a": "model-00003-of-00003.safetensors",\n    "w": "model-00001-of-00003.safetensors",\n    "\\u00e9": "model-00002-of-00003.safetensors"\n  }\n}\n',
  );
});

test('the bulk 16-bit roundings (read from float32 bits) equal the one-value roundings of src/half.ts, specials and ties included', () => {
  const values: number[] = [
    0,
    -0,
    1,
    -1,
    1 + 2 ** -8,
    1 + 3 * 2 ** -8,
    65504,
    65520,
    -70000,
    2 ** -24,
    2 ** -25,
    3 * 2 ** -26,
    Infinity,
    -Infinity,
    Number.NaN,
    3.4e38,
    1e-40,
  ];
  let state = 12345;
  for (let i = 0; i < 20000; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const u = new Uint32Array([state ^ (i << 7)]);
    values.push(new Float32Array(u.buffer)[0]!);
  }
  const input = new Float32Array(values);
  const bf = roundToBfloat16(input, new Uint16Array(input.length));
  const f16 = roundToFloat16(input, new Uint16Array(input.length));
  for (let i = 0; i < input.length; i++) {
    assert.equal(bf[i], bfloat16Bits(input[i]!), `bfloat16 of ${input[i]}`);
    assert.equal(f16[i], float16Bits(input[i]!), `float16 of ${input[i]}`);
  }
  assert.equal(
    f16.findIndex((bits) => (bits & 0x7fff) === 0x7c00),
    7,
    'the first value that rounds to float16 infinity is 65520',
  );
});
