/**
 * The WebAssembly SIMD fast path of the compact-WY block update of the QR factorization (see qr.ts): the two
 * matrix products of x ← x − V T' Vᵀ x over many columns x, in a module assembled here byte by byte (f64x2, no
 * toolchain, no binary file), working on a matrix that lives in the module's memory for a whole factorization.
 *
 * - {@link WyKernels.vtc} computes Y = VᵀC: per column c and Householder vector p the sum Σᵢ v_p[i]·c[i], one
 *   running sum per (p, c) in increasing i, starting at the first row of p's group of four; two vectors share one
 *   f64x2 (lanes p, p + 1), so a row costs two loads of V and one splat of c[i] per column (4 vectors × 4 columns
 *   per step: 8 accumulators).
 * - {@link WyKernels.cmvy} computes C ← C − V Z, group of four vectors by group, two rows per f64x2: per element
 *   c[i] ← c[i] − (((v₀[i]z₀ + v₁[i]z₁) + v₂[i]z₂) + v₃[i]z₃), for the groups whose first row is at most i (2 columns
 *   per step, their 8 coefficients held in registers; an odd last row in scalar f64).
 *
 * Every element goes through exactly the IEEE operations of the TypeScript kernel `applyBlock` in qr.ts, in the
 * same order — f64 multiplications and additions, each correctly rounded in wasm as in JavaScript, no fused
 * multiply-add — so the bits are those of the TypeScript path (test/linalg/qr-simd.test.ts checks this). The small
 * triangular product Z = T'Y between the two stays in TypeScript.
 *
 * The module needs WebAssembly with SIMD (Node ≥ 16.4, current browsers); {@link wyKernels} returns undefined where
 * it cannot be compiled or the path is turned off ({@link setQrSimdEnabled}), and the TypeScript path runs instead.
 * Its memory grows as needed and is kept between calls (it never shrinks).
 *
 * @module
 */
import {
  Code,
  ConstantPool,
  I32,
  instantiate,
  Locals,
  moduleBytes,
  OP,
  PAGE_BYTES,
  SIMD,
  V128,
  type WasmFunction,
  wasmSimdSupported,
} from '../wasm/assembler.ts';

/**
 * The parameters of both kernels, (w, ld8, L, bp, v, y, nc): byte offsets and byte strides (see {@link WyKernels}).
 * Each kernel declares its own locals after them.
 */
function kernelParameters(): { locals: Locals; P: Record<'w' | 'ld8' | 'len' | 'bp' | 'v' | 'y' | 'nc', number> } {
  const locals = new Locals();
  return { locals, P: locals.parameters(I32, ['w', 'ld8', 'len', 'bp', 'v', 'y', 'nc']) };
}

/** local += (local a · local b) for f64x2 locals. */
function accumulate(code: Code, acc: number, a: number, b: number): void {
  code.get(acc).get(a).get(b).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc);
}

/**
 * The function `vtc(w, ld8, L, bp, v, y, nc)`: for columns c < nc at w + c·ld8 (L rows each) and the bp vectors of V
 * interleaved in groups of four (entry i of vector p at v[⌊p/4⌋·4L + 4i + p mod 4], doubles), writes
 * y[c·bp + p] = Σ_{i ≥ 4⌊p/4⌋} v_p[i]·c[i], summed in increasing i from +0. Four columns per step, then one.
 */
