import { test } from 'node:test';
import assert from 'node:assert/strict';
import { householderQr, orthonormalize, setQrSimdEnabled } from '../../src/linalg/qr.ts';
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
