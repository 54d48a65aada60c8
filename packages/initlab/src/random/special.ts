/**
 * Reproducible special functions: `exp`, `log`, the standard normal CDF, its upper tail, and its quantile.
 *
 * ECMAScript leaves the last bits of the `Math` object's exp, log, sin, pow, … to the engine, so
 * two engines (or an engine and a WebAssembly build) may disagree. Everything in this file is built only
 * from operations that IEEE 754 defines exactly — `+ - * /`, `Math.sqrt`, `Math.abs`, `Math.floor`,
 * comparisons — and from reading and writing the bits of a double. The results are therefore the same,
 * bit for bit, wherever the code runs. JavaScript never contracts `a * b + c` into a fused multiply-add,
 * and nothing here depends on one.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------------
// Exact powers of two and bit access to a double.
// ---------------------------------------------------------------------------------------------------

/** Exponent of the smallest subnormal double, 2^-1074 (`Number.MIN_VALUE`). */
const MIN_POWER = -1074;
/** Exponent of the largest power of two that is a finite double. */
const MAX_POWER = 1023;

/**
 * POWERS_OF_TWO[j − MIN_POWER] = 2^j for every j in [-1074, 1023], built by exact doublings of
 * `Number.MIN_VALUE` = 2^-1074. A table lookup needs no (engine-dependent) power function and avoids a slow
 * store-then-reload of bits on the hot path of `log`.
 */
const POWERS_OF_TWO = (() => {
  const table = new Float64Array(MAX_POWER - MIN_POWER + 1);
  let power = Number.MIN_VALUE;
  for (let i = 0; i < table.length; i++, power *= 2) table[i] = power;
  return table;
})();

/** 2^k for an integer k in [-1074, 1023]. */
function powerOfTwo(k: number): number {
  return POWERS_OF_TWO[k - MIN_POWER]!;
}

/**
 * y · 2^k for an integer k in [-1075, 1024], with a single rounding. When 2^k is not itself a double
 * (k = -1075 or 1024), the scaling is done in two steps whose first step is exact.
 */
function scaleByPowerOfTwo(y: number, k: number): number {
  if (k >= MIN_POWER && k <= MAX_POWER) return y * powerOfTwo(k);
  const firstHalf = k >> 1;
  return y * powerOfTwo(firstHalf) * powerOfTwo(k - firstHalf);
}

const scratchFloat = new Float64Array(1);
const scratchWords = new Uint32Array(scratchFloat.buffer);

/** Index of the word holding sign, exponent and top 20 mantissa bits (1 on little-endian hosts). */
const HIGH_WORD = (() => {
  scratchFloat[0] = 1; // bits 0x3FF00000_00000000
  return scratchWords[1] === 0x3ff00000 ? 1 : 0;
})();

/** The upper 32 bits of a double: sign, 11 exponent bits, top 20 mantissa bits. */
function highWordOf(x: number): number {
  scratchFloat[0] = x;
  return scratchWords[HIGH_WORD]!;
}

const EXPONENT_BIAS = 1023;
const MANTISSA_HIGH_MASK = 0x000fffff;
/**
 * Top 20 mantissa bits of √2 (0x3FF6A09E_667F3BCD). In `log`, a mantissa m ∈ [1, 2) whose top bits reach this
 * value is halved, so the reduced mantissa lies in [c/2, c) with c = 1 + 0x6A09E·2^-20 ≈ 1.4142132 (just below √2).
 */
const SQRT2_MANTISSA_HIGH = 0x6a09e;

// ---------------------------------------------------------------------------------------------------
// Shared constants.
// ---------------------------------------------------------------------------------------------------

/**
 * ln 2 split for Cody–Waite reduction: `LN2_HI` keeps only the leading 32 significant bits of ln 2, so that
 * k · LN2_HI is exact for |k| < 2^21; `LN2_LO` is the double nearest to ln 2 − LN2_HI.
 */
