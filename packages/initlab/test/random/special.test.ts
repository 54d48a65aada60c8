import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { exp, log, normalCdf, normalQuantile, normalSf } from '../../src/random/special.ts';

// ---------------------------------------------------------------------------------------------------
// Helpers. The tests may use the engine's Math functions freely: they serve as independent references.
// ---------------------------------------------------------------------------------------------------

const floatView = new Float64Array(1);
const bitsView = new BigUint64Array(floatView.buffer);

/** Distance from |x| to the next larger double: one unit in the last place of x. */
function ulp(x: number): number {
  floatView[0] = Math.abs(x);
  bitsView[0]! += 1n;
  return floatView[0]! - Math.abs(x);
}

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

function assertWithinUlps(actual: number, expected: number, ulps: number, label: string): void {
  const distance = Math.abs(actual - expected) / ulp(expected);
  assert.ok(distance <= ulps, `${label}: got ${actual}, expected ${expected} (${distance.toFixed(2)} ulps)`);
}

function assertRelative(actual: number, expected: number, tolerance: number, label: string): void {
  const error = relativeError(actual, expected);
  assert.ok(error <= tolerance, `${label}: got ${actual}, expected ${expected} (relative error ${error})`);
}

/** A small deterministic generator of doubles in [0, 1) (two 32-bit LCG steps → 53 bits). */
function makeUniform(seed: number): () => number {
  let state = seed >>> 0;
  const step = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  return () => ((step() >>> 5) * 67108864 + (step() >>> 6)) / 9007199254740992;
}

/** n points from `from` to `to`, equally spaced in log10. */
function logSpaced(fromExponent: number, toExponent: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => 10 ** (fromExponent + ((toExponent - fromExponent) * i) / (n - 1)));
}

const MIN_NORMAL = 2.2250738585072014e-308;

// ---------------------------------------------------------------------------------------------------
// exp
// ---------------------------------------------------------------------------------------------------

describe('exp', () => {
  it('matches Math.exp within 2 ulps on a grid and on random points over the whole range', () => {
    const random = makeUniform(1);
    const points: number[] = [];
    for (let x = -745; x <= 709.7; x += 0.37) points.push(x);
    for (let i = 0; i < 50000; i++) points.push(-745 + random() * (709.78 + 745));
    for (let i = 0; i < 20000; i++) points.push(2 * random() - 1);
    for (let i = 0; i < 5000; i++) points.push((random() - 0.5) * 1e-6);
    for (const x of points) {
      const expected = Math.exp(x);
      if (expected >= MIN_NORMAL) assertWithinUlps(exp(x), expected, 2, `exp(${x})`);
      else assert.ok(Math.abs(exp(x) - expected) <= 2 * Number.MIN_VALUE, `exp(${x}) in the subnormal range`);
    }
  });

  it('agrees with correctly rounded reference values within 1 ulp', () => {
    // Reference: mpmath 1.3.0 at 60 significant digits, rounded to the nearest double.
    const references: Array<[number, number]> = [
      [1, 2.718281828459045],
      [-1, 0.36787944117144233],
      [0.5, 1.6487212707001282],
      [1e-10, 1.0000000001],
      [-0.34657359027997264, 0.7071067811865476],
      [10, 22026.465794806718],
      [100, 2.6881171418161356e43],
      [700, 1.0142320547350045e304],
      [-700, 9.85967654375977e-305],
      [709.78, 1.7928227943945155e308],
      [-708.39, 2.2394014988804677e-308],
    ];
    for (const [x, expected] of references) assertWithinUlps(exp(x), expected, 1, `exp(${x})`);
  });

  it('handles special values, overflow and underflow', () => {
    assert.ok(Number.isNaN(exp(NaN)));
    assert.equal(exp(Infinity), Infinity);
    assert.equal(exp(-Infinity), 0);
    assert.equal(exp(0), 1);
    assert.equal(exp(-0), 1);
    assert.equal(exp(709.79), Infinity);
    assert.equal(exp(1000), Infinity);
    assert.ok(Number.isFinite(exp(709.782712893384))); // just below ln(Number.MAX_VALUE)
    assert.equal(exp(709.7827128933841), Infinity); // the next double, just above it
    assert.equal(exp(-746), 0);
    assert.equal(exp(-1e10), 0);
    assert.ok(exp(-745) > 0 && exp(-745) < MIN_NORMAL, 'e^-745 is a positive subnormal');
    assert.equal(exp(-744.4400719213812), Number.MIN_VALUE); // ln(2^-1074), rounded
  });
});

