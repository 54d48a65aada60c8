import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haarOrthonormalFloat32 } from '../../src/linalg/haar-float32.ts';
import { haarInputLength, haarOrthonormal, householderQr, orthonormalize, setQrSimdEnabled } from '../../src/linalg/qr.ts';
import { wyKernels } from '../../src/linalg/wy-simd.ts';
import { wasmSimdSupported } from '../../src/wasm/assembler.ts';
import { gaussianMatrix } from '../support/matrices.ts';

// The WebAssembly SIMD path of the QR factorization (src/linalg/wy-simd.ts) must give the bits of the TypeScript path.

/** Index of the first element whose bits differ (-0 ≠ +0), or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Index of the first float32 element whose bits differ (-0 ≠ +0), or -1. */
function firstDifference32(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function onBothPaths<T>(run: () => T): { ts: T; simd: T } {
  setQrSimdEnabled(false);
  try {
    const ts = run();
    setQrSimdEnabled(true);
    return { ts, simd: run() };
  } finally {
    setQrSimdEnabled(true);
  }
}

test('the SIMD kernels compile here (Node has WebAssembly SIMD), and the switch turns them off', () => {
  assert.ok(wasmSimdSupported());
  assert.ok(wyKernels() !== undefined);
  setQrSimdEnabled(false);
  assert.equal(wyKernels(), undefined);
  setQrSimdEnabled(true);
  assert.ok(wyKernels() !== undefined);
});

// Square and tall; below and at the SIMD threshold (96 columns); a few panels and many; column
// counts that are not multiples of the panel (32), of a group (4) or of a kernel step (4 and 2 columns); odd and
// even panel heights (the row-pair kernel's scalar last row); a thin and a large square matrix.
const SHAPES: readonly (readonly [number, number])[] = [
  [40, 40],
  [64, 64],
  [95, 95],
  [96, 96],
  [97, 96],
  [129, 97],
  [100, 99],
  [300, 98],
  [257, 200],
  [1000, 101],
  [333, 333],
  [513, 512],
];

for (const [rows, cols] of SHAPES) {
  test(`SIMD path = TypeScript path bit for bit: orthonormalize and householderQr ${rows}×${cols}`, () => {
    const a = gaussianMatrix(rows, cols, 1000 * rows + cols);
    const o = onBothPaths(() => orthonormalize(new Float64Array(a), rows, cols));
    assert.equal(firstDifference(o.ts, o.simd), -1, 'orthonormalize');
    const qr = onBothPaths(() => householderQr(a, rows, cols));
    assert.equal(firstDifference(qr.ts.q, qr.simd.q), -1, 'Q');
    assert.equal(firstDifference(qr.ts.r, qr.simd.r), -1, 'R');
  });
}

test('SIMD path = TypeScript path bit for bit on rank-deficient, zero, tiny and huge matrices', () => {
  const rows = 150;
  const cols = 110;
  const deficient = gaussianMatrix(rows, cols, 5);
  for (let i = 0; i < rows; i++) {
    deficient[i * cols + 40] = deficient[i * cols + 3]!; // a duplicate across panels
    deficient[i * cols + 70] = 0; // a zero column
    deficient[i * cols + 71] = -deficient[i * cols + 69]!;
  }
  const inputs = [
    deficient,
    new Float64Array(rows * cols),
    gaussianMatrix(rows, cols, 6).map((x) => x * 1e-300),
    gaussianMatrix(rows, cols, 7).map((x) => x * 1e300),
  ];
  for (const [k, a] of inputs.entries()) {
    const o = onBothPaths(() => orthonormalize(new Float64Array(a), rows, cols));
    assert.equal(firstDifference(o.ts, o.simd), -1, `input ${k}`);
  }
});

test('the SIMD path survives its memory growing between calls (views are refreshed)', () => {
  const small = gaussianMatrix(100, 100, 8);
  const first = orthonormalize(new Float64Array(small), 100, 100);
  orthonormalize(gaussianMatrix(700, 300, 9), 700, 300); // grows the kernels' memory
  const again = orthonormalize(new Float64Array(small), 100, 100);
  assert.equal(firstDifference(first, again), -1);
});

// The direct Haar construction (haarOrthonormal, float64 kernels) and its float32 path (vtc32, tz32, cmvy32).
// Bit identity: below and above the SIMD thresholds, square, tall, and every remainder of a panel (32), a group of
// four, a row quad and a kernel step (vtc32: 4 columns × 2 groups; cmvy32: 2 columns).
const HAAR_SHAPES: readonly (readonly [number, number])[] = [
  [7, 5],
  [40, 40],
  [63, 63],
  [64, 64],
  [65, 64],
  [129, 97],
  [100, 99],
  [300, 70],
  [257, 200],
  [333, 333],
  [515, 130],
];

for (const [rows, cols] of HAAR_SHAPES) {
  test(`SIMD path = TypeScript path bit for bit: haarOrthonormal (float64) and the float32 path, ${rows}×${cols}`, () => {
    const g = gaussianMatrix(1, haarInputLength(rows, cols), 77 * rows + cols);
    const q64 = onBothPaths(() => haarOrthonormal(g, rows, cols));
    assert.equal(firstDifference(q64.ts, q64.simd), -1, 'float64');
    const q32 = onBothPaths(() => haarOrthonormalFloat32(g, rows, cols));
    assert.equal(firstDifference32(q32.ts, q32.simd), -1, 'float32');
    // The two paths compute the same Q up to float32 rounding.
    let worst = 0;
    for (let i = 0; i < q64.ts.length; i++) worst = Math.max(worst, Math.abs(q64.ts[i]! - q32.ts[i]!));
    assert.ok(worst < 2e-6, `float32 − float64: ${worst}`);
  });
}