export const LN2_HI = 6.9314718036912381649e-1;
export const LN2_LO = 1.9082149292705877e-10;
/** 1 / ln 2, rounded. */
const LOG2_E = 1.4426950408889634;
/** 1 / √(2π), rounded. */
const INV_SQRT_2PI = 0.3989422804014327;
/** 2^54, used to lift subnormal inputs of `log` into the normal range. */
const TWO_POW_54 = 18014398509481984;
/** Smallest positive normal double, 2^-1022. */
export const MIN_NORMAL = 2.2250738585072014e-308;
/** 2^27 + 1, the Veltkamp splitting constant for doubles. */
const SPLITTER = 134217729;

// ---------------------------------------------------------------------------------------------------
// exp
// ---------------------------------------------------------------------------------------------------

/** Above this, e^x is certainly larger than the largest double (ln(MAX_VALUE) ≈ 709.7827). */
const EXP_OVERFLOW_BOUND = 709.79;
/** Below this, e^x is certainly smaller than half the smallest subnormal (ln(2^-1075) ≈ -745.1332). */
const EXP_UNDERFLOW_BOUND = -745.2;

/**
 * e^r for |r| ≤ ln(2)/2 (plus a rounding margin), by its Taylor polynomial of degree 13.
 *
 * The truncation error is below r^14/14! ≈ 4e-18 there. The result is evaluated as
 * 1 + (r + r²·P(r)) so that the exact leading term 1 is added last.
 */
function expReduced(r: number): number {
  const tail =
    1 / 2 +
    r *
      (1 / 6 +
        r *
          (1 / 24 +
            r *
              (1 / 120 +
                r *
                  (1 / 720 +
                    r *
                      (1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r * (1 / 39916800 + r * (1 / 479001600 + r * (1 / 6227020800)))))))))));
  return 1 + (r + r * r * tail);
}

/**
 * The exponential function e^x, computed reproducibly.
 *
 * Algorithm (Cody & Waite, *Software Manual for the Elementary Functions*, 1980, ch. 6): write
 * x = k·ln2 + r with k = round(x / ln2) and |r| ≤ ln(2)/2, where r = (x − k·LN2_HI) − k·LN2_LO uses a
 * two-part ln 2 so that the reduction loses no accuracy; then e^x = 2^k · e^r, with e^r from a degree-13
 * Taylor polynomial and the exact factor 2^k taken from a table of powers of two (in two steps for k = -1075, 1024).
 *
 * Accuracy: about one ulp (relative error below 4e-16) for results in the normal range.
 * Special values: NaN → NaN, +Infinity and x > ln(MAX_VALUE) → Infinity, −Infinity → 0;
 * results below the normal range are subnormal (possibly off by one unit in their last place) or 0.
 */
