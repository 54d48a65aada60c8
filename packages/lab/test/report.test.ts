/**
 * The report: one quick report (`runReport({quick: true})`, the library function behind `initlab report --quick`)
 * written into a temporary directory, then each of the seed's claims asserted with margins on its numbers, the
 * files it wrote (the commands `initlab lab` and `initlab report` are tested with the initlab CLI).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InitError } from 'initlab';
import { initLabel } from '../src/init-arg.ts';
import type { ActivationsGridResult, ActivationsRun } from '../src/experiments/activations.ts';
import type { DepthResult } from '../src/experiments/depth.ts';
import { EXPERIMENT_NAMES } from '../src/experiments/index.ts';
import { CHANCE_LOSS, finalLoss } from '../src/analysis/training-summary.ts';
import { closeTrainingWorkers } from '../src/engine/training-jobs.ts';
import type { MnistResult } from '../src/experiments/mnist.ts';
import type { SymmetryResult } from '../src/experiments/symmetry.ts';
import { checkReportTarget, runReport, type ReportOutcome } from '../src/report/report.ts';
import { scopeSvgIds } from '../src/report/html.ts';
import { splitInitList } from '../src/cli/lab.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const dir = mkdtempSync(join(tmpdir(), 'initlab-report-'));
const out = join(dir, 'report');
let report: ReportOutcome;

before(async () => {
  report = await runReport({ out, quick: true, seed: 0, date: new Date('2025-01-02T03:04:05Z') });
});
after(async () => {
  await closeTrainingWorkers();
  rmSync(dir, { recursive: true, force: true });
});

/** The result of an experiment of the report. */
function resultOf<T>(name: string): T {
  const experiment = report.experiments.find((e) => e.name === name);
  assert.ok(experiment, `the report ran ${name}`);
  return experiment.result as T;
}

function activationRun(activation: string, init: string): ActivationsRun {
  const run = resultOf<ActivationsGridResult>('activations').runs.find((r) => r.activation === activation && initLabel(r.init) === init);
  assert.ok(run, `activations ran ${activation} with ${init}`);
  return run;
}

test('the quick report runs every experiment, in registry order', (t) => {
  // Its wall time is reported, not asserted: speed is measured by benchmarks, not timed unit tests.
  t.diagnostic(`quick report: ${report.seconds.toFixed(1)} s (${report.experiments.map((e) => `${e.name} ${e.seconds.toFixed(1)} s`).join(', ')})`);
  assert.deepEqual(
    report.experiments.map((e) => e.name),
    [...EXPERIMENT_NAMES],
  );
  assert.equal(report.quick, true);
  assert.equal(report.seed, 0);
  for (const e of report.experiments) {
    assert.ok(e.claims.length > 0, `${e.name} checks claims`);
    assert.ok(e.figures.length > 0, `${e.name} draws figures`);
    assert.ok(e.reading.length > 40 && /\d/.test(e.reading), `${e.name} reading has numbers`);
  }
});

test('sigmoid with std 1: most layer-5 activations are saturated', () => {
  const layers = activationRun('sigmoid', 'normal:std=1').layers;
  assert.equal(layers.length, 5);
  // "most": more than half within 0.02 of 0 or 1 (measured: 58% with the quick 300 samples)
  assert.ok(layers[4]!.saturated > 0.5, `saturated fraction ${layers[4]!.saturated}`);
});

test('sigmoid with std 0.01: the layer-5 std is tiny and the activations are centred on 0.5', () => {
  const last = activationRun('sigmoid', 'normal:std=0.01').layers[4]!;
  // tiny next to the [0, 1] range of sigmoid (measured: 0.012), and centred on 0.5
  assert.ok(last.std < 0.02, `std ${last.std}`);
  assert.ok(Math.abs(last.mean - 0.5) < 0.02, `mean ${last.mean}`);
  assert.equal(last.saturated, 0);
});

test('ReLU with He: the std stays roughly constant over depth (within a factor 2 of layer 1 everywhere)', () => {
  const stds = activationRun('relu', 'he_normal').layers.map((l) => l.std);
  for (const std of stds) assert.ok(std > stds[0]! / 2 && std < stds[0]! * 2, `stds ${stds.join(', ')}`);
  // …while Xavier lets it shrink with depth.
  const xavier = activationRun('relu', 'glorot_normal').layers.map((l) => l.std);
  assert.ok(xavier[4]! < xavier[0]! / 2, `glorot_normal stds ${xavier.join(', ')}`);
});

