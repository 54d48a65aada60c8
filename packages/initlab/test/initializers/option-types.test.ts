/**
 * Option schemas type the options that `check` and `plan` receive. The type assertions here are checked by the
 * compiler (`@ts-expect-error` fails the build if the error goes away); the runtime part checks the validator
 * delivers values of those types.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { truncatedNormalDefinition } from '../../src/initializers/basic.ts';
import { resolveOptions, type ResolvedOptionsOf } from '../../src/initializers/options.ts';
import { type heNormalDefinition, varianceScalingDefinition } from '../../src/initializers/variance-scaling.ts';

type HePlanOptions = Parameters<typeof heNormalDefinition.plan>[0];
type VarianceScalingPlanOptions = Parameters<typeof varianceScalingDefinition.plan>[0];

test('plan options are typed by the schema: numbers, and the unions of choice values', () => {
  const he: HePlanOptions = { mode: 'fan_out', nonlinearity: 'leaky_relu', negativeSlope: 0.2 };
  // @ts-expect-error fan_avg is not one of He's modes
  const heFanAvg: HePlanOptions = { mode: 'fan_avg', nonlinearity: 'relu', negativeSlope: 0 };
  // @ts-expect-error negativeSlope is a number
  const heSlopeText: HePlanOptions = { mode: 'fan_in', nonlinearity: 'relu', negativeSlope: '0' };
  const vs: VarianceScalingPlanOptions = { scale: 2, mode: 'fan_avg', distribution: 'truncated_normal' };
  // @ts-expect-error untruncated_normal is an alias, resolved before plan sees it
  const vsAlias: VarianceScalingPlanOptions = { scale: 2, mode: 'fan_in', distribution: 'untruncated_normal' };
  assert.ok([he, heFanAvg, heSlopeText, vs, vsAlias].length === 5);
});

test('resolveOptions returns the typed options, aliases resolved and derived defaults filled in', () => {
  const vs: ResolvedOptionsOf<typeof varianceScalingDefinition.options> = resolveOptions('variance_scaling', varianceScalingDefinition.options, {
    mode: 'fanAvg',
    distribution: 'untruncated_normal',
  });
  assert.deepEqual(vs, { scale: 1, mode: 'fan_avg', distribution: 'normal' });
  const t = resolveOptions('truncated_normal', truncatedNormalDefinition.options, { mean: 1, std: 0.5 });
  const sum: number = t.mean + t.std + t.low + t.high;
  assert.equal(sum, 1 + 0.5 + 0 + 2);
});