function vtc(pool: ConstantPool): WasmFunction {
  const { locals, P } = kernelParameters();
  const I = locals.named(I32, ['c', 'g4', 'i8', 'len8', 'vp', 'yp', 'bp8']);
  /** The addresses of the (up to four) columns of a step. */
  const cp = locals.list(I32, 4);
  /** Accumulators: column j's sums for vectors g4 … g4 + 1 in acc(2j), g4 + 2 … g4 + 3 in acc(2j + 1). */
  const acc = locals.list(V128, 8);
  const V = locals.named(V128, ['va', 'vb', 'x']);
  const code = new Code(pool);
  code.get(P.len).i32(3).op(OP.i32Shl).set(I.len8);
  code.get(P.bp).i32(3).op(OP.i32Shl).set(I.bp8);
  code.i32(0).set(I.c);
  for (const step of [4, 1]) {
    // while (nc − c ≥ step)
    code.loopUntil(
      () => code.get(P.nc).get(I.c).op(OP.i32Sub).i32(step).op(OP.i32LtS),
      () => {
        code.get(P.w).get(I.c).get(P.ld8).op(OP.i32Mul).op(OP.i32Add).set(cp(0));
        for (let j = 1; j < step; j++)
          code
            .get(cp(j - 1))
            .get(P.ld8)
            .op(OP.i32Add)
            .set(cp(j));
        code.i32(0).set(I.g4);
        code.loopUntil(
          () => code.get(I.g4).get(P.bp).op(OP.i32GeS),
          () => {
            for (let k = 0; k < 2 * step; k++) code.i32(0).simd(SIMD.i32x4Splat).set(acc(k));
            // i8 = 8·g4; vp = v + 8·g4·(L + 4)
            code.get(I.g4).i32(3).op(OP.i32Shl).set(I.i8);
            code.get(P.v).get(I.g4).get(P.len).i32(4).op(OP.i32Add).op(OP.i32Mul).i32(3).op(OP.i32Shl).op(OP.i32Add);
            code.set(I.vp);
            code.loopUntil(
              () => code.get(I.i8).get(I.len8).op(OP.i32GeS),
              () => {
                code.get(I.vp).v128Load(0).set(V.va);
                code.get(I.vp).v128Load(16).set(V.vb);
                for (let j = 0; j < step; j++) {
                  code.get(cp(j)).get(I.i8).op(OP.i32Add).load64Splat(0).set(V.x);
                  accumulate(code, acc(2 * j), V.va, V.x);
                  accumulate(code, acc(2 * j + 1), V.vb, V.x);
                }
                code.get(I.vp).i32(32).op(OP.i32Add).set(I.vp);
                code.get(I.i8).i32(8).op(OP.i32Add).set(I.i8);
              },
            );
            // yp = y + 8·(c·bp + g4)
            code.get(P.y).get(I.c).get(I.bp8).op(OP.i32Mul).op(OP.i32Add).get(I.g4).i32(3).op(OP.i32Shl);
            code.op(OP.i32Add).set(I.yp);
            for (let j = 0; j < step; j++) {
              if (j > 0) code.get(I.yp).get(I.bp8).op(OP.i32Add).set(I.yp);
              code
                .get(I.yp)
                .get(acc(2 * j))
                .v128Store(0);
              code
                .get(I.yp)
                .get(acc(2 * j + 1))
                .v128Store(16);
            }
            code.get(I.g4).i32(4).op(OP.i32Add).set(I.g4);
          },
        );
        code.get(I.c).i32(step).op(OP.i32Add).set(I.c);
      },
    );
  }
  return { name: 'vtc', locals, results: [], code };
}

/**
 * The function `cmvy(w, ld8, L, bp, v, z, nc)`: for columns c < nc at w + c·ld8 (L rows each), the bp vectors of V in
 * row pairs (entries i, i + 1 of vector 4g + q, i even, at v[((g·R + i/2)·4 + q)·2 …], R = ⌈L/2⌉, doubles) and the
 * coefficients z[c·bp + p]: for g = 0, 1, … and rows i ≥ 4g, c[i] ← c[i] − (((v₀z₀ + v₁z₁) + v₂z₂) + v₃z₃). Two
 * columns per step, then one.
 */
