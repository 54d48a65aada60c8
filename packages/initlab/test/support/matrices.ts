/** Matrix and random-input helpers shared by tests (never in src/). */

/**
 * max |G − gain²·I| over the Gram matrix of the rows (`'rows'`: M·Mᵀ) or of the columns (`'columns'`: Mᵀ·M) of a
 * row-major rows × cols matrix, accumulated in float64.
 */
export function orthogonalityError(m: ArrayLike<number>, rows: number, cols: number, gain: number, vectors: 'rows' | 'columns'): number {
  const byRows = vectors === 'rows';
  const n = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const at = (v: number, t: number): number => (byRows ? m[v * cols + t]! : m[t * cols + v]!);
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let dot = 0;
      for (let t = 0; t < len; t++) dot += at(a, t) * at(b, t);
      worst = Math.max(worst, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

/** Test-local Gaussian generator (mulberry32 + Box–Muller), independent of the core's samplers. */
export function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * A rows × cols row-major Gaussian matrix from a 32-bit LCG (Numerical Recipes constants) and Box–Muller, in pairs;
 * deterministic per seed and independent of the core's samplers.
 */
export function gaussianMatrix(rows: number, cols: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296; // in (0, 1)
  };
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}