export function exp(x: number): number {
  if (!(x <= EXP_OVERFLOW_BOUND)) return Number.isNaN(x) ? NaN : Infinity;
  if (x < EXP_UNDERFLOW_BOUND) return 0;
  const k = Math.floor(x * LOG2_E + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  return scaleByPowerOfTwo(expReduced(r), k);
}

// ---------------------------------------------------------------------------------------------------
// log
// ---------------------------------------------------------------------------------------------------

/** 2/21, 2/19, …, 2/3: the coefficients of {@link atanhSeriesRemainder}, innermost first (Horner order). */
export const ATANH_SERIES = [2 / 21, 2 / 19, 2 / 17, 2 / 15, 2 / 13, 2 / 11, 2 / 9, 2 / 7, 2 / 5, 2 / 3] as const;

/**
 * R(s) = 2s²/3 + 2s⁴/5 + … + 2s²⁰/21, the part of the series 2·atanh(s) = 2s + R(s)·s beyond its first term.
 * For |s| ≤ 0.1716 the omitted terms are below 1e-18 relative to the logarithm.
 */
function atanhSeriesRemainder(s: number): number {
  const z = s * s;
  return z * horner(ATANH_SERIES, z);
}

/**
 * The natural logarithm ln x, computed reproducibly.
 *
 * Algorithm (the classic argument reduction of Cody & Waite, 1980, in the arrangement used by Sun's fdlibm):
 * read the binary exponent k of x from its bits (subnormals are first multiplied by 2^54), moving a factor 2
 * so that the mantissa m = x / 2^k (an exact scaling) lies in about [√½, √2). With f = m − 1 (exact) and
 * s = f / (2 + f) (so |s| ≤ 0.1716), ln m = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + ….
 * Because 2s = f − s·f and s·f = h − s·h with h = f²/2, ln m = f − (h − s·(h + R(s))), which keeps the exactly known f as the leading term. Finally
 * ln x = k·LN2_HI − ((h − (s·(h + R(s)) + k·LN2_LO)) − f): the exact product k·LN2_HI is added last and the
 * small k·LN2_LO joins the small correction terms.
 *
 * Accuracy: about one ulp (relative error below 4e-16).
 * Special values: NaN or x < 0 → NaN, ±0 → −Infinity, +Infinity → +Infinity.
 */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;

  let k = 0;
  if (x < MIN_NORMAL) {
    x *= TWO_POW_54;
    k = -54;
  }
  const highWord = highWordOf(x);
  const halve = (highWord & MANTISSA_HIGH_MASK) >= SQRT2_MANTISSA_HIGH ? 1 : 0;
  const binaryExponent = (highWord >>> 20) - EXPONENT_BIAS + halve;
  const m = x * powerOfTwo(-binaryExponent); // exact, in [0.7071066, 1.4142132)
  k += binaryExponent;

  const f = m - 1;
  const s = f / (2 + f);
  const halfSquare = 0.5 * f * f;
  const correction = halfSquare - (s * (halfSquare + atanhSeriesRemainder(s)) + k * LN2_LO);
  return k * LN2_HI - (correction - f);
}

// ---------------------------------------------------------------------------------------------------
// Standard normal CDF and upper tail
// ---------------------------------------------------------------------------------------------------

/**
 * e^(−z²/2) with full relative accuracy even when z²/2 is in the hundreds.
 *
 * Rounding z² would cost up to z²/2 · 2^-53 of relative accuracy (≈ 8e-14 at z = 37), so z is split
 * (Veltkamp) into z = zHigh + zLow with zHigh carrying 26 significant bits: zHigh² is then exact and
 * e^(−z²/2) = e^(−zHigh²/2) · e^(−zLow·(2·zHigh + zLow)/2).
 */
function expMinusHalfSquare(z: number): number {
  const scaled = SPLITTER * z;
  const zHigh = scaled - (scaled - z);
  const zLow = z - zHigh;
  return exp(-0.5 * zHigh * zHigh) * exp(-0.5 * zLow * (zHigh + z));
}

/** Below this |x|, Φ(x) − ½ comes from the power series; from it on, the tail comes from the continued fraction. */
const SERIES_LIMIT = 1;
/** Above this z, Q(z) rounds to 0 (already Q(38.5) ≈ 1.4e-324 is below half the smallest subnormal). */
const TAIL_UNDERFLOW_BOUND = 40;

/**
 * S(x) = x + x³/3 + x⁵/(3·5) + x⁷/(3·5·7) + …, so that Φ(x) = ½ + φ(x)·S(x).
 *
 * All terms have the sign of x, so there is no cancellation (Abramowitz & Stegun 26.2.11; Marsaglia,
 * "Evaluating the Normal Distribution", J. Stat. Softw. 11(4), 2004). For |x| < 1 the terms shrink faster
 * than 1/(2n+1)!!; the sum stops once a term no longer changes it.
 */
function oddPowerSeries(x: number): number {
  const xSquared = x * x;
  let term = x;
  let sum = x;
  for (let denominator = 3; ; denominator += 2) {
    term = (term * xSquared) / denominator;
    const next = sum + term;
    if (next === sum) return sum;
    sum = next;
  }
}