function cmvy(pool: ConstantPool): WasmFunction {
  const { locals, P } = kernelParameters();
  const I = locals.named(I32, ['c', 'g4', 'i8', 'len8', 'vp', 'r64', 'bp8', 'ap']);
  /** The addresses of the (up to two) columns of a step and of their coefficients. */
  const yp = locals.list(I32, 2);
  const cp = locals.list(I32, 2);
  /** Column j's coefficient q (splat) in y(4j + q); column j's sum for a row pair in sum(j). */
  const y = locals.list(V128, 8);
  const sum = locals.list(V128, 2);
  const V = locals.named(V128, ['vq']);
  const code = new Code(pool);
  code.get(P.len).i32(3).op(OP.i32Shl).set(I.len8);
  code.get(P.bp).i32(3).op(OP.i32Shl).set(I.bp8);
  // r64 = 64·⌈L/2⌉: the bytes of one group of four vectors
  code.get(P.len).i32(1).op(OP.i32Add).i32(1).op(OP.i32ShrU).i32(6).op(OP.i32Shl).set(I.r64);
  code.i32(0).set(I.c);
  for (const step of [2, 1]) {
    code.loopUntil(
      () => code.get(P.nc).get(I.c).op(OP.i32Sub).i32(step).op(OP.i32LtS),
      () => {
        code.get(P.w).get(I.c).get(P.ld8).op(OP.i32Mul).op(OP.i32Add).set(cp(0));
        code.get(P.y).get(I.c).get(I.bp8).op(OP.i32Mul).op(OP.i32Add).set(yp(0));
        for (let j = 1; j < step; j++) {
          code
            .get(cp(j - 1))
            .get(P.ld8)
            .op(OP.i32Add)
            .set(cp(j));
          code
            .get(yp(j - 1))
            .get(I.bp8)
            .op(OP.i32Add)
            .set(yp(j));
        }
        code.i32(0).set(I.g4);
        code.loopUntil(
          () => code.get(I.g4).get(P.bp).op(OP.i32GeS),
          () => {
            for (let j = 0; j < step; j++) {
              for (let q = 0; q < 4; q++) {
                code
                  .get(yp(j))
                  .get(I.g4)
                  .i32(3)
                  .op(OP.i32Shl)
                  .op(OP.i32Add)
                  .load64Splat(8 * q);
                code.set(y(4 * j + q));
              }
            }
            // i8 = 8·g4; vp = v + (g4/4)·r64 + (g4/2)·64
            code.get(I.g4).i32(3).op(OP.i32Shl).set(I.i8);
            code.get(P.v).get(I.g4).i32(2).op(OP.i32ShrU).get(I.r64).op(OP.i32Mul).op(OP.i32Add);
            code.get(I.g4).i32(5).op(OP.i32Shl).op(OP.i32Add).set(I.vp);
            // Whole row pairs: while (len8 − i8 ≥ 16)
            code.loopUntil(
              () => code.get(I.len8).get(I.i8).op(OP.i32Sub).i32(16).op(OP.i32LtS),
              () => {
                for (let q = 0; q < 4; q++) {
                  code
                    .get(I.vp)
                    .v128Load(16 * q)
                    .set(V.vq);
                  for (let j = 0; j < step; j++) {
                    if (q === 0)
                      code
                        .get(V.vq)
                        .get(y(4 * j))
                        .simd(SIMD.f64x2Mul)
                        .set(sum(j));
                    else accumulate(code, sum(j), V.vq, y(4 * j + q));
                  }
                }
                for (let j = 0; j < step; j++) {
                  code.get(cp(j)).get(I.i8).op(OP.i32Add).set(I.ap);
                  code.get(I.ap).get(I.ap).v128Load(0).get(sum(j)).simd(SIMD.f64x2Sub).v128Store(0);
                }
                code.get(I.vp).i32(64).op(OP.i32Add).set(I.vp);
                code.get(I.i8).i32(16).op(OP.i32Add).set(I.i8);
              },
            );
            // An odd last row: lane 0 of the last pair, in scalar f64.
            code.get(I.i8).get(I.len8).op(OP.i32LtS).if();
            for (let j = 0; j < step; j++) {
              code.get(cp(j)).get(I.i8).op(OP.i32Add).set(I.ap);
              code.get(I.ap).get(I.ap).f64Load(0);
              for (let q = 0; q < 4; q++) {
                code.get(I.vp).f64Load(16 * q);
                code
                  .get(y(4 * j + q))
                  .simd(SIMD.f64x2ExtractLane, 0)
                  .op(OP.f64Mul);
                if (q > 0) code.op(OP.f64Add);
              }
              code.op(OP.f64Sub).f64Store(0);
            }
            code.end();
            code.get(I.g4).i32(4).op(OP.i32Add).set(I.g4);
          },
        );
        code.get(I.c).i32(step).op(OP.i32Add).set(I.c);
      },
    );
  }
  return { name: 'cmvy', locals, results: [], code };
}

/** local += (local a · local b) for f32x4 locals. */
function accumulate32(code: Code, acc: number, a: number, b: number): void {
  code.get(acc).get(a).get(b).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc);
}

