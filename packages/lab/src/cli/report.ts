/**
 * `initlab report [--out DIR] [--quick] [--seed N]`: runs every lab experiment and writes the report directory
 * (index.html, results.json, figures/*.svg|png), then prints where it wrote and one line per claim.
 *
 * The lab (TensorFlow.js, Vega) is imported inside the action only.
 */
import { relative } from 'node:path';
import { type CommandInput, type CommandSpec, print, usageFail } from 'initlab/cli';
import { progressBar } from './lab.ts';

/** `initlab report`. */
export const reportCommand: CommandSpec = {
  name: 'report',
  summary: 'run every lab experiment and write the report: index.html, results.json, figures',
  description:
    'Runs every experiment of the lab with its default settings (or --quick ones) and one seed, and writes a self-contained ' +
    'report: DIR/index.html (a summary table of the claims, then one section per experiment with inline figures, numbers ' +
    'and a reading; opens from disk with no network), DIR/results.json and DIR/figures/<name>.svg, .png and .vl.json. ' +
    'DIR is replaced only when the report is complete. The full report takes a few minutes on two CPUs; --quick well under one.',
  flags: {
    out: { type: 'string', value: 'dir', help: 'output directory: new, empty or an earlier report', default: 'report' },
    quick: { type: 'boolean', help: 'fewer iterations and samples, same claims (under a minute)' },
    seed: { type: 'string', value: 'n', help: 'seed of every experiment (an integer)', default: '0' },
  },
  helpAfter: () => ['', 'Examples:', '  initlab report', '  initlab report --quick --out /tmp/report', '  initlab report --seed 7'].join('\n'),
  run,
};

async function run({ flags }: CommandInput): Promise<void> {
  const out = String(flags['out']);
  const seedText = String(flags['seed']);
  const seed = /^[+-]?\d+$/.test(seedText) ? Number(seedText) : Number.NaN;
  if (!Number.isSafeInteger(seed)) usageFail('report', '--seed', 'an integer', seedText);
  const { runReport, checkReportTarget } = await import('../report/report.ts');
  checkReportTarget(out);
  const tty = process.stderr.isTTY === true;
  let bar: ReturnType<typeof progressBar> = null;
  const outcome = await runReport({
    out,
    quick: flags['quick'] === true,
    seed,
    events: {
      notice: (message) => process.stderr.write(`${message}\n`),
      start: (experiment) => {
        bar = tty ? progressBar(experiment.name) : null;
      },
      progress: (_experiment, done, total) => bar?.update(done, total),
      end: (experiment, result) => {
        bar?.stop();
        bar = null;
        if (!tty) {
          const held = result.claims.filter((c) => c.held).length;
          process.stderr.write(`initlab: report: ${experiment.name} done in ${result.seconds.toFixed(1)} s (${held} of ${result.claims.length} claims held)\n`);
        }
      },
    },
  });
  const near = relative(process.cwd(), outcome.dir) || '.';
  const where = near.startsWith('..') ? outcome.dir : near;
  const figures = outcome.experiments.reduce((sum, e) => sum + e.figures.length, 0);
  const minutes = outcome.seconds >= 60 ? `${Math.floor(outcome.seconds / 60)} min ${Math.round(outcome.seconds % 60)} s` : `${outcome.seconds.toFixed(1)} s`;
  print(
    `wrote ${where}/index.html, ${where}/results.json and ${figures} figures in ${where}/figures ` +
      `(${outcome.quick ? 'quick' : 'full'} settings, seed ${outcome.seed}, ${outcome.backend} backend, ${minutes})`,
  );
  let held = 0;
  let total = 0;
  for (const experiment of outcome.experiments) {
    for (const claim of experiment.claims) {
      total++;
      if (claim.held) held++;
      print(`${claim.held ? '✓' : '✗'} ${experiment.name}: ${claim.claim}`);
    }
  }
  print(`${held} of ${total} claims held.`);
}
