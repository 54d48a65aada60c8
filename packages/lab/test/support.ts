/** Helpers shared by the lab's tests (never in src/). */
import { fillNormal, fold, keyFromSeed } from 'initlab';

/** Standard normal draws for test inputs, from the core's float64 stream (key `fold(seed, chunk)`, 1024 a chunk). */
export function gaussian(seed: number): () => number {
  const key = keyFromSeed(seed);
  const block = new Float64Array(1024);
  let chunk = 0;
  let used = block.length;
  return () => {
    if (used === block.length) {
      fillNormal(fold(key, chunk++), block);
      used = 0;
    }
    return block[used++]!;
  };
}
