/**
 * The Glorot, He and LeCun presets are rows of data over variance_scaling: each gives the same bits, and describes
 * the same std, as `varianceScaling` with the scale, mode and distribution written out here by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAYOUTS } from '../../src/fans.ts';
import { activationMoments } from '../../src/activations.ts';
import { isPytorchNonlinearity, NONLINEARITIES } from '../../src/gain.ts';
import { DTYPES, type Initializer } from '../../src/initializers/initializer.ts';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  varianceScaling,
  type FanMode,
} from '../../src/initializers/variance-scaling.ts';

/**
 * The variance each nonlinearity asks for: PyTorch's calculate_gain squared, as fractions, for PyTorch's names; for
 * the others 1/E[φ(z)²] with fan_in and 1/E[φ′(z)²] with fan_out (the moments are checked in gains.test.ts).
 */
function expectedVarianceGain(nonlinearity: string, slope: number, mode: FanMode = 'fan_in'): number {
  if (!isPytorchNonlinearity(nonlinearity)) {
    const m = activationMoments(nonlinearity, { negativeSlope: slope });
    return 1 / (mode === 'fan_out' ? m.derivativeSecondMoment : m.secondMoment);
  }
  switch (nonlinearity) {
    case 'relu':
      return 2;
    case 'leaky_relu':
      return 2 / (1 + slope * slope);
    case 'tanh':
      return 25 / 9;
    case 'selu':
      return 9 / 16;
    default:
      return 1; // linear, conv*, conv_transpose*, sigmoid
  }
}

interface Row {
  readonly label: string;
  readonly preset: Initializer;
  /** The same initializer written as variance_scaling. */
  readonly equivalent: Initializer;
}

function presetRows(): Row[] {
  const rows: Row[] = [];
  for (const [distribution, he] of [
    ['normal', heNormal],
    ['uniform', heUniform],
  ] as const) {
    for (const mode of ['fan_in', 'fan_out'] as const) {
      for (const nonlinearity of NONLINEARITIES) {
        const slopes = nonlinearity === 'leaky_relu' ? [0, 0.01, 0.2, Math.sqrt(5)] : [0];
        for (const negativeSlope of slopes) {
          rows.push({
            label: `he_${distribution} ${mode} ${nonlinearity} ${negativeSlope}`,
            preset: he({ mode, nonlinearity, negativeSlope }),
            equivalent: varianceScaling({ scale: expectedVarianceGain(nonlinearity, negativeSlope, mode), mode, distribution }),
          });
        }
      }
    }
    for (const gain of [1, 0.5, 1.5, Math.SQRT2, 5 / 3, 3]) {
      const glorot = distribution === 'normal' ? glorotNormal : glorotUniform;
      rows.push({
        label: `glorot_${distribution} gain ${gain}`,
        preset: glorot({ gain }),
        equivalent: varianceScaling({ scale: gain * gain, mode: 'fan_avg', distribution }),
      });
    }
    rows.push({
      label: `lecun_${distribution}`,
      preset: distribution === 'normal' ? lecunNormal() : lecunUniform(),
      equivalent: varianceScaling({ scale: 1, mode: 'fan_in' as FanMode, distribution }),
    });
  }
  return rows;
}

/** Shapes of rank 2 to 5 with mixed small dimensions (at most a few thousand elements each). */
function tensorShapes(): number[][] {
  const dims = [1, 2, 3, 5, 6, 7, 11, 16, 31, 64];
  const shapes: number[][] = [];
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return dims[state % dims.length]!;
  };
  for (let rank = 2; rank <= 5; rank++) {
    while (shapes.filter((s) => s.length === rank).length < 8) {
      const shape = Array.from({ length: rank }, next);
      if (shape.reduce((a, b) => a * b, 1) <= 4096) shapes.push(shape);
    }
  }
  return shapes;
}

const rows = presetRows();

test('every preset draws the same bits as variance_scaling with its scale, mode and distribution', () => {
  const shapes = tensorShapes();
  for (const row of rows) {
    for (const shape of shapes) {
      for (const layout of LAYOUTS) {
        for (const dtype of DTYPES) {
          const key = shape.length * 1000 + shape[0]!;
          const a = row.preset(shape, key, { layout, dtype });
          const b = row.equivalent(shape, key, { layout, dtype });
          assert.deepEqual(a, b, `${row.label} [${shape}] ${layout} ${dtype}`);
        }
      }
    }
  }
});

test('every preset describes the same std and mean as variance_scaling, over 3,600 dense shapes', () => {
  for (const row of rows) {
    for (let a = 1; a <= 60; a++) {
      for (let b = 1; b <= 60; b++) {
        for (const layout of LAYOUTS) {
          const p = row.preset.describe([a, b], layout);
          const v = row.equivalent.describe([a, b], layout);
          if (p.std !== v.std || p.mean !== v.mean) assert.fail(`${row.label} [${a}, ${b}] ${layout}: std ${p.std} vs ${v.std}`);
        }
      }
    }
  }
});

test('the presets keep their specs: options unchanged, no scale in them', () => {
  assert.deepEqual(heNormal().spec, { name: 'he_normal', mode: 'fan_in', nonlinearity: 'relu', negativeSlope: 0 });
  assert.deepEqual(heUniform({ nonlinearity: 'leaky_relu', negativeSlope: 0.2 }).spec, {
    name: 'he_uniform',
    mode: 'fan_in',
    nonlinearity: 'leaky_relu',
    negativeSlope: 0.2,
  });
  assert.deepEqual(glorotNormal({ gain: 2 }).spec, { name: 'glorot_normal', gain: 2 });
  assert.deepEqual(glorotUniform().spec, { name: 'glorot_uniform', gain: 1 });
  assert.deepEqual(lecunNormal().spec, { name: 'lecun_normal' });
  assert.deepEqual(lecunUniform().spec, { name: 'lecun_uniform' });
});