/**
 * The float32 `vtc32(w, ld4, L, bp, v, y, nc)`: for columns c < nc at w + c·ld4 (L rows of float32 each) and the bp
 * vectors of V interleaved in groups of four (entry i of vector p at v[⌊p/4⌋·4L + 4i + p mod 4], floats, every row
 * stored, zero above the vector's own row), writes y[c·bp + p] = Σ_{i ≥ 4⌊p/4⌋} v_p[i]·c[i] (floats), each product
 * and each sum rounded to float32, summed in increasing i from +0. One f32x4 holds a group's four vectors at a row.
 * Four columns and two groups per step (8 accumulators; each splat of c[i] feeds eight vectors), then one group,
 * then one column. A pair of groups g, g + 1 starts at row 4g: the second group's entries there are zero, and
 * +0 + (±0) = +0, so its sums are those that start at row 4g + 4 (the entries of C are finite).
 */
function vtc32(pool: ConstantPool): WasmFunction {
  const { locals, P } = kernelParameters();
  const I = locals.named(I32, ['c', 'g4', 'i4', 'len4', 'vp', 'yp', 'bp4', 'gl16']);
  const cp = locals.list(I32, 4);
  const acc = locals.list(V128, 8);
  const V = locals.named(V128, ['va', 'vb', 'x']);
  const code = new Code(pool);
  code.get(P.len).i32(2).op(OP.i32Shl).set(I.len4);
  code.get(P.bp).i32(2).op(OP.i32Shl).set(I.bp4);
  // gl16 = 16·L: the bytes of one group
  code.get(P.len).i32(4).op(OP.i32Shl).set(I.gl16);
  code.i32(0).set(I.c);
  for (const step of [4, 1]) {
    code.loopUntil(
      () => code.get(P.nc).get(I.c).op(OP.i32Sub).i32(step).op(OP.i32LtS),
      () => {
        code.get(P.w).get(I.c).get(P.ld8).op(OP.i32Mul).op(OP.i32Add).set(cp(0));
        for (let j = 1; j < step; j++)
          code
            .get(cp(j - 1))
            .get(P.ld8)
            .op(OP.i32Add)
            .set(cp(j));
        code.i32(0).set(I.g4);
        for (const groups of [2, 1]) {
          code.loopUntil(
            () =>
              code
                .get(P.bp)
                .get(I.g4)
                .op(OP.i32Sub)
                .i32(4 * groups)
                .op(OP.i32LtS),
            () => {
              for (let k = 0; k < step * groups; k++) code.i32(0).simd(SIMD.i32x4Splat).set(acc(k));
              // i4 = 4·g4; vp = v + 4·g4·(L + 4)
              code.get(I.g4).i32(2).op(OP.i32Shl).set(I.i4);
              code.get(P.v).get(I.g4).get(P.len).i32(4).op(OP.i32Add).op(OP.i32Mul).i32(2).op(OP.i32Shl).op(OP.i32Add);
              code.set(I.vp);
              code.loopUntil(
                () => code.get(I.i4).get(I.len4).op(OP.i32GeS),
                () => {
                  code.get(I.vp).v128Load(0).set(V.va);
                  if (groups === 2) code.get(I.vp).get(I.gl16).op(OP.i32Add).v128Load(0).set(V.vb);
                  for (let j = 0; j < step; j++) {
                    code.get(cp(j)).get(I.i4).op(OP.i32Add).load32Splat(0).set(V.x);
                    accumulate32(code, acc(j), V.va, V.x);
                    if (groups === 2) accumulate32(code, acc(step + j), V.vb, V.x);
                  }
                  code.get(I.vp).i32(16).op(OP.i32Add).set(I.vp);
                  code.get(I.i4).i32(4).op(OP.i32Add).set(I.i4);
                },
              );
              // yp = y + 4·(c·bp + g4)
              code.get(P.y).get(I.c).get(I.bp4).op(OP.i32Mul).op(OP.i32Add).get(I.g4).i32(2).op(OP.i32Shl);
              code.op(OP.i32Add).set(I.yp);
              for (let j = 0; j < step; j++) {
                if (j > 0) code.get(I.yp).get(I.bp4).op(OP.i32Add).set(I.yp);
                code.get(I.yp).get(acc(j)).v128Store(0);
                if (groups === 2)
                  code
                    .get(I.yp)
                    .get(acc(step + j))
                    .v128Store(16);
              }
              code
                .get(I.g4)
                .i32(4 * groups)
                .op(OP.i32Add)
                .set(I.g4);
            },
          );
        }
        code.get(I.c).i32(step).op(OP.i32Add).set(I.c);
      },
    );
  }
  return { name: 'vtc32', locals, results: [], code };
}