// ---------------------------------------------------------------------------------------------------
// log
// ---------------------------------------------------------------------------------------------------

describe('log', () => {
  it('matches Math.log within 2 ulps on a grid and on random points over the whole range', () => {
    const random = makeUniform(2);
    const points: number[] = [];
    for (let e = -1074; e <= 1023; e += 0.25) points.push(2 ** e);
    for (let i = 0; i < 50000; i++) points.push(2 ** (-1074 + random() * 2098) * (1 - random() * 1e-3));
    for (let i = 0; i < 20000; i++) points.push(0.5 + 1.5 * random());
    for (let i = 0; i < 5000; i++) points.push(1 + (random() - 0.5) * 1e-6);
    for (const x of points) {
      if (!Number.isFinite(x) || x === 0) continue;
      const expected = Math.log(x);
      if (expected === 0) assert.equal(log(x), 0);
      else assertWithinUlps(log(x), expected, 2, `log(${x})`);
    }
  });

  it('agrees with correctly rounded reference values within 1 ulp', () => {
    // Reference: mpmath 1.3.0 at 60 significant digits of the exact double input, rounded to the nearest double.
    const references: Array<[number, number]> = [
      [2, 0.6931471805599453],
      [10, 2.302585092994046],
      [0.5, -0.6931471805599453],
      [1.0000000001, 1.000000082690371e-10],
      [0.9999999999999999, -1.1102230246251565e-16],
      [1e-300, -690.7755278982137],
      [1e300, 690.7755278982137],
      [Number.MIN_VALUE, -744.4400719213812],
      [MIN_NORMAL, -708.3964185322641],
      [Number.MAX_VALUE, 709.782712893384],
      [0.7071067811865476, -0.3465735902799726],
      [1.4142135623730951, 0.3465735902799727],
    ];
    for (const [x, expected] of references) assertWithinUlps(log(x), expected, 1, `log(${x})`);
  });

  it('handles special values', () => {
    assert.ok(Number.isNaN(log(NaN)));
    assert.ok(Number.isNaN(log(-1)));
    assert.ok(Number.isNaN(log(-Number.MIN_VALUE)));
    assert.ok(Number.isNaN(log(-Infinity)));
    assert.equal(log(0), -Infinity);
    assert.equal(log(-0), -Infinity);
    assert.equal(log(Infinity), Infinity);
    assert.equal(log(1), 0);
  });

  it('inverts exp: exp(log(x)) ≈ x and log(exp(y)) ≈ y', () => {
    const random = makeUniform(3);
    for (let i = 0; i < 20000; i++) {
      const x = 2 ** (-1000 + random() * 2000) * (1 + random());
      // log(x) is rounded to ulp(log x), which exp turns into a relative error of about |log x|·2^-53.
      const tolerance = 4e-16 + Math.abs(Math.log(x)) * 2 ** -52;
      assertRelative(exp(log(x)), x, tolerance, `exp(log(${x}))`);
      const y = -700 + random() * 1400;
      assertRelative(log(exp(y)), y, 4e-16 + 2 ** -52 / Math.abs(y), `log(exp(${y}))`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Source scan: no engine-dependent Math functions.
// ---------------------------------------------------------------------------------------------------

/** The repository root: the nearest ancestor of this test (or the working directory) holding the source. */
function findSourceFile(relativePath: string): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, relativePath))) return join(directory, relativePath);
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return join(process.cwd(), relativePath);
}

describe('src/random/special.ts', () => {
  const source = readFileSync(findSourceFile('src/random/special.ts'), 'utf8');

  it('uses no Math function whose result ECMAScript leaves to the engine', () => {
    const names = [
      ...['exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'cbrt', 'hypot'],
      ...['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh'],
    ].join('|');
    const forbidden = new RegExp(`Math\\s*(\\.\\s*|\\[\\s*['"\`])(${names})\\b`);
    const match = forbidden.exec(source);
    assert.equal(match, null, `forbidden call ${match?.[0] ?? ''}`);
  });

  it('does not use the ** operator in code', () => {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
    assert.ok(!code.includes('**'), 'the exponentiation operator is engine-dependent');
  });

  it('is the file under test (sanity check of the scan)', () => {
    assert.match(source, /export function normalQuantile\(/);
  });
});

// ---------------------------------------------------------------------------------------------------
// normalCdf and normalSf
// ---------------------------------------------------------------------------------------------------

/**
 * [x, Φ(−x), Φ(x)] for x ≥ 0. Reference: mpmath 1.3.0 `ncdf` at 60 significant digits of the exact double x,
 * rounded to the nearest double; Python's 0.5·math.erfc(−x/√2) agrees to 4e-15 relative for |x| ≤ 5 (and
 * loses accuracy beyond, from rounding x/√2). Φ(1) agrees with the 15-decimal Table 26.1 of Abramowitz &
 * Stegun, Handbook of Mathematical Functions (1964): P(1) = 0.841344746068543.
 */
const CDF_REFERENCES: Array<[number, number, number]> = [
  [0.25, 0.4012936743170763, 0.5987063256829237],
  [0.5, 0.3085375387259869, 0.6914624612740131],
  [0.999, 0.1588973456413183, 0.8411026543586817],
  [1, 0.15865525393145705, 0.8413447460685429],
  [1.5, 0.06680720126885807, 0.9331927987311419],
  [2, 0.022750131948179207, 0.9772498680518208],
  [2.5, 0.006209665325776135, 0.9937903346742238],
  [3, 0.0013498980316300946, 0.9986501019683699],
  [4, 3.1671241833119924e-5, 0.9999683287581669],
  [5, 2.866515718791939e-7, 0.9999997133484281],
  [6, 9.86587645037698e-10, 0.9999999990134123],
  [7, 1.279812543885835e-12, 0.9999999999987201],
  [8, 6.220960574271784e-16, 0.9999999999999993],
  [10, 7.619853024160525e-24, 1],
  [15, 3.670966199312751e-51, 1],
  [20, 2.7536241186062337e-89, 1],
  [25, 3.056696706382561e-138, 1],
  [30, 4.906713927148187e-198, 1],
  [35, 1.1249107064724062e-268, 1],
  [37.5, 4.605353009581955e-308, 1],
  // Arguments whose square is not exact in double precision.
  [37.1234567, 5.878299670651359e-302, 1],
  [33.3, 1.93050550592784e-243, 1],
  [29.9, 9.838968332390558e-197, 1],
  [26.01, 1.9083452660170232e-149, 1],
  [12.3456789, 2.569941518229738e-35, 1],
  [7.77, 3.924306316131574e-15, 0.9999999999999961],
  [3.3333, 0.0004291117453528824, 0.9995708882546471],
  [1.0000001, 0.15865522973438578, 0.8413447702656142],
  [0.9999999, 0.1586552781285307, 0.8413447218714692],
];

describe('normalCdf and normalSf', () => {
  it('match published values with relative error ≤ 1e-14, in both tails', () => {
    for (const [x, lower, upper] of CDF_REFERENCES) {
      assertRelative(normalCdf(-x), lower, 1e-14, `Φ(${-x})`);
      assertRelative(normalCdf(x), upper, 1e-14, `Φ(${x})`);
      assertRelative(normalSf(x), lower, 1e-14, `Q(${x})`);
      assertRelative(normalSf(-x), upper, 1e-14, `Q(${-x})`);
    }
  });

  it('satisfy Φ(x) + Φ(−x) = 1 and normalSf(x) = normalCdf(−x)', () => {
    for (let x = -40; x <= 40; x += 0.01) {
      assert.ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) <= 2 ** -52, `Φ(${x}) + Φ(${-x})`);
      assert.equal(normalSf(x), normalCdf(-x));
    }
  });

  it('are monotone on a fine grid, including across the switch between methods at |x| = 1', () => {
    let previous = 0;
    for (let x = -39; x <= 9; x += 1e-3) {
      const value = normalCdf(x);
      assert.ok(value >= previous, `Φ decreases at ${x}`);
      previous = value;
    }
    for (const boundary of [-1, 1]) {
      let before = 0;
      for (let i = -1000; i <= 1000; i++) {
        const value = normalCdf(boundary + i * 1e-12);
        assert.ok(value >= before, `Φ decreases near ${boundary}`);
        before = value;
      }
    }
  });

  it('has the normal density as derivative: (Φ(x+h) − Φ(x−h)) / 2h ≈ φ(x)', () => {
    const h = 1e-4;
    for (let x = -30; x <= 30; x += 0.0625) {
      // Difference the smaller of Φ and Q, so that rounding stays relative to the tail probability.
      const difference = x <= 0 ? normalCdf(x + h) - normalCdf(x - h) : normalSf(x - h) - normalSf(x + h);
      const density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      // The central difference has relative error (x² − 1)·h²/6 + O(h⁴), plus the rounding of the difference.
      const tolerance = 1.1 * ((Math.abs(x * x - 1) * h * h) / 6 + (x ** 4 * h ** 4) / 40) + 1e-9;
      assertRelative(difference / (2 * h), density, tolerance, `Φ′(${x})`);
    }
  });

  it('handles special values and the end of the double range', () => {
    assert.ok(Number.isNaN(normalCdf(NaN)));
    assert.ok(Number.isNaN(normalSf(NaN)));
    assert.equal(normalCdf(-Infinity), 0);
    assert.equal(normalCdf(Infinity), 1);
    assert.equal(normalSf(Infinity), 0);
    assert.equal(normalSf(-Infinity), 1);
    assert.equal(normalCdf(0), 0.5);
    assert.equal(normalCdf(-0), 0.5);
    assert.equal(normalCdf(-39), 0);
    assert.equal(normalCdf(-1e300), 0);
    assert.equal(normalCdf(1e300), 1);
    assert.ok(normalCdf(-38) > 0 && normalCdf(-38) < MIN_NORMAL, 'Φ(−38) is a positive subnormal');
  });
});

// ---------------------------------------------------------------------------------------------------
// normalQuantile
// ---------------------------------------------------------------------------------------------------

/**
 * (p, Φ⁻¹(p)). Reference: mpmath 1.3.0 at 60 significant digits (root of Φ(x) = p for the exact double p),
 * rounded to the nearest double; the classic values agree with published tables (Φ⁻¹(0.975) = 1.95996398454005,
 * Φ⁻¹(0.9) = 1.28155156554460, Φ⁻¹(0.001) = −3.09023230616781).
 */
const QUANTILE_REFERENCES: Array<[number, number]> = [
  [0.975, 1.9599639845400538],
  [0.5000000009313226, 2.3344794983332983e-9],
  [0.6, 0.2533471031357997],
  [0.75, 0.6744897501960817],
  [0.9, 1.2815515655446006],
  [0.925, 1.4395314709384561],
  [0.95, 1.6448536269514722],
  [0.99, 2.3263478740408408],
  [0.1, -1.2815515655446004],
  [0.075, -1.439531470938456],
  [0.05, -1.6448536269514726],
  [0.025, -1.9599639845400543],
  [0.01, -2.326347874040841],
  [1e-3, -3.0902323061678136],
  [1e-5, -4.264890793922825],
  [1e-10, -6.361340902404057],
  [1e-11, -6.706023155495136],
  [1e-12, -7.034483825301132],
  [1e-15, -7.941345326170997],
  [1e-20, -9.262340089798407],
  [1e-50, -14.933337534788489],
  [1e-100, -21.273453560965326],
  [1e-200, -30.20559417957964],
  [1e-300, -37.0470962993612],
  [Number.MIN_VALUE, -38.467405617144344],
  [0.9999999999990905, 7.047700256664409], // 1 − 2^-40
  [0.9999999999999999, 8.209536151601387], // 1 − 2^-53
];

describe('normalQuantile', () => {
  it('matches reference values with relative error ≤ 1e-14', () => {
    for (const [p, expected] of QUANTILE_REFERENCES) assertRelative(normalQuantile(p), expected, 1e-14, `Φ⁻¹(${p})`);
  });

  it('is accurate near p = ½, where the result is small', () => {
    assert.equal(normalQuantile(0.5), 0);
    for (let i = 1; i <= 1000; i++) {
      const p = 0.5 + i * 1e-7;
      const q = p - 0.5; // exact: the offset that p actually represents
      // Φ⁻¹(½ + q) = √(2π)·(q + (π/3)·q³ + O(q⁵)); for q ≤ 1e-4 the omitted terms are below 1e-19 relative.
      const expected = Math.sqrt(2 * Math.PI) * (q + (Math.PI / 3) * q ** 3);
      assertRelative(normalQuantile(p), expected, 1e-14, `Φ⁻¹(${p})`);
      assert.equal(normalQuantile(0.5 - q), -normalQuantile(p));
    }
  });

  it('round-trips through normalCdf from p = 1e-300 to p = ½ and in the mirrored upper half', () => {
    for (const p of logSpaced(-300, Math.log10(0.5), 3001)) {
      const x = normalQuantile(p);
      // Condition number of p ↦ Φ(x) with respect to relative errors in x: |x|·φ(x)/Φ(x) ≤ x² + 1.
      // The budget allows 1e-15 relative error in x (AS 241 reaches ~1e-16) plus 1e-14 in Φ.
      const tolerance = 1e-14 + (x * x + 1) * 1e-15;
      assertRelative(normalCdf(x), p, tolerance, `Φ(Φ⁻¹(${p}))`);
      if (p >= 1e-15) {
        const upper = 1 - p;
        const complement = 1 - upper; // exact
        const xUpper = normalQuantile(upper);
        assertRelative(normalSf(xUpper), complement, 1e-14 + (xUpper * xUpper + 1) * 1e-15, `Q(Φ⁻¹(${upper}))`);
      }
    }
  });

  it('is exactly antisymmetric: Φ⁻¹(1 − p) = −Φ⁻¹(p) whenever 1 − p is exact', () => {
    const random = makeUniform(4);
    const candidates = [...logSpaced(-300, -0.31, 2000), ...Array.from({ length: 20000 }, random)];
    let checked = 0;
    for (const p of candidates) {
      const mirrored = 1 - p;
      if (1 - mirrored !== p || p === 0) continue;
      assert.equal(normalQuantile(mirrored), -normalQuantile(p), `Φ⁻¹(${mirrored}) vs Φ⁻¹(${p})`);
      checked++;
    }
    assert.ok(checked > 10000, `only ${checked} exact mirror pairs`);
  });

  it('is monotone on fine grids, including across the switches between its three approximations', () => {
    const grids = [
      Array.from({ length: 200001 }, (_, i) => i / 200000),
      logSpaced(-323, -1, 100000),
      // Around p = 0.075 (|q| = 0.425) and p = e^-25 (r = 5), at a spacing of about 1e-9 relative.
      Array.from({ length: 20001 }, (_, i) => 0.075 * (1 + (i - 10000) * 1e-9)),
      Array.from({ length: 20001 }, (_, i) => 1.3887943864964021e-11 * (1 + (i - 10000) * 1e-9)),
    ];
    for (const grid of grids) {
      let previous = -Infinity;
      for (const p of grid) {
        const value = normalQuantile(p);
        assert.ok(value >= previous, `Φ⁻¹ decreases at p = ${p}`);
        previous = value;
      }
    }
  });

  it('handles the ends of [0, 1] and invalid input', () => {
    assert.equal(normalQuantile(0), -Infinity);
    assert.equal(normalQuantile(-0), -Infinity);
    assert.equal(normalQuantile(1), Infinity);
    for (const p of [NaN, -1e-300, -1, 1.0000000000000002, 2, Infinity, -Infinity]) {
      assert.ok(Number.isNaN(normalQuantile(p)), `Φ⁻¹(${p}) should be NaN`);
    }
    assert.ok(Number.isFinite(normalQuantile(Number.MIN_VALUE)));
    assert.ok(Number.isFinite(normalQuantile(0.9999999999999999)));
  });
});
