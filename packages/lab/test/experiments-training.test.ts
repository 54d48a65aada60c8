/**
 * The MNIST training experiments (`symmetry`, `mnist`, `depth`) and what they share: distinct-neuron counting,
 * seeded runs that give the same bits inline and on worker threads, config checks, the statistics behind the
 * claims, and the claims' verdicts on constructed results. Small configs only: the full-size claims are checked
 * on the quick report in report.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InitError } from 'initlab';
import { setupBackend } from '../src/engine/backend.ts';
import { depthExperiment, requiredAtChance, type DepthResult, type DepthRun } from '../src/experiments/depth.ts';
import { closeTrainingWorkers, countDistinctNeurons, runTrainingJobs, trainRun, type TrainingJob, type TrainingRun } from '../src/engine/training-jobs.ts';
import { CHANCE_LOSS, finalLoss, firstBelow, median, movingAverage, summarize } from '../src/analysis/training-summary.ts';
import { mnistExperiment, type MnistConfig, type MnistResult } from '../src/experiments/mnist.ts';
import { describeInit, layerSizes, reluRole } from '../src/experiments/training-config.ts';
import { isConstantInit, symmetryExperiment, type SymmetryResult } from '../src/experiments/symmetry.ts';
import { EXPERIMENT_NAMES } from '../src/experiments/index.ts';
import { initLabel, initSpec } from '../src/init-arg.ts';

before(async () => {
  await setupBackend();
});
after(async () => {
  await closeTrainingWorkers();
});

/** Runs `fn` with INITLAB_WORKERS set to `value`, restoring it afterwards. */
async function withWorkers<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env['INITLAB_WORKERS'];
  process.env['INITLAB_WORKERS'] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env['INITLAB_WORKERS'];
    else process.env['INITLAB_WORKERS'] = saved;
  }
}

test('the registry lists the experiments in the order of the issue', () => {
  assert.deepEqual(EXPERIMENT_NAMES, ['activations', 'gradients', 'symmetry', 'mnist', 'depth', 'selu', 'recurrent', 'signal', 'lsuv']);
});

test('countDistinctNeurons: columns of an [fanIn, fanOut] kernel plus the bias, equal within 1e-6', () => {
  // 3 inputs, 4 neurons: columns 0 and 2 equal, column 1 within 1e-7 of them, column 3 different.
  const kernel = Float32Array.from([1, 1, 1, 1, 2, 2 + 1e-7, 2, 2, 3, 3, 3, 3.5]);
  assert.equal(countDistinctNeurons(kernel, null, 3, 4), 2);
  assert.equal(countDistinctNeurons(kernel, Float32Array.from([0, 0, 0, 0]), 3, 4), 2);
  // A bias that differs makes neuron 2 its own.
  assert.equal(countDistinctNeurons(kernel, Float32Array.from([0, 0, 0.5, 0]), 3, 4), 3);
  // A difference just above the tolerance counts.
  assert.equal(countDistinctNeurons(Float32Array.from([0, 1e-5]), null, 1, 2), 2);
  assert.equal(countDistinctNeurons(new Float32Array(50 * 7), new Float32Array(7), 50, 7), 1);
  // NaN weights are never equal to anything (a diverged run does not look symmetric).
  assert.equal(countDistinctNeurons(Float32Array.from([Number.NaN, Number.NaN]), null, 1, 2), 2);
});

test('movingAverage, median, finalLoss and firstBelow', () => {
  assert.deepEqual(movingAverage([1, 2, 3, 4, 5], 2), [1, 1.5, 2.5, 3.5, 4.5]);
  assert.deepEqual(movingAverage([4, 2, 6], 10), [4, 3, 4]);
  const withNaN = movingAverage([1, Number.NaN, 3, 5], 2);
  assert.ok(Number.isNaN(withNaN[1]!) && Number.isNaN(withNaN[2]!));
  assert.equal(withNaN[3], 4);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(finalLoss([9, 9, 1, 2, 3], 3), 2);
  assert.equal(firstBelow([3, 2.5, 2, 1], 2.2), 2);
  assert.equal(firstBelow([3, 2.5], 1), null);
});