/**
 * The float32 `cmvy32(w, ld4, L, bp, q, z, nc)`: for columns c < nc at w + c·ld4, the bp vectors of V in row quads
 * (entries i … i + 3 of vector 4g + k, 4 | i, at q[((g·R + i/4)·4 + k)·4 …], R = ⌈L/4⌉, floats, zero beyond row L)
 * and the float32 coefficients z[c·bp + p]: for g = 0, 1, … and rows i ≥ 4g, c[i] ← c[i] − (((v₀z₀ + v₁z₁) + v₂z₂) +
 * v₃z₃), every operation rounded to float32. Four rows per f32x4, up to the multiple of 4 above L: the caller keeps
 * those padding rows of the columns finite (their values are not used). Two columns per step, then one.
 */
function cmvy32(pool: ConstantPool): WasmFunction {
  const { locals, P } = kernelParameters();
  const I = locals.named(I32, ['c', 'g4', 'i4', 'len4', 'vp', 'r64', 'bp4', 'ap']);
  const zp = locals.list(I32, 2);
  const cp = locals.list(I32, 2);
  const z = locals.list(V128, 8);
  const sum = locals.list(V128, 2);
  const V = locals.named(V128, ['vq']);
  const code = new Code(pool);
  code.get(P.len).i32(2).op(OP.i32Shl).set(I.len4);
  code.get(P.bp).i32(2).op(OP.i32Shl).set(I.bp4);
  // r64 = 64·⌈L/4⌉: the bytes of one group of four vectors
  code.get(P.len).i32(3).op(OP.i32Add).i32(2).op(OP.i32ShrU).i32(6).op(OP.i32Shl).set(I.r64);
  code.i32(0).set(I.c);
  for (const step of [2, 1]) {
    code.loopUntil(
      () => code.get(P.nc).get(I.c).op(OP.i32Sub).i32(step).op(OP.i32LtS),
      () => {
        code.get(P.w).get(I.c).get(P.ld8).op(OP.i32Mul).op(OP.i32Add).set(cp(0));
        code.get(P.y).get(I.c).get(I.bp4).op(OP.i32Mul).op(OP.i32Add).set(zp(0));
        for (let j = 1; j < step; j++) {
          code
            .get(cp(j - 1))
            .get(P.ld8)
            .op(OP.i32Add)
            .set(cp(j));
          code
            .get(zp(j - 1))
            .get(I.bp4)
            .op(OP.i32Add)
            .set(zp(j));
        }
        code.i32(0).set(I.g4);
        code.loopUntil(
          () => code.get(I.g4).get(P.bp).op(OP.i32GeS),
          () => {
            for (let j = 0; j < step; j++) {
              for (let k = 0; k < 4; k++) {
                code
                  .get(zp(j))
                  .get(I.g4)
                  .i32(2)
                  .op(OP.i32Shl)
                  .op(OP.i32Add)
                  .load32Splat(4 * k);
                code.set(z(4 * j + k));
              }
            }
            // i4 = 4·g4 (the group's first row, in bytes); vp = q + (g4/4)·r64 + (g4/4)·64
            code.get(I.g4).i32(2).op(OP.i32Shl).set(I.i4);
            code.get(P.v).get(I.g4).i32(2).op(OP.i32ShrU).get(I.r64).op(OP.i32Mul).op(OP.i32Add);
            code.get(I.g4).i32(4).op(OP.i32Shl).op(OP.i32Add).set(I.vp);
            code.loopUntil(
              () => code.get(I.i4).get(I.len4).op(OP.i32GeS),
              () => {
                for (let k = 0; k < 4; k++) {
                  code
                    .get(I.vp)
                    .v128Load(16 * k)
                    .set(V.vq);
                  for (let j = 0; j < step; j++) {
                    if (k === 0)
                      code
                        .get(V.vq)
                        .get(z(4 * j))
                        .simd(SIMD.f32x4Mul)
                        .set(sum(j));
                    else accumulate32(code, sum(j), V.vq, z(4 * j + k));
                  }
                }
                for (let j = 0; j < step; j++) {
                  code.get(cp(j)).get(I.i4).op(OP.i32Add).set(I.ap);
                  code.get(I.ap).get(I.ap).v128Load(0).get(sum(j)).simd(SIMD.f32x4Sub).v128Store(0);
                }
                code.get(I.vp).i32(64).op(OP.i32Add).set(I.vp);
                code.get(I.i4).i32(16).op(OP.i32Add).set(I.i4);
              },
            );
            code.get(I.g4).i32(4).op(OP.i32Add).set(I.g4);
          },
        );
        code.get(I.c).i32(step).op(OP.i32Add).set(I.c);
      },
    );
  }
  return { name: 'cmvy32', locals, results: [], code };
}