test('symmetry: constant init leaves exactly 1 distinct neuron per hidden layer, before and after training', () => {
  const result = resultOf<SymmetryResult>('symmetry');
  const constant = result.runs.filter((r) => initLabel(r.init) === 'zeros' || initLabel(r.init) === 'constant:value=0.5');
  assert.equal(constant.length, 4);
  for (const run of constant) assert.deepEqual(run.distinctNeurons, { before: [1, 1], after: [1, 1] }, `${run.activation} ${run.init}`);
  for (const run of result.runs.filter((r) => initLabel(r.init) === 'he_normal')) {
    assert.deepEqual(run.distinctNeurons, { before: [50, 50], after: [50, 50] });
    // and the random init learns, the constant ones do not (by a wide margin)
    const best = Math.max(...constant.filter((r) => r.activation === run.activation).map((r) => r.testAccuracy));
    assert.ok(run.testAccuracy - best >= 0.3, `${run.activation}: he ${run.testAccuracy} vs constant ${best}`);
  }
});

test('mnist: he and xavier beat std 0.01 by at least 20 points of test accuracy, and std 0.01 stays at the chance loss', () => {
  const result = resultOf<MnistResult>('mnist');
  const acc = (init: string): number => {
    const runs = result.runs.filter((r) => initLabel(r.init) === init);
    assert.ok(runs.length > 0, init);
    return Math.min(...runs.map((r) => r.testAccuracy));
  };
  const small = Math.max(...result.runs.filter((r) => initLabel(r.init) === 'normal:std=0.01').map((r) => r.testAccuracy));
  assert.ok(acc('he_normal') - small >= 0.2, `he ${acc('he_normal')} vs std 0.01 ${small}`);
  assert.ok(acc('glorot_normal') - small >= 0.2, `xavier ${acc('glorot_normal')} vs std 0.01 ${small}`);
  for (const run of result.runs.filter((r) => initLabel(r.init) === 'normal:std=0.01')) assert.ok(finalLoss(run.loss) > CHANCE_LOSS - 0.05);
  for (const run of result.runs) assert.equal(run.loss.length, result.config.iterations);
});

test('depth: 30 ReLU layers, he goes well below the chance loss while xavier (variance 1/fan_in) stays at it', () => {
  const result = resultOf<DepthResult>('depth');
  assert.equal(result.config.depth, 30);
  const he = result.runs.find((r) => initLabel(r.init) === 'he_normal')!;
  const xavier = result.runs.find((r) => initLabel(r.init) === 'lecun_normal')!;
  assert.ok(finalLoss(he.loss) < CHANCE_LOSS - 1, `he final loss ${finalLoss(he.loss)}`);
  assert.ok(he.testAccuracy > 0.5, `he accuracy ${he.testAccuracy}`);
  assert.ok(finalLoss(xavier.loss) > CHANCE_LOSS - 0.05, `xavier final loss ${finalLoss(xavier.loss)}`);
  assert.equal(xavier.iterationsAtChance, result.config.iterations);
  assert.ok(xavier.testAccuracy < 0.2);
});

test('every claim of the quick report held except those recorded as not holding', () => {
  const failed = report.experiments.flatMap((e) => e.claims.filter((c) => !c.held).map((c) => `${e.name}: ${c.claim}`));
  for (const name of ['activations', 'gradients', 'symmetry', 'mnist', 'depth']) {
    const experiment = report.experiments.find((e) => e.name === name)!;
    assert.deepEqual(
      experiment.claims.filter((c) => !c.held).map((c) => c.claim),
      [],
      `${name}'s claims`,
    );
  }
  // Failed claims are reported, not hidden: each is in the summary table with a ✗.
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.equal((html.match(/<td class="held no"/g) ?? []).length, failed.length);
});

