/**
 * Random keys: where every random stream of initlab starts.
 *
 * A key is two unsigned 32-bit words. A seed (a safe integer or a bigint of at most 64 bits) becomes a key by
 * two's complement (seed 1 → [0, 1], seed −1 → [0xFFFFFFFF, 0xFFFFFFFF]), as JAX's `PRNGKey` does with 64-bit
 * integers. Child keys are derived with {@link fold}: `fold(key, 'encoder.0.weight')` or `fold(key, 3)`, so each
 * parameter of a model has a stream of its own and adding a layer does not change the others.
 *
 * Derivations use Threefry-2x32-20 blocks with counters whose first word has bit 31 (index) or bit 30 (name)
 * set; sampling counters are element indices below 2^53, whose first word is below 2^21, so derived keys never
 * collide with sampled bits. See docs/rng.md.
 */
import { fail } from '../errors.ts';
import { threefry2x32, TWO_POW_32 } from './threefry.ts';

/** An immutable random key: two unsigned 32-bit words. */
export interface Key {
  readonly k0: number;
  readonly k1: number;
}

/** What a function that needs randomness accepts: a key, or a seed that {@link toKey} turns into one. */
export type KeyLike = Key | number | bigint;

/** Counter tag for {@link fold} with an index (bit 31 of the first counter word). */
const INDEX_TAG = 0x80000000;
/** Counter tag for {@link fold} with a name (bit 30 of the first counter word). */
const NAME_TAG = 0x40000000;

const scratch = new Uint32Array(2);

/**
 * Builds a key from two words, checking that each is an unsigned 32-bit integer.
 *
 * @example
 * keyFromWords(1, 2); // { k0: 1, k1: 2 }, the same key as keyFromSeed(2 ** 32 + 2)
 */
export function keyFromWords(k0: number, k1: number): Key {
  for (const [name, word] of [
    ['k0', k0],
    ['k1', k1],
  ] as const) {
    if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
      fail('invalid_key', 'key', name, 'an unsigned 32-bit integer', word);
    }
  }
  return Object.freeze({ k0, k1 });
}

/**
 * Turns a seed into a key by 64-bit two's complement: k0 = high word, k1 = low word.
 *
 * @param seed - Any safe integer (including 0 and negatives) or a bigint in [−2^63, 2^64).
 * @throws InitError `invalid_seed` for NaN, ±Infinity, fractions, unsafe integers or bigints outside 64 bits.
 * @example
 * keyFromSeed(42); // { k0: 0, k1: 42 }
 * keyFromSeed(-1); // { k0: 0xffffffff, k1: 0xffffffff }, the same key as keyFromSeed(2n ** 64n - 1n)
 */
export function keyFromSeed(seed: number | bigint): Key {
  if (typeof seed === 'bigint') {
    if (seed < -(1n << 63n) || seed >= 1n << 64n) {
      fail('invalid_seed', 'key', 'seed', 'an integer in [-2^63, 2^64)', seed);
    }
    const bits = BigInt.asUintN(64, seed);
    return Object.freeze({ k0: Number(bits >> 32n), k1: Number(bits & 0xffffffffn) });
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    fail('invalid_seed', 'key', 'seed', 'a safe integer (|seed| ≤ 2^53 − 1) or a bigint', seed);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return Object.freeze({ k0: high, k1: low });
}

/**
 * Returns `keyLike` as a key: keys pass through (checked), seeds go through {@link keyFromSeed}.
 *
 * @example
 * toKey(42); // { k0: 0, k1: 42 }, as keyFromSeed(42)
 * toKey({ k0: 0, k1: 42 }); // the same key, checked by keyFromWords
 */
export function toKey(keyLike: KeyLike): Key {
  if (typeof keyLike === 'number' || typeof keyLike === 'bigint') return keyFromSeed(keyLike);
  if (keyLike === null || typeof keyLike !== 'object') {
    fail('invalid_key', 'key', 'key', 'a key {k0, k1}, a safe integer seed or a bigint seed', keyLike);
  }
  return keyFromWords(keyLike.k0, keyLike.k1);
}

/**
 * Derives a child key from a parent key and an index or a name.
 *
 * - index n (integer in [0, 2^32)): child = Threefry(parent, [0x80000000, n]).
 * - name s: its UTF-8 bytes are absorbed one 32-bit little-endian word at a time after their length,
 *   k ← Threefry(k, [0x40000000, byteLength]); k ← Threefry(k, [0x40000000 | (j + 1), word_j]).
 * - path (array of indices and names): folds each element in turn.
 *
 * Different indices or names give statistically independent streams; the same ones always give the same key.
 *
 * @throws InitError `invalid_option` for a negative, fractional or too large index.
 * @example
 * fold(keyFromSeed(42), 'dense_1.kernel'); // a new Key, independent of fold(keyFromSeed(42), 'dense_2.kernel')
 * fold(keyFromSeed(42), ['encoder', 0]); // the same key as fold(fold(keyFromSeed(42), 'encoder'), 0)
 */
export function fold(parent: KeyLike, data: number | string | readonly (number | string)[]): Key {
  let k = toKey(parent);
  if (Array.isArray(data)) {
    for (const part of data) k = fold(k, part as number | string);
    return k;
  }
  if (typeof data === 'number') {
    if (!Number.isInteger(data) || data < 0 || data > 0xffffffff) {
      fail('invalid_option', 'fold', 'index', 'an integer in [0, 2^32)', data);
    }
    threefry2x32(k.k0, k.k1, INDEX_TAG, data, scratch, 0);
    return Object.freeze({ k0: scratch[0]!, k1: scratch[1]! });
  }
  if (typeof data !== 'string') {
    fail('invalid_option', 'fold', 'data', 'an index, a name or an array of them', data);
  }
  const bytes = utf8(data);
  threefry2x32(k.k0, k.k1, NAME_TAG, bytes.length, scratch, 0);
  let k0 = scratch[0]!;
  let k1 = scratch[1]!;
  for (let j = 0; j * 4 < bytes.length; j++) {
    const word = (bytes[4 * j] ?? 0) | ((bytes[4 * j + 1] ?? 0) << 8) | ((bytes[4 * j + 2] ?? 0) << 16) | ((bytes[4 * j + 3] ?? 0) << 24);
    threefry2x32(k0, k1, (NAME_TAG | (j + 1)) >>> 0, word >>> 0, scratch, 0);
    k0 = scratch[0]!;
    k1 = scratch[1]!;
  }
  return Object.freeze({ k0, k1 });
}

/**
 * `count` child keys: `split(k, n)[i]` is `fold(k, i)`.
 *
 * @example
 * const [a, b] = split(keyFromSeed(42)); // a = fold(keyFromSeed(42), 0), b = fold(keyFromSeed(42), 1)
 * split(keyFromSeed(42), 8).length; // 8
 */
export function split(parent: KeyLike, count = 2): Key[] {
  if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) {
    fail('invalid_option', 'split', 'count', 'an integer in [0, 2^32)', count);
  }
  const k = toKey(parent);
  const children: Key[] = [];
  for (let i = 0; i < count; i++) children.push(fold(k, i));
  return children;
}

/** UTF-8 bytes of a string (the core has no TextEncoder in its ES-only lib). Lone surrogates become U+FFFD. */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    let code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return bytes;
}