/**
 * The function `tz32(t, ld8, b, bp, y, z, nc)` (ld8 unused): for columns c < nc, z[c·bp + r] = float32(Σ_{q=r}^{b−1}
 * T[r][q]·y[c·bp + q]) in float64, summed in increasing q from +0, for the float32 y and z (bp floats per column) and
 * the upper-triangular T stored column by column at t (doubles, T[r][q] at t[q·bp + r], zero below the diagonal and
 * in rows b … bp−1), so z is zero in rows b … bp−1. Two rows r, r + 1 per f64x2 (lane r + 1 adds T[r+1][r]·y = ±0 to
 * +0 first, which leaves +0: the same sum as starting at q = r + 1).
 */
function tz32(pool: ConstantPool): WasmFunction {
  const { locals, P } = kernelParameters();
  // Parameter names of the shared signature: w → t, len → b, v → y, y → z.
  const I = locals.named(I32, ['c', 'r', 'q', 'yp', 'tp', 'bp4']);
  const V = locals.named(V128, ['acc']);
  const code = new Code(pool);
  code.get(P.bp).i32(2).op(OP.i32Shl).set(I.bp4);
  code.i32(0).set(I.c);
  code.loopUntil(
    () => code.get(I.c).get(P.nc).op(OP.i32GeS),
    () => {
      // yp = y + 4·c·bp
      code.get(P.v).get(I.c).get(I.bp4).op(OP.i32Mul).op(OP.i32Add).set(I.yp);
      code.i32(0).set(I.r);
      code.loopUntil(
        () => code.get(I.r).get(P.bp).op(OP.i32GeS),
        () => {
          code.i32(0).simd(SIMD.i32x4Splat).set(V.acc);
          code.get(I.r).set(I.q);
          code.loopUntil(
            () => code.get(I.q).get(P.len).op(OP.i32GeS),
            () => {
              // acc += T[r … r+1][q] · y[q]
              code.get(V.acc);
              code.get(P.w).get(I.q).get(P.bp).op(OP.i32Mul).get(I.r).op(OP.i32Add).i32(3).op(OP.i32Shl).op(OP.i32Add).v128Load(0);
              code.get(I.yp).get(I.q).i32(2).op(OP.i32Shl).op(OP.i32Add).f32Load(0).op(OP.f64PromoteF32).simd(SIMD.f64x2Splat);
              code.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(V.acc);
              code.get(I.q).i32(1).op(OP.i32Add).set(I.q);
            },
          );
          // z[c·bp + r], z[c·bp + r + 1] = the two lanes rounded to float32
          code.get(P.y).get(I.c).get(I.bp4).op(OP.i32Mul).op(OP.i32Add).get(I.r).i32(2).op(OP.i32Shl).op(OP.i32Add).set(I.tp);
          code.get(I.tp).get(V.acc).simd(SIMD.f64x2ExtractLane, 0).op(OP.f32DemoteF64).f32Store(0);
          code.get(I.tp).get(V.acc).simd(SIMD.f64x2ExtractLane, 1).op(OP.f32DemoteF64).f32Store(4);
          code.get(I.r).i32(2).op(OP.i32Add).set(I.r);
        },
      );
      code.get(I.c).i32(1).op(OP.i32Add).set(I.c);
    },
  );
  return { name: 'tz32', locals, results: [], code };
}