/**
 * The Mills ratio Q(z)/φ(z) for z ≥ 1, from Laplace's continued fraction
 * Q(z)/φ(z) = 1/(z + 1/(z + 2/(z + 3/(z + …)))) (Abramowitz & Stegun 26.2.14),
 * evaluated from the bottom up with a fixed depth.
 *
 * The depth 13 + ⌊500/z²⌋ was chosen from a high-precision study of the truncation error: it keeps the
 * truncation error below 1e-17 for all z ≥ 1 (the number of terms the fraction needs grows like 1/z²).
 */
function millsRatio(z: number): number {
  const depth = 13 + Math.floor(500 / (z * z));
  let fraction = 0;
  for (let k = depth; k >= 1; k--) fraction = k / (z + fraction);
  return 1 / (z + fraction);
}

/** Q(z) = 1 − Φ(z) for z ≥ SERIES_LIMIT, with full relative accuracy: φ(z) times the Mills ratio. */
function upperTail(z: number): number {
  if (z > TAIL_UNDERFLOW_BOUND) return 0;
  // Multiply the normal-range factors first, so that a subnormal result is rounded as few times as possible.
  return millsRatio(z) * INV_SQRT_2PI * expMinusHalfSquare(z);
}

/**
 * Φ(x), the standard normal cumulative distribution function P(X ≤ x) for X ~ N(0, 1).
 *
 * Algorithm: for |x| < 1, Φ(x) = ½ + φ(x)·S(x) with Marsaglia's positive-term series S (Marsaglia 2004).
 * For |x| ≥ 1, the upper tail Q(|x|) = φ(|x|)·M(|x|), with the Mills ratio M from Laplace's continued
 * fraction (Abramowitz & Stegun 26.2.14) and φ computed without the rounding error of x²; then
 * Φ(x) = Q(−x) for x ≤ −1 and 1 − Q(x) for x ≥ 1. The density uses this file's own `exp`.
 *
 * Accuracy: relative error of order 1e-15 everywhere, including the far lower tail (Φ(−30) ≈ 4.9e-198),
 * until the result becomes subnormal (x below about −37.5) or 0 (x below about −38.5).
 * Special values: NaN → NaN, −Infinity → 0, +Infinity → 1.
 *
 * @example
 * normalCdf(1.96); // 0.9750021048517795
 * normalCdf(-30); // 4.906713927148188e-198
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  if (z < SERIES_LIMIT) return 0.5 + INV_SQRT_2PI * expMinusHalfSquare(z) * oddPowerSeries(x);
  const tail = upperTail(z);
  return x < 0 ? tail : 1 - tail;
}

/**
 * Q(x) = 1 − Φ(x) = Φ(−x), the standard normal upper tail (survival function), with full relative accuracy
 * for large positive x (Q(30) ≈ 4.9e-198). Same algorithm and accuracy as {@link normalCdf}, which it
 * mirrors exactly: `normalSf(x) === normalCdf(-x)`.
 */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// ---------------------------------------------------------------------------------------------------
// Standard normal quantile
// ---------------------------------------------------------------------------------------------------

/** Central region of AS 241: |p − ½| ≤ 0.425. */
export const CENTRAL_HALF_WIDTH = 0.425;
/** 0.425², the centre of the central variable r = 0.425² − q². */
export const CENTRAL_OFFSET = 0.180625;
/** Boundary between the intermediate and far-tail rational functions in r = √(−ln(tail)), i.e. tail = e^-25. */
export const FAR_TAIL_START = 5;
/** Centre of the intermediate-tail variable r − 1.6. */
export const INTERMEDIATE_OFFSET = 1.6;

/**
 * The coefficients of AS 241 (Wichura 1988, PPND16), highest degree first: the central numerator A and
 * denominator B (in r = 0.180625 − q²), the intermediate tail C/D (in r − 1.6) and the far tail E/F (in r − 5).
 * special.ts, the TypeScript kernels (kernels.ts) and the SIMD kernels (simd.ts) all evaluate them from here.
 */