test('the report directory: index.html with the summary table first and inline SVG, results.json, SVG and PNG figures', () => {
  assert.equal(report.dir, out);
  assert.deepEqual(readdirSync(out).sort(), ['figures', 'index.html', 'results.json']);
  assert.deepEqual(readdirSync(dir), ['report'], 'no temporary directory left behind');
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  const summary = html.indexOf('id="summary-table"');
  assert.ok(summary > 0, 'summary table');
  for (const name of EXPERIMENT_NAMES) assert.ok(html.indexOf(`<section id="${name}">`) > summary, `section ${name} after the summary`);
  const claims = report.experiments.reduce((n, e) => n + e.claims.length, 0);
  assert.equal((html.match(/<td class="held (yes|no)"/g) ?? []).length, claims, 'one summary row per claim');
  assert.equal(
    (html.match(/<svg\b/g) ?? []).length,
    report.experiments.reduce((n, e) => n + e.figures.length, 0),
    'every figure inline',
  );
  assert.match(html, /Threefry-2x32-20/);
  assert.match(html, /2025-01-02 03:04:05 UTC/);
  assert.match(html, /<dt>seed<\/dt><dd>0<\/dd>/);
  assert.match(html, /<dt>backend<\/dt><dd>TensorFlow\.js wasm/);
  assert.match(html, /<dt>package<\/dt><dd>initlab \d+\.\d+\.\d+/);
  // Opens with no network: nothing is loaded from elsewhere.
  assert.doesNotMatch(html, /<script|<link\b|\bsrc="http|@import|url\(http/i);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    generator: string;
    seed: number;
    quick: boolean;
    experiments: { name: string; result: { config: unknown }; claims: unknown[]; figures: { svg: string; png: string }[] }[];
  };
  assert.equal(results.generator, 'initlab report');
  assert.deepEqual(
    results.experiments.map((e) => e.name),
    [...EXPERIMENT_NAMES],
  );
  for (const e of results.experiments) {
    assert.ok(e.result.config, `${e.name} result has its config`);
    for (const f of e.figures) {
      const svg = readFileSync(join(out, f.svg), 'utf8');
      assert.match(svg, /^<svg\b/);
      const png = readFileSync(join(out, f.png));
      assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, f.png);
    }
  }
  assert.ok(existsSync(join(out, 'figures', 'mnist-loss.vl.json')));
});

test('checkReportTarget: a new, empty or earlier report directory may be written; anything else is refused', () => {
  checkReportTarget(join(dir, 'does-not-exist'));
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  checkReportTarget(empty);
  checkReportTarget(out); // the report written above
  const other = join(dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'notes.txt'), 'mine');
  assert.throws(
    () => checkReportTarget(other),
    (e: unknown) => e instanceof InitError && /--out must be a new directory/.test(e.message),
  );
  assert.throws(() => checkReportTarget(join(other, 'notes.txt')), /not a directory/);
  rmSync(other, { recursive: true });
  rmSync(empty, { recursive: true });
});

test('scopeSvgIds prefixes ids and their references so that inlined figures do not collide', () => {
  const svg =
    '<svg width="10"><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/><use xlink:href="#other"/></g></svg>';
  const scoped = scopeSvgIds(svg, 'f-a');
  assert.match(scoped, /id="f-a-clip1"/);
  assert.match(scoped, /url\(#f-a-clip1\)/);
  assert.match(scoped, /href="#f-a-clip1"/);
  assert.match(scoped, /xlink:href="#other"/);
  assert.match(scoped, /^<svg role="img"/);
});

test('splitInitList keeps the commas inside one initializer argument', () => {
  assert.deepEqual(splitInitList('zeros,he_normal'), ['zeros', 'he_normal']);
  assert.deepEqual(splitInitList('variance_scaling:scale=1,distribution=normal,he_normal'), ['variance_scaling:scale=1,distribution=normal', 'he_normal']);
  assert.deepEqual(splitInitList('normal:std=0.01, glorot_normal'), ['normal:std=0.01', 'glorot_normal']);
  assert.deepEqual(splitInitList('{"name":"normal","std":1}'), ['{"name":"normal","std":1}']);
  assert.deepEqual(splitInitList('[{"name":"normal","std":1},"he_normal"]'), ['{"name":"normal","std":1}', 'he_normal']);
});
