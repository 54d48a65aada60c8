/**
 * Forward/backward gains, activation moments and the edge of chaos, against constants computed independently:
 * closed forms (relu, linear, leaky_relu, GELU's E[φ²] = 1/3 + 1/(2π√3), ELU's via Φ) and numpy references
 * (test/support/gain_references.py: composite Gauss–Legendre from numpy's leggauss, float64, split at 0).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { InitError } from '../src/errors.ts';
import {
  ACTIVATION_NAMES,
  activation,
  activationMoments,
  criticalInit,
  gain,
  heNormal,
  keyFromSeed,
  lengthMap,
  NONLINEARITIES,
  normalCdf,
  varianceGain,
  varianceScaling,
} from '../src/index.ts';
import { exp } from '../src/random/special.ts';

interface Reference {
  readonly mean: number;
  readonly second: number;
  readonly derivative: number;
}
const REFERENCES = JSON.parse(readFileSync(new URL('../../test/support/gain-references.json', import.meta.url), 'utf8')) as Record<string, Reference>;

/** The acceptance bound of issue 12 for gains and moments. */
const TOLERANCE = 1e-7;

const near = (actual: number, expected: number, tolerance: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (error ${Math.abs(actual - expected)})`);
};

test('forward gains reproduce the independently computed constants within 1e-7', () => {
  near(gain('relu', { definition: 'forward' }), Math.SQRT2, TOLERANCE, 'relu');
  near(gain('linear', { definition: 'forward' }), 1, TOLERANCE, 'linear');
  near(gain('gelu'), 1 / Math.sqrt(1 / 3 + 1 / (2 * Math.PI * Math.sqrt(3))), TOLERANCE, 'gelu closed form');
  near(gain('gelu'), 1.5335304, 1e-7, 'gelu (issue constant)');
  near(gain('silu'), 1.676532, 1e-6, 'silu (issue constant, 7 digits)');
  near(gain('swish'), gain('silu'), 0, 'swish = silu');
  near(gain('mish'), 1.486848, 1e-6, 'mish (issue constant, 7 digits)');
  near(gain('tanh', { definition: 'forward' }), 1.592537, 1e-6, 'tanh (issue constant, 7 digits)');
  near(gain('leaky_relu', { definition: 'forward', negativeSlope: 0.2 }), gain('leaky_relu', 0.2), TOLERANCE, 'leaky_relu = PyTorch');
  near(gain('selu', { definition: 'forward' }), 1, TOLERANCE, 'selu self-normalizing');
});

test('moments of every activation match the numpy references within 1e-7 (mean, E[φ²], E[φ′²])', () => {
  for (const name of ACTIVATION_NAMES) {
    const key = name === 'leaky_relu' ? 'leaky_relu_0.2' : name === 'swish' ? 'silu' : name;
    const reference = REFERENCES[key]!;
    const m = activationMoments(name, { negativeSlope: 0.2 });
    near(m.mean, reference.mean, TOLERANCE, `${name} mean`);
    near(m.secondMoment, reference.second, TOLERANCE, `${name} E[φ²]`);
    near(m.derivativeSecondMoment, reference.derivative, TOLERANCE, `${name} E[φ′²]`);
    near(gain(name, { definition: 'backward', negativeSlope: 0.2 }), 1 / Math.sqrt(reference.derivative), TOLERANCE, `${name} backward gain`);
  }
});

test('split quadrature is exact enough at a kink for any scale: relu and ELU closed forms at q from 1e-4 to 100', () => {
  for (const q of [1e-4, 0.01, 0.57, 1, 3, 100]) {
    const s = Math.sqrt(q);
    const relu = activationMoments('relu', { q });
    near(relu.secondMoment / q, 0.5, 1e-12, `relu E[φ²]/q at q=${q}`);
    near(relu.mean / s, 1 / Math.sqrt(2 * Math.PI), 1e-12, `relu mean at q=${q}`);
    // ELU, α = 1: E[(e^{sz} − 1)² 1{z<0}] = e^{2s²}Φ(−2s) − 2e^{s²/2}Φ(−s) + ½; E[e^{2sz} 1{z<0}] = e^{2s²}Φ(−2s).
    const negative = exp(2 * q) * normalCdf(-2 * s) - 2 * exp(q / 2) * normalCdf(-s) + 0.5;
    const elu = activationMoments('elu', { q });
    near(elu.secondMoment, q / 2 + negative, 1e-12 * Math.max(1, q), `elu E[φ²] at q=${q}`);
    near(elu.derivativeSecondMoment, 0.5 + exp(2 * q) * normalCdf(-2 * s), 1e-12, `elu E[φ′²] at q=${q}`);
  }
});

test('PyTorch values stay the default for PyTorch names; forward/backward on request; forward for the rest', () => {
  assert.equal(gain('tanh'), 5 / 3);
  assert.equal(gain('selu'), 0.75);
  assert.equal(gain('sigmoid'), 1);
  assert.equal(gain('relu', { definition: 'pytorch' }), Math.SQRT2);
  assert.equal(gain('gelu'), gain('gelu', { definition: 'forward' }));
  near(varianceGain('gelu'), gain('gelu') * gain('gelu'), 1e-15, 'varianceGain = gain²');
  near(varianceGain('tanh', { definition: 'backward' }), 1 / REFERENCES['tanh']!.derivative, TOLERANCE, 'tanh backward variance gain');
  assert.throws(
    () => gain('gelu', { definition: 'pytorch' }),
    (e: unknown) => e instanceof InitError && e.code === 'invalid_option' && /no value for it/.test(e.message),
  );
  assert.throws(() => gain('relu', { definition: 'fwd' as 'forward' }), /definition must be one of pytorch, forward, backward/);
  assert.throws(() => gain('mihs'), /did you mean 'mish'/);
  for (const name of NONLINEARITIES) assert.ok(Number.isFinite(gain(name, { definition: 'forward' })), name);
});

test('activation values, in reproducible arithmetic', () => {
  near(activation('gelu', 1), normalCdf(1), 0, 'gelu(1) = Φ(1)');
  assert.equal(activation('leaky_relu', -2, { negativeSlope: 0.2 }), -0.4);
  near(activation('tanh', 0.5), Math.tanh(0.5), 1e-16, 'tanh');
  near(activation('softplus', 800), 800, 0, 'softplus does not overflow');
  near(activation('sigmoid', -800), 0, 1e-300, 'sigmoid underflows to 0');
  assert.throws(() => activation('rleu', 1), /did you mean 'relu'/);
});

test('He initializers accept the new nonlinearities: forward gain with fan_in, backward gain with fan_out', () => {
  const shape = [256, 128];
  const gelu = heNormal({ nonlinearity: 'gelu' });
  near(gelu.describe(shape).std, Math.sqrt(varianceGain('gelu', { definition: 'forward' }) / 256), 1e-15, 'he_normal gelu fan_in');
  const out = heNormal({ nonlinearity: 'silu', mode: 'fan_out' });
  near(out.describe(shape).std, Math.sqrt(varianceGain('silu', { definition: 'backward' }) / 128), 1e-15, 'he_normal silu fan_out');
  // The same bits as variance_scaling with that scale.
  const key = keyFromSeed(3);
  assert.deepEqual(gelu(shape, key), varianceScaling({ scale: varianceGain('gelu'), distribution: 'normal' })(shape, key));
  // PyTorch's names keep PyTorch's values.
  near(heNormal({ nonlinearity: 'tanh' }).describe(shape).std, Math.sqrt(25 / 9 / 256), 1e-17, 'he_normal tanh = PyTorch');
});

// Edge of chaos for tanh, from the reference table (computed there with scipy): σ_b² → (σ_w², q*).
const TANH_CRITICAL: readonly (readonly [number, number, number])[] = [
  [1e-4, 1.086, 0.0457],
  [0.01, 1.4242, 0.2733],
  [0.05, 1.761, 0.57],
  [0.1, 1.9861, 0.8058],
  [0.5, 2.8432, 1.971],
  [1.0, 3.4432, 3.0364],
];

test('criticalInit: tanh edge of chaos to 4 digits, χ₁ = 1, an attracting fixed point', () => {
  for (const [sigmaB2, sigmaW2, qStar] of TANH_CRITICAL) {
    const c = criticalInit('tanh', { sigmaB: Math.sqrt(sigmaB2) });
    near(c.sigmaW2, sigmaW2, 5e-4 * sigmaW2, `σ_w² at σ_b² = ${sigmaB2}`);
    near(c.qStar, qStar, 5e-4 * Math.max(qStar, 0.1), `q* at σ_b² = ${sigmaB2}`);
    near(c.chi1, 1, 1e-12, 'χ₁');
    assert.ok(c.chiQ < 1 && c.depthScale > 0 && Number.isFinite(c.depthScale), `σ_b² = ${sigmaB2}: attracting (χ_q ${c.chiQ})`);
    // q* is a fixed point of the length map at (σ_w, σ_b).
    const q = lengthMap('tanh', { sigmaW: c.sigmaW, sigmaB: c.sigmaB, layers: 2, inputSecondMoment: (c.qStar - sigmaB2) / c.sigmaW2 });
    near(q[1]!, c.qStar, 1e-9, 'fixed point');
  }
  const zero = criticalInit('tanh', { sigmaB: 0 });
  near(zero.sigmaW2, 1, 1e-9, 'σ_b = 0: σ_w = 1');
  assert.equal(zero.qStar, 0);
  // PyTorch's 5/3 without biases sits at q* = 1.178 (reference table), in the chaotic phase.
  near(lengthMap('tanh', { sigmaW: 5 / 3, layers: 200 }).at(-1)!, 1.178, 5e-4, 'q* at 5/3');
});

test('criticalInit: GELU and SiLU have an edge of chaos whose fixed point repels (χ_q > 1)', () => {
  for (const name of ['gelu', 'silu']) {
    const c = criticalInit(name, { sigmaB: Math.sqrt(0.05) });
    near(c.chi1, 1, 1e-12, `${name} χ₁`);
    assert.ok(c.chiQ > 1 && c.depthScale === Infinity, `${name}: χ_q ${c.chiQ}`);
  }
});

test('criticalInit rejects bad inputs with one-line errors', () => {
  const one = (f: () => unknown, pattern: RegExp): void =>
    assert.throws(f, (e: unknown) => e instanceof InitError && pattern.test(e.message) && !e.message.includes('\n'));
  one(() => criticalInit('tanh', { sigmaB: -0.1 }), /criticalInit: sigmaB must be a finite number ≥ 0; got -0.1/);
  one(() => criticalInit('tanh', { sigmaB: Number.NaN }), /sigmaB must be a finite number/);
  one(() => criticalInit('tahn', { sigmaB: 0.1 }), /nonlinearity must be one of .*did you mean 'tanh'/);
  one(() => criticalInit('relu', { sigmaB: 0.1 }), /sigmaB must be 0 for relu, which has no edge of chaos with biases/);
  one(() => criticalInit('softplus', { sigmaB: 0.1 }), /no fixed point q\*/);
  const relu = criticalInit('relu', { sigmaB: 0 });
  near(relu.sigmaW2, 2, 1e-12, 'relu: σ_w² = 2 (He)');
  assert.ok(Number.isNaN(relu.qStar));
});

test('results are deterministic: the same bits on every call', () => {
  assert.equal(gain('mish'), gain('mish'));
  assert.deepEqual(criticalInit('tanh', { sigmaB: 0.3 }), criticalInit('tanh', { sigmaB: 0.3 }));
});