export const AS241 = {
  A: [
    2.5090809287301226727e3, 3.3430575583588128105e4, 6.7265770927008700853e4, 4.5921953931549871457e4, 1.3731693765509461125e4, 1.9715909503065514427e3,
    1.3314166789178437745e2, 3.387132872796366608,
  ],
  B: [
    5.226495278852854561e3, 2.8729085735721942674e4, 3.930789580009271061e4, 2.1213794301586595867e4, 5.3941960214247511077e3, 6.871870074920579083e2,
    4.2313330701600911252e1, 1,
  ],
  C: [
    7.7454501427834140764e-4, 2.27238449892691845833e-2, 2.4178072517745061177e-1, 1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055,
    4.6303378461565452959, 1.42343711074968357734,
  ],
  D: [
    1.05075007164441684324e-9, 5.475938084995344946e-4, 1.51986665636164571966e-2, 1.4810397642748007459e-1, 6.8976733498510000455e-1, 1.6763848301838038494,
    2.05319162663775882187, 1,
  ],
  E: [
    2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.2426609473880784386e-3, 2.6532189526576123093e-2, 2.9656057182850489123e-1, 1.7848265399172913358,
    5.4637849111641143699, 6.6579046435011037772,
  ],
  F: [
    2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4, 1.4875361290850614852e-2, 1.3692988092273580531e-1,
    5.9983220655588793769e-1, 1,
  ],
} as const;

/** c[0]·x^(n−1) + … + c[n−1] by Horner's rule, ((c[0]·x + c[1])·x + …)·x + c[n−1], in that order. */
function horner(c: readonly number[], x: number): number {
  let acc = c[0]!;
  for (let k = 1; k < c.length; k++) acc = acc * x + c[k]!;
  return acc;
}

/** AS 241 central approximation: Φ⁻¹(½ + q) = q·A(r)/B(r) with r = 0.180625 − q². */
function centralRational(q: number): number {
  const r = CENTRAL_OFFSET - q * q;
  return (q * horner(AS241.A, r)) / horner(AS241.B, r);
}

/** AS 241 intermediate tail: |Φ⁻¹| = C(t)/D(t) with t = r − 1.6, for r = √(−ln(tail)) ≤ 5. */
function intermediateTailRational(t: number): number {
  return horner(AS241.C, t) / horner(AS241.D, t);
}

/** AS 241 far tail: |Φ⁻¹| = E(t)/F(t) with t = r − 5, for r = √(−ln(tail)) > 5. */
function farTailRational(t: number): number {
  return horner(AS241.E, t) / horner(AS241.F, t);
}

/**
 * Φ⁻¹(p), the standard normal quantile: the x with Φ(x) = p.
 *
 * Algorithm: Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution",
 * Applied Statistics 37(3), 477–484, 1988 (PPND16, about 16 significant digits). With q = p − ½:
 * for |q| ≤ 0.425 a degree-7/7 rational function of 0.180625 − q² times q; otherwise, with
 * r = √(−ln(min(p, 1 − p))), one of two degree-7/7 rational functions of r − 1.6 (r ≤ 5) or r − 5 (r > 5),
 * given the sign of q. The logarithm is this file's own `log`.
 *
 * Working on q = p − ½ and on min(p, 1 − p) makes the result exactly antisymmetric:
 * `normalQuantile(1 - p) === -normalQuantile(p)` whenever 1 − p is exact. No allocation; the central
 * branch (85% of uniform inputs) needs no logarithm.
 *
 * Accuracy: relative error about 1e-16 (absolute near p = ½), down to p = 5e-324 (≈ −38.47).
 * Special values: p = 0 → −Infinity, p = 1 → +Infinity, p outside [0, 1] or NaN → NaN.
 *
 * @example
 * normalQuantile(0.975); // 1.9599639845400536
 * normalQuantile(0.5); // 0
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= CENTRAL_HALF_WIDTH) return centralRational(q);
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    return p === 1 ? Infinity : NaN;
  }
  const r = Math.sqrt(-log(q < 0 ? p : 1 - p));
  const magnitude = r <= FAR_TAIL_START ? intermediateTailRational(r - INTERMEDIATE_OFFSET) : farTailRational(r - FAR_TAIL_START);
  return q < 0 ? -magnitude : magnitude;
}