test('reluRole and isConstantInit classify initializers by what they draw', () => {
  assert.equal(reluRole(initSpec('he_normal'), 100), 'he');
  assert.equal(reluRole(initSpec('kaiming_uniform'), 100), 'he');
  assert.equal(reluRole(initSpec('lecun_normal'), 100), 'xavier');
  assert.equal(reluRole(initSpec('variance_scaling:scale=1,distribution=normal'), 100), 'xavier');
  assert.equal(reluRole(initSpec('glorot_normal'), 100), 'xavier'); // 2/(100 + 100) = 1/100 for square layers
  assert.equal(reluRole(initSpec('normal:std=0.01'), 100), 'small');
  assert.equal(reluRole(initSpec('normal:std=1'), 100), 'other');
  assert.ok(isConstantInit(initSpec('zeros')) && isConstantInit(initSpec('constant:value=0.5')) && isConstantInit(initSpec('ones')));
  assert.ok(!isConstantInit(initSpec('he_normal')) && !isConstantInit(initSpec('normal:std=0.01')));
  assert.match(describeInit(initSpec('lecun_normal'), 100), /variance 1\/fan_in, std 0\.1 at 100×100/);
  assert.match(describeInit(initSpec('he_normal'), 100), /He, std 0\.141/);
});

test('layerSizes: 784 inputs, depth hidden layers of width, 10 outputs', () => {
  assert.deepEqual(layerSizes({ depth: 4, width: 100 }), [784, 100, 100, 100, 100, 10]);
  assert.equal(layerSizes({ depth: 30, width: 100 }).length, 32);
});

test('defaults reproduce the issue: mnist 3 inits × 3 seeds × 2,000 SGD steps at lr 0.01, depth 30 layers, symmetry zeros/constant/he', () => {
  const m = mnistExperiment.defaults(false, 5);
  assert.deepEqual(m.init.map(initLabel), ['normal:std=0.01', 'glorot_normal', 'he_normal']);
  assert.deepEqual([m.seeds, m.iterations, m.lr, m.batch, m.depth, m.width, m.activation, m.seed], [3, 2000, 0.01, 128, 4, 100, 'relu', 5]);
  const d = depthExperiment.defaults(false, 0);
  assert.deepEqual(d.init.map(initLabel), ['he_normal', 'lecun_normal']);
  assert.deepEqual([d.iterations, d.lr, d.batch, d.depth, d.width], [2000, 0.01, 128, 30, 100]);
  const s = symmetryExperiment.defaults(false, 0);
  assert.deepEqual(s.init.map(initLabel), ['zeros', 'constant:value=0.5', 'he_normal']);
  assert.deepEqual([s.depth, s.width], [2, 50]);
  for (const e of [mnistExperiment, depthExperiment, symmetryExperiment]) {
    const quick = e.defaults(true, 0) as { iterations: number };
    assert.ok(quick.iterations < (e.defaults(false, 0) as { iterations: number }).iterations);
    for (const key of ['init', 'seeds', 'iterations', 'lr', 'batch', 'depth', 'width', 'seed']) {
      assert.ok(
        e.options.some((o) => o.key === key),
        `${e.name} has --${key}`,
      );
      assert.ok(key in quick, `${e.name} config has ${key}`);
    }
  }
});

test('run rejects bad configs with an InitError naming the field, before training', async () => {
  const base: MnistConfig = { ...mnistExperiment.defaults(true, 0), iterations: 1 };
  await assert.rejects(mnistExperiment.run({ ...base, iterations: 0 }), (e: unknown) => e instanceof InitError && /iterations/.test(e.message));
  await assert.rejects(mnistExperiment.run({ ...base, lr: -1 }), (e: unknown) => e instanceof InitError && /lr/.test(e.message));
  await assert.rejects(mnistExperiment.run({ ...base, init: [{ name: 'he_nromal' }] }), InitError);
  await assert.rejects(
    mnistExperiment.run({ ...base, init: [initSpec('normal:std=1e-2'), initSpec('normal:std=0.01')] }),
    (e: unknown) => e instanceof InitError && /without repeats/.test(e.message),
  );
  await assert.rejects(mnistExperiment.run({ ...base, init: [] }), InitError);
  await assert.rejects(mnistExperiment.run({ ...base, activation: 'swish' as never }), (e: unknown) => e instanceof InitError && /activation/.test(e.message));
  await assert.rejects(
    symmetryExperiment.run({ ...symmetryExperiment.defaults(true, 0), activation: ['relu', 'softplus' as never] }),
    (e: unknown) => e instanceof InitError && /activation/.test(e.message),
  );
});