/**
 * The bytes of a module exporting `memory` (1 page to start, no maximum), the float64 kernels `vtc` and `cmvy` and
 * the float32 kernels `vtc32` and `cmvy32`.
 */
export function wyModuleBytes(): Uint8Array {
  const pool = new ConstantPool(0);
  return moduleBytes([vtc(pool), cmvy(pool), vtc32(pool), cmvy32(pool), tz32(pool)], pool);
}

/** A kernel call: (w, ld8, L, bp, v, y, nc), byte offsets into the module's memory and a byte stride. */
type KernelFn = (w: number, ld8: number, len: number, bp: number, v: number, y: number, nc: number) => void;

/** The compiled kernels and their module's memory. */
export interface WyKernels {
  /**
   * Y = VᵀC: writes y[c·bp + p] (doubles from byte `y`) = Σ_{i ≥ 4⌊p/4⌋} v_p[i]·C[i][c], in increasing i from +0,
   * for the nc columns of L rows at byte `w` + c·ld8 and V interleaved in groups of four at byte `v`
   * (entry i of vector p at double ⌊p/4⌋·4L + 4i + p mod 4).
   */
  readonly vtc: KernelFn;
  /**
   * C ← C − V Z: for each group g and row i ≥ 4g, C[i][c] ← C[i][c] − (((v₀z₀ + v₁z₁) + v₂z₂) + v₃z₃) with
   * v_q = v_{4g+q}[i], z_q = z[c·bp + 4g + q]; V in row pairs at byte `v` (entries i, i + 1 of vector 4g + q,
   * i even, at double ((g·⌈L/2⌉ + i/2)·4 + q)·2).
   */
  readonly cmvy: KernelFn;
  /** {@link vtc32}: Y = VᵀC in float32 (byte offsets, `ld` in bytes). */
  readonly vtc32: KernelFn;
  /** {@link cmvy32}: C ← C − V Z in float32, V in row quads (byte offsets, `ld` in bytes). */
  readonly cmvy32: KernelFn;
  /** {@link tz32}: Z = T·Y per column, in float64 from and to float32 (byte offsets; the `ld` argument is unused). */
  readonly tz32: KernelFn;
  /**
   * A view of the module's memory with at least `doubles` entries, growing the memory if needed (earlier views
   * are then detached); undefined if it cannot grow that far.
   */
  heap(doubles: number): Float64Array | undefined;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

let enabled = true;
let compiled: WyKernels | null | undefined;

/** Turns the SIMD path of the QR factorization off (false) or back on: for tests and benchmarks of the TypeScript path. */
export function setQrSimdEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The compiled kernels, assembled on first use; undefined where WebAssembly SIMD is missing, compilation is
 * refused, or the path was turned off with {@link setQrSimdEnabled}.
 */
export function wyKernels(): WyKernels | undefined {
  if (!enabled || !wasmSimdSupported()) return undefined;
  if (compiled === undefined) compiled = compile();
  return compiled ?? undefined;
}

/** wasm32 addresses: keep every byte offset below 2³¹ (the kernels compare offsets as signed i32). */
const MAX_BYTES = 2 ** 31 - PAGE_BYTES;

function compile(): WyKernels | null {
  const e = instantiate(wyModuleBytes()) as
    | { vtc: KernelFn; cmvy: KernelFn; vtc32: KernelFn; cmvy32: KernelFn; tz32: KernelFn; memory: WasmMemory }
    | undefined;
  if (e === undefined) return null;
  let view = new Float64Array(e.memory.buffer);
  return {
    vtc: e.vtc,
    cmvy: e.cmvy,
    vtc32: e.vtc32,
    cmvy32: e.cmvy32,
    tz32: e.tz32,
    heap(doubles: number): Float64Array | undefined {
      const bytes = doubles * 8;
      if (bytes > MAX_BYTES) return undefined;
      const have = e.memory.buffer.byteLength;
      if (bytes > have) {
        try {
          e.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
        } catch {
          return undefined;
        }
      }
      if (view.buffer !== e.memory.buffer || view.length === 0) view = new Float64Array(e.memory.buffer);
      return view;
    },
  };
}