const tinyJob: TrainingJob = { sizes: [784, 16, 16, 10], activation: 'relu', init: initSpec('he_normal'), seed: 3, lr: 0.05, batch: 32, iterations: 25 };

test('trainRun is deterministic: same job, same loss curve and accuracy; another seed differs', () => {
  const a = trainRun(tinyJob);
  const b = trainRun(tinyJob);
  assert.equal(a.loss.length, 25);
  assert.deepEqual(a.loss, b.loss);
  assert.equal(a.testAccuracy, b.testAccuracy);
  assert.ok(a.loss.every(Number.isFinite));
  const c = trainRun({ ...tinyJob, seed: 4 });
  assert.notDeepEqual(c.loss, a.loss);
  assert.deepEqual(a.init, initSpec('he_normal'));
  assert.equal(a.seed, 3);
});

test('runTrainingJobs gives the same results on worker threads as in this thread, in job order, with progress', async () => {
  const jobs: TrainingJob[] = [tinyJob, { ...tinyJob, init: initSpec('glorot_normal') }, { ...tinyJob, seed: 9, iterations: 12 }];
  const progress: [number, number][] = [];
  const inline = await withWorkers('1', () => runTrainingJobs(jobs, (done, total) => progress.push([done, total])));
  const threaded = await withWorkers('2', () => runTrainingJobs(jobs));
  assert.deepEqual(threaded, inline);
  assert.deepEqual(
    inline.map((r) => [initLabel(r.init), r.seed, r.loss.length]),
    [
      ['he_normal', 3, 25],
      ['glorot_normal', 3, 25],
      ['he_normal', 9, 12],
    ],
  );
  assert.deepEqual(progress[0], [0, 62]);
  assert.deepEqual(progress[progress.length - 1], [62, 62]);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]![0] >= progress[i - 1]![0], 'progress never goes back');
});

test('a failing job rejects runTrainingJobs (on workers too) with its message', async () => {
  const bad: TrainingJob = { ...tinyJob, sizes: [784, 0, 10] };
  await withWorkers('2', () => assert.rejects(runTrainingJobs([tinyJob, bad]), /positive integers/));
  // The pool recovers: the next call works.
  const [ok] = await withWorkers('2', () => runTrainingJobs([tinyJob, tinyJob]));
  assert.equal(ok!.loss.length, 25);
});

test('symmetry: constant init keeps 1 distinct neuron per layer through training, he_normal keeps all', async () => {
  const config = { ...symmetryExperiment.defaults(true, 0), iterations: 40, width: 12, activation: ['sigmoid', 'relu'] as const };
  const result = await withWorkers('1', () => symmetryExperiment.run({ ...config, activation: [...config.activation] }));
  assert.equal(result.runs.length, 6);
  for (const run of result.runs) {
    assert.deepEqual(Object.keys(run).sort(), ['activation', 'distinctNeurons', 'init', 'loss', 'seed', 'testAccuracy', 'weightChange']);
    assert.equal(run.loss.length, 40);
    const expected = isConstantInit(run.init) ? 1 : 12;
    assert.deepEqual(run.distinctNeurons, { before: [expected, expected], after: [expected, expected] }, `${run.activation} ${initLabel(run.init)}`);
  }
  const find = (activation: string, init: string): SymmetryResult['runs'][number] =>
    result.runs.find((r) => r.activation === activation && initLabel(r.init) === init)!;
  // sigmoid + zeros: the hidden weights do move (identically); relu + zeros: not at all (zero gradients).
  assert.ok(Math.max(...find('sigmoid', 'zeros').weightChange) > 0);
  assert.deepEqual(find('relu', 'zeros').weightChange, [0, 0]);
  const claims = symmetryExperiment.claims(result);
  assert.equal(claims[0]!.held, true);
  assert.equal(claims[1]!.held, true);
  assert.match(symmetryExperiment.reading(result), /1 distinct neuron\(s\) out of 12/);
  const figures = symmetryExperiment.figures(result);
  assert.deepEqual(
    figures.map((f) => f.name),
    ['symmetry-neurons', 'symmetry-accuracy'],
  );
  assert.equal(JSON.parse(JSON.stringify(result)).runs.length, 6);
});

/** A training run with a given loss curve and accuracy. */
function fakeRun(init: string, seed: number, loss: number[], testAccuracy: number): TrainingRun {
  return { init: initSpec(init), seed, loss, testAccuracy };
}

test('mnist claims: held on a wide gap, not held when the gap is under 20 points', () => {
  const config: MnistConfig = { ...mnistExperiment.defaults(false, 0), seeds: 2, iterations: 4 };
  const flat = [2.31, 2.3, 2.3, 2.3];
  const falling = [2.3, 1.2, 0.8, 0.5];
  const make = (xavier: number): MnistResult => {
    const runs = [0, 1].flatMap((seed) => [
      fakeRun('normal:std=0.01', seed, flat, 0.11),
      fakeRun('glorot_normal', seed, [2.3, 2.0, 1.1, 0.9], xavier),
      fakeRun('he_normal', seed, falling, 0.93),
    ]);
    return { config, runs, summary: summarize(runs, config.init, config.iterations) };
  };
  const good = mnistExperiment.claims(make(0.9));
  assert.deepEqual(
    good.map((c) => c.held),
    [true, true, true],
  );
  assert.match(good[0]!.measurement, /normal:std=0\.01 11\.0%, glorot_normal 90\.0%, he_normal 93\.0%/);
  const narrow = mnistExperiment.claims(make(0.25));
  assert.equal(narrow[0]!.held, false);
  assert.match(mnistExperiment.reading(make(0.9)), /normal:std=0\.01 never leaves the chance loss/);
});

test('depth: iterationsAtChance from a real (short) 30-layer run, and the claims on constructed curves', async () => {
  const config = { ...depthExperiment.defaults(true, 0), iterations: 15 };
  const result = await depthExperiment.run(config);
  assert.deepEqual(
    result.runs.map((r) => [initLabel(r.init), r.loss.length]),
    [
      ['he_normal', 15],
      ['lecun_normal', 15],
    ],
  );
  const lecun = result.runs.find((r) => initLabel(r.init) === 'lecun_normal')!;
  assert.equal(lecun.iterationsAtChance, 15, 'the variance-1/fan_in net does not move in 15 steps');
  assert.ok(
    lecun.loss.every((v) => Math.abs(v - CHANCE_LOSS) < 0.01),
    `lecun_normal loss ${lecun.loss.slice(0, 3)}`,
  );

  assert.equal(requiredAtChance(2000), 1000);
  assert.equal(requiredAtChance(300), 300);
  const iterations = 1200;
  const stuck = new Array<number>(iterations).fill(CHANCE_LOSS);
  const learns = Array.from({ length: iterations }, (_, i) => Math.max(0.2, CHANCE_LOSS - i / 300));
  const leavesEarly = Array.from({ length: iterations }, (_, i) => (i < 600 ? CHANCE_LOSS : 1.5));
  const run = (init: string, loss: number[], acc: number): DepthRun => ({
    init: initSpec(init),
    seed: 0,
    loss,
    testAccuracy: acc,
    iterationsAtChance: firstBelow(movingAverage(loss, 50), CHANCE_LOSS - 0.1) ?? iterations,
  });
  const fake = (xavierLoss: number[]): DepthResult => {
    const runs = [run('he_normal', learns, 0.93), run('lecun_normal', xavierLoss, 0.11)];
    return { config: { ...config, iterations, seeds: 1 }, runs, summary: summarize(runs, ['he_normal', 'lecun_normal'].map(initSpec), iterations) };
  };
  assert.deepEqual(
    depthExperiment.claims(fake(stuck)).map((c) => c.held),
    [true, true],
  );
  const early = depthExperiment.claims(fake(leavesEarly));
  assert.equal(early[1]!.held, false);
  assert.match(early[1]!.measurement, /for the first 6\d\d iterations \(needed: the first 1,000; 1 seed\(s\)\)/);
});
